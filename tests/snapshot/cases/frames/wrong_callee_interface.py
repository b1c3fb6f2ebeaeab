# main's interface call of Walker.walk on a Deep calls Deep.walk, not spin.
# expect: snapshot: frame 1 (`spin`) is not what the call of frame 0 (`main`) calls
BASE = "interface"


def edit(s):
    import nsnapkit
    spin = s.program.function("spin")
    s.frames[1] = nsnapkit.Frame(spin, 0, s.blank_registers(spin))
    del s.frames[2:]
