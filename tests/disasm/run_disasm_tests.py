#!/usr/bin/env python3
"""Golden tests of the code generator: each program here has the `nuri disasm` listing it must
produce beside it (NAME.expected), so that a change to the generated code shows in review.

Usage: run_disasm_tests.py --nuri build/nuri [--regenerate] [PROGRAM...]
--regenerate rewrites the .expected files from the current compiler (review the diff).
Prints `N passed, N failed`."""
import argparse
import difflib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nuri", required=True)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("programs", nargs="*")
    args = parser.parse_args()
    programs = [Path(p) for p in args.programs] or sorted(HERE.glob("*.nuri"))
    passed = failed = 0
    for program in programs:
        expected_file = program.with_suffix(".expected")
        # Run from the program's folder so the listing names it without a path.
        result = subprocess.run([str(Path(args.nuri).resolve()), "disasm", program.name],
                                cwd=program.parent, capture_output=True, text=True)
        if result.returncode != 0:
            failed += 1
            print(f"FAIL {program.name}: nuri disasm exited {result.returncode}\n{result.stderr}")
            continue
        if args.regenerate:
            expected_file.write_text(result.stdout)
            passed += 1
            continue
        expected = expected_file.read_text() if expected_file.exists() else ""
        if result.stdout == expected:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {program.name}: the listing differs from {expected_file.name} "
              "(run with --regenerate if the change is intended)")
        diff = difflib.unified_diff(expected.splitlines(), result.stdout.splitlines(),
                                    "expected", "actual", lineterm="", n=2)
        for line in list(diff)[:60]:
            print("  " + line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
