# A reference number near 2^64 (the number is one more than the object's).
# expect: snapshot: a reference to object 18446744073709551614 of {n}
BASE = "heap"


def edit(s):
    s.globals[s.global_index("name")].v = (1 << 64) - 1
    return {"n": len(s.objects)}
