# Deep.step calls its function value, whose function is main's first lambda, not Deep.walk.
# expect: snapshot: frame 3 (`Deep.walk`) is not what the call of frame 2 (`Deep.step`) calls
BASE = "interface"


def edit(s):
    import nsnapkit
    walk = s.program.function("Deep.walk")
    s.frames[3] = nsnapkit.Frame(walk, 0, s.blank_registers(walk))
    del s.frames[4:]
