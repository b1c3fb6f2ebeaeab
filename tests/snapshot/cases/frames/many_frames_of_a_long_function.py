# 40,000 frames of a function of 200,000 instructions: finding each frame's instruction must
# not take time in proportion to the function's length (that was 8 * 10^9 steps, about half a
# minute).
# expect: ok
# run-options: --stack-limit=40000 --fuel=1000
# run-status: 70
# seconds: 10
BASE = "heap"


def edit(s):
    import nbcasm
    import nsnapkit
    s.set_program(nbcasm.assemble("""
function f()
  regs int
  repeat 200000 NOP
  CALL r0 f
  RETURN_VOID
function main()
  regs int
  CALL r0 f
  RETURN_VOID
"""))
    s.state, s.entry, s.reason = 1, 2, 1
    f, main = s.program.function("f"), s.program.function("main")
    call = s.pc_of(f, "CALL")
    s.frames = ([nsnapkit.Frame(main, s.pc_of(main, "CALL"), s.blank_registers(main))] +
                [nsnapkit.Frame(f, call, s.blank_registers(f)) for _ in range(39998)] +
                [nsnapkit.Frame(f, 0, s.blank_registers(f))])
