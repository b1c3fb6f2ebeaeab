# A StringBuilder ending inside a two-byte character.
# expect: snapshot: the StringBuilder of object {n} is not valid UTF-8
BASE = "heap"


def edit(s):
    n = s.global_ref("text")
    s.objects[n].data = b"built\xc3"
    return {"n": n}
