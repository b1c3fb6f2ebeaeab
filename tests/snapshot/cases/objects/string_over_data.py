# A string's length runs past the end of the data.
# expect: snapshot: the string of object 0 claims 1000000 bytes, more than the data left
BASE = "heap"


def edit(s):
    s.objects[0].length = 1000000
