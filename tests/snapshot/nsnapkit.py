#!/usr/bin/env python3
"""nsnapkit: takes Nuri snapshot files (.nsnap, docs/snapshots.md) apart and puts them together.

  tests/snapshot/nsnapkit.py dump FILE.nsnap            the parts of a snapshot, as text
  tests/snapshot/nsnapkit.py crc FILE.nsnap             rewrite its CRC-32C in place

As a library, `Snapshot.decode(data)` turns a valid snapshot into its parts: the header, the
info fields, the program (its .nbc bytes, and `Program`, what the rest is decoded by), the
objects (type index, identity hash, payload), the globals and the frames. Every value keeps
the encoding it was read with (`Val`), so an edit of one field changes one field: an object
given another type index keeps its payload bytes, a bool may be set to 2, a reference to a
number past the object table. `Snapshot.encode()` writes the parts back with a correct
checksum (and signature, when `sign_key` is set); the `*_override` fields write a count,
length or header field that disagrees with the parts, and `trailing` adds bytes after the
frames. The checksum is CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as
support/crc32c.cpp computes it.
"""
import hashlib
import hmac
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from opcodes_def import read_opcodes  # noqa: E402

OPCODES = read_opcodes()
OPCODE = {op.name: op for op in OPCODES}

MAGIC = b"NURISNAP"
VERSION = (0, 2)
SIGNED = 1
HEADER_BYTES, SIGNATURE_BYTES, CHECKSUM_BYTES = 24, 32, 4

# Type kinds (docs/bytecode.md, section 2).
VOID, INT, FLOAT, BOOL, STRING, BUILDER, ARRAY, CLASS, FUNCTION, CELL = range(10)
KIND_NAMES = ["void", "int", "float", "bool", "string", "StringBuilder", "array", "class",
              "function", "cell"]
# The run-time type table starts with the VM's own types; program type i is 4 + i.
STRING_TYPE, BUILDER_TYPE, STRING_ARRAY_TYPE, FIRST_PROGRAM_TYPE = 1, 2, 3, 4


# ---- CRC-32C ----

def _crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def fix_crc(data):
    """The file with its last four bytes replaced by the CRC-32C of the bytes before them."""
    data = bytes(data)
    return data[:-4] + struct.pack("<I", crc32c(data[:-4]))


# ---- Encoding (support/byte_codec.h) ----

class DecodeError(Exception):
    pass


class Reader:
    def __init__(self, data, at=0, end=None):
        self.data, self.at = data, at
        self.end = len(data) if end is None else end

    def remaining(self):
        return self.end - self.at

    def raw(self, n):
        if n > self.remaining():
            raise DecodeError("unexpected end of data at %d" % self.at)
        out = self.data[self.at:self.at + n]
        self.at += n
        return bytes(out)

    def u8(self):
        return self.raw(1)[0]

    def u16(self):
        return struct.unpack("<H", self.raw(2))[0]

    def u32(self):
        return struct.unpack("<I", self.raw(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.raw(8))[0]

    def f64(self):
        return struct.unpack("<d", self.raw(8))[0]

    def varint(self):
        value = shift = 0
        while True:
            b = self.u8()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
            if shift > 63:
                raise DecodeError("malformed varint at %d" % self.at)

    def svarint(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def optional(self):
        v = self.varint()
        return None if v == 0 else v - 1

    def string(self):
        return self.raw(self.varint()).decode("utf-8", "replace")


def varint(n, width=0):
    """LEB128, padded to `width` bytes (as the writer pads the object count); a negative n is
    taken as its 64-bit two's complement."""
    n &= (1 << 64) - 1 if n < 0 else (1 << 70) - 1
    out = bytearray()
    while n >= 0x80 or len(out) + 1 < width:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def svarint(n):
    return varint(((n << 1) ^ (n >> 63)) & ((1 << 64) - 1))


def u8(n):
    return struct.pack("<B", n & 0xFF)


def u16(n):
    return struct.pack("<H", n & 0xFFFF)


def u32(n):
    return struct.pack("<I", n & 0xFFFFFFFF)


def u64(n):
    return struct.pack("<Q", n & 0xFFFFFFFFFFFFFFFF)


def f64(x):
    return struct.pack("<d", x)


# ---- The program (.nbc), as far as a snapshot needs it ----

class TypeEntry:
    def __init__(self, kind):
        self.kind, self.element, self.params, self.cls = kind, None, [], None


class ClassEntry:
    def __init__(self, name):
        self.name, self.interface, self.superclass = name, False, None
        self.fields, self.methods, self.interfaces, self.init = [], [], [], None


class FunctionEntry:
    def __init__(self, name):
        self.name, self.owner, self.params, self.result = name, None, 0, 0
        self.registers, self.code = [], []


class Program:
    """The tables of a .nbc file that a snapshot's values are decoded by."""

    def __init__(self, data):
        self.data = bytes(data)
        r = Reader(self.data)
        if r.raw(8) != b"NURIBC\r\n":
            raise DecodeError("the program is not a .nbc file")
        r.raw(4)  # version
        sections = {}
        while r.remaining():
            ident, length = r.u32(), r.u32()
            sections[ident] = Reader(self.data, r.at, r.at + length)
            r.raw(length)
        self._meta(sections[1])
        self._types(sections[2])
        self._constants(sections[3])
        self._globals(sections[4])
        self._classes(sections[5])
        self._functions(sections[6])
        self._runtime_types()

    def _meta(self, r):
        self.source = r.string()
        self.files = [r.string() for _ in range(r.varint())]
        self.init, self.main = r.optional(), r.optional()

    def _types(self, r):
        self.types = []
        for _ in range(r.varint()):
            t = TypeEntry(r.u8())
            if t.kind in (ARRAY, CELL):
                t.element = r.varint()
            elif t.kind == FUNCTION:
                t.element = r.varint()
                t.params = [r.varint() for _ in range(r.varint())]
            elif t.kind == CLASS:
                t.cls = r.varint()
            self.types.append(t)

    def _constants(self, r):
        for _ in range(r.varint()):
            r.svarint()
        r.raw(8 * r.varint())
        self.strings = [r.raw(r.varint()) for _ in range(r.varint())]

    def _globals(self, r):
        self.globals = []
        for _ in range(r.varint()):
            name = r.string()
            self.globals.append((name, r.varint()))

    def _classes(self, r):
        self.classes = []
        for _ in range(r.varint()):
            c = ClassEntry(r.string())
            c.interface = bool(r.u8() & 1)
            c.superclass = r.optional()
            for _ in range(r.varint()):
                name = r.string()
                c.fields.append((name, r.varint()))
                r.u8()
            c.methods = [r.varint() for _ in range(r.varint())]
            for _ in range(r.varint()):
                iface = r.varint()
                c.interfaces.append((iface, [r.varint() for _ in range(r.varint())]))
            c.init = r.optional()
            self.classes.append(c)

    def _functions(self, r):
        self.functions = []
        for _ in range(r.varint()):
            f = FunctionEntry(r.string())
            f.owner = r.optional()
            r.varint()  # file
            r.u8()  # flags
            f.params, f.result = r.varint(), r.varint()
            f.registers = [r.varint() for _ in range(r.varint())]
            f.code, f.code_at = [], []  # code_at: where each code word is in the file
            for _ in range(r.varint()):
                f.code_at.append(r.at)
                f.code.append(r.varint())
            for _ in range(r.varint()):
                r.varint()
                r.svarint()
            for _ in range(r.varint()):
                r.string()
                r.varint()
            for _ in range(r.varint()):
                r.varint(), r.varint(), r.varint(), r.optional(), r.varint()
            self.functions.append(f)

    def _runtime_types(self):
        """The isolate's type table (vm/linker.cpp): (kind, element index, class index, name)."""
        rt = [None, (STRING, None, None, "string"), (BUILDER, None, None, "StringBuilder"),
              (ARRAY, STRING_TYPE, None, "string[]")]
        typed = set()
        for i, t in enumerate(self.types):
            element = None if t.element is None else FIRST_PROGRAM_TYPE + t.element
            rt.append((t.kind, element, t.cls, self.type_name(i)))
            if t.kind == CLASS:
                typed.add(t.cls)
        self.class_type = {}
        for i, t in enumerate(self.types):
            if t.kind == CLASS:
                self.class_type.setdefault(t.cls, FIRST_PROGRAM_TYPE + i)
        for c, cls in enumerate(self.classes):
            if c not in typed:
                self.class_type[c] = len(rt)
                rt.append((CLASS, None, c, cls.name))
        self.runtime_types = rt

    def type_name(self, i):
        t = self.types[i]
        if t.kind == ARRAY:
            return self.type_name(t.element) + "[]"
        if t.kind == CELL:
            return "cell<%s>" % self.type_name(t.element)
        if t.kind == CLASS:
            return self.classes[t.cls].name
        if t.kind == FUNCTION:
            return "(%s) -> %s" % (", ".join(self.type_name(p) for p in t.params),
                                   self.type_name(t.element))
        return KIND_NAMES[t.kind]

    def layout(self, c):
        """A class's fields, inherited ones first: [(name, program type index)]."""
        cls = self.classes[c]
        inherited = self.layout(cls.superclass) if cls.superclass is not None else []
        return inherited + cls.fields

    def function(self, name):
        """The index of the function called `name`."""
        for i, f in enumerate(self.functions):
            if f.name == name:
                return i
        raise KeyError(name)

    def type_index(self, name):
        """The run-time type index of the type called `name` (e.g. `int[]`, `Node`)."""
        for i, t in enumerate(self.runtime_types):
            if t and t[3] == name:
                return i
        raise KeyError(name)

    def instructions(self, fn):
        """[(pc, opcode name, operand words)] of function `fn`."""
        code = self.functions[fn].code
        out, pc = [], 0
        while pc < len(code):
            op = OPCODES[code[pc]]
            n = len(op.operands)
            if op.operands and op.operands[-1] == "ARGS":
                n += code[pc + n]
            out.append((pc, op.name, code[pc + 1:pc + 1 + n]))
            pc += 1 + n
        return out


def tag_of_kind(kind):
    return {VOID: "void", INT: "int", FLOAT: "float", BOOL: "bool"}.get(kind, "ref")


# ---- The snapshot ----

class Val:
    """A value as encoded: `int` (svarint), `float` (8 bytes), `bool` (one byte), `ref` (varint:
    0 null, else object number + 1), `void` (nothing); in int[] and float[] arrays `i64` and
    `f64` (8 bytes each)."""

    def __init__(self, tag, v):
        self.tag, self.v = tag, v

    def encode(self):
        if self.tag == "void":
            return b""
        if self.tag == "int":
            return svarint(self.v)
        if self.tag == "float":
            return f64(self.v)
        if self.tag == "bool":
            return u8(self.v)
        if self.tag == "ref":
            return varint(self.v)
        if self.tag == "i64":
            return u64(self.v)
        if self.tag == "f64":
            return f64(self.v)
        raise ValueError(self.tag)

    def __repr__(self):
        if self.tag == "ref":
            return "null" if self.v == 0 else "#%d" % (self.v - 1)
        return "%s:%r" % (self.tag, self.v)


def ref(index):
    """A reference to object `index` (None: null)."""
    return Val("ref", 0 if index is None else index + 1)


def read_val(r, tag):
    if tag == "void":
        return Val(tag, None)
    if tag == "int":
        return Val(tag, r.svarint())
    if tag == "float":
        return Val(tag, r.f64())
    if tag == "bool":
        return Val(tag, r.u8())
    if tag == "i64":
        return Val(tag, r.u64())
    if tag == "f64":
        return Val(tag, r.f64())
    return Val(tag, r.varint())


class Obj:
    """An object: `type` (run-time type index), `hash`, and by `kind` its payload: `data`
    (string, StringBuilder, which also has a `capacity`), `elements` (array), `fields`
    (instance; a cell's one value), `function` and `cells` (function value). `length` writes
    another length or count than the payload's (a string's bytes, an array's elements, a
    function value's cells)."""

    def __init__(self, type_index, hash_value, kind):
        self.type, self.hash, self.kind = type_index, hash_value, kind
        self.data = b""
        self.elements, self.fields, self.cells = [], [], []
        self.function = self.capacity = 0
        self.length = None

    def encode(self):
        out = varint(self.type) + u32(self.hash)
        if self.kind in (STRING, BUILDER):
            out += varint(len(self.data) if self.length is None else self.length) + self.data
            return out + varint(self.capacity) if self.kind == BUILDER else out
        if self.kind == ARRAY:
            n = len(self.elements) if self.length is None else self.length
            return out + varint(n) + b"".join(v.encode() for v in self.elements)
        if self.kind == FUNCTION:
            n = len(self.cells) if self.length is None else self.length
            return (out + varint(self.function) + varint(n) +
                    b"".join(v.encode() for v in self.cells))
        return out + b"".join(v.encode() for v in self.fields)

    def __repr__(self):
        head = "%s hash %d" % (KIND_NAMES[self.kind], self.hash)
        if self.kind in (STRING, BUILDER):
            return "%s %r" % (head, self.data)
        if self.kind == ARRAY:
            return "%s %r" % (head, self.elements)
        if self.kind == FUNCTION:
            return "%s function %d cells %r" % (head, self.function, self.cells)
        return "%s %r" % (head, self.fields)


class Frame:
    def __init__(self, function, pc, registers):
        self.function, self.pc, self.registers = function, pc, registers

    def encode(self):
        return varint(self.function) + varint(self.pc) + b"".join(v.encode()
                                                                  for v in self.registers)


class Snapshot:
    def __init__(self):
        self.magic, self.major, self.minor, self.flags = MAGIC, VERSION[0], VERSION[1], 0
        self.state = self.entry = self.reason = 0
        self.instructions = self.last_hash = self.fuel = self.heap_limit = 0
        self.timeout = 0.0
        self.input_ahead, self.input_ended = b"", 0  # standard input read ahead (0.2 on)
        self.program_bytes = b""
        self.program = None
        self.objects, self.globals, self.frames = [], [], []
        self.object_count_width = 0  # the bytes of the object count's varint (the writer pads it)
        # The isolate's own objects (references to the string constants, "null" and the
        # reserved LimitError) and the heap limit's accounting: live, allocated, budget, the
        # stack's soft end and frame limit.
        self.isolate_roots = []
        self.accounting = [0, 0, 0, 0, 0]
        self.host_data = b""
        self.trailing = b""
        self.signature = b""
        self.sign_key = None  # bytes: sign with HMAC-SHA-256 when encoding
        # Written instead of what the parts say, when not None.
        self.body_size_override = None
        self.program_size_override = None
        self.input_size_override = None
        self.object_count_override = None
        self.frame_count_override = None
        self.root_count_override = None
        self.host_data_size_override = None
        self.checksum_override = None
        self.body_cut = 0  # bytes cut from the end of the body (the header agrees)

    # -- decoding --

    @classmethod
    def decode(cls, data, key=None):
        """Decodes a valid snapshot (unsigned, or signed: its signature is kept as it is)."""
        s = cls()
        data = bytes(data)
        r = Reader(data)
        s.magic, s.major, s.minor, s.flags = r.raw(8), r.u16(), r.u16(), r.u32()
        body_size = r.u64()
        body = Reader(data, r.at, r.at + body_size)
        after = r.at + body_size
        if s.flags & SIGNED:
            s.signature = data[after:after + SIGNATURE_BYTES]
            s.sign_key = key
        if crc32c(data[:-4]) != struct.unpack("<I", data[-4:])[0]:
            raise DecodeError("checksum mismatch")
        s._body(body)
        return s

    def _body(self, r):
        self.state, self.entry, self.reason = r.u8(), r.u8(), r.u8()
        self.instructions, self.last_hash = r.varint(), r.u32()
        self.fuel, self.timeout, self.heap_limit = r.varint(), r.f64(), r.varint()
        if self.minor >= 2:
            self.input_ahead = r.raw(r.varint())
            self.input_ended = r.u8()
        self.program_bytes = r.raw(r.varint())
        self.program = p = Program(self.program_bytes)
        at = r.at
        count = r.varint()
        self.object_count_width = r.at - at
        self.objects = [self._object(r, p) for _ in range(count)]
        self.globals = [read_val(r, tag_of_kind(p.types[t].kind)) for _, t in p.globals]
        for _ in range(r.varint()):
            fn, pc = r.varint(), r.varint()
            regs = [read_val(r, tag_of_kind(p.types[t].kind)) for t in p.functions[fn].registers]
            self.frames.append(Frame(fn, pc, regs))
        self.isolate_roots = [read_val(r, "ref") for _ in range(r.varint())]
        self.accounting = [r.varint() for _ in range(5)]
        self.host_data = r.raw(r.varint())
        self.trailing = r.raw(r.remaining())

    def _object(self, r, p):
        index, hash_value = r.varint(), r.u32()
        if not 0 < index < len(p.runtime_types):
            raise DecodeError("type index %d" % index)
        kind, element, c, _ = p.runtime_types[index]
        o = Obj(index, hash_value, kind)
        if kind in (STRING, BUILDER):
            o.data = r.raw(r.varint())
            if kind == BUILDER:
                o.capacity = r.varint()
        elif kind == ARRAY:
            n = r.varint()
            ekind = p.runtime_types[element][0]
            tag = {INT: "i64", FLOAT: "f64"}.get(ekind) or tag_of_kind(ekind)
            o.elements = [read_val(r, tag) for _ in range(n)]
        elif kind == CLASS:
            o.fields = [read_val(r, tag_of_kind(p.types[t].kind)) for _, t in p.layout(c)]
        elif kind == CELL:
            o.fields = [read_val(r, tag_of_kind(p.runtime_types[element][0]))]
        elif kind == FUNCTION:
            o.function = r.varint()
            o.cells = [read_val(r, "ref") for _ in range(r.varint())]
        else:
            raise DecodeError("object of kind %s" % KIND_NAMES[kind])
        return o

    # -- encoding --

    def body(self):
        out = bytearray()
        out += u8(self.state) + u8(self.entry) + u8(self.reason)
        out += varint(self.instructions) + u32(self.last_hash)
        out += varint(self.fuel) + f64(self.timeout) + varint(self.heap_limit)
        if self.minor >= 2:
            size = len(self.input_ahead) if self.input_size_override is None else self.input_size_override
            out += varint(size) + self.input_ahead + u8(self.input_ended)
        size = len(self.program_bytes)
        out += varint(size if self.program_size_override is None else self.program_size_override)
        out += self.program_bytes
        n = len(self.objects) if self.object_count_override is None else self.object_count_override
        out += varint(n, self.object_count_width)
        for o in self.objects:
            out += o.encode()
        for v in self.globals:
            out += v.encode()
        n = len(self.frames) if self.frame_count_override is None else self.frame_count_override
        out += varint(n)
        for f in self.frames:
            out += f.encode()
        n = len(self.isolate_roots) if self.root_count_override is None else self.root_count_override
        out += varint(n) + b"".join(v.encode() for v in self.isolate_roots)
        out += b"".join(varint(v) for v in self.accounting)
        n = len(self.host_data) if self.host_data_size_override is None else \
            self.host_data_size_override
        out += varint(n) + self.host_data
        out += self.trailing
        return bytes(out[:len(out) - self.body_cut])

    def encode(self):
        body = self.body()
        size = len(body) if self.body_size_override is None else self.body_size_override
        out = bytearray(self.magic + u16(self.major) + u16(self.minor) + u32(self.flags) +
                        u64(size) + body)
        if self.sign_key is not None:
            out += hmac.new(self.sign_key, bytes(out), hashlib.sha256).digest()
        else:
            out += self.signature
        crc = crc32c(out) if self.checksum_override is None else self.checksum_override
        return bytes(out + u32(crc))

    # -- conveniences for cases --

    def suspended(self):
        return self.state == 1

    def global_index(self, name):
        for i, (n, _) in enumerate(self.program.globals):
            if n == name:
                return i
        raise KeyError(name)

    def global_ref(self, name):
        """The object number a reference global holds (None for null)."""
        v = self.globals[self.global_index(name)]
        return None if v.v == 0 else v.v - 1

    def objects_of(self, type_name):
        """The numbers of the objects of the type called `type_name`."""
        t = self.program.type_index(type_name)
        return [i for i, o in enumerate(self.objects) if o.type == t]

    def type_count(self):
        return len(self.program.runtime_types)

    def blank_registers(self, fn):
        """Zero or null values for the registers of function `fn`."""
        zero = {"int": 0, "float": 0.0, "bool": 0, "ref": 0, "void": None}
        tags = [tag_of_kind(self.program.types[t].kind) for t in self.program.functions[fn].registers]
        return [Val(tag, zero[tag]) for tag in tags]

    def set_program(self, data):
        """Another program (.nbc bytes), with only the objects the isolate keeps, no globals and
        no frames yet."""
        self.program_bytes = bytes(data)
        self.program = Program(self.program_bytes)
        self.objects, self.globals, self.frames = [], [], []
        # Its string constants, "null" and no reserved LimitError (a program without error
        # classes), as objects 0 to n.
        strings = self.program.strings
        self.objects = [Obj(STRING_TYPE, 0, STRING) for _ in range(len(strings) + 1)]
        for o, text in zip(self.objects, strings + [b"null"]):
            o.data = text
        self.isolate_roots = [ref(i) for i in range(len(strings) + 1)] + [ref(None)]
        self.accounting = [0, 0, 0, 0, 0]
        self.host_data = b""

    def pc_of(self, fn, opcode, nth=0):
        """The pc of the nth instruction `opcode` of function `fn`."""
        pcs = [pc for pc, name, _ in self.program.instructions(fn) if name == opcode]
        return pcs[nth]

    def dump(self):
        p = self.program
        lines = ["version %d.%d flags %d" % (self.major, self.minor, self.flags),
                 "state %d entry %d reason %d instructions %d last hash %d" %
                 (self.state, self.entry, self.reason, self.instructions, self.last_hash),
                 "fuel %d timeout %r heap limit %d" % (self.fuel, self.timeout, self.heap_limit),
                 "input read ahead %d bytes, ended %d" % (len(self.input_ahead), self.input_ended),
                 "program %d bytes, %d types (%d at run time), %d functions" %
                 (len(self.program_bytes), len(p.types), len(p.runtime_types),
                  len(p.functions)),
                 "objects %d" % len(self.objects)]
        for i, o in enumerate(self.objects):
            lines.append("  #%d %s (type %d): %r" % (i, p.runtime_types[o.type][3], o.type, o))
        lines.append("globals %d" % len(self.globals))
        for (name, t), v in zip(p.globals, self.globals):
            lines.append("  %s: %s = %r" % (name, p.type_name(t), v))
        lines.append("frames %d" % len(self.frames))
        for k, f in enumerate(self.frames):
            fn = p.functions[f.function]
            op = dict((pc, name) for pc, name, _ in p.instructions(f.function)).get(f.pc, "?")
            lines.append("  %d: %s (function %d) pc %d %s registers %r" %
                         (k, fn.name, f.function, f.pc, op, f.registers))
        lines.append("isolate's objects %r" % self.isolate_roots)
        lines.append("accounting %r" % self.accounting)
        lines.append("host data %r" % self.host_data[:60])
        if self.trailing:
            lines.append("trailing %d bytes" % len(self.trailing))
        return "\n".join(lines)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("dump", "crc"):
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 64
    with open(argv[2], "rb") as f:
        data = f.read()
    if argv[1] == "crc":
        with open(argv[2], "wb") as f:
            f.write(fix_crc(data))
        return 0
    print(Snapshot.decode(data).dump())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
