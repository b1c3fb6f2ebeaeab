# The reserved LimitError is a Node.
# expect: snapshot: a slot of type LimitError refers to object {node} of type Node
BASE = "heap"


def edit(s):
    import nsnapkit
    node = s.global_ref("head")
    s.isolate_roots[-1] = nsnapkit.ref(node)
    return {"node": node}
