#!/usr/bin/env python3
"""Random, well-typed, terminating Nuri programs for differential testing.

`python3 program_gen.py --seed N` prints one program; a seed always gives the same program.
The programs are meant to be run under several execution tiers (interpreter, JIT, bytecode
files) whose outputs must agree, so they lean on what a compiler gets wrong: wrapping integer
arithmetic, negative division and remainder, shifts by large counts, float special values and
their printing, int/float conversions, string building, arrays and collections, virtual and
interface dispatch, casts, closures that capture and change variables, recursion, every kind
of loop with break and continue, and try/catch/finally with errors thrown from deep calls.
They print often (values and a running checksum), so a divergence shows near where it happens,
and some end with an uncaught runtime error so the error report is compared too.

How the generator keeps its promises:
- Well typed: expressions are generated for a wanted type from an environment of typed
  variables (see `ExprGen`), so no template needs a type checker of its own.
- Terminating and fast: every loop has a bound known when it is generated. Calls go only to
  callables generated earlier (a lower rank), except bounded self-recursion, so there is no
  call cycle; function values are only ever bodies that call no function values. Each body has
  a work budget: a statement costs the product of the enclosing loop bounds, a call the
  callee's cost times that product.
- Errors only where wanted: outside a `try`, integer divisors, indices and casts are guarded,
  references are never null and strings are clipped in length. Inside a `try` that ends with
  `catch (e: Error)`, and in callables that are only called from there, anything may fail.
"""
import argparse
import dataclasses
import random

INT, FLOAT, BOOL, STRING, VOID = "int", "float", "bool", "string", "void"
PRIMS = [INT, FLOAT, BOOL, STRING]
INT_FN, THUNK = "(int) -> int", "() -> int"
LIST_INT, LIST_STR, MAP_SI = "List<int>", "List<string>", "Map<string, int>"
CELL_INT, CELL_STR = "Cell<int>", "Cell<string>"
SB = "StringBuilder"
PRIM_ARRAYS = ["int[]", "float[]", "bool[]", "string[]"]

INT_LITS = ["0", "1", "2", "3", "5", "7", "10", "31", "100", "255", "0xFF", "0b1011", "1_000",
            "65536", "2147483647", "4294967296", "1000000007", "9223372036854775807",
            "0x7FFFFFFFFFFFFFFF", "(-1)", "(-2)", "(-7)", "(-100)", "(-2147483648)",
            "(-9223372036854775808)"]
SHIFT_COUNTS = ["0", "1", "3", "31", "32", "63", "64", "65", "127", "(-1)", "(-63)"]
DIVISORS = ["1", "2", "3", "7", "10", "(-1)", "(-3)", "(-8)", "4294967296"]
FLOAT_LITS = ["0.0", "1.0", "1.5", "0.1", "0.2", "2.5", "3.14159", "100.0", "1e16", "1e-5",
              "2.5e-3", "1e300", "123456.789", "0.30000000000000004", "1.7976931348623157e308",
              "5e-324", "(-0.0)", "(-2.25)", "(-1e10)", "(-0.5)"]
STRING_LITS = ['""', '"a"', '"abc"', '"Nuri"', '"h\u00e9llo"', '"\u65e5\u672c"', '"\U0001F600x"',
               '"  pad  "', '"a,b,,c"', '"x\\ty"', '"say \\"hi\\""', '"$5"', '"\\${no}"',
               '"stra\u00dfe"', '"Zebra"', '"apple"', '"-42"', '"3.5"', '"\\u{41}\\u{1F600}"']
NUM_ERRORS = ["ArithmeticError", "IndexError", "NullError", "CastError", "ValueError"]

# The error classes a program declares, besides the built-in ones, and every class's parent:
# a catch clause for a class whose ancestor is caught above it would not compile.
ERROR_PARENT = {"Error": None, "ArithmeticError": "Error", "IndexError": "Error",
                "NullError": "Error", "CastError": "Error", "ValueError": "Error",
                "StackOverflowError": "Error", "E0": "Error", "E1": "E0", "E2": "ValueError"}
ERROR_DECLS = """class E0 extends Error {
    init(msg: string) { super.init(msg) }
}
class E1 extends E0 {
    let code: int
    init(msg: string, code: int) {
        super.init(msg)
        this.code = code
    }
}
class E2 extends ValueError {
    init(msg: string) { super.init(msg) }
}"""

# Helpers every program has: the running checksum and the guards that keep safe code safe.
HELPERS = """var chk = 0
fun ck(v: int) {
    chk = chk * 31 + v
}
fun clip(s: string): string {
    if (s.length > 40) {
        return s.substring(0, 20) + s.substring(s.length - 20, s.length)
    }
    return s
}
fun f2i(x: float): int {
    if (x.isNaN()) {
        return -1
    }
    return Math.max(-1e18, Math.min(1e18, x)).toInt()
}"""
HELPER_COSTS = {"ck": 2, "clip": 3, "f2i": 3}

CELL_DECL = """class Cell<T> {
    var value: T
    init(value: T) { this.value = value }
    fun get(): T { return value }
    fun swap(x: T): T {
        let old = value
        value = x
        return old
    }
}"""
PICK_DECL = "fun pick<T>(c: bool, a: T, b: T): T { return c ? a : b }"
DEEP_DECL = "fun deep(n: int): int { return deep(n + 1) + 1 }"
# An iterator of its own, for `for` over an object (the loop calls iterator, hasNext, next).
SPAN_DECL = """class Span implements Iterator<int> {
    private var pos: int
    private let end: int
    init(from: int, count: int) {
        pos = from
        end = from + count
    }
    fun iterator(): Span { return this }
    fun hasNext(): bool { return pos < end }
    fun next(): int {
        pos += 1
        return pos - 1
    }
}"""

LAMBDA_COST = 40        # the most a function value may cost per call
COLL_MAX = 16           # lists and maps never grow past this (guarded at run time)
ARRAY_LOOP = 8          # iterations assumed for a loop over an array (lengths are 1..8)
PRINT_MULT = 4          # no println where a statement runs more often than this


def is_array(t):
    return t.endswith("[]")


def elem_of(t):
    return t[:-2]


def is_fn(t):
    return "->" in t


def paren(text):
    return "(" + text + ")"


def stored(t, text):
    """A value about to be stored (in a variable, field, element, cell or list). Stored
    strings are clipped: a string built from stored strings could otherwise double its length
    on every iteration of a loop."""
    return "clip(%s)" % text if t == STRING else text


def indent(lines):
    return ["    " + line for line in lines]


@dataclasses.dataclass
class Var:
    name: str           # as written in code: "v3", "this.fd1", "C2.s0"
    type: str
    mutable: bool


@dataclasses.dataclass
class Callable:
    """A function, a static method, or a method slot (all implementations of one method name)."""
    name: str
    params: list        # [(name, type)]
    ret: str
    rank: int           # bodies call only callables of a lower rank (no call cycles)
    throws: bool        # may raise: called only where errors are caught
    kind: str = "func"  # func, static, method, rec (bounded self-recursion)
    default: str = None  # a literal default for the last parameter
    cost: int = 0
    lines: int = 0      # output lines one call may print
    calls_fvals: bool = False  # calls function values (so a function value may not call it)
    body: list = None
    impls: list = dataclasses.field(default_factory=list)  # for methods: [(ClassInfo, lines)]


@dataclasses.dataclass
class Field:
    name: str
    type: str
    mutable: bool
    private: bool
    init: str = None    # initialiser text, or None when init() assigns it from a parameter


@dataclasses.dataclass
class ClassInfo:
    name: str
    parent: "ClassInfo"
    interfaces: list
    fields: list = dataclasses.field(default_factory=list)
    ctor_params: list = dataclasses.field(default_factory=list)
    ctor_cost: int = 1
    init_lines: list = dataclasses.field(default_factory=list)
    methods: list = dataclasses.field(default_factory=list)  # slot names with a body here
    static_var: str = None
    static_fun: Callable = None
    equals: bool = False    # declares equals(other), which == then calls

    def ancestors(self):
        c = self
        while c:
            yield c
            c = c.parent

    def is_sub(self, other):
        return any(a is other for a in self.ancestors())

    def all_interfaces(self):
        return {i.name for a in self.ancestors() for i in a.interfaces}

    def visible_fields(self, inside):
        """Fields usable on an object of this class from code in class `inside` (or None):
        private ones only on objects whose static type is that very class."""
        return [f for a in self.ancestors() for f in a.fields
                if not f.private or (a is inside and self is inside)]

    def has_equals(self):
        return any(a.equals for a in self.ancestors())

    def has_slot(self, name):
        return any(name in a.methods for a in self.ancestors())


@dataclasses.dataclass
class Interface:
    name: str
    slots: list         # slot names


@dataclasses.dataclass
class Body:
    """The cost bookkeeping of one body being generated."""
    rank: int
    budget: int
    line_budget: int
    cost: int = 0
    lines: int = 0
    calls_fvals: bool = False
    recursive: Callable = None  # the function itself, when its body may call itself
    self_calls: int = 0         # calls of itself generated so far (at most two)
    super_slot: Callable = None  # the method being overridden, callable as super.name()


@dataclasses.dataclass
class Ctx:
    """Where code is being generated: the variables in scope and what is allowed there."""
    body: Body
    scopes: list
    risky: bool = False      # errors may be raised here (they are caught or passed on)
    mult: int = 1            # how often a statement here may run per call of the body
    loop: bool = False       # break and continue are allowed
    lambda_: bool = False    # inside a lambda: no loops, no calls of function values
    cls: ClassInfo = None    # `this` and fields are available
    ret: str = None          # the return type, None where return is not allowed
    pure: bool = False       # no calls at all (guards that evaluate operands twice)
    jumps: bool = True       # return allowed (not in finally blocks)

    def viewer(self):
        """The class whose private members code here may use (lambdas written in its
        methods included)."""
        return self.cls

    def child(self, **changes):
        return dataclasses.replace(self, scopes=self.scopes + [{}], **changes)

    def declare(self, name, type_, mutable):
        self.scopes[-1][name] = Var(name, type_, mutable)

    def vars(self, pred=lambda v: True):
        seen = {}
        for scope in self.scopes:
            seen.update(scope)
        return [v for v in seen.values() if pred(v)]

    def can_print(self):
        return (self.mult <= PRINT_MULT and not self.pure
                and self.body.lines + self.mult <= self.body.line_budget)

    def spend(self, cost, lines=0):
        """Charges a statement or call; False if the body cannot afford it."""
        if self.body.cost + self.mult * cost > self.body.budget:
            return False
        if self.body.lines + self.mult * lines > self.body.line_budget:
            return False
        self.body.cost += self.mult * cost
        self.body.lines += self.mult * lines
        return True


class ProgramGen:
    """One program: plans its classes and callables, generates their bodies in rank order,
    then main, and writes it all out."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.counter = 0
        self.tag = 0
        self.classes = []
        self.interfaces = []
        self.slots = {}         # method name -> Callable
        self.functions = []     # top-level functions and static methods
        self.globals = []       # (Var, initialiser)
        self.tostring_rank = 1  # objects with toString() are stringified only above this rank
        self.expr = ExprGen(self)
        self.stmt = StmtGen(self)

    # ----- small helpers -----
    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def next_tag(self):
        self.tag += 1
        return self.tag

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def class_named(self, name):
        return next((c for c in self.classes if c.name == name), None)

    def interface_named(self, name):
        return next((i for i in self.interfaces if i.name == name), None)

    def is_object(self, t):
        return self.class_named(t) is not None or self.interface_named(t) is not None

    def subclasses(self, t):
        """The classes whose objects a value of static type t may be."""
        cls, iface = self.class_named(t), self.interface_named(t)
        if cls:
            return [c for c in self.classes if c.is_sub(cls)]
        return [c for c in self.classes if iface and iface.name in c.all_interfaces()]

    def has_tostring(self):
        return any("toString" in c.methods for c in self.classes)

    def afford_text(self, ctx, t):
        """Whether a value of type t may be converted to text here, which may call
        toString() methods; charges the body for it."""
        if t in (LIST_INT, MAP_SI):
            return not ctx.pure and ctx.spend(COLL_MAX * 3)
        base = elem_of(t) if is_array(t) else t
        if not self.is_object(base) or not self.has_tostring():
            return True
        if ctx.pure or ctx.body.rank <= self.tostring_rank:
            return False
        times = ARRAY_LOOP if is_array(t) else 1
        return ctx.spend(times * self.slots["toString"].cost)

    def value_types(self, objects=True, fns=True):
        """Types a variable, parameter or result may have."""
        types = PRIMS * 4 + PRIM_ARRAYS + ["int[][]", LIST_INT, LIST_STR, MAP_SI, SB,
                                           CELL_INT, CELL_STR]
        if objects:
            types += [c.name for c in self.classes] * 2 + [i.name for i in self.interfaces]
            types += [c.name + "[]" for c in self.classes[:2]]
        if fns:
            types += [INT_FN, THUNK]
        return types

    # ----- the plan: classes, interfaces, callables and their ranks -----
    def plan(self):
        rng = self.rng
        for k in range(rng.randint(0, 2)):
            self.interfaces.append(Interface("I%d" % k, []))
        for iface in self.interfaces:
            for _ in range(rng.randint(1, 2)):
                name = self.fresh("im")
                iface.slots.append(name)
                self.slots[name] = Callable(name, self.random_params(2, objects=False),
                                            self.pick(PRIMS), 0, False, "method")
        for k in range(rng.randint(1, 4)):
            self.plan_class("C%d" % k)
        # Every interface needs a class, so that a value of its type can be made.
        for iface in self.interfaces:
            if not self.subclasses(iface.name):
                self.classes[-1].interfaces.append(iface)
        for cls in self.classes:
            self.plan_interface_methods(cls)
        for _ in range(rng.randint(3, 7)):
            self.functions.append(self.plan_function(self.fresh("f")))
        if self.chance(0.5):
            self.functions.append(self.plan_recursive(self.fresh("rec")))
        self.assign_ranks()

    def random_params(self, most, objects=True):
        params = []
        for _ in range(self.rng.randint(0, most)):
            t = self.pick(self.value_types(objects=objects, fns=objects) if objects else PRIMS)
            params.append((self.fresh("p"), t))
        return params

    def plan_class(self, name):
        rng = self.rng
        parent = self.pick(self.classes) if self.classes and self.chance(0.6) else None
        ifaces = [i for i in self.interfaces if self.chance(0.4)]
        cls = ClassInfo(name, parent, ifaces)
        for _ in range(rng.randint(1, 3)):
            t = self.pick([INT, INT, FLOAT, BOOL, STRING, "int[]"])
            fname = self.fresh("fd")
            mutable = self.chance(0.75)
            private = self.chance(0.2)
            init = None if (not mutable and self.chance(0.6)) else self.expr.literal(t)
            cls.fields.append(Field(fname, t, mutable, private, init))
        # init takes a parameter for each field it sets, sometimes one more for super.init.
        cls.ctor_params = [(self.fresh("p"), f.type) for f in cls.fields if f.init is None]
        if parent and parent.ctor_params and self.chance(0.5):
            cls.ctor_params.append((self.fresh("p"), INT))
        if parent:
            cls.ctor_cost += parent.ctor_cost
        cls.ctor_cost += len(cls.fields)
        cls.equals = parent is None and self.chance(0.3)
        if self.chance(0.3):
            cls.static_var = self.fresh("s")
        if self.chance(0.3):
            cls.static_fun = Callable(name + "." + self.fresh("t"), self.random_params(2, objects=False),
                                      self.pick(PRIMS), 0, False, "static")
            self.functions.append(cls.static_fun)
        # Methods: new slots, overrides of inherited ones, toString.
        for _ in range(rng.randint(0, 2)):
            mname = self.fresh("m")
            ret = self.pick(PRIMS + [VOID])
            self.slots[mname] = Callable(mname, self.random_params(2, objects=False), ret, 0,
                                         self.chance(0.25), "method")
            cls.methods.append(mname)
        if parent:
            inherited = sorted({m for a in parent.ancestors() for m in a.methods})
            for mname in inherited:
                if self.chance(0.5):
                    cls.methods.append(mname)
        if "toString" not in cls.methods and self.chance(0.5):
            if "toString" not in self.slots:
                self.slots["toString"] = Callable("toString", [], STRING, 0, False, "method")
            cls.methods.append("toString")
        self.classes.append(cls)

    def plan_interface_methods(self, cls):
        for iface in cls.interfaces:
            for mname in iface.slots:
                if not cls.has_slot(mname):
                    cls.methods.append(mname)

    def plan_function(self, name):
        params = self.random_params(3)
        ret = self.pick(self.value_types() + [VOID] * 4)
        fn = Callable(name, params, ret, 0, self.chance(0.3))
        if params and params[-1][1] in PRIMS and self.chance(0.3):
            fn.default = self.expr.literal(params[-1][1]).strip("()")
        return fn

    def plan_recursive(self, name):
        params = [("d", INT)] + self.random_params(2, objects=False)
        return Callable(name, params, self.pick([INT, FLOAT, STRING]), 0, False, "rec")

    def assign_ranks(self):
        """Orders the bodies: toString first (it runs wherever objects become text), then
        the others shuffled. A body calls only lower ranks; all implementations of a method
        share the rank of its slot, so a virtual call reaches only finished bodies."""
        units = [s for n, s in self.slots.items() if n != "toString"] + self.functions
        self.rng.shuffle(units)
        for rank, unit in enumerate(units, start=2):
            unit.rank = rank
        if "toString" in self.slots:
            self.slots["toString"].rank = self.tostring_rank
        self.main_rank = len(units) + 2

    # ----- bodies -----
    def global_scope(self):
        scope = {v.name: v for v, _ in self.globals}
        for cls in self.classes:
            if cls.static_var:
                name = cls.name + "." + cls.static_var
                scope[name] = Var(name, INT, True)
        return scope

    def make_globals(self):
        for _ in range(self.rng.randint(1, 4)):
            t = self.pick([INT, INT, FLOAT, STRING, "int[]", LIST_INT] + [c.name for c in self.classes])
            mutable = not is_array(t) and self.chance(0.7)   # arrays stay put: see ExprGen.index
            ctx = Ctx(Body(0, 100, 0), [{}], pure=True)
            self.globals.append((Var(self.fresh("g"), t, mutable), self.expr.gen(ctx, t, 1)))

    def body_ctx(self, fn, cls=None, budget=300):
        body = Body(fn.rank, budget, 6 if fn.kind != "rec" else 0)
        ctx = Ctx(body, [self.global_scope(), {}], risky=fn.throws, cls=cls, ret=fn.ret)
        for pname, ptype in fn.params:
            ctx.declare(pname, ptype, True)
        return ctx

    def finish(self, fn, body):
        fn.cost = max(fn.cost, body.cost + 1)
        fn.lines = max(fn.lines, body.lines)
        fn.calls_fvals = fn.calls_fvals or body.calls_fvals

    def gen_function(self, fn):
        ctx = self.body_ctx(fn)
        if fn.kind == "rec":
            fn.body = self.gen_recursive_body(fn, ctx)
        else:
            fn.body = self.stmt.body(ctx, self.rng.randint(2, 7))
        self.finish(fn, ctx.body)

    def gen_recursive_body(self, fn, ctx):
        """A base case on `d`, then calls of itself with d - 1: bounded depth (d <= 7 at
        every call site) and at most two calls per level."""
        ctx.body.budget = 40
        ctx.declare("d", INT, False)        # the bound: never assigned
        lines = ["if (d <= 0) {"] + indent(["return " + self.expr.gen(ctx, fn.ret, 2)]) + ["}"]
        lines += self.stmt.block_of(ctx, self.rng.randint(0, 2))
        ctx.body.recursive = fn
        result = self.expr.gen(ctx, fn.ret, 3)
        ctx.body.recursive = None
        # Levels 7..0: at most 255 calls with two self-calls a level, 8 with one.
        fn.cost = (ctx.body.cost + 1) * (256 if ctx.body.self_calls > 1 else 8)
        return lines + ["return " + result]

    def gen_method_slot(self, slot):
        for cls in self.classes:
            if slot.name in cls.methods:
                budget = 20 if slot.name == "toString" else 200
                ctx = self.body_ctx(slot, cls, budget)
                if slot.name == "toString":
                    ctx.body.line_budget = 0
                if cls.parent and cls.parent.has_slot(slot.name):
                    ctx.body.super_slot = slot
                lines = self.stmt.body(ctx, self.rng.randint(1, 4))
                slot.impls.append((cls, lines))
                self.finish(slot, ctx.body)

    def gen_class_inits(self):
        for cls in self.classes:
            params = {p: Var(p, t, False) for p, t in cls.ctor_params}
            ctx = Ctx(Body(0, 100, 0), [params], cls=cls, pure=True)
            lines = []
            if cls.parent and cls.parent.ctor_params:
                # Only parameters: the class's own fields are not initialised before super.init.
                pctx = Ctx(Body(0, 100, 0), [params], pure=True)
                args = [self.expr.gen(pctx, t, 1) for _, t in cls.parent.ctor_params]
                lines.append("super.init(%s)" % ", ".join(args))
            for f in cls.fields:
                if f.init is None:
                    lines.append("this.%s = %s" % (f.name, stored(f.type, self.param_for_field(cls, f))))
            for f in cls.fields:
                if f.mutable and self.chance(0.3):
                    lines.append("%s = %s" % (f.name, stored(f.type, self.expr.gen(ctx, f.type, 1))))
            if cls.static_var and self.chance(0.7):
                lines.append("%s += 1" % cls.static_var)
            cls.init_lines = lines

    def param_for_field(self, cls, field):
        index = [f for f in cls.fields if f.init is None].index(field)
        return cls.ctor_params[index][0]

    def generate(self):
        self.plan()
        self.make_globals()
        self.gen_class_inits()
        units = sorted(list(self.slots.values()) + self.functions, key=lambda u: u.rank)
        for unit in units:
            if unit.kind == "method":
                self.gen_method_slot(unit)
            else:
                self.gen_function(unit)
        top = self.gen_top_level()
        main = self.gen_main()
        return self.emit(top, main)

    def main_ctx(self, budget, lines):
        body = Body(self.main_rank, budget, lines)
        return Ctx(body, [self.global_scope(), {}], ret=VOID)

    def gen_top_level(self):
        ctx = self.main_ctx(3000, 30)
        ctx.ret = None
        return self.stmt.block_of(ctx, self.rng.randint(2, 6))

    def gen_main(self):
        """main's body, and its signature: it may return the exit status, and some programs
        end with an uncaught error thrown from a few calls down."""
        returns = self.chance(0.15)
        ctx = self.main_ctx(100000, 250)
        ctx.ret = INT if returns else VOID
        lines = [self.stmt.new_local(ctx, self.pick(self.value_types()))[1] for _ in range(self.rng.randint(2, 5))]
        lines += self.stmt.block_of(ctx, self.rng.randint(12, 30))
        lines.append('println("chk " + chk)')
        if self.chance(0.3):
            lines += self.gen_fault_chain(ctx)
        elif self.chance(0.1):
            lines.append("System.exit(chk & 15)")
        if returns:
            lines.append("return chk & 7")
        return ("fun main(): int {" if returns else "fun main() {"), lines

    def gen_fault_chain(self, ctx):
        """A call chain of 1 to 3 new functions; the innermost one ends with a statement that
        certainly fails (if nothing before it did)."""
        inner = Callable(self.fresh("fault"), [("p0", INT)], VOID, self.main_rank - 1, True)
        fctx = self.body_ctx(inner)
        inner.body = self.stmt.block_of(fctx, self.rng.randint(0, 2)) + self.stmt.fault(fctx)
        self.functions.append(inner)
        callee = inner
        for _ in range(self.rng.randint(0, 2)):
            outer = Callable(self.fresh("via"), [("p0", INT)], VOID, self.main_rank - 1, True)
            octx = self.body_ctx(outer)
            call = "%s(p0 + %d)" % (callee.name, self.rng.randint(0, 9))
            lines = self.stmt.block_of(octx, self.rng.randint(0, 2))
            if self.chance(0.4):
                # The finally block runs before the error is reported.
                lines += ["try {"] + indent([call]) + ["} finally {"]
                lines += indent(['println("finally in %s")' % outer.name]) + ["}"]
            else:
                lines.append(call)
            outer.body = lines
            self.functions.append(outer)
            callee = outer
        return ["%s(%s)" % (callee.name, self.expr.gen(ctx, INT, 1))]

    # ----- output -----
    def emit(self, top, main):
        out = ["// Generated by tests/fuzz/program_gen.py --seed %d" % self.seed,
               HELPERS, ERROR_DECLS, CELL_DECL, PICK_DECL, DEEP_DECL, SPAN_DECL]
        for iface in self.interfaces:
            sigs = ["    fun %s" % self.signature(self.slots[m]) for m in iface.slots]
            out.append("\n".join(["interface %s {" % iface.name] + sigs + ["}"]))
        for cls in self.classes:
            out.append("\n".join(self.emit_class(cls)))
        for fn in self.functions:
            if fn.kind != "static":
                out.append("\n".join(["fun %s {" % self.signature(fn)] + indent(fn.body) + ["}"]))
        for var, init in self.globals:
            out.append("%s %s: %s = %s" % ("var" if var.mutable else "let", var.name, var.type, init))
        out.append("\n".join(top))
        header, body = main
        out.append("\n".join([header] + indent(body) + ["}"]))
        return "\n".join(out) + "\n"

    def signature(self, fn):
        params = ["%s: %s" % p for p in fn.params]
        if fn.default is not None:
            params[-1] += " = " + fn.default
        name = fn.name.split(".")[-1]
        ret = "" if fn.ret == VOID else ": " + fn.ret
        return "%s(%s)%s" % (name, ", ".join(params), ret)

    def emit_class(self, cls):
        head = "class " + cls.name
        if cls.parent:
            head += " extends " + cls.parent.name
        if cls.interfaces:
            head += " implements " + ", ".join(i.name for i in cls.interfaces)
        lines = [head + " {"]
        for f in cls.fields:
            decl = "%s%s %s: %s" % ("private " if f.private else "", "var" if f.mutable else "let",
                                    f.name, f.type)
            lines.append("    " + decl + ("" if f.init is None else " = " + f.init))
        if cls.static_var:
            lines.append("    static var %s: int = %d" % (cls.static_var, self.rng.randint(0, 9)))
        if cls.ctor_params or cls.init_lines:
            params = ", ".join("%s: %s" % p for p in cls.ctor_params)
            lines += indent(["init(%s) {" % params] + indent(cls.init_lines) + ["}"])
        if cls.equals:
            same = " && ".join("%s == other.%s" % (f.name, f.name) for f in cls.fields[:2])
            lines += indent(["fun equals(other: %s): bool {" % cls.name,
                             "    return other != null && " + same, "}"])
        if cls.static_fun:
            fn = cls.static_fun
            lines += indent(["static fun %s {" % self.signature(fn)] + indent(fn.body) + ["}"])
        for mname in cls.methods:
            slot = self.slots[mname]
            body = next(b for c, b in slot.impls if c is cls)
            override = "override " if cls.parent and cls.parent.has_slot(mname) else ""
            lines += indent(["%sfun %s {" % (override, self.signature(slot))] + indent(body) + ["}"])
        return lines + ["}"]


class ExprGen:
    """Expressions of a wanted type. Each type has productions; a production returns None when
    it does not apply here (no variable of a type, no affordable callable, a pure context)."""

    def __init__(self, gen):
        self.g = gen

    # ----- entry points -----
    def gen(self, ctx, t, depth, exact=False):
        """An expression of type t (of a subclass of t unless exact)."""
        if depth > 0:
            for _ in range(6):
                text = self.production(ctx, t, depth, exact)
                if text is not None:
                    return text
        return self.terminal(ctx, t, exact)

    def production(self, ctx, t, depth, exact):
        table = {INT: self.int_prods, FLOAT: self.float_prods, BOOL: self.bool_prods,
                 STRING: self.string_prods}
        if t in table:
            prods = table[t]()
        else:
            prods = self.ref_prods(t)
        weighted = [p for p, w in prods for _ in range(w)]
        return self.g.pick(weighted)(ctx, t, depth - 1, exact)

    def terminal(self, ctx, t, exact):
        """Something of type t without recursion: a variable or a literal value."""
        if self.g.chance(0.75):
            var = self.var_of(ctx, t, exact)
            if var:
                return var
        return self.literal(t, ctx, exact)

    def literal(self, t, ctx=None, exact=False):
        g = self.g
        if t == INT:
            return g.pick(INT_LITS)
        if t == FLOAT:
            return g.pick(FLOAT_LITS)
        if t == BOOL:
            return g.pick(["true", "false"])
        if t == STRING:
            return g.pick(STRING_LITS)
        if t == "int[]":
            return "[%s]" % ", ".join(g.pick(INT_LITS) for _ in range(g.rng.randint(1, 5)))
        ctx = ctx or Ctx(Body(0, 10, 0), [{}], pure=True)
        return self.new_value(ctx, t, 0, exact)

    def var_of(self, ctx, t, exact=False):
        names = [v.name for v in ctx.vars(lambda v: self.fits(v.type, t, exact))]
        names += [f for f, ft in self.this_fields(ctx) if self.fits(ft, t, exact)]
        if ctx.cls and not ctx.pure and self.fits(ctx.cls.name, t, exact):
            names.append("this")
        return self.g.pick(names) if names else None

    def fits(self, have, want, exact):
        if have == want:
            return True
        if exact or not self.g.is_object(want) or not self.g.class_named(have):
            return False
        return self.g.class_named(have) in self.g.subclasses(want)

    def this_fields(self, ctx):
        """(text, type) of the fields of `this` usable here, bare or as this.name."""
        if not ctx.cls:
            return []
        return [(self.g.pick(["", "this."]) + f.name, f.type) for f in ctx.cls.visible_fields(ctx.viewer())]

    # ----- construction of reference values -----
    def new_value(self, ctx, t, depth, exact):
        g = self.g
        if is_array(t):
            return self.array_value(ctx, t, depth)
        if t in (LIST_INT, LIST_STR):
            return t + "()"
        if t == MAP_SI:
            return "Map<string, int>()"
        if t == SB:
            return "StringBuilder()"
        if t in (CELL_INT, CELL_STR):
            el = INT if t == CELL_INT else STRING
            return "%s(%s)" % (t, stored(el, self.gen(ctx, el, depth)))
        if is_fn(t):
            return self.lambda_value(ctx, t, depth)
        if t in ERROR_PARENT:
            return self.error_value(ctx, t, depth)
        cls = g.pick(g.subclasses(t))
        text = self.construct(ctx, cls, depth)
        if cls.name != t and (exact or g.chance(0.3)):
            text = "(%s as %s)" % (text, t)
        return text

    def construct(self, ctx, cls, depth):
        ctx.spend(cls.ctor_cost)
        args = [self.gen(ctx, pt, depth) for _, pt in cls.ctor_params]
        return "%s(%s)" % (cls.name, ", ".join(args))

    def array_value(self, ctx, t, depth):
        g = self.g
        el = elem_of(t)
        if el in (INT, FLOAT, BOOL) and g.chance(0.3):
            return "new %s[%s]" % (el, self.small_count(ctx, 7, plus_one=True))
        if t == "int[][]" and g.chance(0.5):
            return "new int[%s][%s]" % (self.small_count(ctx, 3, True), self.small_count(ctx, 3, True))
        if t == "string[]" and g.chance(0.3) and not ctx.pure:
            return "%s.split(%s)" % (paren(self.gen(ctx, STRING, depth)), g.pick(['","', '"a"', '" "']))
        items = [self.gen(ctx, el, depth) for _ in range(g.rng.randint(1, 4))]
        if g.is_object(el):
            # The first element carries the element type, so the literal has it whatever the context.
            items[0] = "(%s as %s)" % (items[0], el)
        return "[%s]" % ", ".join(items)

    def error_value(self, ctx, t, depth):
        msg = self.gen(ctx, STRING, min(depth, 1))
        if t == "E1":
            return "E1(%s, %s)" % (msg, self.gen(ctx, INT, min(depth, 1)))
        return "%s(%s)" % (t, msg)

    def lambda_value(self, ctx, t, depth):
        """A lambda literal, short or long form. Its body may change captured variables but
        calls nothing that calls function values, so no call cycle can form through it."""
        g = self.g
        if ctx.pure:
            return "{ -> 0 }" if t == THUNK else "{ x: int -> x }"
        body = Body(ctx.body.rank, LAMBDA_COST, 0)
        lctx = dataclasses.replace(ctx, body=body, scopes=ctx.scopes + [{}], lambda_=True, loop=False,
                                   mult=1, ret=INT, risky=False, jumps=False)
        param = ""
        if t == INT_FN:
            pname = g.fresh("x")
            lctx.declare(pname, INT, False)
            param = pname + ": int "
        stmts = []
        for _ in range(g.rng.randint(0, 2)):
            assign = g.stmt.assign(lctx)
            if assign:
                stmts.append(assign[0])
        result = self.gen(lctx, INT, 2)
        if g.chance(0.5):
            return "{ %s-> %s }" % (param, "; ".join(stmts + [result]))
        return "fun(%s): int { %s }" % (param.strip(), "; ".join(stmts + ["return " + result]))

    def small_count(self, ctx, mask, plus_one=False):
        """A non-negative int no larger than mask (+1), computed from a pure expression."""
        text = "(%s & %d)" % (self.gen(ctx.child(pure=True), INT, 1), mask)
        return "(%s + 1)" % text if plus_one else text

    def index(self, ctx, length_text):
        """An index into an array (or list) that is surely in range: arrays are never empty,
        and the index is pure, so nothing can change the array between the two evaluations."""
        return "(%s %% %s)" % (self.small_count(ctx, 15), length_text)

    # ----- calls -----
    def callables(self, ctx, ret):
        """Callables returning ret (or a subclass) that this body may call now."""
        g = self.g
        if ctx.pure:
            return []
        found = []
        for fn in g.functions:
            if fn.kind != "method" and self.fits(fn.ret, ret, False) and self.may_call(ctx, fn):
                found.append(fn)
        rec = ctx.body.recursive
        if rec and rec.ret == ret and ctx.body.self_calls < 2:
            found.append(rec)
        return found

    def may_call(self, ctx, fn):
        if fn.rank >= ctx.body.rank or fn.rank == 0:
            return False
        if fn.throws and not ctx.risky:
            return False
        if ctx.lambda_ and (fn.calls_fvals or fn.cost > LAMBDA_COST // 2):
            return False
        return ctx.body.cost + ctx.mult * fn.cost <= ctx.body.budget

    def call(self, ctx, fn, depth):
        """The text of a call of fn, charged to the body."""
        ctx.spend(fn.cost, fn.lines)
        ctx.body.calls_fvals |= fn.calls_fvals
        if fn is ctx.body.recursive:
            ctx.body.self_calls += 1
        args = []
        params = fn.params
        if fn.default is not None and self.g.chance(0.5):
            params = params[:-1]
        for i, (_, pt) in enumerate(params):
            if fn.kind == "rec" and i == 0:
                if ctx.body.recursive is fn:
                    args.append("d - 1")
                else:
                    args.append(self.small_count(ctx, 7))
            elif pt == FLOAT and self.g.chance(0.3):
                args.append(self.gen(ctx, INT, depth))      # int widens to float
            else:
                args.append(self.gen(ctx, pt, depth))
        return "%s(%s)" % (fn.name, ", ".join(args))

    def method_calls(self, ctx, ret):
        """(receiver, slot) pairs: methods returning ret on objects in scope, or on this."""
        g = self.g
        if ctx.pure:
            return []
        found = []
        receivers = [(v.name, v.type) for v in ctx.vars(lambda v: g.is_object(v.type))]
        if ctx.cls:
            receivers.append(("this", ctx.cls.name))
        for recv, rtype in receivers:
            for slot in self.slots_of(rtype):
                if self.fits(slot.ret, ret, False) and self.may_call(ctx, slot):
                    found.append((recv, slot))
        sup = ctx.body.super_slot
        if sup and sup.ret == ret:
            found.append(("super", sup))
        return found

    def slots_of(self, t):
        g = self.g
        cls, iface = g.class_named(t), g.interface_named(t)
        names = []
        if cls:
            names = sorted({m for a in cls.ancestors() for m in a.methods})
            names += sorted({m for i in cls.all_interfaces() for m in g.interface_named(i).slots})
        elif iface:
            names = list(iface.slots)
        return [g.slots[n] for n in dict.fromkeys(names) if n != "toString"]

    def method_call(self, ctx, ret, depth):
        options = self.method_calls(ctx, ret)
        if not options:
            return None
        recv, slot = self.g.pick(options)
        text = self.call(ctx, slot, depth)
        if recv == "this" and self.g.chance(0.5):
            return text
        return recv + "." + text

    def fn_value_call(self, ctx, ret, depth):
        """A call of a function value in scope: a (int) -> int or a () -> int."""
        if ctx.pure or ctx.lambda_ or ret != INT:
            return None
        fvars = ctx.vars(lambda v: v.type in (INT_FN, THUNK))
        if not fvars or not ctx.spend(LAMBDA_COST):
            return None
        ctx.body.calls_fvals = True
        var = self.g.pick(fvars)
        arg = self.gen(ctx, INT, depth) if var.type == INT_FN else ""
        return "%s(%s)" % (var.name, arg)

    # ----- productions shared by all types -----
    def p_var(self, ctx, t, depth, exact):
        return self.var_of(ctx, t, exact)

    def p_call(self, ctx, t, depth, exact):
        options = self.callables(ctx, t)
        if not options:
            return self.method_call(ctx, t, depth)
        fn = self.g.pick(options)
        if fn.ret != t and exact:
            return None
        return self.call(ctx, fn, depth)

    def p_method(self, ctx, t, depth, exact):
        return self.method_call(ctx, t, depth)

    def p_ternary(self, ctx, t, depth, exact):
        cond = self.gen(ctx, BOOL, depth)
        return "(%s ? %s : %s)" % (cond, self.gen(ctx, t, depth, True), self.gen(ctx, t, depth, True))

    def p_when(self, ctx, t, depth, exact):
        """A `when` used as a value: over a small int (values that may match), or conditions."""
        g = self.g
        arms = []
        if g.chance(0.6):
            subject = "(%s %% 5)" % self.gen(ctx, INT, depth)
            pool = g.rng.sample(range(-4, 5), 6)  # a value is listed once (twice is an error)
            for _ in range(g.rng.randint(1, 3)):
                values = ", ".join(str(pool.pop()) for _ in range(g.rng.randint(1, 2)))
                arms.append("%s -> (%s)" % (values, self.gen(ctx, t, depth, True)))
            head = "when (%s)" % subject
        else:
            for _ in range(g.rng.randint(1, 2)):
                arms.append("%s -> (%s)" % (self.gen(ctx, BOOL, depth), self.gen(ctx, t, depth, True)))
            head = "when"
        # A `{` after `->` opens a block, so a value (a lambda may be one) goes in parentheses.
        arms.append("else -> (%s)" % self.gen(ctx, t, depth, True))
        return "%s { %s }" % (head, "; ".join(arms))

    def p_field(self, ctx, t, depth, exact):
        """A field of an object variable, or of this."""
        g = self.g
        options = [text for text, ft in self.this_fields(ctx) if ft == t]
        for v in ctx.vars(lambda v: g.class_named(v.type) is not None):
            for f in g.class_named(v.type).visible_fields(ctx.viewer()):
                if f.type == t:
                    options.append(v.name + "." + f.name)
        return g.pick(options) if options else None

    def p_element(self, ctx, t, depth, exact):
        """An element of an array variable, at a guarded index."""
        arrays = [v.name for v in ctx.vars(lambda v: v.type == t + "[]")]
        arrays += [text for text, ft in self.this_fields(ctx) if ft == t + "[]"]
        if not arrays:
            return None
        arr = self.g.pick(arrays)
        return "%s[%s]" % (arr, self.index(ctx, arr + ".length"))

    def p_risky_element(self, ctx, t, depth, exact):
        """An element at an unguarded index: may raise IndexError."""
        if not ctx.risky or ctx.pure:
            return None
        arrays = [v.name for v in ctx.vars(lambda v: v.type == t + "[]")]
        if not arrays:
            return None
        return "%s[%s]" % (self.g.pick(arrays), self.gen(ctx, INT, depth))

    def p_risky_cast(self, ctx, t, depth, exact):
        """A downcast that may fail with CastError, then a field of the result."""
        g = self.g
        if not ctx.risky or ctx.pure:
            return None
        options = []
        for v in ctx.vars(lambda v: g.is_object(v.type)):
            for cls in g.classes:
                for f in cls.visible_fields(ctx.viewer()):
                    if f.type == t and self.castable(v.type, cls):
                        options.append("(%s as %s).%s" % (v.name, cls.name, f.name))
        return g.pick(options) if options else None

    def castable(self, have, cls):
        """Whether `x as cls` compiles for x of type have (the classes are related)."""
        g = self.g
        if g.interface_named(have):
            return True
        hcls = g.class_named(have)
        return hcls is not cls and (cls.is_sub(hcls) or hcls.is_sub(cls))

    def p_guarded_cast(self, ctx, t, depth, exact):
        """`x is C ? (x as C).f : other`: a downcast that cannot fail."""
        g = self.g
        if ctx.pure:
            return None
        options = []
        for v in ctx.vars(lambda v: g.is_object(v.type)):
            for cls in g.classes:
                if not self.castable(v.type, cls):
                    continue
                for f in cls.visible_fields(ctx.viewer()):
                    if f.type == t:
                        options.append((v.name, cls.name, f.name))
        if not options:
            return None
        var, cname, fname = g.pick(options)
        return "(%s is %s ? (%s as %s).%s : %s)" % (var, cname, var, cname, fname,
                                                   self.gen(ctx, t, depth, True))

    def p_cell(self, ctx, t, depth, exact):
        cell_t = CELL_INT if t == INT else CELL_STR
        cells = [v.name for v in ctx.vars(lambda v: v.type == cell_t)]
        if not cells:
            return None
        cell = self.g.pick(cells)
        if ctx.pure or self.g.chance(0.4):
            return cell + ".value"
        if self.g.chance(0.5):
            return cell + ".get()"
        return "%s.swap(%s)" % (cell, stored(t, self.gen(ctx, t, depth)))

    def p_pick(self, ctx, t, depth, exact):
        """The generic function pick<T>, instantiated for t."""
        if ctx.pure or (self.g.is_object(t) and not exact and self.g.chance(0.5)):
            return None
        return "pick(%s, %s, %s)" % (self.gen(ctx, BOOL, depth), self.gen(ctx, t, depth, True),
                                     self.gen(ctx, t, depth, True))

    # ----- int -----
    def int_prods(self):
        return [(self.p_var, 6), (self.i_literal, 3), (self.i_arith, 8), (self.i_unary, 2),
                (self.i_div, 4), (self.i_shift, 3), (self.i_bits, 3), (self.p_ternary, 2), (self.p_when, 1),
                (self.p_call, 4), (self.p_method, 3), (self.p_field, 3), (self.p_element, 3),
                (self.i_length, 3), (self.i_from_float, 2), (self.i_misc, 3), (self.i_coll, 3),
                (self.p_cell, 1), (self.p_pick, 1), (self.i_fn_call, 2), (self.p_guarded_cast, 1),
                (self.i_risky, 2), (self.p_risky_element, 1), (self.p_risky_cast, 1)]

    def i_literal(self, ctx, t, depth, exact):
        return self.g.pick(INT_LITS)

    def i_arith(self, ctx, t, depth, exact):
        op = self.g.pick(["+", "-", "*"])
        return "(%s %s %s)" % (self.gen(ctx, INT, depth), op, self.gen(ctx, INT, depth))

    def i_unary(self, ctx, t, depth, exact):
        return "%s(%s)" % (self.g.pick(["-", "~"]), self.gen(ctx, INT, depth))

    def i_div(self, ctx, t, depth, exact):
        """Division and remainder by a divisor that cannot be zero: a literal, or x | 1."""
        op = self.g.pick(["/", "%"])
        if self.g.chance(0.5):
            divisor = self.g.pick(DIVISORS)
        else:
            divisor = "(%s | %s)" % (self.gen(ctx, INT, depth), self.g.pick(["1", "(-9223372036854775807)"]))
        return "(%s %s %s)" % (self.gen(ctx, INT, depth), op, divisor)

    def i_shift(self, ctx, t, depth, exact):
        op = self.g.pick(["<<", ">>", ">>>"])
        count = self.g.pick(SHIFT_COUNTS) if self.g.chance(0.6) else self.gen(ctx, INT, depth)
        return "(%s %s %s)" % (self.gen(ctx, INT, depth), op, count)

    def i_bits(self, ctx, t, depth, exact):
        op = self.g.pick(["&", "|", "^"])
        return "(%s %s %s)" % (self.gen(ctx, INT, depth), op, self.gen(ctx, INT, depth))

    def i_length(self, ctx, t, depth, exact):
        g = self.g
        kind = g.pick(["string", "array", "sb"])
        if kind == "string":
            return "%s.length" % paren(self.gen(ctx, STRING, depth))
        if kind == "array":
            return "%s.length" % paren(self.gen(ctx, g.pick(PRIM_ARRAYS), depth))
        sbs = [v.name for v in ctx.vars(lambda v: v.type == SB)]
        return g.pick(sbs) + ".length" if sbs else None

    def i_from_float(self, ctx, t, depth, exact):
        if ctx.pure:
            return None
        ctx.spend(HELPER_COSTS["f2i"])
        return "f2i(%s)" % self.gen(ctx, FLOAT, depth)

    def i_misc(self, ctx, t, depth, exact):
        g = self.g
        kind = g.rng.randint(0, 7)
        if kind == 0:
            return "Math.%s(%s, %s)" % (g.pick(["min", "max"]), self.gen(ctx, INT, depth), self.gen(ctx, INT, depth))
        if kind == 1:
            return "%s.abs()" % paren(self.gen(ctx, INT, depth))
        if kind == 2 and not ctx.pure:
            return "%s.indexOf(%s)" % (paren(self.gen(ctx, STRING, depth)), self.gen(ctx, STRING, depth))
        if kind == 3:
            strs = [v.name for v in ctx.vars(lambda v: v.type == STRING)]
            if strs:
                s = g.pick(strs)
                return "(%s.length > 0 ? %s.codePointAt(%s) : -5)" % (s, s, self.index(ctx, s + ".length"))
        if kind == 4 and not ctx.pure:
            t2 = g.pick([INT, FLOAT, STRING, BOOL])
            return "compareOf(%s, %s)" % (self.gen(ctx, t2, depth, True), self.gen(ctx, t2, depth, True))
        if kind == 5 and not ctx.pure:
            return "%s.toString().toInt()" % paren(self.gen(ctx, INT, depth))
        if kind == 6:
            return g.pick(["chk", "(chk & 1023)"]) if not ctx.pure else None
        statics = [v.name for v in ctx.vars(lambda v: "." in v.name and v.type == INT)]
        return g.pick(statics) if statics else None

    def i_coll(self, ctx, t, depth, exact):
        """Lengths and guarded reads of lists and maps."""
        g = self.g
        colls = ctx.vars(lambda v: v.type in (LIST_INT, LIST_STR, MAP_SI))
        if not colls or ctx.pure:
            return None
        c = g.pick(colls)
        if g.chance(0.3):
            return c.name + ".length"
        if c.type == MAP_SI:
            return "%s.get(%s, %s)" % (c.name, self.map_key(ctx), self.gen(ctx, INT, depth))
        if c.type == LIST_INT:
            return "(%s.length > 0 ? %s[%s] : %s)" % (c.name, c.name, self.index(ctx, c.name + ".length"),
                                                       self.gen(ctx, INT, depth))
        return "%s.indexOf(%s)" % (c.name, self.gen(ctx, STRING, depth))

    def map_key(self, ctx):
        """Keys come from a small set, so maps stay small."""
        if self.g.chance(0.5):
            return '"k%d"' % self.g.rng.randint(0, 5)
        return '("k" + %s)' % self.small_count(ctx, 7)

    def i_fn_call(self, ctx, t, depth, exact):
        return self.fn_value_call(ctx, INT, depth)

    def i_risky(self, ctx, t, depth, exact):
        """Operations that may raise: unguarded division, conversions of arbitrary text and
        floats, a map read of a key that may be missing."""
        g = self.g
        if not ctx.risky or ctx.pure:
            return None
        kind = g.rng.randint(0, 4)
        if kind == 0:
            return "(%s %s %s)" % (self.gen(ctx, INT, depth), g.pick(["/", "%"]), self.gen(ctx, INT, depth))
        if kind == 1:
            return "%s.toInt()" % paren(self.gen(ctx, FLOAT, depth))
        if kind == 2:
            return "%s.toInt()" % paren(self.gen(ctx, STRING, depth))
        if kind == 3:
            maps = [v.name for v in ctx.vars(lambda v: v.type == MAP_SI)]
            return "%s[%s]" % (g.pick(maps), self.map_key(ctx)) if maps else None
        strs = [v.name for v in ctx.vars(lambda v: v.type == STRING)]
        return "%s.codePointAt(%s)" % (g.pick(strs), self.gen(ctx, INT, depth)) if strs else None

    # ----- float -----
    def float_prods(self):
        return [(self.p_var, 5), (self.f_literal, 4), (self.f_arith, 8), (self.f_mixed, 3),
                (self.f_unary, 1), (self.f_from_int, 3), (self.f_math, 4), (self.f_method, 3),
                (self.p_ternary, 2), (self.p_when, 1), (self.p_call, 3), (self.p_method, 2), (self.p_field, 2),
                (self.p_element, 2), (self.f_roundtrip, 1), (self.p_pick, 1),
                (self.p_guarded_cast, 1), (self.p_risky_element, 1), (self.p_risky_cast, 1)]

    def f_literal(self, ctx, t, depth, exact):
        return self.g.pick(FLOAT_LITS)

    def f_arith(self, ctx, t, depth, exact):
        op = self.g.pick(["+", "-", "*", "/", "%"])
        return "(%s %s %s)" % (self.gen(ctx, FLOAT, depth), op, self.gen(ctx, FLOAT, depth))

    def f_mixed(self, ctx, t, depth, exact):
        """Arithmetic with an int operand, which widens."""
        op = self.g.pick(["+", "-", "*", "/"])
        a, b = self.gen(ctx, FLOAT, depth), self.gen(ctx, INT, depth)
        return "(%s %s %s)" % ((a, op, b) if self.g.chance(0.5) else (b, op, a))

    def f_unary(self, ctx, t, depth, exact):
        return "-(%s)" % self.gen(ctx, FLOAT, depth)

    def f_from_int(self, ctx, t, depth, exact):
        return "%s.toFloat()" % paren(self.gen(ctx, INT, depth))

    def f_math(self, ctx, t, depth, exact):
        g = self.g
        if g.chance(0.15):
            return g.pick(["Math.PI", "Math.E"])
        if g.chance(0.3):
            fn = g.pick(["atan2", "pow", "min", "max"])
            return "Math.%s(%s, %s)" % (fn, self.gen(ctx, FLOAT, depth), self.gen(ctx, FLOAT, depth))
        fn = g.pick(["sqrt", "sin", "cos", "tan", "atan", "exp", "log", "floor", "ceil", "abs"])
        return "Math.%s(%s)" % (fn, self.gen(ctx, FLOAT, depth))

    def f_method(self, ctx, t, depth, exact):
        return "%s.%s()" % (paren(self.gen(ctx, FLOAT, depth)), self.g.pick(["floor", "ceil", "round", "abs"]))

    def f_roundtrip(self, ctx, t, depth, exact):
        """Printing a float and reading it back gives the same float."""
        if ctx.pure:
            return None
        return "%s.toString().toFloat()" % paren(self.gen(ctx, FLOAT, depth))

    # ----- bool -----
    def bool_prods(self):
        return [(self.p_var, 4), (self.b_literal, 2), (self.b_not, 2), (self.b_logic, 5),
                (self.b_compare_int, 6), (self.b_compare_float, 3), (self.b_compare_str, 2),
                (self.b_misc, 3), (self.p_ternary, 1), (self.p_when, 1), (self.p_call, 2), (self.p_method, 2),
                (self.p_field, 2), (self.p_element, 1), (self.b_is, 2), (self.b_identity, 1)]

    def b_literal(self, ctx, t, depth, exact):
        return self.g.pick(["true", "false"])

    def b_not(self, ctx, t, depth, exact):
        return "!%s" % paren(self.gen(ctx, BOOL, depth))

    def b_logic(self, ctx, t, depth, exact):
        op = self.g.pick(["&&", "||", "==", "!="])
        return "(%s %s %s)" % (self.gen(ctx, BOOL, depth), op, self.gen(ctx, BOOL, depth))

    def b_compare_int(self, ctx, t, depth, exact):
        op = self.g.pick(["<", "<=", ">", ">=", "==", "!="])
        return "(%s %s %s)" % (self.gen(ctx, INT, depth), op, self.gen(ctx, INT, depth))

    def b_compare_float(self, ctx, t, depth, exact):
        """Float comparisons, NaN among the operands now and then; some with an int side."""
        op = self.g.pick(["<", "<=", ">", ">=", "==", "!="])
        other = INT if self.g.chance(0.3) else FLOAT
        return "(%s %s %s)" % (self.gen(ctx, FLOAT, depth), op, self.gen(ctx, other, depth))

    def b_compare_str(self, ctx, t, depth, exact):
        op = self.g.pick(["<", "<=", ">", ">=", "==", "!="])
        return "(%s %s %s)" % (self.gen(ctx, STRING, depth), op, self.gen(ctx, STRING, depth))

    def b_misc(self, ctx, t, depth, exact):
        g = self.g
        kind = g.rng.randint(0, 3)
        if kind == 0:
            return "%s.isNaN()" % paren(self.gen(ctx, FLOAT, depth))
        if ctx.pure:
            return None
        if kind == 1:
            method = g.pick(["contains", "startsWith", "endsWith"])
            return "%s.%s(%s)" % (paren(self.gen(ctx, STRING, depth)), method, self.gen(ctx, STRING, depth))
        colls = ctx.vars(lambda v: v.type in (LIST_INT, LIST_STR, MAP_SI))
        if kind == 2 and colls:
            c = g.pick(colls)
            if c.type == MAP_SI:
                return "%s.containsKey(%s)" % (c.name, self.map_key(ctx))
            return "%s.contains(%s)" % (c.name, self.gen(ctx, INT if c.type == LIST_INT else STRING, depth))
        return "(%s %% 2 == 0)" % self.gen(ctx, INT, depth)

    def b_is(self, ctx, t, depth, exact):
        g = self.g
        objs = ctx.vars(lambda v: g.is_object(v.type))
        if not objs:
            return None
        v = g.pick(objs)
        targets = [c.name for c in g.classes if self.castable(v.type, c)] + \
                  [i.name for i in g.interfaces]
        return "(%s is %s)" % (v.name, g.pick(targets)) if targets else None

    def b_identity(self, ctx, t, depth, exact):
        """== and != on objects and arrays: identity, or a call of equals when the class of
        the left side has one."""
        g = self.g
        types = [v.type for v in ctx.vars(lambda v: g.is_object(v.type) or is_array(v.type))]
        if not types:
            return None
        rt = g.pick(types)
        cls = g.class_named(rt)
        if cls and cls.has_equals():
            ctx.spend(3)
        return "(%s %s %s)" % (self.gen(ctx, rt, depth, True), g.pick(["==", "!="]), self.gen(ctx, rt, depth, True))

    # ----- string -----
    def string_prods(self):
        return [(self.p_var, 5), (self.s_literal, 4), (self.s_concat, 6), (self.s_interp, 4),
                (self.s_method, 5), (self.s_convert, 4), (self.s_slice, 2), (self.p_ternary, 1), (self.p_when, 1),
                (self.p_call, 3), (self.p_method, 2), (self.p_field, 2), (self.p_element, 2),
                (self.s_coll, 2), (self.p_cell, 1), (self.p_pick, 1), (self.p_guarded_cast, 1)]

    def s_literal(self, ctx, t, depth, exact):
        return self.g.pick(STRING_LITS)

    def any_value(self, ctx, depth):
        """A value of any type that may be turned into text here."""
        g = self.g
        t = g.pick(PRIMS * 3 + PRIM_ARRAYS + [c.name for c in g.classes] + [LIST_INT, MAP_SI])
        if not g.afford_text(ctx, t):
            t = g.pick(PRIMS)
        return self.gen(ctx, t, depth)

    def s_concat(self, ctx, t, depth, exact):
        a, b = self.gen(ctx, STRING, depth), self.any_value(ctx, depth)
        return "(%s + %s)" % ((a, b) if self.g.chance(0.6) else (b, a))

    def s_interp(self, ctx, t, depth, exact):
        parts = []
        for _ in range(self.g.rng.randint(1, 3)):
            parts.append(self.g.pick(["", "x", " ", "=", "\u00e9"]) + "${%s}" % self.any_value(ctx, depth))
        return '"%s"' % "".join(parts)

    def s_method(self, ctx, t, depth, exact):
        g = self.g
        if ctx.pure:
            return None
        s = paren(self.gen(ctx, STRING, depth))
        kind = g.rng.randint(0, 5)
        if kind == 0:
            return "%s.%s()" % (s, g.pick(["upper", "lower", "trim"]))
        if kind == 1:
            return "%s.replace(%s, %s)" % (s, g.pick(['"a"', '""', '","', '"\u00e9"']), g.pick(['"-"', '""', '"<>"']))
        if kind == 2:
            return "%s.repeat(%s)" % (s, self.small_count(ctx, 3))
        if kind == 3:
            return "%s.split(%s).join(%s)" % (s, g.pick(['","', '"a"', '" "']), g.pick(['"|"', '""']))
        if kind == 4:
            ctx.spend(HELPER_COSTS["clip"])
            return "clip(%s)" % s
        return "String.fromCodePoint(%s + %s)" % (g.pick(["65", "0x1F600", "233", "48"]), self.small_count(ctx, 15))

    def s_convert(self, ctx, t, depth, exact):
        g = self.g
        kind = g.rng.randint(0, 3)
        if kind == 0:
            return "%s.toString()" % paren(self.gen(ctx, g.pick([INT, FLOAT, BOOL]), depth))
        if kind == 1:
            return "%s.toFixed(%s)" % (paren(self.gen(ctx, FLOAT, depth)), self.small_count(ctx, 15))
        if kind == 2 and not ctx.pure:
            arr = g.pick(PRIM_ARRAYS)
            return "%s.join(%s)" % (paren(self.gen(ctx, arr, depth)), g.pick(['", "', '""', '"-"']))
        sbs = [v.name for v in ctx.vars(lambda v: v.type == SB)]
        if sbs and not ctx.pure:
            ctx.spend(HELPER_COSTS["clip"])
            return "clip(%s.toString())" % g.pick(sbs)
        return '("" + %s)' % self.any_value(ctx, depth)

    def s_slice(self, ctx, t, depth, exact):
        """substring and charAt at guarded positions of a string variable."""
        g = self.g
        strs = [v.name for v in ctx.vars(lambda v: v.type == STRING)]
        if not strs or ctx.pure:
            return None
        s = g.pick(strs)
        if g.chance(0.5):
            return "%s.substring(0, Math.min(%s, %s.length))" % (s, self.small_count(ctx, 7), s)
        return '(%s.length > 0 ? %s.charAt(%s) : "_")' % (s, s, self.index(ctx, s + ".length"))

    def s_coll(self, ctx, t, depth, exact):
        g = self.g
        lists = [v.name for v in ctx.vars(lambda v: v.type == LIST_STR)]
        if not lists or ctx.pure:
            return None
        lst = g.pick(lists)
        return '(%s.length > 0 ? %s[%s] : "none")' % (lst, lst, self.index(ctx, lst + ".length"))

    # ----- reference types -----
    def ref_prods(self, t):
        prods = [(self.p_var, 6), (self.r_new, 3), (self.p_call, 2), (self.p_ternary, 1), (self.p_when, 1)]
        if self.g.is_object(t):
            prods += [(self.p_element, 2), (self.p_method, 1), (self.p_pick, 1)]
        if is_array(t):
            prods += [(self.r_copy, 1)]
        if t in (LIST_INT, LIST_STR):
            prods += [(self.r_list_map, 1)]
        if is_fn(t):
            prods += [(self.r_fn_ref, 1)]
        return prods

    def r_new(self, ctx, t, depth, exact):
        return self.new_value(ctx, t, depth, exact)

    def r_copy(self, ctx, t, depth, exact):
        return None if ctx.pure else "%s.copy()" % paren(self.gen(ctx, t, depth))

    def r_list_map(self, ctx, t, depth, exact):
        """map and filter with a lambda: new lists no longer than the original."""
        g = self.g
        lists = [v.name for v in ctx.vars(lambda v: v.type == t)]
        if not lists or ctx.pure or ctx.lambda_ or not ctx.spend(COLL_MAX * LAMBDA_COST):
            return None
        lst = g.pick(lists)
        el = INT if t == LIST_INT else STRING
        lctx = ctx.child(lambda_=True, body=Body(ctx.body.rank, LAMBDA_COST, 0), risky=False, pure=False)
        name = g.fresh("x")
        lctx.declare(name, el, False)
        if g.chance(0.5):
            return "%s.map({ %s: %s -> %s })" % (lst, name, el, stored(el, self.gen(lctx, el, 2)))
        return "%s.filter({ %s: %s -> %s })" % (lst, name, el, self.gen(lctx, BOOL, 2))

    def r_fn_ref(self, ctx, t, depth, exact):
        """A top-level function used as a value; like a lambda, it calls no function values."""
        g = self.g
        want = [INT] if t == INT_FN else []
        options = [fn for fn in g.functions
                   if fn.kind == "func" and fn.ret == INT and [p for _, p in fn.params] == want
                   and fn.default is None and not fn.throws and not fn.calls_fvals
                   and fn.cost <= LAMBDA_COST and fn.rank < ctx.body.rank]
        return g.pick(options).name if options and not ctx.pure else None


class StmtGen:
    """Statements and blocks. Each returns a list of source lines."""

    def __init__(self, gen):
        self.g = gen

    @property
    def e(self):
        return self.g.expr

    def body(self, ctx, n):
        """A callable's body: a few locals for the rest to work on, statements, then a
        return of the result type."""
        lines = [self.new_local(ctx, self.g.pick(PRIMS))[1] for _ in range(self.g.rng.randint(0, 2))]
        lines += self.block_of(ctx, n)
        if ctx.ret not in (None, VOID):
            lines.append("return " + self.e.gen(ctx, ctx.ret, 3))
        return lines

    def block_of(self, ctx, n):
        lines = []
        for _ in range(n):
            lines += self.statement(ctx)
        return lines

    def statement(self, ctx):
        g = self.g
        if not ctx.spend(1):
            return []
        kinds = [(self.declare, 6), (self.assign, 6), (self.observe, 7), (self.checksum, 4),
                 (self.call_stmt, 5), (self.if_stmt, 3), (self.when_stmt, 1), (self.for_range, 4), (self.for_each, 3),
                 (self.while_stmt, 2), (self.try_stmt, 2), (self.element_store, 3),
                 (self.field_store, 2), (self.coll_stmt, 3), (self.sb_stmt, 2), (self.jump, 2),
                 (self.early_return, 1), (self.throw_stmt, 1), (self.nested_block, 1),
                 (self.closure_stmt, 2), (self.catch_deep, 1)]
        weighted = [k for k, w in kinds for _ in range(w)]
        for _ in range(8):
            lines = g.pick(weighted)(ctx)
            if lines:
                return lines
        return []

    # ----- simple statements -----
    def declare(self, ctx):
        return [self.new_local(ctx, self.g.pick(self.g.value_types()))[1]]

    def new_local(self, ctx, t):
        """(name, declaration) of a new local of type t. The type is written where the
        initialiser's type could be narrower (a subclass)."""
        g = self.g
        name = g.fresh("v")
        value = self.e.gen(ctx, t, 3)
        mutable = g.chance(0.6)
        typed = g.is_object(t) or is_array(t) or is_fn(t) or g.chance(0.4)
        if mutable:
            value = stored(t, value)
        decl = "%s %s%s = %s" % ("var" if mutable else "let", name, ": " + t if typed else "", value)
        ctx.declare(name, t, mutable)
        return name, decl

    def assignable(self, ctx):
        """Variables and fields that may be assigned here. Inside a lambda only captured
        values of primitive type, so a lambda cannot change what a guard relies on."""
        targets = [(v.name, v.type) for v in ctx.vars(lambda v: v.mutable)]
        if ctx.cls:
            targets += [(text, ft) for text, ft in self.e.this_fields(ctx)
                        if self.field_mutable(ctx.cls, text.split(".")[-1]) and not is_array(ft)]
        if ctx.lambda_:
            targets = [(n, t) for n, t in targets if t in PRIMS]
        return targets

    def field_mutable(self, cls, name):
        return any(f.name == name and f.mutable for f in cls.visible_fields(cls))

    def assign(self, ctx):
        g = self.g
        targets = self.assignable(ctx)
        if not targets:
            return None
        name, t = g.pick(targets)
        if t == INT and g.chance(0.5):
            op = g.pick(["+=", "-=", "*=", "&=", "|=", "^=", "<<=", ">>=", "/=", "%="])
            value = self.e.gen(ctx, INT, 2)
            if op in ("/=", "%="):
                value = "(%s | 1)" % value
            return ["%s %s %s" % (name, op, value)]
        if t == FLOAT and g.chance(0.5):
            op = g.pick(["+=", "-=", "*=", "/=", "%="])
            return ["%s %s %s" % (name, op, self.e.gen(ctx, g.pick([FLOAT, INT]), 2))]
        if t == FLOAT and g.chance(0.2):
            value = self.e.gen(ctx, INT, 2)          # int widens to float
        else:
            value = self.e.gen(ctx, t, 3)
        return ["%s = %s" % (name, stored(t, value))]

    def observe(self, ctx):
        """Prints a value with a tag, so a difference points at its statement."""
        g = self.g
        if not ctx.can_print() or not ctx.spend(1, 1):
            return None
        tag = g.next_tag()
        value = self.e.any_value(ctx, 3)
        kind = g.rng.randint(0, 3)
        if kind == 0:
            return ['println("@%d " + %s)' % (tag, value)]
        if kind == 1:
            return ['println("@%d ${%s}|${%s}")' % (tag, value, self.e.any_value(ctx, 2))]
        if kind == 2:
            return ['print("@%d ")' % tag, "println(%s)" % value]
        return ['println("@%d chk=" + chk)' % tag]

    def checksum(self, ctx):
        if not ctx.spend(HELPER_COSTS["ck"]):
            return None
        return ["ck(%s)" % self.e.gen(ctx, INT, 3)]

    def call_stmt(self, ctx):
        g = self.g
        fns = [fn for fn in g.functions if fn.kind != "method" and self.e.may_call(ctx, fn)]
        calls = self.e.method_calls(ctx, VOID) + [(None, fn) for fn in fns]
        if not calls:
            return None
        recv, fn = g.pick(calls)
        text = self.e.call(ctx, fn, 2)
        return [text if recv is None or recv == "this" else recv + "." + text]

    def element_store(self, ctx):
        g = self.g
        arrays = ctx.vars(lambda v: is_array(v.type))
        if ctx.cls:
            arrays += [Var(text, ft, False) for text, ft in self.e.this_fields(ctx) if is_array(ft)]
        if not arrays:
            return None
        arr = g.pick(arrays)
        target = "%s[%s]" % (arr.name, self.e.index(ctx, arr.name + ".length"))
        el = elem_of(arr.type)
        if el == INT and g.chance(0.4):
            return ["%s %s %s" % (target, g.pick(["+=", "-=", "*=", "^="]), self.e.gen(ctx, INT, 2))]
        if el == "int[]":
            # Rows of int[][] are never empty; the row index may be any int expression.
            row = self.e.index(ctx, arr.name + ".length")
            target, el = "%s[%s][0]" % (arr.name, row), INT
        return ["%s = %s" % (target, stored(el, self.e.gen(ctx, el, 2)))]

    def field_store(self, ctx):
        g = self.g
        options = []
        for v in ctx.vars(lambda v: g.class_named(v.type) is not None):
            for f in g.class_named(v.type).visible_fields(ctx.viewer()):
                if f.mutable and f.type != "int[]":
                    options.append((v.name + "." + f.name, f.type))
        if not options:
            return None
        target, t = g.pick(options)
        return ["%s = %s" % (target, stored(t, self.e.gen(ctx, t, 2)))]

    def coll_stmt(self, ctx):
        """Changes to lists, maps and cells. Lists stay near COLL_MAX elements at most."""
        g = self.g
        colls = ctx.vars(lambda v: v.type in (LIST_INT, LIST_STR, MAP_SI, CELL_INT, CELL_STR))
        if not colls or ctx.lambda_:
            return None
        c = g.pick(colls)
        if c.type in (CELL_INT, CELL_STR):
            el = INT if c.type == CELL_INT else STRING
            return ["%s.value = %s" % (c.name, stored(el, self.e.gen(ctx, el, 2)))]
        if c.type == MAP_SI:
            key = self.e.map_key(ctx)
            if g.chance(0.2):
                return ["%s.remove(%s)" % (c.name, key)]
            if g.chance(0.2):
                return ['if (%s.containsKey("k1")) {' % c.name, '    %s["k1"] += %s' % (c.name, self.e.gen(ctx, INT, 2)), "}"]
            return ["%s[%s] = %s" % (c.name, key, self.e.gen(ctx, INT, 2))]
        el = INT if c.type == LIST_INT else STRING
        kind = g.rng.randint(0, 4)
        if kind <= 1:
            value = stored(el, self.e.gen(ctx, el, 2))
            return ["if (%s.length < %d) {" % (c.name, COLL_MAX), "    %s.add(%s)" % (c.name, value), "}"]
        if kind == 2:
            return ["if (%s.length > 0) {" % c.name, "    %s.removeLast()" % c.name, "}"]
        if kind == 3:
            # The value is pure: a call made after the index could shorten the list.
            value = stored(el, self.e.gen(ctx.child(pure=True), el, 2))
            return ["if (%s.length > 0 && %s.length < %d) {" % (c.name, c.name, COLL_MAX),
                    "    %s.insert(%s, %s)" % (c.name, self.e.index(ctx, c.name + ".length"), value), "}"]
        if not ctx.spend(COLL_MAX * 4):
            return None
        return ["%s.sort()" % c.name]

    def sb_stmt(self, ctx):
        g = self.g
        sbs = [v.name for v in ctx.vars(lambda v: v.type == SB)]
        if not sbs or ctx.mult > 16:
            return None
        parts = "".join(".append(%s)" % self.e.any_value(ctx, 2) for _ in range(g.rng.randint(1, 3)))
        return ["%s%s" % (g.pick(sbs), parts)]

    def throw_stmt(self, ctx):
        g = self.g
        if not ctx.risky or ctx.pure:
            return None
        err = g.pick(["E0", "E1", "E2", "ValueError", "IndexError"])
        return ["if (%s) {" % self.e.gen(ctx, BOOL, 2), "    throw " + self.e.error_value(ctx, err, 2), "}"]

    def closure_stmt(self, ctx):
        """A function value in a local, sometimes called at once; later statements may
        change what it captured, and calls see the change."""
        g = self.g
        if ctx.lambda_:
            return None
        t = g.pick([INT_FN, THUNK])
        name, decl = self.new_local(ctx, t)
        lines = [decl]
        if g.chance(0.5) and ctx.spend(LAMBDA_COST):
            ctx.body.calls_fvals = True
            arg = self.e.gen(ctx, INT, 2) if t == INT_FN else ""
            lines.append("ck(%s(%s))" % (name, arg))
        return lines

    # ----- control flow -----
    def when_stmt(self, ctx):
        """A `when` statement over a small int, its branches blocks; `else` only sometimes."""
        g = self.g
        lines = ["when (%s %% 4) {" % paren(self.e.gen(ctx, INT, 3))]
        pool = g.rng.sample(range(-3, 4), 6)  # a value is listed once (twice is an error)
        for _ in range(g.rng.randint(1, 3)):
            values = ", ".join(str(pool.pop()) for _ in range(g.rng.randint(1, 2)))
            lines += indent(["%s -> {" % values] + indent(self.block_of(ctx.child(), g.rng.randint(1, 2))) + ["}"])
        if g.chance(0.5):
            lines += indent(["else -> {"] + indent(self.block_of(ctx.child(), g.rng.randint(1, 2))) + ["}"])
        return lines + ["}"]

    def if_stmt(self, ctx):
        g = self.g
        lines = ["if (%s) {" % self.e.gen(ctx, BOOL, 3)] + indent(self.block_of(ctx.child(), g.rng.randint(1, 3)))
        for _ in range(g.rng.randint(0, 2)):
            lines += ["} else if (%s) {" % self.e.gen(ctx, BOOL, 2)] + indent(self.block_of(ctx.child(), g.rng.randint(1, 2)))
        if g.chance(0.5):
            lines += ["} else {"] + indent(self.block_of(ctx.child(), g.rng.randint(1, 3)))
        return lines + ["}"]

    def loop_ctx(self, ctx, times):
        """The context of a loop body that runs at most `times` times, or None when the
        body could not afford a loop here."""
        if ctx.lambda_ or ctx.mult * times > ctx.body.budget // 4:
            return None
        return ctx.child(mult=ctx.mult * times, loop=True)

    def loop_count(self, ctx):
        """Mostly short loops; an outermost one may run long enough to get hot."""
        if ctx.mult == 1 and self.g.chance(0.2):
            return self.g.pick([50, 100, 300])
        return self.g.pick([2, 3, 4, 5, 8, 10, 16])

    def for_range(self, ctx):
        g = self.g
        n = self.loop_count(ctx)
        inner = self.loop_ctx(ctx, n + 2)     # the start may be -2
        if not inner:
            return None
        var = g.fresh("i")
        start = g.pick(["0", "1", "(-2)", self.e.small_count(ctx, 3)])
        if g.chance(0.3):
            header = "%s..=%s" % (start, n - 1)
        elif g.chance(0.5):
            # The end is computed: a remainder of anything, so the count stays below n.
            header = "%s..(%s %% %d)" % (start, self.e.gen(ctx, INT, 2), n)
        else:
            header = "%s..%d" % (start, n)
        inner.declare(var, INT, False)
        return ["for (%s in %s) {" % (var, header)] + indent(self.block_of(inner, g.rng.randint(1, 4))) + ["}"]

    def for_each(self, ctx):
        """for over an array, a string, a list, a map's keys, or a Span (an object)."""
        g = self.g
        sources = ctx.vars(lambda v: is_array(v.type) or v.type in (STRING, LIST_INT, LIST_STR, MAP_SI))
        if not sources or g.chance(0.2):
            times, el = self.loop_count(ctx), INT
            text = "Span(%s, %d)" % (self.e.gen(ctx, INT, 2), times)
        else:
            src = g.pick(sources)
            if is_array(src.type):
                times, el, text = ARRAY_LOOP, elem_of(src.type), src.name
            elif src.type == STRING:
                times, el = 12, STRING
                text = "%s.substring(0, Math.min(%s.length, 12))" % (src.name, src.name)
            else:
                times, el, text = COLL_MAX, STRING if src.type != LIST_INT else INT, src.name
        inner = self.loop_ctx(ctx, times)
        if not inner:
            return None
        var = g.fresh("e")
        inner.declare(var, el, False)
        return ["for (%s in %s) {" % (var, text)] + indent(self.block_of(inner, g.rng.randint(1, 3))) + ["}"]

    def while_stmt(self, ctx):
        """A counted while loop; the counter goes up first, so continue cannot skip it."""
        g = self.g
        n = self.loop_count(ctx)
        inner = self.loop_ctx(ctx, n)
        if not inner:
            return None
        counter = g.fresh("w")
        cond = "%s < %d" % (counter, n)
        if g.chance(0.5):
            cond += " && " + paren(self.e.gen(inner, BOOL, 2))
        body = ["%s += 1" % counter] + self.block_of(inner, g.rng.randint(1, 4))
        return ["var %s = 0" % counter, "while (%s) {" % cond] + indent(body) + ["}"]

    def jump(self, ctx):
        if not ctx.loop:
            return None
        word = self.g.pick(["break", "continue"])
        return ["if (%s) {" % self.e.gen(ctx, BOOL, 2), "    " + word, "}"]

    def early_return(self, ctx):
        # Not in main: most of the program would never run.
        if ctx.ret is None or not ctx.jumps or ctx.lambda_ or ctx.body.rank == self.g.main_rank:
            return None
        value = "" if ctx.ret == VOID else " " + self.e.gen(ctx, ctx.ret, 2)
        return ["if (%s) {" % self.e.gen(ctx, BOOL, 2), "    return" + value, "}"]

    def nested_block(self, ctx):
        return ["{"] + indent(self.block_of(ctx.child(), self.g.rng.randint(1, 3))) + ["}"]

    # ----- exceptions -----
    def catch_classes(self, ctx):
        """Catch clauses in an order that compiles: no class after one of its ancestors.
        Where errors must not escape, the last clause catches Error."""
        g = self.g
        chosen = []
        for _ in range(g.rng.randint(1, 3)):
            cls = g.pick(NUM_ERRORS + ["E0", "E1", "E2", "Error"])
            if not any(self.error_is(cls, c) for c in chosen):
                chosen.append(cls)
        if not ctx.risky and "Error" not in chosen:
            chosen.append("Error")
        return chosen

    def error_is(self, cls, ancestor):
        while cls:
            if cls == ancestor:
                return True
            cls = ERROR_PARENT[cls]
        return False

    def try_stmt(self, ctx):
        g = self.g
        if ctx.lambda_:
            return None
        risky = ctx.child(risky=True)
        lines = ["try {"] + indent(self.block_of(risky, g.rng.randint(1, 4)))
        if ctx.risky and g.chance(0.2):
            clauses = []
        else:
            clauses = self.catch_classes(ctx)
        for cls in clauses:
            name = g.fresh("err")
            lines += ["} catch (%s: %s) {" % (name, cls)] + indent(self.handler(ctx, name, cls))
        if not clauses or g.chance(0.3):
            # No return, break or continue leaves a finally block: they would drop the error.
            fin = ctx.child(jumps=False, loop=False)
            lines += ["} finally {"] + indent(self.block_of(fin, g.rng.randint(1, 2)))
        return lines + ["}"]

    def handler(self, ctx, name, cls):
        """A catch block: shows what was caught, maybe rethrows it (where that may escape)."""
        g = self.g
        hctx = ctx.child()
        hctx.declare(name, cls, False)
        lines = []
        if hctx.can_print() and hctx.spend(1, 1):
            shown = g.pick(["%s" % name, "%s.message" % name, "%s.stackTrace()" % name])
            lines.append('println("caught %d " + %s)' % (g.next_tag(), shown))
        else:
            lines.append("ck(%s.message.length)" % name)
        if cls == "E1":
            lines.append("ck(%s.code)" % name)
        lines += self.block_of(hctx, g.rng.randint(0, 1))
        if ctx.risky and g.chance(0.25):
            lines.append("throw " + name)
        return lines

    def catch_deep(self, ctx):
        """A deliberate stack overflow, caught: the VM must unwind 10000 frames cleanly."""
        if ctx.mult > 1 or ctx.lambda_ or not ctx.spend(3000):
            return None
        name = self.g.fresh("err")
        return ["try {", "    ck(deep(0))", "} catch (%s: StackOverflowError) {" % name,
                "    ck(%s.message.length)" % name, "}"]

    def fault(self, ctx):
        """A statement that certainly raises, each kind a different error of the VM's."""
        g = self.g
        x = self.e.gen(ctx, INT, 2)
        kinds = [
            ["ck(%s / (%s & 0))" % (x, self.e.gen(ctx, INT, 1))],
            ["let z = new int[3]", "ck(z[3 + (%s & 3)])" % x],
            ["var ns: string = null", "ck(ns.length + %s)" % x],
            ["ck(%s)" % "(0.0 / 0.0).toInt()"],
            ['ck(("q" + %s).toInt())' % x],
            ["throw E1(%s, %s)" % (self.e.gen(ctx, STRING, 1), x)],
            ["let bad = new float[-1 - (%s & 3)]" % x, "println(bad)"],
            ['println("ab".repeat(-1 - (%s & 7)))' % x],
            ["let lst = List<int>()", "ck(lst.removeLast())"],
            ["let m = Map<string, int>()", 'ck(m["k" + %s])' % x],
            ["ck(deep(%s & 1))" % x],
        ]
        casts = [(a, b) for a in g.classes for b in g.classes
                 if a is not b and a.parent and b.is_sub(a.parent) and not b.is_sub(a)]
        if casts:
            a, b = g.pick(casts)
            kinds.append(["let obj: %s = %s" % (a.parent.name, self.e.construct(ctx, b, 1)),
                          "println(obj as %s)" % a.name])
        objs = [c for c in g.classes if c.visible_fields(None)]
        if objs:
            c = g.pick(objs)
            kinds.append(["var no: %s = null" % c.name, "println(no.%s)" % c.visible_fields(None)[0].name])
        return g.pick(kinds)


def generate(seed):
    """The program for seed, as source text."""
    return ProgramGen(seed).generate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    print(generate(parser.parse_args().seed), end="")


if __name__ == "__main__":
    main()
