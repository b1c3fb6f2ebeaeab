# The first eight bytes are not "NURISNAP".
# expect: not a Nuri snapshot file (bad magic number)
BASE = "heap"


def edit(s):
    s.magic = b"NURISNAX"
