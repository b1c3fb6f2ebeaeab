# The host's data claims more bytes than are left.
# expect: snapshot: the host's data claims 1000 bytes
BASE = "heap"


def edit(s):
    s.host_data = b"args"
    s.host_data_size_override = 1000
