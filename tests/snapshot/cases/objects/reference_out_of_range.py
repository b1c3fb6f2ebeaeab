# A global refers to the object one past the last.
# expect: snapshot: a reference to object {n} of {n}
BASE = "heap"


def edit(s):
    import nsnapkit
    n = len(s.objects)
    s.globals[s.global_index("name")] = nsnapkit.ref(n)
    return {"n": n}
