# A bool[] element holding 255.
# expect: snapshot: a bool holds 255
BASE = "heap"


def edit(s):
    s.objects[s.global_ref("flags")].elements[0].v = 255
