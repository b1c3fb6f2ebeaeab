# A suspended guest says why it stopped.
# expect: snapshot: reason 0 does not fit its state
BASE = "interface"


def edit(s):
    s.reason = 0
