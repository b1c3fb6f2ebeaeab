# main's TO_STR_REF of a Deep calls Deep.toString, not Base.step.
# expect: snapshot: frame 1 (`Base.step`) is not what the call of frame 0 (`main`) calls
BASE = "tostring"


def edit(s):
    import nsnapkit
    step = s.program.function("Base.step")
    s.frames[1] = nsnapkit.Frame(step, 0, s.blank_registers(step))
    del s.frames[2:]
