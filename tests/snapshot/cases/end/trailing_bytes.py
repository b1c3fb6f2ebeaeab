# Three bytes after the last frame.
# expect: snapshot: 3 unexpected trailing bytes
BASE = "interface"


def edit(s):
    s.trailing = b"\0\0\0"
