# main.<lambda>'s CALL calls spin, but the frame above it is Base.step.
# expect: snapshot: frame 4 (`Base.step`) is not what the call of frame 3 (`main.<lambda>`) calls
BASE = "interface"


def edit(s):
    import nsnapkit
    step = s.program.function("Base.step")
    s.frames[4] = nsnapkit.Frame(step, 0, s.blank_registers(step))
