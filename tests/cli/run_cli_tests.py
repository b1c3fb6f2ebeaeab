#!/usr/bin/env python3
"""Tests of the `nuri` command line: help, usage errors, exit statuses, hostile inputs,
bytecode files, limits and statistics. Prints `N passed, N failed`."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HELLO = 'fun main(args: string[]): int {\n    println("hi ${args.length}")\n    return 3\n}\n'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nuri", required=True)
    nuri = parser.parse_args().nuri
    work = tempfile.mkdtemp(prefix="nuri-cli-")

    def write(name, data):
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    hello = write("hello.nuri", HELLO)
    subprocess.run([nuri, "build", hello, "-o", os.path.join(work, "hello.nbc")], check=True)
    nbc = open(os.path.join(work, "hello.nbc"), "rb").read()
    hello_nbc = os.path.join(work, "hello.nbc")

    cases = []  # (name, argv, expected status, [(stream, text)], standard input)

    # An expectation ("out", TEXT) asks for TEXT somewhere in standard output; ("out=", TEXT)
    # for exactly TEXT; "err" and "err=" likewise for standard error.
    def case(name, argv, status, *expect, stdin=None):
        cases.append((name, argv, status, list(expect), stdin))

    case("no arguments prints usage", [], 64, ("err", "Usage:"))
    case("--help", ["--help"], 0, ("out", "nuri run [OPTIONS]"))
    case("--version", ["--version"], 0, ("out", "nuri 0.1.0"))
    for cmd in ["run", "build", "check", "disasm", "verify", "repl"]:
        case(cmd + " --help", [cmd, "--help"], 0, ("out", "Usage: nuri " + cmd))
    case("unknown command", ["frobnicate"], 64, ("err", "unknown command `frobnicate`"))
    case("unknown run option", ["run", "--turbo", hello], 64, ("err", "unknown option `--turbo`"))
    case("bad heap limit", ["run", "--heap-limit=lots", hello], 64, ("err", "--heap-limit needs a size"))
    case("bad jit value", ["run", "--jit=fast", hello], 64, ("err", "--jit must be off, auto or always"))
    case("jit dump of a name never compiled says so", ["run", "--jit=always", "--jit-dump=nosuch", hello],
         3, ("out", "hi 0"), ("err", "note: --jit-dump=nosuch: no function of that name was compiled"))
    case("jit dump with the jit off says so", ["run", "--jit=off", "--jit-dump=main", hello], 3,
         ("err", "note: --jit-dump=main: nothing is compiled with --jit=off"))
    case("jit dump of a compiled function", ["run", "--jit=always", "--jit-dump=main", hello], 3,
         ("err", "-- jit: main ("))
    case("allow-read without a directory", ["run", "--allow-read=", hello], 64,
         ("err", "--allow-read needs a directory, e.g. --allow-read=data"))
    case("allow-write at the end", ["run", "--allow-write"], 64,
         ("err", "--allow-write needs a directory, e.g. --allow-write=data"))
    case("allow-env takes no value", ["run", "--allow-env=HOME", hello], 64,
         ("err", "--allow-env takes no value: it grants every environment variable, or none"))
    case("stats takes no value", ["run", "--stats=yes", hello], 64, ("err", "--stats takes no value"))
    reader_of_stdin = write("wait.nuri", 'fun main() { println(readLine()) }\n')
    case("a timeout holds while readLine waits for input",
         "sleep 3 | \"$NURI\" run --timeout=0.5 " + reader_of_stdin, 70,
         ("err", "LimitError: timed out after 0.5 s"))
    case("run --help names the grants", ["run", "--help"], 0, ("out", "--allow-read=DIR"),
         ("out", "--allow-write=DIR"))
    reader = write("reader.nuri", 'fun main() { println(File.read("data.txt")) }\n')
    case("a file read without a grant names the option", ["run", reader], 70,
         ("err=", "error: SecurityError: read access to data.txt is not granted (run with --allow-read=DIR)\n"
                  "  at main (reader.nuri:1)\n"))
    case("the repl takes the grants", ["repl", "--allow-read=" + work], 0, ("out", "5"),
         stdin='File.read("%s").length\n' % write("five.txt", "12345"))
    case("run without file", ["run"], 64, ("err", "`run` needs a file"))
    case("missing file", ["run", os.path.join(work, "nope.nuri")], 66, ("err", "cannot read"))
    case("main result is the exit status, args passed", ["run", hello, "a", "b"], 3, ("out", "hi 2"))
    case("short form", [hello], 3, ("out", "hi 0"))
    case("options before the file", ["run", "--fuel=100000", "--stack-limit=50", hello], 3, ("out", "hi 0"))
    case("run bytecode", ["run", hello_nbc, "x"], 3, ("out", "hi 1"))
    case("verify ok", ["verify", hello_nbc], 0, ("out", "ok"))
    case("check ok prints nothing", ["check", hello], 0)
    case("disasm names functions and lines", ["disasm", hello_nbc], 0,
         ("out", "function main(r0): int"), ("out", "CALL_NATIVE"), ("out", "registers: r0:string[] args"))
    case("--stats", ["run", "--stats", hello], 3, ("err", "instructions executed"), ("err", "collections"),
         ("err", "live objects"))
    # The process caps the collected heap (the machine's memory, or NURI_MAX_HEAP_MB): a guest
    # without a heap limit that keeps 2.4 GB gets LimitError, not the machine.
    hog = write("hog.nuri", "let keep = new int[100][]\n"
                            "for (i in 0..100) { keep[i] = new int[3000000] }\n")
    case("the collected heap is capped", "NURI_MAX_HEAP_MB=300 $NURI run %s" % hog, 70,
         ("err", "LimitError: out of memory (allocating 24000016 bytes)"))

    case("a directory is not a program", ["run", work], 66, ("err", "it is a directory"))
    if os.path.exists("/dev/full"):
        cases.append(("output to a full disk is an IOError", ["run", hello], 70,
                      [("err", "IOError: cannot write to standard output")], None))
    case("a heap limit too small for the constants", ["run", "--heap-limit=100", hello], 70,
         ("err", "LimitError: heap limit of 100 bytes exceeded"))

    # Hostile sources.
    garbage = write("garbage.nuri", bytes(range(256)) * 40)
    case("binary garbage as source", ["run", garbage], 65, ("err", "not valid UTF-8"))
    parens = write("parens.nuri", "let x = " + "(" * 100000 + "1" + ")" * 100000 + "\n")
    case("100,000 nested parentheses", ["run", parens], 65, ("err", "nested too deeply"))
    blocks = write("blocks.nuri", "fun f() {" + "{" * 100000 + "}" * 100000 + "}\n")
    case("100,000 nested blocks", ["run", blocks], 65, ("err", "nested too deeply"))
    for i, (name, open_, close) in enumerate([("(", "(", ")"), ("List<", "List<", ">"), ("() ->", "() -> ", "")]):
        typed = write("type%d.nuri" % i, "let x: " + open_ * 20000 + "int" + close * 20000 + " = null\n")
        case("a type nested 20,000 deep with " + name, ["check", typed], 65, ("err", "nested too deeply"))
    dims = write("dims.nuri", "let a = new int" + "[1]" * 100000 + "\n")
    case("100,000 array dimensions", ["check", dims], 65, ("err", "at most 1023 dimensions"))
    dims_type = write("dimstype.nuri", "let a: int" + "[]" * 100000 + " = null\n")
    case("an array type of 100,000 dimensions", ["check", dims_type], 65, ("err", "at most 1023 dimensions"))
    chain = write("elseif.nuri", "let x = 4321\nif (x == 0) { println(0) }\n" +
                  "".join("else if (x == %d) { println(%d) }\n" % (i, i) for i in range(1, 5000)) +
                  "else { println(-1) }\n")
    case("an else-if chain of 5,000 branches is not nesting", ["run", chain], 0, ("out=", "4321\n"))
    classes = write("classes.nuri", "class C1 {}\n" +
                    "".join("class C%d extends C%d {}\n" % (i, i - 1) for i in range(2, 20001)))
    case("a chain of 20,000 subclasses compiles in linear time", ["check", classes], 0)
    for folder, length, status, expect in [("imports_ok", 199, 0, ("out=", "0\n")),
                                           ("imports_deep", 6000, 65, ("err", "imports are nested too deeply"))]:
        os.makedirs(os.path.join(work, folder))
        for i in range(length):
            write("%s/m%d.nuri" % (folder, i), ("import m%d\n" % (i + 1) if i + 1 < length else "") +
                  "fun f%d(): int { return %d }\n" % (i, i))
        main_module = write(folder + "/main.nuri", "import m0\nprintln(m0.f0())\n")
        case("a chain of %d imports" % length, ["run", main_module], status, expect)
    # What the bytecode cannot hold is reported; what it can is compiled within its limits.
    big = write("bigarray.nuri", "let a = [" + ", ".join(str(i) for i in range(100000)) + "]\n"
                "println(a[99999])\n")
    case("a 100,000-element array literal", ["run", big], 0, ("out=", "99999\n"))
    big_nbc = os.path.join(work, "bigarray.nbc")
    case("a 100,000-element array literal: build", ["build", big, "-o", big_nbc], 0)
    case("a 100,000-element array literal: run the bytecode", ["run", big_nbc], 0, ("out=", "99999\n"))
    looped = write("looped.nuri", "fun sum(): int {\n  let a = [" + ", ".join(str(i) for i in range(100000)) +
                   "]\n  var s = 0\n  for (x in a) { s += x }\n  return s\n}\nprintln(sum())\n")
    case("100,000 constants in a function with a loop", ["run", looped], 0, ("out=", "4999950000\n"))
    many_locals = write("locals.nuri", "fun f() {\n" + "".join("  let a%d = %d\n" % (i, i) for i in range(70000)) + "}\n")
    case("more than 65,535 registers", ["build", many_locals, "-o", os.path.join(work, "locals.nbc")], 65,
         ("err", "locals.nuri:65537:3: error: `f` needs more than 65535 registers"))
    long_name = write("longname.nuri", "let " + "a" * 65537 + " = 1\n")
    case("a name over 64 KB", ["check", long_name], 65,
         ("err", "longname.nuri:1:5: error: a name is longer than 65536 bytes"))
    copies = write("copies.nuri", "class A<T> {}\nclass B<T> {}\nfun f<T>(x: T) {\n" +
                   "".join("  var v%d = %d\n" % (i, i) for i in range(3000)) +
                   "  f<A<T>>(A<T>())\n  f<B<T>>(B<T>())\n}\nf<int>(1)\n")
    case("instances copying more than 1,000,000 tokens", ["check", copies], 65,
         ("err", "is one too many: the instances of generics copy at most 1000000 tokens of code in all"))
    fields = write("fields.nuri", "class C1 { var f1: int }\n" +
                   "".join("class C%d extends C%d { var f%d: int }\n" % (i, i - 1, i) for i in range(2, 3001)))
    case("more than 4M fields in all the layouts", ["check", fields], 65,
         ("err", "fields.nuri:2896:1: error: the classes up to `C2896` have more than 4194304 fields"))
    methods = write("methods.nuri", "class C1 { fun m1(): int { return 1 } }\n" +
                    "".join("class C%d extends C%d { fun m%d(): int { return %d } }\n" % (i, i - 1, i, i)
                            for i in range(2, 6001)))
    case("more than 4M entries in all the method tables", ["check", methods], 65,
         ("err", "methods.nuri:2896:1: error: the classes up to `C2896` have more than 4194304 entries "
                 "in their method tables in all"))
    names = write("names.nuri", "class %s {}\nclass %s {}\nlet a: %s%s = null\nlet b: %s%s = null\n" %
                  ("L" * 60000, "M" * 60000, "L" * 60000, "[]" * 1023, "M" * 60000, "[]" * 100))
    case("type names over 64 MB in all", ["build", names, "-o", os.path.join(work, "names.nbc")], 65,
         ("err", "names.nuri:1:1: error: the names of the program's types are longer than 67108864 bytes"))
    long_line = write("long.nuri", 'let s = "' + "a" * 10_000_000 + '"\nprintln(s.length)\n')
    case("a 10 MB line", ["run", long_line], 0, ("out", "10000000"))
    long_bad = write("longbad.nuri", "let x = " + "1 + " * 10 + "@" + " " * 10_000_000 + "\n")
    case("an error on a 10 MB line shows a short excerpt", ["check", long_bad], 65, ("err", "unexpected character `@`"))
    many = write("many.nuri", "let x: int = \"a\"\n" * 500)
    case("a flood of errors is capped", ["check", many], 65, ("err", "too many errors"))
    two = write("two.nuri", 'let a: int = "x"\nlet b = nope\n')
    case("all errors of a file in one run", ["check", two], 65,
         ("err", "two.nuri:1:14: error: cannot assign a string to `a` of type int"),
         ("err", "two.nuri:2:9: error: unknown name `nope`"))
    deep = write("deep.nuri", "fun f(n: int): int { return f(n + 1) }\nf(0)\n")
    case("deep recursion is a StackOverflowError", ["run", deep], 70,
         ("err", "error: StackOverflowError: call depth exceeded the limit of 10000 frames"),
         ("err", "more frames"))

    # Inputs are read up to a limit and no further: a source or module over 16 MB, a bytecode
    # file over 256 MB. Pipes, FIFOs and devices may never end; regular files over the limit are
    # made sparse so that the tests stay fast.
    def sized(name, size, head=b""):
        path = write(name, head)
        os.truncate(path, size)
        return path

    source_cap, bytecode_cap = 16 << 20, 256 << 20
    def too_large(path, what="source files", cap="16 MB"):
        return "error: %s: file is larger than the %s limit for %s\n" % (path, cap, what)

    zero_source = os.path.join(work, "zero.nuri")
    os.symlink("/dev/zero", zero_source)
    case("a source linked to /dev/zero", ["run", zero_source], 65, ("err=", too_large(zero_source)))
    zero_nbc = os.path.join(work, "zero.nbc")
    os.symlink("/dev/zero", zero_nbc)
    case("bytecode linked to /dev/zero", ["run", zero_nbc], 65,
         ("err=", too_large(zero_nbc, "bytecode", "256 MB")))
    case("verify of bytecode linked to /dev/zero", ["verify", zero_nbc], 65,
         ("out=", "%s: file is larger than the 256 MB limit for bytecode\n" % zero_nbc))
    # One comment as long as the limit allows: the largest source that is accepted.
    at_cap = write("at_cap.nuri", "//" + "x" * (source_cap - 3) + "\n")
    case("a source of exactly 16 MB is read", ["run", at_cap], 0, ("err=", ""))
    over_cap = write("over_cap.nuri", "//" + "x" * (source_cap - 2) + "\n")
    case("a source of 16 MB and one byte is not", ["check", over_cap], 65,
         ("err=", too_large(over_cap)))
    sparse = sized("sparse.nuri", source_cap + 1)
    case("a sparse source just over the limit", ["run", sparse], 65, ("err=", too_large(sparse)))
    sparse_nbc = sized("sparse.nbc", bytecode_cap + 1, nbc)
    case("a sparse bytecode file just over the limit", ["run", sparse_nbc], 65,
         ("err=", too_large(sparse_nbc, "bytecode", "256 MB")))
    exact_nbc = sized("exact.nbc", bytecode_cap, nbc)
    case("a bytecode file of exactly 256 MB is read", ["verify", exact_nbc], 65,
         ("out=", "%s: header: %d unexpected trailing bytes\n" % (exact_nbc, bytecode_cap - len(nbc))))
    os.makedirs(os.path.join(work, "lib"))
    big_module = sized("lib/big.nuri", source_cap + 1)
    importer = write("import_big.nuri", "import lib.big\n")
    case("an imported module over the limit", ["check", importer], 65,
         ("err=", "%s:1:1: error: cannot import `lib.big`: %s: file is larger than the 16 MB limit "
                  "for source files\n  import lib.big\n  ^\n" % (importer, big_module)))
    case("an endless pipe as source", "yes 'println(1)' | \"$NURI\" run /dev/stdin", 65,
         ("err=", too_large("/dev/stdin")))
    case("a pipe of exactly 16 MB as source", "cat %s | \"$NURI\" run /dev/stdin" % at_cap, 0,
         ("err=", ""))
    case("a pipe of 16 MB and one byte as source", "cat %s | \"$NURI\" run /dev/stdin" % over_cap,
         65, ("err=", too_large("/dev/stdin")))
    fifo = os.path.join(work, "fifo.nuri")
    os.mkfifo(fifo)
    case("an endless FIFO as source", "yes 'println(1)' > %s & \"$NURI\" run %s" % (fifo, fifo), 65,
         ("err=", too_large(fifo)))
    case("repl: an endless line ends the session", "yes | tr -d '\\n' | \"$NURI\" repl", 65,
         ("out=", ""), ("err=", "error: the entry is larger than the 16 MB limit for source files\n"))

    # A closed pipe ends a command quietly with status 0, however much it would still print.
    def piped(command):  # the status of nuri, not of head (nor of a `yes` feeding it)
        return command + " | head -1; exit ${PIPESTATUS[%d]}" % command.count("|")

    forever = write("forever.nuri", "while (true) { println(1) }\n")
    case("run | head: an endless printer stops", piped('"$NURI" run ' + forever), 0,
         ("out=", "1\n"), ("err=", ""))
    subprocess.run([nuri, "build", forever, "-o", os.path.join(work, "forever.nbc")], check=True)
    case("run | head: the same from bytecode", piped('"$NURI" run ' + os.path.join(work, "forever.nbc")),
         0, ("out=", "1\n"), ("err=", ""))
    uncatchable = write("uncatchable.nuri", "var i = 0\nwhile (true) {\n"
                        "    try { println(i) } catch (e: Error) { } finally { i += 1 }\n}\n")
    case("run | head: neither catch nor finally keeps a program printing",
         piped('"$NURI" run ' + uncatchable), 0, ("out=", "0\n"), ("err=", ""))
    counted = write("counted.nuri", "fun main(): int {\n    for (i in 0..1000000) { println(i) }\n"
                    "    return 3\n}\n")
    case("run | head: a program cut short exits 0, not with main's result",
         piped('"$NURI" run ' + counted), 0, ("out=", "0\n"), ("err=", ""))
    case("repl | head: an endless printer ends the session", piped('"$NURI" repl < ' + forever), 0,
         ("out=", "1\n"), ("err=", ""))
    case("repl | head: endless values end the session", piped("yes 1 | \"$NURI\" repl"), 0,
         ("out=", "1\n"), ("err=", ""))
    case("repl | head: endless :help ends the session", piped("yes :help | \"$NURI\" repl"), 0,
         ("out=", "Type Nuri declarations and statements; an expression's value is printed.\n"),
         ("err=", ""))
    listing = write("listing.nuri", "".join("fun f%d(): int { return %d }\n" % (i, i) for i in range(3000)))
    case("disasm | head: a long listing", piped('"$NURI" disasm ' + listing), 0,
         ("out=", "module listing.nuri\n"), ("err=", ""))
    if os.path.exists("/dev/full"):
        case("a full disk is still an IOError", '"$NURI" run %s > /dev/full' % hello, 70,
             ("out=", ""), ("err=", "error: IOError: cannot write to standard output: No space left on device\n"))
        printer = write("printer.nuri", 'while (true) {\n    println("a line of text")\n}\n')
        case("a full disk stops an endless printer where it prints",
             'timeout 20 "$NURI" run %s > /dev/full' % printer, 70, ("out=", ""),
             ("err=", "error: IOError: cannot write to standard output: No space left on device\n"
                      "  at <module> (printer.nuri:2)\n"))

    # Hostile bytecode.
    case("empty bytecode file", ["run", write("empty.nbc", b"")], 65, ("err", "bad magic number"))
    case("truncated bytecode", ["run", write("trunc.nbc", nbc[: len(nbc) // 2])], 65, ("err", "error: "))
    case("bytecode with trailing garbage", ["verify", write("trail.nbc", nbc + b"xyz")], 65, ("out", "unexpected trailing bytes"))
    wrong_version = bytearray(nbc)
    wrong_version[8] = 9
    minor = nbc[10] | nbc[11] << 8  # this VM's minor version
    case("future bytecode version", ["run", write("version.nbc", bytes(wrong_version))], 65,
         ("err", "unsupported bytecode version 9.%d" % minor))
    case("source text named .nbc", ["run", write("text.nbc", HELLO)], 65, ("err", "not a Nuri bytecode file"))

    # Limits.
    spin = write("spin.nuri", "var i = 0\nwhile (true) { i += 1 }\n")
    case("fuel", ["run", "--fuel=10000", spin], 70, ("err", "LimitError: fuel exhausted"))
    case("timeout", ["run", "--timeout=0.3", spin], 70, ("err", "LimitError: timed out after 0.3 s (--timeout)"))
    grow = write("grow.nuri", "class Node {\n  var next: Node\n  var data: int[]\n}\n"
                 "var head: Node = null\nwhile (true) {\n  let n = Node()\n  n.next = head\n"
                 "  n.data = new int[1000]\n  head = n\n}\n")
    case("heap limit", ["run", "--heap-limit=32M", grow], 70, ("err", "LimitError: heap limit of 32M exceeded"))
    case("huge array under a heap limit", ["run", "--heap-limit=16M",
         write("huge.nuri", "let a = new int[100000000]\n")], 70, ("err", "LimitError: heap limit of 16M exceeded"))
    case("stack limit", ["run", "--stack-limit=100", deep], 70, ("err", "limit of 100 frames"))

    # The interactive prompt, fed from a pipe (no prompts are shown then).
    session = ("var x = 5\nx * 2\nfun sq(n: int): int {\n    return n * n\n}\nsq(x)\n"
               "println(\"hi\")\nlet l = List<int>()\nl.add(3)\nl\n\"a\" +\n  \"b\"\n"
               "x = x + 1\nx\n")
    case("repl: values of expressions, declarations persist", ["repl"], 0,
         ("out=", "10\n25\nhi\n[3]\nab\n6\n"), ("err=", ""), stdin=session)
    case("repl: errors name the entry's own lines and the session goes on", ["repl"], 0,
         ("out=", "1\n2\n"),
         ("err", "input:1:9: error: unknown name `nope`"),
         ("err", "input:1:1: error: `a` is already declared as a variable at input#1:1"),
         ("err", "error: ValueError: bad\n  at <module> (input:1)"),
         stdin='let a = 1\nlet b = nope\nlet a = 2\nthrow ValueError("bad")\na\na + 1\n')
    case("repl: standard input belongs to the prompt, readLine() gives null", ["repl"], 0,
         ("out=", "null\n3\n"), ("err=", ""), stdin='readLine()\n1 + 2\n')
    case("repl: a program's own message is not relabelled", ["repl"], 0,
         ("err", "error: ValueError: see line 1 or <repl>:1\n  at <module> (input:1)"),
         stdin='throw ValueError("see line 1 or <repl>:1")\n')
    # Only the places the compiler and the VM report are renamed, never the program's own text.
    case("repl: a huge <repl>: number in an echoed line", ["repl"], 0, ("out=", ""),
         ("err=", "input:1:46: error: expected end of statement, found `nope`\n"
                  "  let x = \"<repl>:99999999999999999999999\" + 1 nope\n"
                  "                                               ^\n"),
         stdin='let x = "<repl>:99999999999999999999999" + 1 nope\n')
    case("repl: places and `at line` inside a string stay as typed", ["repl"], 0, ("out=", "7\n"),
         ("err=", "input:1:41: error: unknown name `nope`\n"
                  "  let s = \"<repl>:5 at line 3 <repl>:-1\"; nope\n"
                  "                                          ^\n"
                  "input:1:1: error: `a` is already declared as a variable at input#1:1\n"
                  "  let a = \"at line 1 <repl>:1\"\n"
                  "  ^\n"),
         stdin='let a = 7\nlet s = "<repl>:5 at line 3 <repl>:-1"; nope\n'
               'let a = "at line 1 <repl>:1"\na\n')
    case("repl: a mention of the entry's own line", ["repl"], 0,
         ("err=", "input:4:1: error: expected `}` to close the block opened at line 1\n"
                  "  \n  ^\n"),
         stdin="if (true) {\n  println(1)\n\n")
    case("repl: places in a thrown message stay as thrown", ["repl"], 0,
         ("err=", "error: ValueError: (<repl>:99999999999999999999) at line 2 (<repl>:2)\n"
                  "  at f (input#1:2)\n  at <module> (input:1)\n"),
         stdin='fun f() {\n    throw ValueError("(<repl>:99999999999999999999) at line 2 (<repl>:2)")\n}\nf()\n')
    case("repl: a runtime error in a function names the entry that declared it", ["repl"], 0,
         ("err", "at f (input#1:2)"),
         stdin="fun f(): int {\n    return 1 / 0\n}\nf()\n")
    case("repl: System.exit ends the session with its status", ["repl"], 4,
         ("out=", "before\n"), stdin='println("before")\nSystem.exit(4)\nprintln("after")\n')
    case("repl: earlier output is not repeated", ["repl"], 0,
         ("out=", "one\ntwo\nthree\n"), stdin='println("one")\nprintln("two")\nprintln("three")\n')
    case("repl: commands", ["repl"], 0, ("out", "#1  let a = 1\n"), ("out", ":reset"),
         ("err", "unknown command `:frob`"), ("err", "unknown name `a`"),
         stdin="let a = 1\n:show\n:help\n:frob\n:reset\na\n:quit\nprintln(1)\n")
    case("repl: limits apply to each entry", ["repl", "--fuel=10000"], 0,
         ("err", "LimitError: fuel exhausted"), ("out=", "3\n"),
         stdin="var i = 0\nwhile (true) { i += 1 }\n1 + 2\n")
    case("repl: takes no file", ["repl", hello], 64, ("err", "`repl` takes no file"))

    # Suspension and snapshots (docs/snapshots.md). The cases run in order: later ones continue
    # the snapshots earlier ones wrote.
    counting = write("counting.nuri", 'var done = 0\nfun main(args: string[]): int {\n'
                     '    for (i in 0..3000) {\n        if (i % 1000 == 0) { println("at " + i) }\n'
                     '        done = i\n    }\n    println("done " + done + " " + args.length)\n'
                     '    return 7\n}\n')
    snap = os.path.join(work, "counting.nsnap")
    for cmd in ["snapshot", "inspect"]:
        case(cmd + " --help", [cmd, "--help"], 0, ("out", "Usage: nuri " + cmd))
    case("--suspend-to: fuel runs out, the snapshot is written, exit 75",
         ["run", "--fuel=5000", "--suspend-to=" + snap, counting, "a"], 75,
         ("out=", "at 0\nat 1000\n"), ("err=", "suspended: snapshot written to %s\n" % snap))
    case("inspect: a suspended guest", ["inspect", snap], 0, ("out", "state: suspended in main (its fuel ran out)"),
         ("out", "program: counting.nuri"), ("out", "  done: int = "), ("out", "stack:\n  at main (counting.nuri:"))
    case("verify: a snapshot", ["verify", snap], 0, ("out=", "ok\n"))
    case("a suspended guest takes no arguments", ["run", snap, "x"], 64, ("err", "takes no arguments"))
    case("continued where it stopped, suspended again into the same file",
         ["run", "--fuel=5000", "--suspend-to=" + snap, snap], 75, ("out=", "at 2000\n"))
    case("continued to its end: main's status", ["run", snap], 7, ("out=", "done 2999 1\n"))
    template = os.path.join(work, "counting-template.nsnap")
    case("snapshot: a template", ["snapshot", counting, "-o", template], 0, ("out=", ""))
    case("snapshot: without -o, next to the program", ["snapshot", counting], 0)
    case("inspect: a template", ["inspect", template], 0, ("out", "state: template"), ("out", "done: int = 0"))
    case("a template runs main with the arguments", ["run", template, "p", "q"], 7,
         ("out=", "at 0\nat 1000\nat 2000\ndone 2999 2\n"))
    case("a template, short form", [template], 7, ("out", "done 2999 0"))
    long_loop = write("suspend_by_time.nuri", "var i = 0\nwhile (i < 2000000000) { i += 1 }\nprintln(i)\n")
    timed = os.path.join(work, "timed.nsnap")
    case("--timeout suspends too", ["run", "--timeout=0.05", "--suspend-to=" + timed, long_loop], 75,
         ("err", "suspended: snapshot written to"))
    case("inspect: suspended by time in the top-level code", ["inspect", timed], 0,
         ("out", "state: suspended in load (its time ran out)"))
    key = write("key", "not a secret")
    other = write("other-key", "another")
    signed = os.path.join(work, "signed.nsnap")
    case("--key-file signs", ["run", "--fuel=5000", "--key-file=" + key, "--suspend-to=" + signed, counting],
         75, ("err", "suspended"))
    case("a signed snapshot needs its key", ["run", signed], 65, ("err", "snapshot is signed: give the key"))
    case("a signed snapshot refuses another key", ["run", "--key-file=" + other, signed], 65,
         ("err", "signature does not match the key"))
    case("a signed snapshot with its key", ["run", "--key-file=" + key, signed], 7, ("out", "done 2999 0"))
    case("verify with the key", ["verify", "--key-file=" + key, signed], 0, ("out=", "ok\n"))
    case("an unsigned snapshot is refused when a key is given", ["run", "--key-file=" + key, template], 65,
         ("err", "not signed"))
    case("missing key file", ["run", "--key-file=" + os.path.join(work, "nokey"), template], 66,
         ("err=", "error: cannot read the key file %s: No such file or directory\n" % os.path.join(work, "nokey")))
    case("empty key file", ["verify", "--key-file=" + write("empty-key", ""), signed], 65,
         ("err", "is empty"))
    looped = os.path.join(work, "looped.nsnap")
    case("a guest continued from the --suspend-to file ends: the file is removed",
         "$NURI run --fuel=5000 --suspend-to=%s %s; while [ -f %s ]; do $NURI run --fuel=5000 "
         "--suspend-to=%s %s; done; echo end" % (looped, counting, looped, looped, looped), 0,
         ("out=", "at 0\nat 1000\nat 2000\ndone 2999 0\nend\n"))
    same_a, same_b = os.path.join(work, "same-a.nsnap"), os.path.join(work, "same-b.nsnap")
    case("the same guest suspended at the same point gives the same bytes (no stale addresses)",
         "$NURI run --fuel=5000 --suspend-to=%s %s >/dev/null 2>&1; "
         "$NURI run --fuel=5000 --suspend-to=%s %s >/dev/null 2>&1; cmp %s %s && echo same"
         % (same_a, counting, same_b, counting, same_a, same_b), 0, ("out=", "same\n"))
    early = write("early.nuri", 'var n = 0\nfor (i in 0..20000) { n += i }\n'
                  'fun main(args: string[]) { println(args.length + " " + args[0] + " " + n) }\n')
    early_snap = os.path.join(work, "early.nsnap")
    case("suspended in the top-level code: main's arguments are kept",
         ["run", "--fuel=1000", "--suspend-to=" + early_snap, early, "first", "second"], 75)
    case("inspect: the arguments kept for main", ["inspect", early_snap], 0,
         ("out", "state: suspended in load"), ("out", "arguments for main: first second\n"))
    case("a guest suspended before main takes no arguments either", ["run", early_snap, "x"], 64,
         ("err", "takes no arguments"))
    case("continued, main gets the arguments given at first", ["run", early_snap], 0,
         ("out=", "2 first 199990000\n"))
    case("snapshot: limits apply to the top-level code", ["snapshot", "--fuel=1000",
         write("top_forever.nuri", "while (true) {}\n")], 70, ("err", "fuel exhausted"))
    case("snapshot: a program that exits in its top-level code",
         ["snapshot", write("top_exit.nuri", "System.exit(3)\n")], 70, ("err", "no guest left to snapshot"))
    case("inspect: unknown option", ["inspect", "--heap-limit=1M", template], 64, ("err", "unknown option"))
    case("missing snapshot", ["run", os.path.join(work, "nope.nsnap")], 66, ("err", "cannot read"))
    case("inspect: missing snapshot", ["inspect", os.path.join(work, "nope.nsnap")], 66, ("err", "cannot read"))
    case("not a snapshot", ["run", hello_nbc.replace(".nbc", ".nuri") and write("fake.nsnap", "hello")], 65,
         ("err", "not a Nuri snapshot file (bad magic number)"))
    case("verify: not a snapshot", ["verify", os.path.join(work, "fake.nsnap")], 65, ("out", "bad magic number"))
    case("--snapshot-cycle gives the uninterrupted output", ["run", "--snapshot-cycle=1", counting, "z"], 7,
         ("out=", "at 0\nat 1000\nat 2000\ndone 2999 1\n"))
    case("--suspend-to into a folder that does not exist", ["run", "--fuel=5000", "--suspend-to=" +
         os.path.join(work, "no", "such", "dir", "s.nsnap"), counting], 66, ("err", "cannot write"))

    passed = failed = 0
    for name, argv, status, expect, stdin in cases:
        try:
            if name.startswith("output to a full disk"):
                with open("/dev/full", "w") as full:
                    p = subprocess.run([nuri] + argv, stdout=full, stderr=subprocess.PIPE, timeout=60)
                p.stdout = b""
            elif isinstance(argv, str):  # a shell pipeline using $NURI
                p = subprocess.run(["bash", "-c", argv], capture_output=True, timeout=60,
                                   env=dict(os.environ, NURI=nuri))
            else:
                p = subprocess.run([nuri] + argv, capture_output=True, timeout=60,
                                   input=stdin.encode() if stdin is not None else None)
            out, err, rc = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode
        except subprocess.TimeoutExpired:
            out, err, rc = "", "timed out", None
        problems = []
        if rc != status:
            problems.append("exit status %s, expected %s" % (rc, status))
        for stream, text in expect:
            got = out if stream.startswith("out") else err
            if stream.endswith("=") and got != text:
                problems.append("std%s is not exactly %r" % (stream[:-1], text))
            elif not stream.endswith("=") and text not in got:
                problems.append("std%s lacks %r" % (stream, text))
        if problems:
            failed += 1
            print("FAIL %s: %s\n  stdout: %s\n  stderr: %s" % (name, "; ".join(problems), out[:300], err[:300]))
        else:
            passed += 1
    for name, check in (("repl on a terminal", repl_on_a_terminal),
                        ("repl history linked to /dev/zero", history_linked_to_dev_zero),
                        ("SIGTERM suspends a guest run with --suspend-to", suspend_on_signal)):
        problems = check(nuri, work)
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
        else:
            passed += 1
    shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def suspend_on_signal(nuri, work):
    """SIGTERM to `nuri run --suspend-to` writes the snapshot (exit 75), which continues."""
    import signal
    import time

    program = os.path.join(work, "signalled.nuri")
    with open(program, "w") as f:
        f.write('var i = 0\nwhile (i < 3000000000) { i += 1 }\nprintln("counted " + i)\n')
    snap = os.path.join(work, "signalled.nsnap")
    p = subprocess.Popen([nuri, "run", "--suspend-to=" + snap, program], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    problems = []
    if p.returncode != 75 or b"suspended: snapshot written to" not in err:
        problems.append("exit status %s, stderr %r" % (p.returncode, err[:200]))
        return problems
    q = subprocess.run([nuri, "run", snap], capture_output=True, timeout=120)
    if q.returncode != 0 or q.stdout != b"counted 3000000000\n":
        problems.append("continued: exit status %s, stdout %r" % (q.returncode, q.stdout[:200]))
    return problems


def history_linked_to_dev_zero(nuri, work):
    """A history file that never ends is refused with a warning; the prompt works as usual."""
    import pty
    import select
    import time

    home = os.path.join(work, "zero-home")
    os.makedirs(home)
    os.symlink("/dev/zero", os.path.join(home, ".nuri_history"))
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"HOME": home, "TERM": "xterm"})
        os.execv(nuri, [nuri, "repl"])
    out, end = b"", time.time() + 20
    while b"nuri> " not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 4096)
    os.write(fd, b"\x04")
    _, status = os.waitpid(pid, 0)
    problems = []
    expected = ("nuri: ignoring %s/.nuri_history: file is larger than the 1 MB limit for the "
                "history\r\n" % home)
    if expected.encode() not in out:
        problems.append("no warning in %r" % out[-300:])
    if os.waitstatus_to_exitcode(status) != 0:
        problems.append("exit status %s" % os.waitstatus_to_exitcode(status))
    return problems


def repl_on_a_terminal(nuri, work):
    """Types at `nuri repl` through a pseudo-terminal: editing keys, multi-line input, history."""
    import pty
    import select
    import time

    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"HOME": home, "TERM": "xterm"})
        os.execv(nuri, [nuri, "repl"])

    def read_until(marker, seconds=10):
        out = b""
        end = time.time() + seconds
        while marker not in out and time.time() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return out.decode("utf-8", "replace")

    problems = []
    banner = read_until(b"nuri> ")
    if "Type :help" not in banner:
        problems.append("no banner: %r" % banner)
    steps = [
        # "1 + 2", Left, Backspace (deletes the space), "3": 1 +32
        (b"1 + 2\x1b[D\x7f3\r", "33"),
        # UTF-8 text; Home and Ctrl-K clear what was typed before; Ctrl-E goes to the end
        (b"garbage\x01\x0blet s = \"h\xc3\xa9llo\"\x05\r", None),
        (b"s.length\r", "5"),
        # Up twice recalls `let s = ...`: an error, since s exists
        (b"\x1b[A\x1b[A\r", "already declared"),
        # a block over three lines
        (b"if (s.length > 2) {\r", "..."),
        (b"println(\"in\")\r", "..."),
        (b"}\r", "in"),
        # Ctrl-C abandons a line
        (b"println(\"no\")\x03", None),
        (b"7 * 6\r", "42"),
    ]
    for keys, expected in steps:
        os.write(fd, keys)
        # A new prompt follows the end of the line (a redrawn one only "\r").
        out = read_until(b"\n\rnuri> " if expected != "..." else b"\n\r  ... ")
        if expected and expected not in out:
            problems.append("after %r: %r lacks %r" % (keys, out[-200:], expected))
        if b"\x03" in keys and "no\r\n" in out:
            problems.append("Ctrl-C did not abandon the line")
    os.write(fd, b"\x04")  # Ctrl-D on an empty line leaves
    read_until(b"never", 2)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        problems.append("exit status %s" % os.waitstatus_to_exitcode(status))
    history = open(os.path.join(home, ".nuri_history"), encoding="utf-8").read()
    if 'let s = "héllo"\n' not in history or "7 * 6\n" not in history:
        problems.append("history file: %r" % history)
    return problems


if __name__ == "__main__":
    main()
