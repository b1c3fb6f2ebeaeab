#!/usr/bin/env python3
"""Hand-built bytecode files that the loader or the verifier must reject, one per reason.

  tests/bytecode/run_bytecode_tests.py --nuri build/nuri [CASE...]

Assembles every tests/bytecode/cases/**/*.nbcasm with nbcasm.py, runs `nuri verify` on it and
compares its output with the case's `# expect:` line: the exact message (after the file name)
and exit status 65, or `ok` and exit status 0. A valid case may add `# output:` lines (the
expected output of `nuri run`) and `# status: N` (its exit status, 0 by default). Also checks
that every case has exactly one expect line and that no two cases expect the same message.
Prints `N passed, N failed`.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nbcasm  # noqa: E402

EXIT_DATA_ERROR = 65


def directives(path):
    expect, output, status = [], [], None
    for line in open(path, encoding="utf-8"):
        if line.startswith("# expect:"):
            expect.append(line[len("# expect:"):].strip())
        elif line.startswith("# output:"):
            output.append(line[len("# output:"):].rstrip("\n")[1:])
        elif line.startswith("# status:"):
            status = int(line[len("# status:"):])
    return expect, output, status


def run(argv, cwd):
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return None, "", "timed out"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(case, path, nuri, work):
    """Returns a list of problems with one case (empty when it passes)."""
    expect, output, status = directives(path)
    if len(expect) != 1:
        return ["needs exactly one `# expect:` line, has %d" % len(expect)]
    expect = expect[0]
    name = os.path.basename(case)[:-len(".nbcasm")] + ".nbc"
    folder = os.path.join(work, os.path.dirname(case))
    os.makedirs(folder, exist_ok=True)
    try:
        data = nbcasm.assemble(open(path, encoding="utf-8").read())
    except nbcasm.AsmError as e:
        return ["does not assemble: %s" % e]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

    problems = []
    code, out, err = run([os.path.abspath(nuri), "verify", name], folder)
    if expect == "ok":
        wanted, wanted_code = "ok\n", 0
    else:
        wanted, wanted_code = "%s: %s\n" % (name, expect), EXIT_DATA_ERROR
    if out != wanted or code != wanted_code or err:
        problems.append("nuri verify:\n  expected (status %d): %s\n  actual   (status %s): %s%s"
                        % (wanted_code, wanted.rstrip("\n"), code, out.rstrip("\n"),
                           "\n  stderr: " + err.rstrip("\n") if err else ""))
    if expect == "ok" and (output or status is not None):
        code, out, err = run([os.path.abspath(nuri), "run", name], folder)
        wanted = "".join(line + "\n" for line in output)
        wanted_code = status or 0
        if out != wanted or code != wanted_code:
            problems.append("nuri run:\n  expected (status %d):\n%s  actual (status %s):\n%s%s"
                            % (wanted_code, wanted, code, out,
                               "  stderr: " + err if err else ""))
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nuri", required=True)
    parser.add_argument("cases", nargs="*", help="case files (default: all)")
    args = parser.parse_args()
    root = os.path.join(HERE, "cases")
    paths = args.cases or sorted(glob.glob(os.path.join(root, "**", "*.nbcasm"), recursive=True))
    with tempfile.TemporaryDirectory(prefix="nuri-bytecode-") as work:
        return run_all(paths, root, args.nuri, work)


def run_all(paths, root, nuri, work):
    passed = failed = 0
    seen = {}
    for path in paths:
        case = os.path.relpath(os.path.abspath(path), root)
        problems = check(case, path, nuri, work)
        expect = directives(path)[0]
        if len(expect) == 1 and expect[0] != "ok":
            if expect[0] in seen:
                problems.append("expects the same message as %s (one case per reason)"
                                % seen[expect[0]])
            seen.setdefault(expect[0], case)
        if problems:
            failed += 1
            print("FAIL %s" % case)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
    reasons = len(seen)
    print("%d passed, %d failed (%d rejection reasons)" % (passed, failed, reasons))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
