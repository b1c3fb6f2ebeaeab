# A guest suspended six calls deep under an object's toString continues where it stopped.
# expect: ok
# output: deep 4498500
BASE = "tostring"


def edit(s):
    pass
