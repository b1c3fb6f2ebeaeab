# The guest's live objects do not fit in the heap limit it is restored under: a LimitError
# (exit status 70), not a damaged file.
# expect: ok
# run-options: --heap-limit=1K
# run-status: 70
# run-expect: LimitError: the snapshot's guest does not fit: heap limit of 1K exceeded (--heap-limit)
BASE = "heap"


def edit(s):
    return {}
