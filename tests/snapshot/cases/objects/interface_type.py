# An object of an interface type: no object has one.
# expect: snapshot: object {n} is of interface type Shape, which no object can have
BASE = "heap"


def edit(s):
    n = s.global_ref("shape")
    s.objects[n].type = s.program.type_index("Shape")
    return {"n": n}
