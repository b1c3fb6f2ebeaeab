#!/usr/bin/env python3
"""Differential test of the execution configurations of `nuri`.

Runs the programs of program_gen.py (seeds --start .. --start+--count-1) under each
configuration and compares standard output, standard error (with the error class, message and
stack trace of an uncaught error), the exit status, and the number of instructions executed as
`--stats` reports it under `--fuel`. The first configuration is the reference.

A configuration is a list of `nuri run` options; `nbc:OPTIONS` first compiles the program with
`nuri build` and runs the .nbc file. A configuration whose options `nuri` does not know (exit
status 64) is skipped with a note, so the same command works before and after a feature lands.

On a difference, the program and every configuration's results are saved under --keep/seedN,
and the exit status is 1. A crash (a signal, an internal compiler error, a sanitizer's report)
fails the run even when every configuration crashes alike. A program that does not compile,
or that times out in the reference configuration, is a fault of the generator and also fails
the run.
"""
import argparse
import collections
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import program_gen

DEFAULT_CONFIGS = ["--jit=off", "--jit=always", "--jit=auto --jit-threshold=1", "nbc:"]
USAGE_ERROR = 64
COMPILE_ERROR = 65
STATS_MARK = "-- nuri stats --"
INSTRUCTIONS = re.compile(r"^instructions executed\s+(\d+)", re.MULTILINE)


class Config:
    """One way of running a program: `nuri run` options, on the source or on a .nbc file."""

    def __init__(self, spec):
        self.nbc = spec.startswith("nbc:")
        self.options = (spec[4:] if self.nbc else spec).split()
        self.slug = re.sub(r"[^A-Za-z0-9]+", "-", spec).strip("-") or "default"

    def __str__(self):
        return "`%s`" % " ".join(([".nbc"] if self.nbc else []) + self.options)

    def program(self, source):
        """The file that `nuri run` is given: the source, or the .nbc built from it."""
        return source[:-len(".nuri")] + "-" + self.slug + ".nbc" if self.nbc else source

    def commands(self, nuri, source, fuel):
        """The build command (or None), the plain run and the run under --fuel with --stats."""
        program = self.program(source)
        build = [nuri, "build", source, "-o", program] if self.nbc else None
        plain = [nuri, "run"] + self.options + [program]
        counted = [nuri, "run"] + self.options + ["--fuel=%d" % fuel, "--stats", program]
        return build, plain, counted


def run(argv, timeout):
    """(status, stdout, stderr) of a command; status is "timeout" when it ran too long."""
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        err = (e.stderr or b"").decode(errors="replace")
        return "timeout", out, err


def observe(args, config, source):
    """What one configuration does with one program: an ordered dict of named observations.
    The program runs twice: plainly, and under --fuel with --stats, whose statistics are cut
    off from standard error except the instruction count (the rest, such as times, varies)."""
    build, plain, counted = config.commands(args.nuri, source, args.fuel)
    if build:
        status, out, err = run(build, args.timeout)
        if status != 0:
            return collections.OrderedDict([("build status", status), ("build stderr", err)])
    obs = collections.OrderedDict()
    obs["status"], obs["stdout"], obs["stderr"] = run(plain, args.timeout)
    status, out, err = run(counted, args.timeout)
    err, _, stats = err.partition(STATS_MARK)
    found = INSTRUCTIONS.search(stats)
    obs["stats status"], obs["stats stdout"], obs["stats stderr"] = status, out, err
    obs["instructions"] = int(found.group(1)) if found else None
    return obs


def usable_configs(args, work):
    """The configurations `nuri` accepts, found by running a one-line program under each."""
    probe = os.path.join(work, "probe.nuri")
    with open(probe, "w") as f:
        f.write('println("probe")\n')
    usable = []
    for spec in args.config or DEFAULT_CONFIGS:
        config = Config(spec)
        obs = observe(args, config, probe)
        status = obs.get("status", obs.get("build status"))
        if status == USAGE_ERROR:
            message = (obs.get("stderr") or obs.get("build stderr") or "").strip().split("\n")[0]
            print("note: skipping configuration %s: %s" % (config, message))
        elif status != 0 or obs.get("stdout") != "probe\n":
            sys.exit("differential: configuration %s cannot run a trivial program (status %s)"
                     % (config, status))
        else:
            usable.append(config)
    return usable


def differences(reference, other):
    """The names of the observations in which two configurations differ."""
    return [key for key in reference.keys() | other.keys() if reference.get(key) != other.get(key)]


def generator_fault(obs):
    """Why the reference result shows a broken program rather than a VM bug, or None."""
    if obs.get("status") == COMPILE_ERROR:
        return "the program does not compile"
    if "timeout" in (obs.get("status"), obs.get("stats status")):
        return "the program does not finish in time"
    return None


def keep(args, seed, source, configs, results, summary):
    """Saves the program and each configuration's observations under --keep/seedN."""
    folder = os.path.join(args.keep, "seed%d" % seed)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.copy(source, folder)
    for config, obs in zip(configs, results):
        for key, value in obs.items():
            name = "%s.%s" % (config.slug, key.replace(" ", "-"))
            with open(os.path.join(folder, name), "w") as f:
                f.write(value if isinstance(value, str) else "%s\n" % value)
    generator = os.path.join(os.path.dirname(os.path.abspath(__file__)), "program_gen.py")
    with open(os.path.join(folder, "summary.txt"), "w") as f:
        f.write(summary + "\n\nthe program: python3 %s --seed %d > seed%d.nuri\n" % (generator, seed, seed))
        for config in configs:
            f.write("%s:\n" % config)
            local = os.path.join(folder, os.path.basename(source))
            for argv in config.commands(args.nuri, local, args.fuel):
                if argv:
                    f.write("  %s\n" % shlex.join(argv))
    return folder


def crash(obs):
    """Why a run is a failure of nuri whatever the other configurations do, or None: a
    signal (negative status), an internal compiler error, or a sanitizer's report."""
    for key in ("build status", "status", "stats status"):
        if isinstance(obs.get(key), int) and obs[key] < 0:
            return "was killed by signal %d (%s)" % (-obs[key], key)
    for key in ("build stderr", "stderr", "stats stderr"):
        for mark in ("internal compiler error", "Sanitizer"):
            if mark in obs.get(key, ""):
                return "reported `%s` (%s)" % (mark, key)
    return None


def check_seed(args, seed, source, configs, results):
    """Checks one program's results; returns a description of the problems, or None."""
    reference = results[0]
    problems = []
    fault = generator_fault(reference)
    if fault:
        problems.append("%s (a generator bug)" % fault)
    for config, obs in zip(configs, results):
        why = crash(obs)
        if why:
            problems.append("%s %s" % (config, why))
    for config, obs in zip(configs[1:], results[1:]):
        diffs = differences(reference, obs)
        if diffs:
            problems.append("%s differs from %s in %s" % (config, configs[0], ", ".join(sorted(diffs))))
    if not problems:
        return None
    problem = "seed %d: %s" % (seed, "; ".join(problems))
    folder = keep(args, seed, source, configs, results, problem)
    return "%s\n  saved in %s" % (problem, folder)


def run_seeds(args, work, configs):
    """Runs every (program, configuration) pair on a pool of --jobs workers, and checks the
    programs in seed order as their results come in. Returns the failing seeds."""
    problems = []
    pending = collections.deque()
    step = max(1, min(50, args.count // 10))

    def finish():
        k, seed, source, futures = pending.popleft()
        problem = check_seed(args, seed, source, configs, [f.result() for f in futures])
        if problem:
            problems.append(seed)
            print(problem, flush=True)
        if k % step == 0 or k == args.count:
            print("%d/%d" % (k, args.count), flush=True)
        shutil.rmtree(os.path.dirname(source))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for k, seed in enumerate(range(args.start, args.start + args.count), start=1):
            # A folder per program, for its .nbc files; the file name is the same in every
            # configuration, so it is in the stack traces too.
            os.makedirs(os.path.join(work, str(seed)))
            source = os.path.join(work, str(seed), "seed%d.nuri" % seed)
            with open(source, "w") as f:
                f.write(program_gen.generate(seed))
            pending.append((k, seed, source,
                            [pool.submit(observe, args, c, source) for c in configs]))
            # Keep the pool busy without generating far ahead of the checks.
            while len(pending) > 2 * args.jobs:
                finish()
        while pending:
            finish()
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nuri", required=True, help="the nuri binary")
    parser.add_argument("--start", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--count", type=int, default=100, help="number of programs (default 100)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="runs at the same time (default: the number of CPUs)")
    parser.add_argument("--keep", default="/tmp/nuri-diff", help="where to save differing cases")
    parser.add_argument("--config", action="append",
                        help="a configuration, e.g. '--jit=always' or 'nbc:--jit=off' (repeatable; "
                             "default: %s)" % ", ".join("'%s'" % c for c in DEFAULT_CONFIGS))
    parser.add_argument("--fuel", type=int, default=10 ** 12, help="--fuel for the --stats runs")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per run")
    args = parser.parse_args()
    if not os.access(args.nuri, os.X_OK):
        parser.error("%s is not an executable" % args.nuri)

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="nuri-differential-") as work:
        configs = usable_configs(args, work)
        if len(configs) < 2:
            sys.exit("differential: fewer than two usable configurations, nothing to compare")
        print("comparing %s" % ", ".join(str(c) for c in configs))
        problems = run_seeds(args, work, configs)
    seeds = range(args.start, args.start + args.count)
    print("differential: %d programs (seeds %d..%d), %d configurations, %d failing, %.1f s"
          % (len(seeds), seeds[0], seeds[-1], len(configs), len(problems), time.time() - started))
    if problems:
        print("failing seeds: %s" % " ".join(str(s) for s in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
