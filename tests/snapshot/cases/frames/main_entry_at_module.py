# A guest suspended in its top-level code that claims main started its outermost frame.
# expect: snapshot: frame 0 (`<module>`) is not a function its entry can start
BASE = "load"


def edit(s):
    s.entry = 2
