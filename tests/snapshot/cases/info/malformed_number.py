# The instruction count's varint runs past 64 bits.
# expect: snapshot: malformed number
BASE = "heap"


def edit(s):
    s.instructions = 1 << 64
