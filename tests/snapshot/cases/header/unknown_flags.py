# A flag this VM does not know (only 1, signed, is defined).
# expect: snapshot has unknown flags 6
BASE = "heap"


def edit(s):
    s.flags = 6
