# The host's data may hold any bytes: a template with 1 MB of them (the limit) runs.
# expect: ok
# output: 3 0.5 true snapshot built 3
# output: 2.5 true b two 16
# output: hey!
# output: one 5 11 42 1
# output: 11 12 L+ L++
BASE = "heap"


def edit(s):
    s.host_data = bytes(range(256)) * 4096
