# A template was not suspended, so it has no reason.
# expect: snapshot: reason 1 does not fit its state
BASE = "heap"


def edit(s):
    s.reason = 1
