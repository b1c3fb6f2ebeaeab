# A StringBuilder whose buffer is no larger than its text (it needs room for a NUL).
# expect: snapshot: StringBuilder {n} holds 5 bytes in a buffer of 5
BASE = "heap"


def edit(s):
    n = s.global_ref("text")
    s.objects[n].capacity = len(s.objects[n].data)
    return {"n": n}
