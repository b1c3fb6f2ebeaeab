# A template with a frame: nothing of it is running.
# expect: snapshot: a guest that is not suspended has 1 frames
BASE = "heap"


def edit(s):
    import nsnapkit
    main = s.program.function("main")
    s.frames = [nsnapkit.Frame(main, 0, s.blank_registers(main))]
