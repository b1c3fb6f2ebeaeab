# The program imports a host function: nuri verify checks without binding host functions, but
# nuri run grants no host module.
# expect: ok
# run-expect: the program imports host module `app` (for `app.add`), which this isolate is not granted (IsolateConfig::hostModules)
BASE = "heap"


def edit(s):
    import nbcasm
    s.set_program(nbcasm.assemble("""
native "app.add" "(II)I"
function main()
  regs int
  CALL_NATIVE r0 app.add r0 r0
  RETURN_VOID
"""))
