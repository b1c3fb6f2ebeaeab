# A guest suspended in main that claims loading started it.
# expect: snapshot: frame 0 (`main`) is not a function its entry can start
BASE = "interface"


def edit(s):
    s.entry = 1
