# A newer minor version: before 1.0 every minor version changes the format.
# expect: unsupported snapshot version 0.3 (this VM reads 0.1 to 0.2)
BASE = "heap"


def edit(s):
    s.minor = 3
