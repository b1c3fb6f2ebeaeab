# An object of an abstract class (the program's SecurityError, made abstract, which its code
# never makes): no object has one, and its vtable could hold methods without code.
# expect: snapshot: object {n} is of abstract class SecurityError, which no object can have
BASE = "heap"


def edit(s):
    data = bytearray(s.program_bytes)
    at = 12  # the sections, after the header: the classes section has id 5
    while int.from_bytes(data[at:at + 4], "little") != 5:
        at += 8 + int.from_bytes(data[at + 4:at + 8], "little")
    end = at + 8 + int.from_bytes(data[at + 4:at + 8], "little")
    name = b"SecurityError"
    flags = data.index(bytes([len(name)]) + name, at + 8, end) + 1 + len(name)  # after the name
    data[flags] |= 2  # abstract
    s.program_bytes = bytes(data)
    n = s.global_ref("head")
    s.objects[n].type = s.program.type_index("SecurityError")
    return {"n": n}
