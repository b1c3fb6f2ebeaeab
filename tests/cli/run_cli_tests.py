#!/usr/bin/env python3
"""Tests of the `nuri` command line: help, usage errors, exit statuses, hostile inputs,
bytecode files, limits and statistics. Prints `N passed, N failed`."""
import argparse
import os
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

    cases = []  # (name, argv, expected status, [(stream, substring)])

    def case(name, argv, status, *expect):
        cases.append((name, argv, status, list(expect)))

    case("no arguments prints usage", [], 64, ("err", "Usage:"))
    case("--help", ["--help"], 0, ("out", "nuri run [OPTIONS]"))
    case("--version", ["--version"], 0, ("out", "nuri 0.1.0"))
    for cmd in ["run", "build", "check", "disasm", "verify"]:
        case(cmd + " --help", [cmd, "--help"], 0, ("out", "Usage: nuri " + cmd))
    case("unknown command", ["frobnicate"], 64, ("err", "unknown command `frobnicate`"))
    case("unknown run option", ["run", "--turbo", hello], 64, ("err", "unknown option `--turbo`"))
    case("bad heap limit", ["run", "--heap-limit=lots", hello], 64, ("err", "--heap-limit needs a size"))
    case("bad jit value", ["run", "--jit=fast", hello], 64, ("err", "--jit must be off, auto or always"))
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
    case("--stats", ["run", "--stats", hello], 3, ("err", "instructions executed"), ("err", "collections"))

    case("a directory is not a program", ["run", work], 66, ("err", "it is a directory"))
    if os.path.exists("/dev/full"):
        cases.append(("output to a full disk is an IOError", ["run", hello], 70,
                      [("err", "IOError: cannot write to standard output")]))
    case("a heap limit too small for the constants", ["run", "--heap-limit=100", hello], 70,
         ("err", "LimitError: heap limit of 100 bytes exceeded"))

    # Hostile sources.
    garbage = write("garbage.nuri", bytes(range(256)) * 40)
    case("binary garbage as source", ["run", garbage], 65, ("err", "not valid UTF-8"))
    parens = write("parens.nuri", "let x = " + "(" * 100000 + "1" + ")" * 100000 + "\n")
    case("100,000 nested parentheses", ["run", parens], 65, ("err", "nested too deeply"))
    blocks = write("blocks.nuri", "fun f() {" + "{" * 100000 + "}" * 100000 + "}\n")
    case("100,000 nested blocks", ["run", blocks], 65, ("err", "nested too deeply"))
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

    # Hostile bytecode.
    case("empty bytecode file", ["run", write("empty.nbc", b"")], 65, ("err", "bad magic number"))
    case("truncated bytecode", ["run", write("trunc.nbc", nbc[: len(nbc) // 2])], 65, ("err", "error: "))
    case("bytecode with trailing garbage", ["verify", write("trail.nbc", nbc + b"xyz")], 65, ("out", "unexpected trailing bytes"))
    wrong_version = bytearray(nbc)
    wrong_version[8] = 9
    case("future bytecode version", ["run", write("version.nbc", bytes(wrong_version))], 65, ("err", "unsupported bytecode version 9.1"))
    case("source text named .nbc", ["run", write("text.nbc", HELLO)], 65, ("err", "not a Nuri bytecode file"))

    # Limits.
    spin = write("spin.nuri", "var i = 0\nwhile (true) { i += 1 }\n")
    case("fuel", ["run", "--fuel=10000", spin], 70, ("err", "LimitError: fuel exhausted"))
    case("timeout", ["run", "--timeout=0.3", spin], 70, ("err", "LimitError: timeout"))
    grow = write("grow.nuri", "class Node {\n  var next: Node\n  var data: int[]\n}\n"
                 "var head: Node = null\nwhile (true) {\n  let n = Node()\n  n.next = head\n"
                 "  n.data = new int[1000]\n  head = n\n}\n")
    case("heap limit", ["run", "--heap-limit=32M", grow], 70, ("err", "LimitError: heap limit of 32M exceeded"))
    case("huge array under a heap limit", ["run", "--heap-limit=16M",
         write("huge.nuri", "let a = new int[100000000]\n")], 70, ("err", "LimitError: heap limit of 16M exceeded"))
    case("stack limit", ["run", "--stack-limit=100", deep], 70, ("err", "limit of 100 frames"))

    passed = failed = 0
    for name, argv, status, expect in cases:
        try:
            if name.startswith("output to a full disk"):
                with open("/dev/full", "w") as full:
                    p = subprocess.run([nuri] + argv, stdout=full, stderr=subprocess.PIPE, timeout=60)
                p.stdout = b""
            else:
                p = subprocess.run([nuri] + argv, capture_output=True, timeout=60)
            out, err, rc = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode
        except subprocess.TimeoutExpired:
            out, err, rc = "", "timed out", None
        problems = []
        if rc != status:
            problems.append("exit status %s, expected %s" % (rc, status))
        for stream, text in expect:
            if text not in (out if stream == "out" else err):
                problems.append("std%s lacks %r" % (stream, text))
        if problems:
            failed += 1
            print("FAIL %s: %s\n  stdout: %s\n  stderr: %s" % (name, "; ".join(problems), out[:300], err[:300]))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
