# A StringBuilder claiming a buffer of a gigabyte for five bytes of text.
# expect: snapshot: StringBuilder {n} holds 5 bytes in a buffer of 1073741824
BASE = "heap"


def edit(s):
    n = s.global_ref("text")
    s.objects[n].capacity = 1 << 30
    return {"n": n}
