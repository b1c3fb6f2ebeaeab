# The innermost frame stands at an operand word, not at an instruction.
# expect: snapshot: frame 4 of `spin` stands at {pc}, not at an instruction of it
BASE = "interface"


def edit(s):
    s.frames[4].pc += 1
    return {"pc": s.frames[4].pc}
