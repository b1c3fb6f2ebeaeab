# More frames than the stack limit (nuri verify allows 2^20; nuri run's default is 10,000).
# expect: snapshot: the guest has 1048577 frames, more than the stack limit of 1048576
# run-expect: snapshot: the guest has 1048577 frames, more than the stack limit of 10000
BASE = "interface"


def edit(s):
    s.frame_count_override = (1 << 20) + 1
