# State 2 is neither template (0) nor suspended (1).
# expect: snapshot: unknown state 2
BASE = "heap"


def edit(s):
    s.state = 2
