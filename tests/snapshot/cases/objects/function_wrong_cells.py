# A function value that captures one variable, with none.
# expect: snapshot: function value {n} (() -> int) of `counter.<lambda>` with 0 captured variables is not one the program makes
BASE = "heap"


def edit(s):
    n = s.global_ref("next")
    s.objects[n].cells = []
    return {"n": n}
