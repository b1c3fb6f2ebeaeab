# The innermost frame stands at spin's RETURN: neither a call's start, nor a backward
# branch's target, nor an operation that runs again.
# expect: snapshot: frame 4 (`spin`) stands at {pc}, which is not a suspension point
BASE = "interface"


def edit(s):
    pc = s.pc_of(s.frames[4].function, "RETURN")
    s.frames[4].pc = pc
    return {"pc": pc}
