# A heap-walk budget larger than the heap limit the snapshot records (none).
# expect: snapshot: the heap accounting is out of its bounds
BASE = "heap"


def edit(s):
    s.accounting[2] = s.heap_limit + 1
