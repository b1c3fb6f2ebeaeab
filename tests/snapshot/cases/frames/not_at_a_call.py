# main has a frame above it, but stands at its first instruction, which calls nothing.
# expect: snapshot: frame 0 (`main`) has a frame above it but does not stand at a call
BASE = "interface"


def edit(s):
    s.frames[0].pc = 0
