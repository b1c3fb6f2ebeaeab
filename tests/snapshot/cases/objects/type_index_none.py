# Type index 0 means no type.
# expect: snapshot: object 0 has type index 0, outside the program's {types} types
BASE = "heap"


def edit(s):
    s.objects[0].type = 0
