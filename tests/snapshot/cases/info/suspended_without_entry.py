# A suspended guest needs an entry, which says what started its outermost frame.
# expect: snapshot: entry 0 does not fit its state
BASE = "interface"


def edit(s):
    s.entry = 0
