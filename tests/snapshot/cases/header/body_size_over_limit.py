# A body size past the 4 GB limit for snapshot files (and past the file).
# expect: snapshot is {size} bytes, but its header describes more than the limit (a truncated or damaged file)
BASE = "heap"


def edit(s):
    s.body_size_override = 1 << 62
    return {"size": len(s.encode())}
