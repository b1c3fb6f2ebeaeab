# nsnapkit writes back exactly the bytes it decoded, for every base snapshot.
# expect: ok
# output: 1999000
# output: deep 4498500
BASE = "interface"


def edit(s):
    import sys
    import nsnapkit
    bases = sys.modules["__main__"].BASE_BYTES  # the runner's
    assert len(bases) == 5, "the runner made no base snapshots"
    for name, data in bases.items():
        again = nsnapkit.Snapshot.decode(data).encode()
        assert again == data, "%s: decoded and encoded again, it differs" % name
