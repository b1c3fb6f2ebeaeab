# Another major version, named with the version this VM reads.
# expect: unsupported snapshot version 1.0 (this VM reads 0.1 to 0.2)
BASE = "heap"


def edit(s):
    s.major, s.minor = 1, 0
