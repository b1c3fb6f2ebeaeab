# A type index one past the run-time type table.
# expect: snapshot: object 0 has type index {types}, outside the program's {types} types
BASE = "heap"


def edit(s):
    s.objects[0].type = s.type_count()
