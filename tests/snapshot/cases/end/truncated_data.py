# The body ends inside its last number, the size of the host's data (the header's size and the
# checksum agree with the shorter body).
# expect: snapshot: unexpected end of data (truncated file?)
BASE = "interface"


def edit(s):
    s.host_data = b""
    s.host_data_size_override = 300  # two bytes as a varint, of which the last is cut
    s.body_cut = 1
