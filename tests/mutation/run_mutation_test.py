#!/usr/bin/env python3
"""Mutation test of the bytecode loader, verifier and interpreter.

Compiles every sample, language test, limits test, benchmark and mutation corpus program
(tests/mutation/programs) to a .nbc file in a temporary folder (skipping tests that expect a compile error and modules under lib/ folders),
then runs nuri_mutate over all of them: each mutant must be rejected with a message, or verify
and run without crashing or hanging under fuel, heap and time limits.

  run_mutation_test.py --nuri build/nuri --mutate build/nuri_mutate [--mutants-per-file N]
                       [--seed S] [--jobs J] [--save-dir DIR] [--path DIR]... [PROGRAMS...]

PROGRAMS are .nuri files or folders (default: samples, tests/lang, tests/limits,
tests/mutation/programs and the benchmarks under bench/). Arguments from `// args:` comments, and a benchmark's small_size,
are passed to the mutants. Exits with nuri_mutate's status (0: no crash, no hang).
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPECT_ERROR = re.compile(r"//\s*expect error\b")  # also `// expect error (column N):`
ARGS = re.compile(r"//\s*args:(.*)$", re.M)


def programs(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                # Modules under a lib/ folder are imported by tests, not programs of their own.
                dirs[:] = sorted(d for d in dirs if d != "lib")
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".nuri")]
        else:
            files.append(path)
    return files


def default_paths():
    paths = [os.path.join(ROOT, p)
             for p in ("samples", "tests/lang", "tests/limits", "tests/mutation/programs")]
    bench = os.path.join(ROOT, "bench")
    for name in sorted(os.listdir(bench)):
        program = os.path.join(bench, name, name + ".nuri")
        if os.path.isfile(program):
            paths.append(program)
    return paths


def arguments(path, source):
    if m := ARGS.search(source):
        return shlex.split(m.group(1))
    size = os.path.join(os.path.dirname(path), "small_size")
    if os.path.isfile(size):  # a benchmark: run it at its small size
        with open(size) as f:
            return f.read().split()
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nuri", required=True, help="the nuri binary (to compile)")
    parser.add_argument("--mutate", required=True, help="the nuri_mutate binary")
    parser.add_argument("--mutants-per-file", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--save-dir", help="where crashing or hanging mutants are saved")
    parser.add_argument("--work-dir", help="compile into this folder and keep it (default: a "
                        "temporary folder); with --mutant, nuri_mutate reproduces one mutant")
    parser.add_argument("--path", action="append", default=[],
                        help="a folder to look for imported modules in (repeatable)")
    parser.add_argument("--mutate-option", action="append", default=[],
                        help="an extra option for nuri_mutate, e.g. --mutate-option=--fuel=5000 "
                        "or --mutate-option=--mutant=12:345")
    parser.add_argument("paths", nargs="*", help="programs or folders (default: all)")
    args = parser.parse_args()

    files = programs(args.paths or default_paths())
    with tempfile.TemporaryDirectory(prefix="nuri-mutation-") as temporary:
        work = args.work_dir or temporary
        os.makedirs(work, exist_ok=True)
        def build(index_path):
            index, path = index_path
            with open(path, encoding="utf-8", errors="replace") as f:
                source = f.read()
            if EXPECT_ERROR.search(source):
                return None, None
            stem = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.relpath(path, ROOT))
            out = os.path.join(work, "%04d-%s.nbc" % (index, stem[:-5]))
            command = [args.nuri, "build"] + ["--path=" + p for p in args.path] + [path, "-o", out]
            p = subprocess.run(command, capture_output=True, text=True)
            if p.returncode != 0:
                return None, "%s: does not compile:\n%s" % (path, p.stderr.strip())
            program_args = arguments(path, source)
            if program_args:
                with open(out + ".args", "w") as f:
                    f.write("".join(a + "\n" for a in program_args))
            return out, None

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(pool.map(build, enumerate(files)))
        nbc = [out for out, _ in results if out]
        problems = [problem for _, problem in results if problem]
        for problem in problems:
            print(problem)
        print("compiled %d of %d programs (%d expect a compile error)" %
              (len(nbc), len(files), len(files) - len(nbc) - len(problems)))
        sys.stdout.flush()
        if problems or not nbc:
            return 1
        command = [args.mutate, "--mutants-per-file", str(args.mutants_per_file),
                   "--seed", str(args.seed), "--jobs", str(args.jobs)]
        if args.save_dir:
            command += ["--save-dir", args.save_dir]
        for option in args.mutate_option:
            command += option.split("=", 1)
        return subprocess.run(command + nbc).returncode


if __name__ == "__main__":
    sys.exit(main())
