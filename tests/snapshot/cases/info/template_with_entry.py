# A template has no entry: nothing is running.
# expect: snapshot: entry 2 does not fit its state
BASE = "heap"


def edit(s):
    s.entry = 2
