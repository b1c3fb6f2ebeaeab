# An (int) -> int global holds a (string) -> int: its lambda would read an int as a string.
# expect: snapshot: a slot of type (int) -> int refers to object {fn} of type (string) -> int
BASE = "heap"


def edit(s):
    import nsnapkit
    fn = s.global_ref("shout")
    s.globals[s.global_index("add")] = nsnapkit.ref(fn)
    return {"fn": fn}
