# The program's Square.area multiplies its ints with MUL_FLOAT: the verifier refuses it.
# expect: snapshot program: function Square.area, pc {pc}: MUL_FLOAT reads r{r} of type int (needs a float)
BASE = "heap"


def edit(s):
    import nsnapkit
    p = s.program
    fn = p.function("Square.area")
    pc, _, operands = [i for i in p.instructions(fn) if i[1] == "MUL_INT"][0]
    at = p.functions[fn].code_at[pc]
    data = bytearray(s.program_bytes)
    data[at] = nsnapkit.OPCODE["MUL_FLOAT"].number
    s.program_bytes = bytes(data)
    return {"pc": pc, "r": operands[0]}
