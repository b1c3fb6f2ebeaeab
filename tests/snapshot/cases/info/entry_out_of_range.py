# Entry 4 is none of load, main and call.
# expect: snapshot: entry 4 does not fit its state
BASE = "interface"


def edit(s):
    s.entry = 4
