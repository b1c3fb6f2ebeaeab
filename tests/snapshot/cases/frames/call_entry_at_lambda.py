# A guest suspended in a call from its host whose outermost frame is a lambda, which a host
# cannot call.
# expect: snapshot: frame 0 (`main.<lambda>`) is not a function its entry can start
BASE = "interface"


def edit(s):
    s.entry = 3
    s.frames = s.frames[3:]
