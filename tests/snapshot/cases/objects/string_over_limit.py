# A string's length is 2 GB, the VM's limit for a string.
# expect: snapshot: the string of object 0 claims 2147483648 bytes, more than the data left
BASE = "heap"


def edit(s):
    s.objects[0].length = 1 << 31
