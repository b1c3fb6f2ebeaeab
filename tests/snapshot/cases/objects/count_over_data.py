# A million objects claimed, in far fewer bytes (each takes at least 5).
# expect: snapshot: object count 1000000 exceeds the data left
BASE = "heap"


def edit(s):
    s.object_count_override = 1000000
