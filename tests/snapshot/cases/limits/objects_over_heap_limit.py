# 5,000 strings that nothing refers to, about 240 KB: restoring under a 64 KB heap limit stops
# as soon as the objects made pass the limit by an eighth, before the rest is allocated, with a
# LimitError (exit status 70), as when the whole guest is made and then found too large.
# expect: ok
# run-options: --heap-limit=64K
# run-status: 70
# run-expect: LimitError: the snapshot's guest does not fit: heap limit of 64K exceeded (--heap-limit)
BASE = "heap"


def edit(s):
    import nsnapkit
    for _ in range(5000):
        o = nsnapkit.Obj(nsnapkit.STRING_TYPE, 0, nsnapkit.STRING)
        o.data = b"x" * 20
        s.objects.append(o)
