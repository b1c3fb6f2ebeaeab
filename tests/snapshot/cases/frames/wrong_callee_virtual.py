# Deep.walk's virtual call on a Deep calls Deep.step, not the Base.step above it.
# expect: snapshot: frame 2 (`Base.step`) is not what the call of frame 1 (`Deep.walk`) calls
BASE = "interface"


def edit(s):
    import nsnapkit
    step = s.program.function("Base.step")
    s.frames[2] = nsnapkit.Frame(step, 0, s.blank_registers(step))
    del s.frames[3:]
