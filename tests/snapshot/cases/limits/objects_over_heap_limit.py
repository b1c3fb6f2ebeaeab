# 5,000 strings that nothing refers to, about 240 KB: restoring under a 64 KB heap limit stops
# as soon as the objects made pass the limit by an eighth, before the rest is allocated.
# expect: ok
# run-options: --heap-limit=64K
# run-expect: snapshot: its objects take more than the heap limit of 65536 bytes
BASE = "heap"


def edit(s):
    import nsnapkit
    for _ in range(5000):
        o = nsnapkit.Obj(nsnapkit.STRING_TYPE, 0, nsnapkit.STRING)
        o.data = b"x" * 20
        s.objects.append(o)
