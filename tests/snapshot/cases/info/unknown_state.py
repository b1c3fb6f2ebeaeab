# State 3 is none of template (0), suspended (1) and between calls (2).
# expect: snapshot: unknown state 3
BASE = "heap"


def edit(s):
    s.state = 3
