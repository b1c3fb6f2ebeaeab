# A StringBuilder's length runs past the end of the data.
# expect: snapshot: the StringBuilder of object {n} claims 1000000 bytes, more than the data left
BASE = "heap"


def edit(s):
    n = s.global_ref("text")
    s.objects[n].length = 1000000
    return {"n": n}
