# A function value given the type of another: () -> string for a lambda returning an int.
# expect: snapshot: function value {n} (() -> string) of `counter.<lambda>` with 1 captured variables is not one the program makes
BASE = "heap"


def edit(s):
    n = s.global_ref("next")
    s.objects[n].type = s.program.type_index("() -> string")
    return {"n": n}
