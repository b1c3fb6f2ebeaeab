# A function value of a function the program does not have.
# expect: snapshot: function value {n} names function 999 of {functions}
BASE = "heap"


def edit(s):
    n = s.global_ref("add")
    s.objects[n].function = 999
    return {"n": n}
