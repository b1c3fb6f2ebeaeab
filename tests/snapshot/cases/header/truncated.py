# The file ends ten bytes early: its size disagrees with the header's body size.
# expect: snapshot is {size} bytes, but its header describes {described} (a truncated or damaged file)
BASE = "heap"


def edit(s):
    n = len(s.encode())
    return {"size": n - 10, "described": n}


def damage(data):
    return data[:-10]
