# The text the VM prints for null is not "null".
# expect: snapshot: the text of null is not the program's
BASE = "heap"


def edit(s):
    import nsnapkit
    s.isolate_roots[-2] = nsnapkit.ref(s.global_ref("name"))
