# The program's length runs past the end of the body.
# expect: snapshot: the program claims {claimed} bytes, more than the data left
BASE = "heap"


def edit(s):
    claimed = len(s.body()) * 2
    s.program_size_override = claimed
    return {"claimed": claimed}
