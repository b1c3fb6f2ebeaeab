# A frame's pc past the end of its function's code.
# expect: snapshot: frame 0 of `main` stands at 1000000, not at an instruction of it
BASE = "interface"


def edit(s):
    s.frames[0].pc = 1000000
