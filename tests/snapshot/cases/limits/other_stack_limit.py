# A guest suspended under the default stack limit (10,000 frames) continues under a stack limit
# of 100: the heap accounting keeps the stack's soft limits within the new, smaller VM stack.
# expect: ok
# run-options: --stack-limit=100
# output: 1999000
# output: deep 4498500
BASE = "interface"


def edit(s):
    pass
