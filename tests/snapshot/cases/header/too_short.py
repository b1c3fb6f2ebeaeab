# A file with the magic number but shorter than a header and a checksum.
# expect: snapshot is 27 bytes, too short for its header and checksum (a truncated file)
BASE = "heap"


def edit(s):
    pass


def damage(data):
    return data[:27]
