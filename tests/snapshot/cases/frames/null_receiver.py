# Deep.walk's virtual call has a null receiver, so it cannot have made the frame above it.
# expect: snapshot: frame 2 (`Deep.step`) is not what the call of frame 1 (`Deep.walk`) calls
BASE = "interface"


def edit(s):
    s.frames[1].registers[0].v = 0
