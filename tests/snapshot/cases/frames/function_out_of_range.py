# A frame of a function the program does not have.
# expect: snapshot: frame 0 names function 999 of {functions}
BASE = "interface"


def edit(s):
    s.frames[0].function = 999
