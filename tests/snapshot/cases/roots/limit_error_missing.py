# No reserved LimitError, though the program has the error classes.
# expect: snapshot: the reserved LimitError does not match the program's error classes
BASE = "heap"


def edit(s):
    import nsnapkit
    s.isolate_roots[-1] = nsnapkit.ref(None)
