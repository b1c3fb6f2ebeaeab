# A string[] global refers to an int[] (arrays of different elements).
# expect: snapshot: a slot of type string[] refers to object {ints} of type int[]
BASE = "heap"


def edit(s):
    import nsnapkit
    ints = s.global_ref("ints")
    s.globals[s.global_index("words")] = nsnapkit.ref(ints)
    return {"ints": ints}
