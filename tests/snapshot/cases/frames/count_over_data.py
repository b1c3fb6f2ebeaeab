# A thousand frames claimed in a few dozen bytes (each takes at least two).
# expect: snapshot: frame count exceeds the data left
BASE = "interface"


def edit(s):
    s.frame_count_override = 1000
