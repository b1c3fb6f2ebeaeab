# The program does not start with the bytecode magic number.
# expect: snapshot program: not a Nuri bytecode file (bad magic number)
BASE = "heap"


def edit(s):
    s.program_bytes = b"NURIBX" + s.program_bytes[6:]
