# An element of a Node[] refers to a Square.
# expect: snapshot: a slot of type Node refers to object {square} of type Square
BASE = "heap"


def edit(s):
    import nsnapkit
    square = s.global_ref("shape")
    s.objects[s.global_ref("nodes")].elements[0] = nsnapkit.ref(square)
    return {"square": square}
