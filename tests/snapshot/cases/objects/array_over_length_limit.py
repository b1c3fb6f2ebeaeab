# A Node[] longer than any array can be (2^32 elements).
# expect: snapshot: array {n} claims 4294967297 elements, more than the data left
BASE = "heap"


def edit(s):
    n = s.global_ref("nodes")
    s.objects[n].length = (1 << 32) + 1
    return {"n": n}
