#!/usr/bin/env python3
"""nbcasm: assembles a small readable text format into a Nuri bytecode file (.nbc).

  tests/bytecode/nbcasm.py CASE.nbcasm -o OUT.nbc

The instruction set (names, numbers, operand kinds) is read from vm/bytecode/opcodes.def, so
the assembler follows every change to it. The format is described in tests/bytecode/README.md;
in short:

  source "app.nuri"                     meta: the source file name (files default to it)
  type int[]                            a type entry (types are otherwise added when first used)
  type raw 6 9                          a raw type entry: kind byte, then varints
  int 1 2 / float 1.5 / string "s"      constant pools (operands =5, =1.5, "s" add to them)
  global counter int
  class Point extends Base              indented lines: field, method, implements, init, count
  function Point.get(Point) -> int      indented lines: regs, local, line, handler, count,
    GET_FIELD r1 r0 .x                  labels (`loop:`), instructions and `.word N ...`
    RETURN r1
  native println                        natives: the class library's by name (its signature from
  native "app.add" "(II)I"                natives.def), a host function as "module.name" "SIGNATURE"
  repeat N LINE                         the line N times
  section NAME raw|append|length|id ... escape hatches for the file's structure
"""
import math
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from opcodes_def import read_opcodes  # noqa: E402

OPCODES = {op.name: op for op in read_opcodes()}


def read_native_signatures():
    """The class library's natives and their signatures, `(PARAMS)RESULT`, from natives.def."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "classlib",
                        "registry", "natives.def")
    pattern = re.compile(r'NATIVE\((\w+),\s*"[^"]*",\s*"[^"]*",\s*\w+,\s*\'(.)\',\s*"([^"]*)"\)')
    signatures = {}
    with open(path) as f:
        for line in f:
            m = pattern.match(line.strip())
            if m:
                signatures[m.group(1)] = "(%s)%s" % (m.group(3), m.group(2))
    return signatures


NATIVE_SIGNATURES = read_native_signatures()

SECTIONS = ["meta", "types", "constants", "globals", "classes", "functions", "natives"]
TYPE_KINDS = {"void": 0, "int": 1, "float": 2, "bool": 3, "string": 4, "StringBuilder": 5}
KIND_ARRAY, KIND_CLASS, KIND_FUNCTION, KIND_CELL = 6, 7, 8, 9
REGISTER_KINDS = {"RI", "RF", "RB", "RS", "RSB", "RA", "RO", "RR", "RV", "RC", "RFN"}


class AsmError(Exception):
    pass


# ---- Lexing ----

TOKEN = re.compile(r"""
    (?P<space>[\s,]+)
  | (?P<comment>\#.*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?))
  | (?P<arrow>->)
  | (?P<name>[A-Za-z_$.][\w$.]*)
  | (?P<punct>[()\[\]<>*=:])
""", re.VERBOSE)


def unescape(body):
    """The bytes of a quoted string: UTF-8 text, with \\n \\t \\r \\\\ \\" \\0, \\xHH for a raw
    byte and \\u{HEX} for a code point."""
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e == "u":
            end = body.index("}", i)
            out += chr(int(body[i + 3:end], 16)).encode("utf-8", "surrogatepass")
            i = end + 1
        else:
            out += {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "\\": b"\\", '"': b'"'}[e]
            i += 2
    return bytes(out)


class Tok:
    def __init__(self, kind, text, value=None):
        self.kind, self.text, self.value = kind, text, value

    def __repr__(self):
        return self.text if len(self.text) < 40 else self.text[:36] + "..."


def lex(line):
    tokens = []
    pos = 0
    while pos < len(line):
        m = TOKEN.match(line, pos)
        if not m:
            raise AsmError("cannot read `%s`" % line[pos:])
        pos = m.end()
        kind = m.lastgroup
        text = m.group()
        if kind in ("space", "comment"):
            continue
        if kind == "string":
            value = unescape(text[1:-1])
            repeat = re.compile(r"\s*\*\s*(\d+)").match(line, pos)  # "ab" * 3 is "ababab"
            if repeat:
                value *= int(repeat.group(1))
                pos = repeat.end()
            tokens.append(Tok("string", text, value))
        elif kind == "number":
            tokens.append(Tok("number", text))
        elif kind == "arrow":
            tokens.append(Tok("punct", text))
        else:
            tokens.append(Tok(kind, text))
    return tokens


class Tokens:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def more(self):
        return self.i < len(self.t)

    def peek(self, text=None):
        if not self.more():
            return None
        tok = self.t[self.i]
        if text is not None:
            return tok if tok.text == text else None
        return tok

    def next(self, what="a value"):
        if not self.more():
            raise AsmError("expected %s at the end of the line" % what)
        self.i += 1
        return self.t[self.i - 1]

    def accept(self, text):
        if self.peek(text):
            self.i += 1
            return True
        return False

    def expect(self, text):
        tok = self.next("`%s`" % text)
        if tok.text != text:
            raise AsmError("expected `%s`, found `%s`" % (text, tok.text))

    def name(self):
        tok = self.next("a name")
        if tok.kind == "string":
            return tok.value.decode("utf-8", "surrogateescape")
        if tok.kind not in ("name", "number"):
            raise AsmError("expected a name, found `%r`" % tok)
        return tok.text

    def integer(self):
        tok = self.next("a number")
        if tok.kind != "number":
            raise AsmError("expected a number, found `%s`" % tok.text)
        return int(tok.text, 0)

    def done(self):
        if self.more():
            raise AsmError("unexpected `%s`" % self.peek().text)


# ---- Type expressions ----
# type := base ('[' ']')* ;  base := NAME | NUMBER (a raw type index) | cell<type>
#        | '(' types ')' '->' type   (a function type)

def parse_type(toks):
    tok = toks.next("a type")
    if tok.kind == "number":
        t = ("index", int(tok.text, 0))
    elif tok.text == "(":
        params = []
        while not toks.accept(")"):
            params.append(parse_type(toks))
        toks.expect("->")
        t = ("fn", parse_type(toks), tuple(params))
    elif tok.text == "cell":
        toks.expect("<")
        element = parse_type(toks)
        toks.expect(">")
        t = ("cell", element)
    elif tok.kind == "name":
        t = ("named", tok.text)
    else:
        raise AsmError("expected a type, found `%r`" % tok)
    while toks.peek("[") and toks.i + 1 < len(toks.t) and toks.t[toks.i + 1].text == "]":
        toks.i += 2
        t = ("array", t)
    return t


def parse_types(toks, until=None):
    types = []
    while toks.more() and not (until and toks.peek(until)):
        t = parse_type(toks)
        count = 1
        if toks.accept("*"):
            count = toks.integer()
        types += [t] * count
    return types


# ---- Raw bytes: u8:N u16:N u32:N v:N sv:N f64:X str:"..." "raw bytes" hex:"c328" ----

def varint(n):
    if n < 0:
        raise AsmError("a varint cannot be negative: %d" % n)
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def svarint(n):
    return varint(((n << 1) ^ (n >> 63)) & 0xFFFFFFFFFFFFFFFF)


def string(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return varint(len(data)) + data


def parse_raw(toks):
    out = bytearray()
    while toks.more():
        tok = toks.next()
        if tok.kind == "string":
            out += tok.value
            continue
        kind = tok.text
        toks.expect(":")
        if kind == "str":
            out += string(toks.next("a string").value)
        elif kind == "hex":
            out += bytes.fromhex(toks.next("hex digits").value.decode())
        elif kind == "f64":
            out += struct.pack("<d", float(toks.next().text))
        else:
            n = toks.integer()
            if kind == "u8":
                out += struct.pack("<B", n)
            elif kind == "u16":
                out += struct.pack("<H", n)
            elif kind == "u32":
                out += struct.pack("<I", n)
            elif kind == "v":
                out += varint(n)
            elif kind == "sv":
                out += svarint(n)
            else:
                raise AsmError("unknown raw item `%s:`" % kind)
    return bytes(out)


# ---- The program ----

class Function:
    def __init__(self, name, params, result, line):
        self.name, self.params, self.result, self.line = name, params, result, line
        self.flags = 0
        self.raw_flags = None
        self.owner = "auto"
        self.file = 0
        self.param_count = None
        self.regs = []
        self.body = []  # (line number, tokens)
        self.counts = {}


class Class:
    def __init__(self, name, line):
        self.name, self.line = name, line
        self.interface = False
        self.abstract = False
        self.raw_flags = None
        self.superclass = None
        self.fields = []  # (name, type, flags)
        self.methods = []
        self.interfaces = []  # (interface, [functions])
        self.init = "auto"
        self.counts = {}


class Assembler:
    def __init__(self):
        self.source = "test.nuri"
        self.files = None
        self.init = "auto"
        self.main = "auto"
        self.type_lines = []
        self.ints, self.floats, self.strings = [], [], []
        self.globals = []
        self.classes = []
        self.functions = []
        self.natives = []
        self.counts = {}
        self.magic = b"NURIBC\r\n"
        self.version = (0, 3)
        self.order = list(SECTIONS)
        self.section_raw, self.section_append = {}, {}
        self.section_length, self.section_id = {}, {}
        self.trailing = b""
        self.truncate = None

    # -- parsing --

    def parse(self, text):
        lines = []  # (line number, text), with `repeat N LINE` expanded
        for number, line in enumerate(text.splitlines(), 1):
            m = re.match(r"(\s*)repeat\s+(\d+)\s+(.*)$", line)
            lines += [(number, m.group(1) + m.group(3))] * int(m.group(2)) if m else [(number, line)]
        block = None
        for number, line in lines:
            try:
                toks = Tokens(lex(line))
                if not toks.more():
                    continue
                if line[0] in " \t":
                    if block is None:
                        raise AsmError("an indented line outside a class or function")
                    if isinstance(block, Function):
                        block.body.append((number, toks))
                    else:
                        self.class_line(block, toks)
                else:
                    block = self.top_line(toks, number)
            except AsmError as e:
                raise AsmError("line %d: %s" % (number, e))

    def top_line(self, toks, number):
        word = toks.name()
        if word == "source":
            self.source = toks.next("a string").value
        elif word == "files":
            self.files = []
            while toks.more():
                self.files.append(toks.next().value)
        elif word in ("init", "main"):
            setattr(self, word, self.ref(toks))
        elif word == "type":
            if toks.accept("raw"):
                kind = toks.integer()
                values = []
                while toks.more():
                    values.append(toks.integer())
                self.type_lines.append(("raw", kind, values))
            else:
                self.type_lines.append(("expr", parse_type(toks)))
        elif word == "int":
            while toks.more():
                self.ints.append(toks.integer())
        elif word == "float":
            while toks.more():
                self.floats.append(float(toks.next().text))
        elif word == "string":
            while toks.more():
                self.strings.append(toks.next("a string").value)
        elif word == "global":
            name = toks.name()
            self.globals.append((name, parse_type(toks)))
        elif word == "native":
            while toks.more():
                name = toks.name()
                signature = None
                if toks.more() and toks.peek().kind == "string":
                    signature = toks.next().value.decode("utf-8", "surrogateescape")
                self.natives.append((name, signature))
        elif word == "class":
            cls = Class(toks.name(), number)
            while toks.more():
                attr = toks.name()
                if attr == "extends":
                    cls.superclass = self.ref(toks)
                elif attr == "interface":
                    cls.interface = True
                elif attr == "abstract":
                    cls.abstract = True
                elif attr == "flags":
                    cls.raw_flags = toks.integer()
                else:
                    raise AsmError("unknown class attribute `%s`" % attr)
            self.classes.append(cls)
            return cls
        elif word == "function":
            return self.function_header(toks, number)
        elif word == "count":
            what = toks.name()
            self.counts[what] = toks.integer()
        elif word == "magic":
            self.magic = parse_raw(toks)
        elif word == "version":
            self.version = (toks.integer(), toks.integer())
        elif word == "sections":
            self.order = []
            while toks.more():
                self.order.append(toks.name())
        elif word == "section":
            name = toks.name()
            what = toks.name()
            if what == "raw":
                self.section_raw[name] = parse_raw(toks)
            elif what == "append":
                self.section_append[name] = parse_raw(toks)
            elif what == "length":
                self.section_length[name] = toks.integer()
            elif what == "id":
                self.section_id[name] = toks.integer()
            else:
                raise AsmError("unknown section directive `%s`" % what)
        elif word == "trailing":
            self.trailing = parse_raw(toks)
        elif word == "truncate":
            self.truncate = toks.integer()
        else:
            raise AsmError("unknown directive `%s`" % word)
        toks.done()
        return None

    def ref(self, toks):
        """A reference to a named entity, a raw index (a number) or `none`."""
        tok = toks.next("a name, number or none")
        if tok.kind == "number":
            return int(tok.text, 0)
        if tok.kind == "string":
            return tok.value.decode()
        return None if tok.text == "none" else tok.text

    def function_header(self, toks, number):
        name = toks.name()
        toks.expect("(")
        params = parse_types(toks, until=")")
        toks.expect(")")
        result = ("named", "void")
        if toks.accept("->"):
            result = parse_type(toks)
        fn = Function(name, params, result, number)
        while toks.more():
            attr = toks.name()
            if attr in ("private", "abstract", "static", "protected"):
                fn.flags |= {"private": 1, "abstract": 2, "static": 4, "protected": 8}[attr]
            elif attr == "flags":
                fn.raw_flags = toks.integer()
            elif attr == "owner":
                fn.owner = self.ref(toks)
            elif attr == "file":
                fn.file = toks.integer()
            elif attr == "params":
                fn.param_count = toks.integer()
            else:
                raise AsmError("unknown function attribute `%s`" % attr)
        self.functions.append(fn)
        return fn

    def class_line(self, cls, toks):
        word = toks.name()
        if word == "field":
            name = toks.name()
            t = parse_type(toks)
            flags = 0
            while toks.more():
                attr = toks.name()
                if attr == "flags":
                    flags = toks.integer()
                else:
                    flags |= {"private": 1, "let": 2, "privateset": 4, "protected": 8}[attr]
            cls.fields.append((name, t, flags))
        elif word == "method":
            while toks.more():
                cls.methods.append(self.ref(toks))
        elif word == "implements":
            iface = self.ref(toks)
            fns = []
            while toks.more():
                fns.append(self.ref(toks))
            cls.interfaces.append((iface, fns))
        elif word == "init":
            cls.init = self.ref(toks)
        elif word == "count":
            what = toks.name()
            cls.counts[what] = toks.integer()
        else:
            raise AsmError("unknown class directive `%s`" % word)
        toks.done()

    # -- resolving names --

    def finish(self):
        """Adds the default initialisers and resolves the module's entry points."""
        names = [f.name for f in self.functions]
        if self.init == "auto":
            if "<module>" not in names:
                self.functions.append(Function("<module>", [], ("named", "void"), 0))
                self.functions[-1].body = [(0, Tokens(lex("RETURN_VOID")))]
            self.init = "<module>"
        if self.main == "auto":
            self.main = "main" if "main" in names else None
        for cls in self.classes:
            if cls.init == "auto":
                if cls.interface:
                    cls.init = None
                    continue
                name = cls.name + ".init"
                if name not in [f.name for f in self.functions]:
                    fn = Function(name, [("named", cls.name)], ("named", "void"), 0)
                    fn.body = [(0, Tokens(lex("RETURN_VOID")))]
                    self.functions.append(fn)
                cls.init = name
        self.class_index = {c.name: i for i, c in enumerate(self.classes)}
        self.function_index = {}
        for i, f in enumerate(self.functions):
            self.function_index.setdefault(f.name, i)
        self.global_index = {g[0]: i for i, g in enumerate(self.globals)}

    def index_of(self, ref, table, what):
        if ref is None or isinstance(ref, int):
            return ref
        if ref not in table:
            raise AsmError("unknown %s `%s`" % (what, ref))
        return table[ref]

    def cls(self, ref):
        return self.index_of(ref, self.class_index, "class")

    def fn(self, ref):
        return self.index_of(ref, self.function_index, "function")

    # -- types --

    def build_types(self):
        self.types = []  # encoded entries
        self.type_keys = {}
        for line in self.type_lines:
            if line[0] == "raw":
                self.types.append(bytes([line[1]]) + b"".join(varint(v) for v in line[2]))
            else:
                self.type(line[1])

    def type(self, t):
        """The index of type expression t, added to the table if new."""
        if t[0] == "index":
            return t[1]
        if t[0] == "named":
            if t[1] in TYPE_KINDS:
                key = (TYPE_KINDS[t[1]],)
            else:
                key = (KIND_CLASS, self.cls(t[1]))
        elif t[0] == "array":
            key = (KIND_ARRAY, self.type(t[1]))
        elif t[0] == "cell":
            key = (KIND_CELL, self.type(t[1]))
        else:
            key = (KIND_FUNCTION, self.type(t[1]), tuple(self.type(p) for p in t[2]))
        if key not in self.type_keys:
            self.type_keys[key] = len(self.types)
            if key[0] == KIND_FUNCTION:
                data = bytes([key[0]]) + varint(key[1]) + varint(len(key[2]))
                data += b"".join(varint(p) for p in key[2])
            else:
                data = bytes([key[0]]) + b"".join(varint(v) for v in key[1:])
            self.types.append(data)
        return self.type_keys[key]

    def class_of_type(self, t):
        """The class a type expression names, if it does (for field names)."""
        if t[0] == "named" and t[1] in self.class_index:
            return self.class_index[t[1]]
        return None

    def layout(self, index):
        cls = self.classes[index]
        parent = self.cls(cls.superclass)
        own = [f[0] for f in cls.fields]
        if parent is None or not isinstance(parent, int) or parent >= len(self.classes) or \
                parent >= index:
            return own
        return self.layout(parent) + own

    # -- constants --

    def intern(self, pool, value):
        for i, v in enumerate(pool):
            if v == value and (not isinstance(v, float) or math.copysign(1, v) ==
                               math.copysign(1, value)):
                return i
        pool.append(value)
        return len(pool) - 1

    # -- code --

    def assemble_code(self, fn):
        """Two passes over the body: label addresses, then words."""
        labels = {}
        pc = 0
        items = []
        fn.lines, fn.locals, fn.handlers = [], [], []
        for number, toks in fn.body:
            try:
                toks.i = 0
                first = toks.peek()
                if first.kind == "name" and len(toks.t) == 2 and toks.t[1].text == ":":
                    labels[first.text] = pc
                    continue
                word = first.text
                if word in OPCODES:
                    op = OPCODES[word]
                    size = 1 + len(op.operands)
                    if "ARGS" in op.operands:
                        fixed = op.operands.index("ARGS")
                        size = 1 + fixed + 1 + (len(self.operand_tokens(toks)) - fixed)
                    items.append((number, pc, toks))
                    pc += size
                elif word == ".word":
                    items.append((number, pc, toks))
                    pc += len(toks.t) - 1
                else:
                    items.append((number, None, toks))
            except AsmError as e:
                raise AsmError("line %d: %s" % (number, e))
        code = []
        for number, at, toks in items:
            try:
                toks.i = 0
                word = toks.name()
                if at is not None:
                    code += self.instruction(fn, word, toks, at, labels)
                else:
                    self.function_directive(fn, word, toks, labels)
                toks.done()
            except AsmError as e:
                raise AsmError("line %d: %s" % (number, e))
        fn.code = code

    def operand_tokens(self, toks):
        """The operands of an instruction line, grouping a type expression as one."""
        groups = []
        toks.i = 1
        while toks.more():
            start = toks.i
            tok = toks.next()
            if tok.text == "(" or tok.text == "cell":
                toks.i = start
                parse_type(toks)
            elif toks.peek("[") and toks.i + 1 < len(toks.t) and toks.t[toks.i + 1].text == "]":
                toks.i = start
                parse_type(toks)
            elif tok.text == "=":
                toks.next()
            groups.append(toks.t[start:toks.i])
        toks.i = 0
        return groups

    def target(self, tok, labels):
        if tok.kind == "number":
            return int(tok.text, 0)
        if tok.text not in labels:
            raise AsmError("unknown label `%s`" % tok.text)
        return labels[tok.text]

    def instruction(self, fn, word, toks, at, labels):
        if word == ".word":  # raw code words: numbers, or opcode names for their numbers
            words = []
            while toks.more():
                if toks.peek().text in OPCODES:
                    words.append(OPCODES[toks.next().text].number)
                else:
                    words.append(toks.integer() & 0xFFFFFFFF)
            return words
        op = OPCODES[word]
        words = [op.number]
        last_object = None  # the class of the preceding object register, for field names
        for i, kind in enumerate(op.operands):
            if kind == "ARGS":
                args = []
                while toks.more():
                    args.append(self.register(toks.next()))
                words += [len(args)] + args
                break
            if kind in REGISTER_KINDS:
                r = self.register(toks.next("a register"))
                words.append(r)
                regs = fn.params + fn.regs
                last_object = self.class_of_type(regs[r]) if r < len(regs) else None
                continue
            tok = toks.next("a %s operand" % kind)
            if kind == "IMM":
                words.append(int(tok.text, 0) & 0xFFFFFFFF)
            elif kind == "JMP":
                if tok.kind == "number":
                    words.append(int(tok.text, 0) & 0xFFFFFFFF)
                else:
                    words.append((self.target(tok, labels) - at) & 0xFFFFFFFF)
            elif kind in ("KI", "KF", "KS"):
                if kind == "KS" and tok.kind == "string":
                    words.append(self.intern(self.strings, tok.value))
                elif tok.text == "=":
                    value = toks.next().text
                    if kind == "KI":
                        words.append(self.intern(self.ints, int(value, 0)))
                    else:
                        words.append(self.intern(self.floats, float(value)))
                else:
                    words.append(int(tok.text, 0))
            elif kind == "FN":
                words.append(self.fn(tok.value.decode() if tok.kind == "string" else
                                     (int(tok.text, 0) if tok.kind == "number" else tok.text)))
            elif kind == "NAT":
                if tok.kind == "number":
                    words.append(int(tok.text, 0))
                else:
                    names = [n for n, _ in self.natives]
                    if tok.text not in names:
                        self.natives.append((tok.text, None))
                        names.append(tok.text)
                    words.append(names.index(tok.text))
            elif kind == "GLB":
                words.append(self.index_of(int(tok.text, 0) if tok.kind == "number" else tok.text,
                                           self.global_index, "global"))
            elif kind == "TY":
                toks.i -= 1
                words.append(self.type(parse_type(toks)))
            elif kind == "FLD":
                words.append(self.field(tok, last_object))
            elif kind == "VT":
                words.append(int(tok.text, 0))
            else:
                raise AsmError("operand kind %s is not supported" % kind)
        return words

    def register(self, tok):
        m = re.fullmatch(r"r(\d+)", tok.text)
        if not m:
            raise AsmError("expected a register, found `%s`" % tok.text)
        return int(m.group(1))

    def field(self, tok, last_object):
        if tok.kind == "number":
            return int(tok.text, 0)
        cls_name, _, name = tok.text.rpartition(".")
        cls = self.cls(cls_name) if cls_name else last_object
        if cls is None:
            raise AsmError("field `%s`: the object register has no class" % tok.text)
        layout = self.layout(cls)
        if name not in layout:
            raise AsmError("class %s has no field `%s`" % (self.classes[cls].name, name))
        return layout.index(name)

    def function_directive(self, fn, word, toks, labels):
        if word == "regs":
            toks.i = len(toks.t)  # read before the types were built
        elif word == "local":
            fn.locals.append((toks.name(), self.register(toks.next())))
        elif word == "line":
            fn.lines.append(("abs", self.target(toks.next(), labels), toks.integer()))
        elif word == "linedelta":
            fn.lines.append(("delta", toks.integer(), toks.integer()))
        elif word == "handler":
            start = self.target(toks.next(), labels)
            end = self.target(toks.next(), labels)
            target = self.target(toks.next(), labels)
            caught = None
            if toks.accept("catch"):
                caught = self.cls(self.ref(toks))
            fn.handlers.append((start, end, target, caught, self.register(toks.next())))
        elif word == "count":
            what = toks.name()
            fn.counts[what] = toks.integer()
        else:
            raise AsmError("unknown function directive `%s`" % word)

    # -- encoding --

    def assemble(self, text):
        self.parse(text)
        self.finish()
        for fn in self.functions:
            for number, toks in fn.body:
                if toks.peek("regs"):
                    try:
                        toks.i = 1
                        fn.regs += parse_types(toks)
                    except AsmError as e:
                        raise AsmError("line %d: %s" % (number, e))
        self.build_types()
        globals_ = [(name, self.type(t)) for name, t in self.globals]
        for cls in self.classes:
            cls.field_types = [self.type(t) for _, t, _ in cls.fields]
        for fn in self.functions:
            try:
                fn.register_types = [self.type(t) for t in fn.params + fn.regs]
                fn.result_type = self.type(fn.result)
            except AsmError as e:
                raise AsmError("line %d: %s" % (fn.line, e))
        for fn in self.functions:
            self.assemble_code(fn)

        payload = {}
        files = self.files if self.files is not None else [self.source]
        meta = string(self.source) + varint(self.counts.get("files", len(files)))
        meta += b"".join(string(f) for f in files)
        meta += self.optional(self.fn(self.init)) + self.optional(self.fn(self.main))
        payload["meta"] = meta

        payload["types"] = varint(self.counts.get("types", len(self.types))) + b"".join(self.types)

        c = varint(self.counts.get("ints", len(self.ints))) + b"".join(svarint(v) for v in self.ints)
        c += varint(self.counts.get("floats", len(self.floats)))
        c += b"".join(struct.pack("<d", v) for v in self.floats)
        c += varint(self.counts.get("strings", len(self.strings)))
        c += b"".join(string(s) for s in self.strings)
        payload["constants"] = c

        g = varint(self.counts.get("globals", len(globals_)))
        g += b"".join(string(name) + varint(t) for name, t in globals_)
        payload["globals"] = g

        out = varint(self.counts.get("classes", len(self.classes)))
        for cls in self.classes:
            out += self.encode_class(cls)
        payload["classes"] = out

        out = varint(self.counts.get("functions", len(self.functions)))
        for fn in self.functions:
            out += self.encode_function(fn)
        payload["functions"] = out

        out = varint(self.counts.get("natives", len(self.natives)))
        for name, signature in self.natives:
            module, _, function = name.rpartition(".")
            if signature is None:
                signature = NATIVE_SIGNATURES.get(name, "()V")
            out += string(module) + string(function) + string(signature)
        payload["natives"] = out

        data = bytearray(self.magic + struct.pack("<HH", *self.version))
        for name in self.order:
            body = self.section_raw.get(name, payload[name]) + self.section_append.get(name, b"")
            data += struct.pack("<II", self.section_id.get(name, SECTIONS.index(name) + 1),
                                self.section_length.get(name, len(body)))
            data += body
        data += self.trailing
        if self.truncate is not None:
            data = data[:self.truncate]
        return bytes(data)

    def optional(self, index):
        return varint(0 if index is None else index + 1)

    def encode_class(self, cls):
        flags = cls.raw_flags if cls.raw_flags is not None else \
            int(cls.interface) | 2 * int(cls.abstract)
        out = string(cls.name) + bytes([flags]) + self.optional(self.cls(cls.superclass))
        out += varint(cls.counts.get("fields", len(cls.fields)))
        for (name, _, fflags), t in zip(cls.fields, cls.field_types):
            out += string(name) + varint(t) + bytes([fflags])
        out += varint(cls.counts.get("methods", len(cls.methods)))
        out += b"".join(varint(self.fn(m)) for m in cls.methods)
        out += varint(cls.counts.get("interfaces", len(cls.interfaces)))
        for iface, fns in cls.interfaces:
            out += varint(self.cls(iface)) + varint(len(fns))
            out += b"".join(varint(self.fn(f)) for f in fns)
        return out + self.optional(self.fn(cls.init))

    def encode_function(self, fn):
        owner = fn.owner
        if owner == "auto":
            prefix = fn.name.rpartition(".")[0]
            owner = self.class_index.get(prefix)
        else:
            owner = self.cls(owner)
        flags = fn.raw_flags if fn.raw_flags is not None else fn.flags
        count = fn.param_count if fn.param_count is not None else len(fn.params)
        out = string(fn.name) + self.optional(owner) + varint(fn.file) + bytes([flags])
        out += varint(count) + varint(fn.result_type)
        out += varint(fn.counts.get("registers", len(fn.register_types)))
        out += b"".join(varint(t) for t in fn.register_types)
        out += varint(fn.counts.get("code", len(fn.code)))
        out += b"".join(varint(w) for w in fn.code)
        out += varint(fn.counts.get("lines", len(fn.lines)))
        pc = line = 0
        for kind, a, b in fn.lines:
            if kind == "delta":
                out += varint(a) + svarint(b)
            else:
                out += varint(a - pc) + svarint(b - line)
                pc, line = a, b
        out += varint(fn.counts.get("locals", len(fn.locals)))
        out += b"".join(string(name) + varint(r) for name, r in fn.locals)
        out += varint(fn.counts.get("handlers", len(fn.handlers)))
        for start, end, target, caught, reg in fn.handlers:
            out += varint(start) + varint(end) + varint(target) + self.optional(caught)
            out += varint(reg)
        return out


def assemble(text):
    return Assembler().assemble(text)


def main():
    import argparse
    parser = argparse.ArgumentParser(description="Assembles a .nbcasm file into Nuri bytecode.")
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    try:
        data = assemble(open(args.input, encoding="utf-8").read())
    except AsmError as e:
        print("%s: %s" % (args.input, e), file=sys.stderr)
        return 1
    with open(args.output, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
