#!/usr/bin/env python3
"""Runs Nuri programs whose expectations are comments inside them.

  // expect: TEXT                  the next line of standard output
  // expect error: MESSAGE         a compile error on this line (exit 65)
  // expect error (column N): MSG   the same, reported at column N of the line
  // expect runtime error: MSG     the uncaught error raised on this line (exit 70), e.g.
                                   `IndexError: index 3 out of bounds for length 1`
  // expect exit: N                the exit status (default 0)
  // args: A B C                   arguments passed to the program
  // options: --fuel=1000          options passed to `nuri run` before the file
  // stdin: TEXT                   a line of standard input (TEXT and a newline); a file
                                   NAME.stdin beside NAME.nuri gives the exact bytes instead
  // expect stderr: TEXT           the next line of standard error
  // scratch                       run in a fresh folder of its own (the working directory),
                                   holding a copy of NAME.files/ beside NAME.nuri if there is
                                   one (symbolic links copied as links); each run of each mode
                                   gets a new one

Files in folders named lib/ are modules imported by tests and are not run on their own.

Every program runs in each mode given with --modes: `source` (nuri run FILE.nuri), `nbc`
(nuri build FILE.nuri, then nuri run FILE.nbc) and `snapshot`. In snapshot mode a program that
runs is suspended again and again, snapshotted, restored and resumed until it ends, and must
behave exactly as the expectations say: in one process with `--snapshot-cycle=N` (N = 997 for
programs of up to 2 million instructions, a slice giving about 50 moves, and 1 for programs of
up to 20,000 instructions whose moves are cheap), and through separate processes with `--fuel=N --suspend-to=FILE` (about 8 processes). Programs
with their own --fuel, --timeout or --suspend-to are not run in snapshot mode, and programs
with standard input not through separate processes (the input is one stream). Prints
`N passed, N failed`.

--run-options gives options for every `nuri run` of every mode, e.g. `--jit=always` to run
everything compiled, or `--jit=auto --jit-threshold=1` to enter compiled loops mid-way.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

EXPECT = re.compile(r"//\s*expect:(.*)$")
EXPECT_ERROR = re.compile(r"//\s*expect error(?:\s*\(column (\d+)\))?:\s*(.*?)\s*$")
EXPECT_RUNTIME = re.compile(r"//\s*expect runtime error:\s*(.*?)\s*$")
EXPECT_EXIT = re.compile(r"//\s*expect exit:\s*(-?\d+)")
ARGS = re.compile(r"//\s*args:(.*)$")
OPTIONS = re.compile(r"//\s*options:(.*)$")
STDIN = re.compile(r"//\s*stdin:(.*)$")
EXPECT_STDERR = re.compile(r"//\s*expect stderr:(.*)$")
SCRATCH = re.compile(r"//\s*scratch\s*$")
DIAGNOSTIC = re.compile(r"^(.*):(\d+):(\d+): error: (.*)$")


class Test:
    def __init__(self, path):
        self.path = path
        self.stdout = []
        self.compile_errors = []  # (line, column or None, message)
        self.runtime_error = None  # (line, message)
        self.exit = None
        self.args = []
        self.options = []
        self.stdin = None  # bytes, or None for no input
        self.stderr = None  # the expected lines of standard error, if any are given
        self.scratch = False
        stdin_lines = []
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                if m := EXPECT.search(line):
                    self.stdout.append(m.group(1)[1:] if m.group(1).startswith(" ") else m.group(1))
                elif m := EXPECT_STDERR.search(line):
                    text = m.group(1)[1:] if m.group(1).startswith(" ") else m.group(1)
                    self.stderr = (self.stderr or []) + [text]
                elif m := STDIN.search(line):
                    stdin_lines.append(m.group(1)[1:] if m.group(1).startswith(" ") else m.group(1))
                elif m := EXPECT_ERROR.search(line):
                    column = int(m.group(1)) if m.group(1) else None
                    self.compile_errors.append((number, column, m.group(2)))
                elif m := EXPECT_RUNTIME.search(line):
                    self.runtime_error = (number, m.group(1))
                if m := EXPECT_EXIT.search(line):
                    self.exit = int(m.group(1))
                if m := ARGS.search(line):
                    self.args = shlex.split(m.group(1))
                if m := OPTIONS.search(line):
                    self.options = shlex.split(m.group(1))
                if SCRATCH.search(line):
                    self.scratch = True
        if self.scratch:
            self.path = os.path.abspath(path)  # the program runs in another folder
        if self.exit is None:
            self.exit = 65 if self.compile_errors else 70 if self.runtime_error else 0
        if stdin_lines:
            self.stdin = "".join(l + "\n" for l in stdin_lines).encode("utf-8")
        stdin_file = os.path.splitext(path)[0] + ".stdin"
        if os.path.exists(stdin_file):
            with open(stdin_file, "rb") as f:
                self.stdin = f.read()


RUN_OPTIONS = []  # --run-options, put after `run` in every nuri run command


def run(command, timeout, env, stdin=None, cwd=None):
    if len(command) > 1 and command[1] == "run":
        command = command[:2] + RUN_OPTIONS + command[2:]
    try:
        p = subprocess.run(command, capture_output=True, timeout=timeout, env=env, cwd=cwd,
                           input=stdin if stdin is not None else b"")
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %s s" % timeout


def check_compile_errors(test, status, stderr):
    problems = []
    if status != 65:
        problems.append("expected exit status 65 (compile error), got %s" % status)
    found = []
    for line in stderr.splitlines():
        if m := DIAGNOSTIC.match(line):
            found.append((int(m.group(2)), int(m.group(3)), m.group(4)))

    def matches(expected, got):
        line, column, message = expected
        return (line, message) == (got[0], got[2]) and column in (None, got[1])

    for expected in test.compile_errors:
        if not any(matches(expected, got) for got in found):
            where = "line %d" % expected[0]
            if expected[1] is not None:
                where += ", column %d" % expected[1]
            problems.append("missing compile error at %s: %s" % (where, expected[2]))
            near = [got for got in found if (got[0], got[2]) == (expected[0], expected[2])]
            for got in near:
                problems.append("  (reported at column %d)" % got[1])
    for got in found:
        if not any(matches(expected, got) for expected in test.compile_errors):
            problems.append("unexpected compile error at line %d, column %d: %s" % got)
    return problems


def check_run(test, status, stdout, stderr):
    problems = []
    actual = [line.rstrip() for line in stdout.split("\n")]
    if actual and actual[-1] == "":
        actual.pop()
    expected = [line.rstrip() for line in test.stdout]
    if actual != expected:
        problems.append("standard output differs:")
        for i in range(max(len(actual), len(expected))):
            e = expected[i] if i < len(expected) else "<nothing>"
            a = actual[i] if i < len(actual) else "<nothing>"
            if e != a:
                problems.append("  line %d: expected %r, got %r" % (i + 1, e, a))
                break
    if status != test.exit:
        problems.append("expected exit status %d, got %s" % (test.exit, status))
    err_lines = stderr.splitlines()
    if test.stderr is not None:  # its own lines first, then a runtime error's
        got = [line.rstrip() for line in err_lines[:len(test.stderr)]]
        want = [line.rstrip() for line in test.stderr]
        if got != want:
            problems.append("standard error differs: expected %r, got %r" % (want, got))
        err_lines = err_lines[len(test.stderr):]
        stderr = "\n".join(err_lines)
    if test.runtime_error:
        line, message = test.runtime_error
        if not err_lines or err_lines[0] != "error: " + message:
            problems.append("expected runtime error %r, got %r" % ("error: " + message, err_lines[0] if err_lines else ""))
        elif len(err_lines) < 2 or not re.search(r":%d\)$" % line, err_lines[1]):
            problems.append("expected the trace to start at line %d, got %r" % (line, err_lines[1] if len(err_lines) > 1 else ""))
    elif stderr.strip():
        problems.append("unexpected standard error:\n    " + "\n    ".join(err_lines[:10]))
    return problems


STATS_START = "-- nuri stats --"
SUSPENDED = re.compile(r"^suspended: snapshot written to .*$")
SMALL_PROGRAM = 20000  # instructions: moved through a snapshot at every suspension point
MOVED_OFTEN = 2000000  # instructions: moved every 997 of them as well


def without_stats(stderr):
    """Standard error without the block --stats appends, and the instructions it counted."""
    start = stderr.find(STATS_START)
    if start < 0:
        return stderr, None
    m = re.search(r"instructions executed\s+(\d+)", stderr[start:])
    return stderr[:start], int(m.group(1)) if m else None


def new_scratch(test, workdir):
    """A fresh working directory for one run of a `// scratch` test (None for other tests)."""
    if not test.scratch:
        return None
    folder = tempfile.mkdtemp(dir=workdir, prefix="scratch-")
    files = os.path.splitext(test.path)[0] + ".files"
    if os.path.isdir(files):
        shutil.copytree(files, folder, symlinks=True, dirs_exist_ok=True)
    return folder


def run_program(test, nuri, options, program, timeout, env, workdir):
    """One whole run of the test's program (FILE.nuri or FILE.nbc) with its arguments and input."""
    scratch = new_scratch(test, workdir)
    try:
        return run([nuri, "run"] + options + test.options + [program] + test.args, timeout, env,
                   test.stdin, scratch)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def run_through_processes(test, nuri, slice_, timeout, env, workdir):
    """Runs the test in fuel slices, each in a new process continuing the last one's snapshot."""
    snap = os.path.join(workdir, re.sub(r"[^A-Za-z0-9_.-]", "_", test.path) + ".nsnap")
    options = ["--fuel=%d" % slice_, "--suspend-to=" + snap] + test.options
    scratch = new_scratch(test, workdir)  # one for the whole chain: it is one run
    status, out, err = run([nuri, "run"] + options + [test.path] + test.args, timeout, env, cwd=scratch)
    outs, errs = [out], [err]
    for _ in range(1000):
        if status != 75:
            break
        # A suspended guest takes no arguments: one suspended before main keeps its own.
        status, out, err = run([nuri, "run"] + options + [snap], timeout, env, cwd=scratch)
        outs.append(out)
        errs.append(err)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    kept = [line for e in errs for line in e.splitlines(True) if not SUSPENDED.match(line.rstrip("\n"))]
    return status, "".join(outs), "".join(kept)


def snapshot_runs(test, nuri, timeout, env, workdir):
    """The runs of snapshot mode: (label, status, stdout, stderr) each."""
    if any(o.split("=")[0] in ("--fuel", "--timeout", "--suspend-to") for o in test.options):
        return []
    runs = []
    # How long the program is, from a run without moves: a long one moved every 997
    # instructions would take minutes (a snapshot and a restore cost about a millisecond).
    counted = run_program(test, nuri, ["--stats"], test.path, timeout, env, workdir)
    if counted[0] is None:
        return [("counting", None, "", counted[2])]
    instructions = without_stats(counted[2])[1] or 0
    slices = []
    if instructions <= MOVED_OFTEN:
        started = time.monotonic()
        first = run_program(test, nuri, ["--snapshot-cycle=997"], test.path, timeout, env, workdir)
        seconds = time.monotonic() - started
        runs.append(("cycle 997", first[0], first[1], first[2]))
        if first[0] is None:
            return runs
        # Every suspension point (about one in four instructions) moves the guest: only where
        # that stays cheap, judged by what the moves every 997 instructions cost.
        moves = instructions // 997 + 1
        if instructions <= SMALL_PROGRAM and seconds / moves * instructions / 4 < 5:
            slices.append(1)
    slices.insert(0, max(7, instructions // 50))
    for n in slices:
        status, out, err = run_program(test, nuri, ["--snapshot-cycle=%d" % n], test.path, timeout, env,
                                       workdir)
        runs.append(("cycle %d" % n, status, out, err))
    if test.stdin is None:
        status, out, err = run_through_processes(test, nuri, max(1000, instructions // 8), timeout, env, workdir)
        runs.append(("processes", status, out, err))
    return runs


def run_test(test, nuri, modes, timeout, env, workdir):
    failures = []
    for mode in modes:
        if mode == "snapshot":
            if test.compile_errors:
                continue
            for label, status, out, err in snapshot_runs(test, nuri, timeout, env, workdir):
                problems = [err] if status is None else check_run(test, status, out, err)
                if problems:
                    failures.append("%s [snapshot, %s]\n  %s" % (test.path, label, "\n  ".join(problems)))
            continue
        if mode == "source":
            status, out, err = run_program(test, nuri, [], test.path, timeout, env, workdir)
        else:
            nbc = os.path.join(workdir, re.sub(r"[^A-Za-z0-9_.-]", "_", test.path) + ".nbc")
            status, out, err = run([nuri, "build", test.path, "-o", nbc], timeout, env)
            if status == 0 and not test.compile_errors:
                status, out, err = run_program(test, nuri, [], nbc, timeout, env, workdir)
        if status is None:
            problems = [err]
        elif test.compile_errors:
            problems = check_compile_errors(test, status, err)
        else:
            problems = check_run(test, status, out, err)
        if problems:
            failures.append("%s [%s]\n  %s" % (test.path, mode, "\n  ".join(problems)))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nuri", required=True, help="the nuri binary")
    parser.add_argument("--modes", default="source,nbc", help="comma-separated: source, nbc, snapshot")
    parser.add_argument("--run-options", default="", help="options for every `nuri run`, e.g. --jit=always")
    parser.add_argument("--gc-stress", action="store_true", help="collect at every allocation")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("paths", nargs="+", help="test files or folders")
    args = parser.parse_args()

    files = []
    for path in args.paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                # Modules under a lib/ folder are imported by tests, not run on their own.
                if "lib" in root.split(os.sep):
                    continue
                files += [os.path.join(root, n) for n in names if n.endswith(".nuri")]
        else:
            files.append(path)
    files.sort()
    args.nuri = os.path.abspath(args.nuri)  # scratch tests run in other folders
    RUN_OPTIONS.extend(shlex.split(args.run_options))
    env = dict(os.environ)
    if args.gc_stress:
        env["NURI_GC_STRESS"] = "1"
    modes = args.modes.split(",")
    passed = failed = 0
    with tempfile.TemporaryDirectory() as workdir:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            tests = [Test(f) for f in files]
            results = pool.map(lambda t: run_test(t, args.nuri, modes, args.timeout, env, workdir), tests)
            for failures in results:
                if failures:
                    failed += 1
                    for f in failures:
                        print("FAIL " + f)
                else:
                    passed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
