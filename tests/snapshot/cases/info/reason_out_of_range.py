# Reason 4 is none of fuel, time and requested.
# expect: snapshot: reason 4 does not fit its state
BASE = "interface"


def edit(s):
    s.reason = 4
