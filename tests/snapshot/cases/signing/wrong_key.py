# Signed with one key, checked with another.
# expect: snapshot signature does not match the key: the file was changed or signed with another key
# key: other
BASE = "heap"


def edit(s):
    s.flags, s.sign_key = 1, b"secret"
