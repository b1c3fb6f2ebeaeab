# Three frames of 60,000 registers each do not fit in the 1 MB VM stack of --stack-limit=4
# (nuri verify reserves the stack of 2^20 frames, where they fit).
# expect: ok
# run-options: --stack-limit=4
# run-expect: snapshot: the frames need more than the VM stack of 1048576 bytes
BASE = "heap"


def edit(s):
    import nbcasm
    import nsnapkit
    s.set_program(nbcasm.assemble("""
function f()
  regs int*60000
  CALL r0 f
  RETURN_VOID
function main()
  regs int
  CALL r0 f
  RETURN_VOID
"""))
    s.state, s.entry, s.reason = 1, 2, 1
    f, main = s.program.function("f"), s.program.function("main")
    s.frames = ([nsnapkit.Frame(main, 0, s.blank_registers(main))] +
                [nsnapkit.Frame(f, 0, s.blank_registers(f)) for _ in range(3)])
