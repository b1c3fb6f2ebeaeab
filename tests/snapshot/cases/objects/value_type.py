# An object of type int: values of it are not objects.
# expect: snapshot: object 0 has type int, which no object can have
BASE = "heap"


def edit(s):
    s.objects[0].type = s.program.type_index("int")
