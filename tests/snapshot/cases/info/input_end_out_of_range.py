# The end-of-input mark is a bool: 2 is neither.
# expect: snapshot: the end of input is marked 2
BASE = "heap"


def edit(s):
    s.input_ended = 2
