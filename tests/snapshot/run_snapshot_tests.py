#!/usr/bin/env python3
"""Damaged and hostile snapshot files that `nuri` must refuse, one per reason, with the exact
message.

  tests/snapshot/run_snapshot_tests.py --nuri build/nuri [CASE...]

First makes the base snapshots with the real `nuri` (templates with `nuri snapshot`, suspended
guests with `nuri run --fuel=N --suspend-to=FILE`, from tests/snapshot/programs) and checks
that each verifies. Then, for every tests/snapshot/cases/**/*.py, decodes the case's base with
nsnapkit.py, lets the case's `edit(s)` change it (and `damage(data)` change the encoded bytes,
if the case has one), writes NAME.nsnap and runs `nuri verify NAME.nsnap`, which must print the
case's `# expect:` line after `NAME.nsnap: ` and exit with status 65 (or print `ok` and exit
with 0), and `nuri run NAME.nsnap`, which must exit with 65 and print the same message (or run
the guest). Every run has a time limit, so a hang fails the case. Also checks that every case
has one expect line and that no two cases expect the same message. Prints `N passed, N failed`.

Case files: comment lines `# expect: MESSAGE` (`{NAME}` in it is filled in from the dictionary
`edit` returns), `# key: TEXT` (given to verify and run with --key-file), `# run-options: ...`,
`# run-expect: MESSAGE` (when `nuri run` says something else), `# run-status: N`,
`# output: TEXT` (what `nuri run` prints, for a case that runs), `# seconds: N` (the time limit
of each run, 30 s by default), `# repeats: CASE` (the same message as CASE, reached another
way); then `BASE = "NAME"` and `def edit(s)`.
"""
import argparse
import copy
import glob
import importlib.util
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "bytecode"))  # nbcasm, for cases with a program of their own
import nsnapkit  # noqa: E402

EXIT_DATA_ERROR = 65
EXIT_SUSPENDED = 75
TIMEOUT = 30

# The base snapshots: how `nuri` makes each from a program of tests/snapshot/programs.
BASES = {
    "heap": ["snapshot", "heap.nuri", "-o", "{out}"],
    "load": ["run", "--fuel=20", "--suspend-to={out}", "heap.nuri"],
    "interface": ["run", "--fuel=1000", "--suspend-to={out}", "stack.nuri"],
    "tostring": ["run", "--fuel=8000", "--suspend-to={out}", "stack.nuri"],
    "deep": ["run", "--stack-limit=50", "--fuel=192", "--suspend-to={out}", "recursion.nuri"],
}


# The bytes of each base snapshot, once made (for cases that check nsnapkit itself).
BASE_BYTES = {}


def run(argv, cwd, seconds=TIMEOUT):
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %s s" % seconds
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def make_bases(nuri, work):
    """{name: bytes} of every base snapshot, or raises with what went wrong."""
    bases = {}
    programs = os.path.join(HERE, "programs")
    for name, argv in BASES.items():
        out = os.path.join(work, "base-%s.nsnap" % name)
        argv = [a.replace("{out}", out) for a in argv]
        code, _, err = run([nuri] + argv, programs)
        wanted = 0 if argv[0] == "snapshot" else EXIT_SUSPENDED
        if code != wanted:
            raise RuntimeError("base %s: `nuri %s` exited with %s: %s"
                               % (name, " ".join(argv), code, err.strip()))
        code, out_text, _ = run([nuri, "verify", out], work)
        if code != 0 or out_text != "ok\n":
            raise RuntimeError("base %s does not verify: %s" % (name, out_text.strip()))
        with open(out, "rb") as f:
            bases[name] = f.read()
    return bases


def directives(path):
    d = {"expect": [], "output": [], "key": None, "run-options": "", "run-expect": None,
         "run-status": None, "repeats": None, "seconds": None}
    for line in open(path, encoding="utf-8"):
        for name in d:
            prefix = "# %s:" % name
            if line.startswith(prefix):
                value = line[len(prefix):].rstrip("\n")
                if name in ("expect", "output"):
                    d[name].append(value[1:] if name == "output" else value.strip())
                else:
                    d[name] = value.strip()
    return d


def load_case(path):
    spec = importlib.util.spec_from_file_location("case", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(case, path, nuri, bases, decoded, work):
    """A list of problems with one case (empty when it passes), and its expect template."""
    d = directives(path)
    if len(d["expect"]) != 1:
        return ["needs exactly one `# expect:` line, has %d" % len(d["expect"])], None
    template = d["expect"][0]
    module = load_case(path)
    base = getattr(module, "BASE", None)
    if base not in bases:
        return ["BASE must be one of %s" % ", ".join(sorted(bases))], template
    s = copy.deepcopy(decoded[base])
    values = {"types": s.type_count(), "functions": len(s.program.functions)}
    values.update(module.edit(s) or {})
    data = s.encode()
    if hasattr(module, "damage"):
        data = module.damage(data)
    expect = template.format(**values)

    name = os.path.basename(case)[:-len(".py")] + ".nsnap"
    folder = os.path.join(work, os.path.dirname(case))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    options = []
    if d["key"] is not None:
        with open(os.path.join(folder, name + ".key"), "w") as f:
            f.write(d["key"])
        options.append("--key-file=" + name + ".key")

    problems = []
    nuri = os.path.abspath(nuri)
    seconds = float(d["seconds"] or TIMEOUT)
    code, out, err = run([nuri, "verify"] + options + [name], folder, seconds)
    ok = expect == "ok"
    wanted = "ok\n" if ok else "%s: %s\n" % (name, expect)
    wanted_code = 0 if ok else EXIT_DATA_ERROR
    if out != wanted or code != wanted_code or err:
        problems.append("nuri verify:\n  expected (status %d): %s\n  actual   (status %s): %s%s"
                        % (wanted_code, wanted.rstrip("\n"), code, out.rstrip("\n"),
                           "\n  stderr: " + err.rstrip("\n") if err else ""))

    run_expect = d["run-expect"].format(**values) if d["run-expect"] else expect
    run_ok = run_expect == "ok"
    wanted_code = int(d["run-status"]) if d["run-status"] else 0 if run_ok else EXIT_DATA_ERROR
    argv = [nuri, "run"] + options + shlex.split(d["run-options"]) + [name]
    code, out, err = run(argv, folder, seconds)
    if run_ok:
        wanted_out = "".join(line + "\n" for line in d["output"])
        bad = code != wanted_code or (d["output"] and out != wanted_out)
        wanted_err, actual = wanted_out, out
    elif wanted_code != EXIT_DATA_ERROR:  # an error of the guest, not of the file
        wanted_err = "error: %s\n" % run_expect
        bad = code != wanted_code or err != wanted_err
        actual = err
    else:
        wanted_err = "error: %s: %s\n" % (name, run_expect)
        bad = code != wanted_code or err != wanted_err
        actual = err
    if bad:
        problems.append("nuri run:\n  expected (status %d): %s\n  actual   (status %s): %s"
                        % (wanted_code, wanted_err.rstrip("\n"), code, actual.rstrip("\n")))
    return problems, template


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nuri", required=True)
    parser.add_argument("cases", nargs="*", help="case files (default: all)")
    args = parser.parse_args()
    root = os.path.join(HERE, "cases")
    paths = args.cases or sorted(glob.glob(os.path.join(root, "**", "*.py"), recursive=True))
    with tempfile.TemporaryDirectory(prefix="nuri-snapshot-") as work:
        try:
            bases = make_bases(os.path.abspath(args.nuri), work)
        except RuntimeError as e:
            print("FAIL %s\n0 passed, 1 failed" % e)
            return 1
        BASE_BYTES.update(bases)
        decoded = {name: nsnapkit.Snapshot.decode(data) for name, data in bases.items()}
        passed = failed = 0
        seen, repeats = {}, {}
        for path in paths:
            case = os.path.relpath(os.path.abspath(path), root)
            try:
                problems, template = check(case, path, args.nuri, bases, decoded, work)
            except Exception as e:  # a broken case is a failure, not the end of the run
                problems, template = ["the case raised %s: %s" % (type(e).__name__, e)], None
            if template and template != "ok":
                repeats[case] = directives(path)["repeats"]
                other = seen.get(template)
                if other and repeats[case] != other and repeats[other] != case:
                    problems.append("expects the same message as %s (one case per reason)"
                                    % seen[template])
                seen.setdefault(template, case)
            if problems:
                failed += 1
                print("FAIL %s" % case)
                for p in problems:
                    print("  " + p.replace("\n", "\n  "))
            else:
                passed += 1
        print("%d passed, %d failed (%d rejection reasons)" % (passed, failed, len(seen)))
        return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
