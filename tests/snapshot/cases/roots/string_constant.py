# The isolate's first string constant is another string.
# expect: snapshot: string constant 0 is not the program's
BASE = "heap"


def edit(s):
    import nsnapkit
    s.isolate_roots[0] = nsnapkit.ref(s.global_ref("name"))
