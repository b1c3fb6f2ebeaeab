# Standard input read ahead, put into a template, is accepted (main does not read it).
# expect: ok
# output: 3 0.5 true snapshot built 3
# output: 2.5 true b two 16
# output: hey!
# output: one 5 11 42 1
# output: 11 12 L+ L++
BASE = "heap"


def edit(s):
    s.input_ahead = b"unread line\n"
    s.input_ended = 1
