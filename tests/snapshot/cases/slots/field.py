# Node.label (a string) refers to an int[].
# expect: snapshot: a slot of type string refers to object {ints} of type int[]
BASE = "heap"


def edit(s):
    import nsnapkit
    ints = s.global_ref("ints")
    s.objects[s.global_ref("head")].fields[1] = nsnapkit.ref(ints)
    return {"ints": ints}
