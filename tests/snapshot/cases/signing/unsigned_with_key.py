# With a key, an unsigned file is refused.
# expect: snapshot is not signed, and a key was given: only signed snapshots are accepted
# key: secret
BASE = "heap"


def edit(s):
    pass
