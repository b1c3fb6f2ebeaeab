#!/usr/bin/env python3
"""Runs each program here against the limit it is built to defeat, and checks that the limit
holds: the program ends with the expected LimitError (exit status 70) within twice its
--timeout, and its peak memory stays within twice its --heap-limit plus a fixed allowance for
the runtime itself. Peak memory is the child's maximum resident set size (getrusage).

A program says what it runs with and how it must end in its first comment lines:
    // options: --timeout=1 --heap-limit=64M
    // expect: LimitError: timed out after 1 s (--timeout)
The expected text is the start of the first line of standard error after `error: `.

Usage: run_resource_tests.py --nuri build/nuri [PROGRAM...]. Prints `N passed, N failed`."""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEMORY_ALLOWANCE = 48 << 20  # the runtime, its libraries and the VM stack's first pages
TIME_ALLOWANCE = 0.5         # seconds: process start-up and a loaded machine
SIZE_SUFFIXES = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text)
    return int(m.group(1)) * SIZE_SUFFIXES[m.group(2)]


def header(path):
    options, expect = [], None
    for line in path.read_text().splitlines():
        if not line.startswith("//"):
            break
        if line.startswith("// options:"):
            options = line.split(":", 1)[1].split()
        elif line.startswith("// expect:"):
            expect = line.split(":", 1)[1].strip()
    return options, expect


def run(nuri, path):
    options, expect = header(path)
    if expect is None:
        return ["no `// expect:` line"]
    limits = dict(o[2:].split("=", 1) for o in options if "=" in o)
    start = time.monotonic()
    child = subprocess.Popen([nuri, "run", *options, str(path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    stderr = b""
    try:
        _, stderr = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return ["did not end within 120 s"]
    seconds = time.monotonic() - start
    # communicate() reaped the child; its peak memory is in the children's usage, which only
    # grows, so each test runs in a fresh process (see main) and reads the maximum.
    peak = os_peak_children()
    problems = []
    status = child.returncode
    first = stderr.decode(errors="replace").splitlines()[:1]
    if status != 70:
        problems.append(f"exit status {status}, expected 70")
    if not first or not first[0].startswith("error: " + expect):
        problems.append(f"first line of standard error {first!r}, expected 'error: {expect}...'")
    if "timeout" in limits:
        allowed = 2 * float(limits["timeout"]) + TIME_ALLOWANCE
        if seconds > allowed:
            problems.append(f"ran {seconds:.2f} s, more than {allowed:.2f} s")
    if "heap-limit" in limits:
        allowed = 2 * parse_size(limits["heap-limit"]) + MEMORY_ALLOWANCE
        if peak > allowed:
            problems.append(f"peak memory {peak >> 20} MB, more than {allowed >> 20} MB")
    return problems


def os_peak_children():
    import resource
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nuri", required=True)
    parser.add_argument("programs", nargs="*")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # one program, in this (fresh) process, so that its peak is its own
        problems = run(os.path.abspath(args.nuri), Path(args.one))
        print("\n".join(problems))
        return 1 if problems else 0
    programs = [Path(p) for p in args.programs] or sorted(HERE.glob("*.nuri"))
    passed = failed = 0
    for program in programs:
        result = subprocess.run([sys.executable, __file__, "--nuri", args.nuri, "--one",
                                 str(program)], capture_output=True, text=True)
        if result.returncode == 0:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {program.name}")
            for line in result.stdout.splitlines():
                print("  " + line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
