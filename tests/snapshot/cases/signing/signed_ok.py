# A file signed with the key that is given runs.
# expect: ok
# key: secret
# output: 3 0.5 true snapshot built 3
# output: 2.5 true b two 16
# output: hey!
# output: one 5 11 42 1
# output: 11 12 L+ L++
BASE = "heap"


def edit(s):
    s.flags, s.sign_key = 1, b"secret"
