# A suspended guest with an empty stack.
# expect: snapshot: a suspended guest has no frames
BASE = "interface"


def edit(s):
    s.frames = []
