# A signed file, and no key to check it with.
# expect: snapshot is signed: give the key to check its signature
BASE = "heap"


def edit(s):
    s.flags, s.sign_key = 1, b"secret"
