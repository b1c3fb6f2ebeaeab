# The captured string of `labeller` refers to a StringBuilder.
# expect: snapshot: a slot of type string refers to object {builder} of type StringBuilder
BASE = "heap"


def edit(s):
    import nsnapkit
    builder = s.global_ref("text")
    cell = s.objects[s.global_ref("label")].cells[0].v - 1
    s.objects[cell].fields[0] = nsnapkit.ref(builder)
    return {"builder": builder}
