# A function value of `main`, which no NEW_CLOSURE of the program makes.
# expect: snapshot: function value {n} ((int) -> int) of `main` with 0 captured variables is not one the program makes
BASE = "heap"


def edit(s):
    n = s.global_ref("add")
    s.objects[n].function = s.program.function("main")
    return {"n": n}
