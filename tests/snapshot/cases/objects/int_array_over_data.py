# An int[] whose length needs more bytes (8 an element) than are left.
# expect: snapshot: array {n} claims {length} elements, more than the data left
BASE = "heap"


def edit(s):
    n = s.global_ref("ints")
    length = len(s.body()) // 8 + 1
    s.objects[n].length = length
    return {"n": n, "length": length}
