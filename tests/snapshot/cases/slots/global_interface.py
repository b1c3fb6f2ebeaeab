# A global of interface type Shape refers to a Node, which does not implement it.
# expect: snapshot: a slot of type Shape refers to object {node} of type Node
BASE = "heap"


def edit(s):
    import nsnapkit
    node = s.global_ref("head")
    s.globals[s.global_index("shape")] = nsnapkit.ref(node)
    return {"node": node}
