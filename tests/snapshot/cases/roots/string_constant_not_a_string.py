# The isolate's first string constant is an int[].
# expect: snapshot: a slot of type string refers to object {ints} of type int[]
# repeats: slots/field.py
BASE = "heap"


def edit(s):
    import nsnapkit
    ints = s.global_ref("ints")
    s.isolate_roots[0] = nsnapkit.ref(ints)
    return {"ints": ints}
