# A (string) -> int global holds an (int) -> int: calling it would pass a string as an int.
# expect: snapshot: a slot of type (string) -> int refers to object {fn} of type (int) -> int
BASE = "heap"


def edit(s):
    import nsnapkit
    fn = s.global_ref("add")
    s.globals[s.global_index("shout")] = nsnapkit.ref(fn)
    return {"fn": fn}
