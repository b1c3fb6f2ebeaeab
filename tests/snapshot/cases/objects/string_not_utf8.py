# A string holding a byte that is never UTF-8.
# expect: snapshot: the string of object 0 is not valid UTF-8
BASE = "heap"


def edit(s):
    s.objects[0].data = b"snap\xffshot"
