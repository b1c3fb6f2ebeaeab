# A bool global holding 2.
# expect: snapshot: a bool holds 2
BASE = "heap"


def edit(s):
    s.globals[s.global_index("ready")].v = 2
