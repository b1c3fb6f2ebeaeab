# A guest suspended at exactly the stack limit it ran under (50 frames) restores under that
# limit and finishes.
# expect: ok
# run-options: --stack-limit=50
# output: 48
BASE = "deep"


def edit(s):
    pass
