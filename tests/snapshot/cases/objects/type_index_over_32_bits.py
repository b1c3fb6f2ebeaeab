# A type index that does not fit in 32 bits.
# expect: snapshot: number out of range
BASE = "heap"


def edit(s):
    s.objects[0].type = 1 << 32
