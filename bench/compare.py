#!/usr/bin/env python3
"""Run the Nuri benchmark programs and their peer versions, check that every runtime prints the
same output as C, and write the median wall times to bench/RESULTS.md.

Usage: python3 bench/compare.py [--nuri PATH] [--nuri-args ARGS] [--runs N] [--only NAME,...]
                                [--small | --size-scale F] [--runtimes KEY,...] [--no-install]

Progress goes to standard error. Only the part of RESULTS.md between the markers
`<!-- results:begin -->` and `<!-- results:end -->` is rewritten; everything else in the file is
kept as written by hand. See bench/README.md.
"""

import argparse
import datetime
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

BEGIN_MARKER = "<!-- results:begin -->"
END_MARKER = "<!-- results:end -->"

RESULTS_HEADER = """# Benchmark results

Median wall-clock times of the programs in `bench/`, written by `python3 bench/compare.py`
(see `bench/README.md` for what is measured and what the columns mean). The part between the
two markers below is regenerated on every run; notes written outside them are kept.

"""

# Program name -> default size. Every program also reads its size as its first argument and
# falls back to this same default when none is given.
PROGRAMS = {
    "fib": 32,
    "loop": 100000000,
    "nbody": 5000000,
    "spectralnorm": 2000,
    "binarytrees": 18,
    "fannkuch": 10,
    "shapes": 6000,
    "closures": 60000,
    "wordfreq": 4000000,
}


def _binarytrees_work(n):
    depth = max(n, 6)
    return 2.0 ** (depth + 1) * ((depth - 4) // 2 + 4)


# How the work of each program grows with its size, used by --size-scale to pick a size that
# does about F times the default work.
WORK = {
    "fib": lambda n: ((1 + math.sqrt(5)) / 2) ** n,
    "loop": lambda n: float(n),
    "nbody": lambda n: float(n),
    "spectralnorm": lambda n: float(n) * n,
    "binarytrees": _binarytrees_work,
    "fannkuch": lambda n: float(math.factorial(n)),
    "shapes": lambda n: float(n),
    "closures": lambda n: float(n),
    "wordfreq": lambda n: float(n),
}
# work ~ size ** exponent
CONTINUOUS = {"loop": 1.0, "nbody": 1.0, "spectralnorm": 2.0, "shapes": 1.0, "closures": 1.0,
              "wordfreq": 1.0}

C_FLAGS = ["-O2", "-ffp-contract=off"]

# Executable -> Debian package that provides it, for the peers we try to install when missing.
DEBIAN_PACKAGES = [
    ("lua5.4", "lua5.4"),
    ("luajit", "luajit"),
    ("node", "nodejs"),
    ("javac", "default-jdk-headless"),
    ("gcc", "gcc"),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------
# Peers


def sudo_prefix():
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo", "-n"]  # never prompt for a password; fail instead
    return None


def install_missing_peers():
    """Install missing peer runtimes from Debian with apt-get. Failures are reported, not fatal."""
    missing = [(exe, pkg) for exe, pkg in DEBIAN_PACKAGES if shutil.which(exe) is None]
    if not missing:
        return
    names = ", ".join(pkg for _, pkg in missing)
    if shutil.which("apt-get") is None:
        log(f"note: missing peers ({names}) and no apt-get here; skipping them")
        return
    prefix = sudo_prefix()
    if prefix is None:
        log(f"note: missing peers ({names}); not root and no sudo, so not installing them")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    updated = False
    for exe, pkg in missing:
        cmd = prefix + ["apt-get", "install", "-y", "--no-install-recommends", pkg]
        log(f"installing {pkg} (for {exe}): {' '.join(cmd)}")
        for attempt in range(2):
            try:
                result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, timeout=900)
                ok = result.returncode == 0
                err = result.stderr.strip().splitlines()[-1:] if not ok else []
            except (OSError, subprocess.TimeoutExpired) as exc:
                ok, err = False, [str(exc)]
            if ok or updated or attempt == 1:
                break
            # The package lists may be missing or stale: update once, then try again.
            log("  apt-get install failed; running apt-get update and retrying")
            try:
                subprocess.run(prefix + ["apt-get", "update"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=900)
            except (OSError, subprocess.TimeoutExpired):
                pass
            updated = True
        if ok and shutil.which(exe):
            log(f"  installed {pkg}")
        else:
            log(f"  could not install {pkg}; skipping {exe}" + (f" ({err[0]})" if err else ""))


def first_line(cmd):
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return lines[0] if lines else "unknown"


class Runtime:
    """One way of running the programs: a name, how to build a program and how to run it."""

    def __init__(self, key, name, version, command, build=None):
        self.key = key          # short name for --runtimes
        self.name = name        # shown in tables
        self.version = version  # shown in the runtime list
        self.command = command  # (program, source_dir, size) -> argv, or None if not built
        self.build = build      # (program, source_dir) -> error message or None
        self.failed_builds = {}

    def argv(self, program, size):
        return self.command(program, BENCH_DIR / program, str(size))


def make_runtimes(args, workdir):
    """The available runtimes in table order, and a list of (name, reason) for skipped ones."""
    runtimes, skipped = [], []
    wanted = set(args.runtimes.split(",")) if args.runtimes else None

    def want(key):
        return wanted is None or key in wanted

    # C
    gcc = shutil.which("gcc")
    if want("c"):
        if gcc:
            cdir = workdir / "c"
            cdir.mkdir()

            def build_c(program, src):
                exe = cdir / program
                cmd = [gcc] + C_FLAGS + ["-o", str(exe), str(src / f"{program}.c"), "-lm"]
                result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
                return None if result.returncode == 0 else result.stdout.strip()

            runtimes.append(Runtime("c", "C",
                                    first_line([gcc, "--version"]) + ", " + " ".join(C_FLAGS),
                                    lambda p, src, n: [str(cdir / p), n], build_c))
        else:
            skipped.append(("C", "gcc not found"))

    # Nuri, once per --nuri-args variant
    if want("nuri"):
        nuri = Path(args.nuri) if args.nuri else REPO_DIR / "build" / "nuri"
        if nuri.is_file() and os.access(nuri, os.X_OK):
            version = first_line([str(nuri), "--version"])
            for extra in args.nuri_args or [""]:
                extra_argv = shlex.split(extra)
                name = "Nuri" + (f" ({' '.join(extra_argv)})" if extra_argv else "")
                runtimes.append(Runtime(
                    "nuri", name, version,
                    lambda p, src, n, ea=extra_argv: [str(nuri), "run"] + ea
                    + [str(src / f"{p}.nuri"), n]))
        else:
            skipped.append(("Nuri", f"binary {nuri} not found (build it, or pass --nuri PATH)"))

    # LuaJIT and Lua 5.4
    for key, exe, name in (("luajit", "luajit", "LuaJIT"), ("lua", "lua5.4", "Lua 5.4")):
        if not want(key):
            continue
        path = shutil.which(exe)
        if path:
            runtimes.append(Runtime(key, name, first_line([path, "-v"]),
                                    lambda p, src, n, x=path: [x, str(src / f"{p}.lua"), n]))
        else:
            skipped.append((name, f"{exe} not found"))

    # Node
    if want("node"):
        node = shutil.which("node") or shutil.which("nodejs")
        if node:
            runtimes.append(Runtime("node", "Node.js", "Node.js " + first_line([node, "--version"]),
                                    lambda p, src, n: [node, str(src / f"{p}.js"), n]))
        else:
            skipped.append(("Node.js", "node not found"))

    # Java
    if want("java"):
        java, javac = shutil.which("java"), shutil.which("javac")
        if java and javac:
            jdir = workdir / "java"
            jdir.mkdir()

            def build_java(program, src):
                out = jdir / program
                out.mkdir()
                cmd = [javac, "-d", str(out), str(src / "Bench.java")]
                result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
                return None if result.returncode == 0 else result.stdout.strip()

            runtimes.append(Runtime("java", "Java", first_line([java, "-version"]),
                                    lambda p, src, n: [java, "-cp", str(jdir / p), "Bench", n],
                                    build_java))
        else:
            skipped.append(("Java", "java/javac not found"))

    # Python
    if want("python"):
        python = shutil.which("python3") or sys.executable
        if python:
            runtimes.append(Runtime("python", "Python 3", first_line([python, "--version"]),
                                    lambda p, src, n: [python, str(src / f"{p}.py"), n]))
        else:
            skipped.append(("Python 3", "python3 not found"))

    return runtimes, skipped


# ----------------------------------------------------------------------------------------------
# Sizes


def small_size(program):
    return int((BENCH_DIR / program / "small_size").read_text().strip())


def scaled_size(program, factor):
    default = PROGRAMS[program]
    if program in CONTINUOUS:
        return max(1, round(default * factor ** (1.0 / CONTINUOUS[program])))
    target = math.log(WORK[program](default) * factor)
    return min(range(3, default + 30), key=lambda n: abs(math.log(WORK[program](n)) - target))


def size_for(program, args):
    if args.small:
        return small_size(program)
    if args.size_scale is not None:
        return scaled_size(program, args.size_scale)
    return PROGRAMS[program]


# ----------------------------------------------------------------------------------------------
# Running


class Outcome:
    def __init__(self):
        self.times = []
        self.error = None   # text shown in the table instead of a time

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None


def run_once(argv, timeout):
    """Run argv; return (seconds, stdout bytes, stderr text, exit status or None on timeout)."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, cwd=BENCH_DIR)
    except OSError as exc:
        return 0.0, b"", str(exc), -1
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return time.perf_counter() - start, out, err.decode(errors="replace"), None
    elapsed = time.perf_counter() - start
    return elapsed, out, err.decode(errors="replace"), proc.returncode


def describe_mismatch(expected, got, limit=6):
    exp = expected.decode(errors="replace").splitlines()
    out = got.decode(errors="replace").splitlines()
    lines = []
    for i in range(max(len(exp), len(out))):
        e = exp[i] if i < len(exp) else "<missing>"
        o = out[i] if i < len(out) else "<missing>"
        if e != o:
            lines.append(f"    line {i + 1}: expected {e!r}, got {o!r}")
            if len(lines) >= limit:
                lines.append("    ...")
                break
    if not lines:
        lines.append("    (outputs differ in whitespace or the final newline)")
    return "\n".join(lines)


def run_program(program, size, runtimes, args):
    """Run one program in every runtime. Returns {runtime name: Outcome}, the reference label."""
    outcomes = {}
    reference = None
    reference_label = None
    small_expected = None
    if size == small_size(program):
        small_expected = (BENCH_DIR / program / "expected_small.txt").read_bytes()

    for rt in runtimes:
        outcome = Outcome()
        outcomes[rt.name] = outcome
        if program in rt.failed_builds:
            outcome.error = "build failed"
            log(f"[{program}] {rt.name}: build failed, not run")
            continue
        argv = rt.argv(program, size)
        for i in range(args.runs):
            elapsed, out, err, status = run_once(argv, args.timeout)
            if status is None:
                outcome.error = f"timeout (>{args.timeout:g} s)"
                log(f"[{program}] {rt.name}: timed out after {args.timeout:g} s")
                break
            if status != 0:
                outcome.error = f"failed (exit {status})"
                log(f"[{program}] {rt.name}: exit status {status}; command: {shlex.join(argv)}")
                for line in err.strip().splitlines()[:8]:
                    log(f"    {line}")
                break
            if reference is None:
                # The first runtime that completes sets the reference (C comes first). If C is
                # absent, the stored small-size output is preferred when it applies.
                if rt.key != "c" and small_expected is not None:
                    reference, reference_label = small_expected, "expected_small.txt"
                else:
                    reference, reference_label = out, rt.name
                    if rt.key != "c":
                        log(f"[{program}] note: C unavailable, checking outputs against {rt.name}")
                if small_expected is not None and reference != small_expected:
                    log(f"[{program}] WARNING: {reference_label} output differs from "
                        f"expected_small.txt:\n" + describe_mismatch(small_expected, reference))
            if out != reference:
                outcome.error = "wrong output"
                log(f"[{program}] {rt.name}: WRONG OUTPUT (differs from {reference_label}); "
                    f"not timed\n" + describe_mismatch(reference, out))
                outcome.times = []
                break
            outcome.times.append(elapsed)
            log(f"[{program}] {rt.name}: run {i + 1}/{args.runs}: {elapsed:.3f} s")
        if outcome.error is None and outcome.times:
            log(f"[{program}] {rt.name}: median {outcome.median:.3f} s")
    return outcomes, reference_label


# ----------------------------------------------------------------------------------------------
# Report


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def fmt_time(t):
    return f"{t:.3f}" if t >= 0.01 else f"{t:.4f}"


def fmt_ratio(a, b):
    if a is None or b is None or b <= 0:
        return "–"
    return f"{a / b:.2f}"


def render(results, runtimes, skipped, sizes, args, mode, references):
    lines = []
    now = datetime.datetime.now().astimezone()
    lines.append(f"Generated by `bench/compare.py` on {now:%Y-%m-%d %H:%M %Z}.")
    lines.append("")
    lines.append(f"- Machine: {cpu_count()} CPUs available (nproc), {cpu_model()}; "
                 f"{platform.system()} {platform.release()} {platform.machine()}")
    lines.append(f"- Sizes: {mode}; {args.runs} run(s) per program and runtime, median wall time "
                 "in seconds (process start included)")
    lines.append("- Runtimes:")
    for rt in runtimes:
        lines.append(f"  - {rt.name}: {rt.version}")
    for name, why in skipped:
        lines.append(f"  - {name}: skipped ({why})")
    lines.append("")

    lua_name = next((rt.name for rt in runtimes if rt.key == "lua"), None)
    c_name = next((rt.name for rt in runtimes if rt.key == "c"), None)

    for program, outcomes in results.items():
        lines.append(f"### {program} (size {sizes[program]})")
        lines.append("")
        if references.get(program) and references[program] != c_name:
            lines.append(f"Outputs checked against {references[program]} (C not available).")
            lines.append("")
        lines.append("| runtime | median s | ×C | ×Lua 5.4 |")
        lines.append("| --- | ---: | ---: | ---: |")
        c_time = outcomes[c_name].median if c_name in outcomes else None
        lua_time = outcomes[lua_name].median if lua_name in outcomes else None
        for rt in runtimes:
            o = outcomes[rt.name]
            if o.median is None:
                lines.append(f"| {rt.name} | {o.error or 'not run'} | – | – |")
            else:
                lines.append(f"| {rt.name} | {fmt_time(o.median)} | {fmt_ratio(o.median, c_time)} "
                             f"| {fmt_ratio(o.median, lua_time)} |")
        lines.append("")

    # Summary: every runtime's ratio to Lua 5.4, with the geometric mean over the programs.
    lines.append("### Summary: time relative to Lua 5.4 (lower is faster)")
    lines.append("")
    if lua_name is None:
        lines.append("Lua 5.4 was not run, so there are no ratios to it.")
    else:
        others = [rt for rt in runtimes]
        lines.append("| program | " + " | ".join(rt.name for rt in others) + " |")
        lines.append("| --- |" + " ---: |" * len(others))
        ratios = {rt.name: [] for rt in others}
        for program, outcomes in results.items():
            cells = []
            lua_time = outcomes[lua_name].median
            for rt in others:
                t = outcomes[rt.name].median
                if t is not None and lua_time:
                    ratios[rt.name].append(t / lua_time)
                cells.append(fmt_ratio(t, lua_time))
            lines.append(f"| {program} | " + " | ".join(cells) + " |")
        cells = []
        for rt in others:
            rs = ratios[rt.name]
            if not rs:
                cells.append("–")
                continue
            gm = math.exp(sum(math.log(r) for r in rs) / len(rs))
            note = "" if len(rs) == len(results) else f" ({len(rs)} of {len(results)})"
            cells.append(f"**{gm:.2f}**{note}")
        lines.append("| **geometric mean** | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def write_results(path, body):
    block = f"{BEGIN_MARKER}\n{body}\n{END_MARKER}"
    if path.exists():
        text = path.read_text()
    else:
        text = RESULTS_HEADER + f"{BEGIN_MARKER}\n{END_MARKER}\n"
    begin = text.find(BEGIN_MARKER)
    end = text.find(END_MARKER, begin + len(BEGIN_MARKER)) if begin >= 0 else -1
    if begin >= 0 and end >= 0:
        text = text[:begin] + block + text[end + len(END_MARKER):]
    else:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "\n" + block + "\n"
    path.write_text(text)


# ----------------------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nuri", metavar="PATH",
                   help="the nuri binary (default: <repo>/build/nuri)")
    p.add_argument("--nuri-args", metavar="ARGS", action="append",
                   help="options for `nuri run`, e.g. --nuri-args=--jit=off; repeat it to compare "
                        "several configurations (each becomes its own row)")
    p.add_argument("--runs", type=int, default=3, metavar="N",
                   help="timed runs per program and runtime; the median is reported (default 3)")
    p.add_argument("--only", metavar="NAME,...",
                   help="run only these programs (" + ",".join(PROGRAMS) + ")")
    p.add_argument("--runtimes", metavar="KEY,...",
                   help="run only these runtimes: c,nuri,luajit,lua,node,java,python")
    sizes = p.add_mutually_exclusive_group()
    sizes.add_argument("--small", action="store_true",
                       help="use each program's small size (bench/<name>/small_size)")
    sizes.add_argument("--size-scale", type=float, metavar="F",
                       help="pick sizes that do about F times the default work (e.g. 0.1)")
    p.add_argument("--timeout", type=float, default=1800, metavar="SECONDS",
                   help="give up on a single run after this long (default 1800)")
    p.add_argument("--output", metavar="PATH", default=str(BENCH_DIR / "RESULTS.md"),
                   help="the results file to update (default bench/RESULTS.md)")
    p.add_argument("--no-write", action="store_true", help="do not write the results file")
    p.add_argument("--no-install", action="store_true",
                   help="do not try to install missing peers with apt-get")
    args = p.parse_args()
    if args.runs < 1:
        p.error("--runs must be at least 1")
    if args.size_scale is not None and args.size_scale <= 0:
        p.error("--size-scale must be positive")
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in PROGRAMS]
        if unknown:
            p.error(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(PROGRAMS)}")
        args.programs = names
    else:
        args.programs = list(PROGRAMS)
    if args.runtimes:
        known = {"c", "nuri", "luajit", "lua", "node", "java", "python"}
        unknown = set(args.runtimes.split(",")) - known
        if unknown:
            p.error(f"unknown runtime(s): {', '.join(sorted(unknown))}; known: "
                    f"{','.join(sorted(known))}")
    return args


def main():
    args = parse_args()
    if not args.no_install:
        install_missing_peers()

    if args.small:
        mode = "small (bench/<name>/small_size)"
    elif args.size_scale is not None:
        mode = f"scaled to about {args.size_scale:g}× the default work"
    else:
        mode = "default"

    with tempfile.TemporaryDirectory(prefix="nuri-bench-") as tmp:
        workdir = Path(tmp)
        runtimes, skipped = make_runtimes(args, workdir)
        for name, why in skipped:
            log(f"skipping {name}: {why}")
        if not runtimes:
            log("no runtime available; nothing to do")
            return 1
        log("runtimes: " + ", ".join(rt.name for rt in runtimes))

        # Build everything that needs building before any timing starts.
        for rt in runtimes:
            if rt.build is None:
                continue
            for program in args.programs:
                log(f"building {program} for {rt.name}")
                error = rt.build(program, BENCH_DIR / program)
                if error is not None:
                    rt.failed_builds[program] = error
                    log(f"  build FAILED:\n{error}")

        results, sizes, references = {}, {}, {}
        for program in args.programs:
            size = size_for(program, args)
            sizes[program] = size
            log(f"== {program} (size {size})")
            results[program], references[program] = run_program(program, size, runtimes, args)

    problems = [(p, name, o.error) for p, outs in results.items() for name, o in outs.items()
                if o.error]
    body = render(results, runtimes, skipped, sizes, args, mode, references)
    if not args.no_write:
        out = Path(args.output)
        write_results(out, body)
        log(f"wrote {out}")
    if problems:
        log("problems:")
        for program, name, error in problems:
            log(f"  {program} / {name}: {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
