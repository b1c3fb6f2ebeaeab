# One more object of the isolate than the program's string constants, "null" and the reserved
# LimitError.
# expect: snapshot: {count} objects of the isolate, not {wanted}
BASE = "heap"


def edit(s):
    import nsnapkit
    wanted = len(s.isolate_roots)
    s.isolate_roots.append(nsnapkit.ref(None))
    return {"count": wanted + 1, "wanted": wanted}
