# A snapshot of format 0.1, which has no standard input read ahead, still restores and runs.
# expect: ok
# output: 3 0.5 true snapshot built 3
# output: 2.5 true b two 16
# output: hey!
# output: one 5 11 42 1
# output: 11 12 L+ L++
BASE = "heap"


def edit(s):
    s.minor = 1
