# The host's data is over its limit of 1 MB (and there are that many bytes).
# expect: snapshot: the host's data claims 1048577 bytes
BASE = "heap"


def edit(s):
    s.host_data = b"x" * ((1 << 20) + 1)
