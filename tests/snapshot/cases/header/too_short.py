# A file shorter than a header and a checksum, whatever its bytes.
# expect: not a Nuri snapshot file (bad magic number)
# repeats: header/bad_magic.py
BASE = "heap"


def edit(s):
    pass


def damage(data):
    return data[:27]
