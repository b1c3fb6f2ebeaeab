# The body ends inside the heap accounting, its last part (the header's size and the checksum
# agree with the shorter body).
# expect: snapshot: unexpected end of data (truncated file?)
BASE = "interface"


def edit(s):
    s.body_cut = 1
