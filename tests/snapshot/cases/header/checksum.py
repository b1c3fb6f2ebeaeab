# One bit of the checksum is wrong.
# expect: snapshot checksum mismatch: the file is damaged
BASE = "heap"


def edit(s):
    data = s.encode()
    s.checksum_override = int.from_bytes(data[-4:], "little") ^ 1
