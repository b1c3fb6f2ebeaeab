# The standard input read ahead runs past the end of the body.
# expect: snapshot: the input read ahead claims {claimed} bytes, more than the data left
BASE = "heap"


def edit(s):
    claimed = len(s.body()) * 2
    s.input_size_override = claimed
    return {"claimed": claimed}
