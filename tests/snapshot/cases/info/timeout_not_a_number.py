# The recorded timeout is NaN.
# expect: snapshot: the timeout is not a number of seconds
BASE = "heap"


def edit(s):
    s.timeout = float("nan")
