#!/usr/bin/env python3
"""CPU time of short runs: `nuri run hello.nuri` and what to compare it with.

Each command runs --runs times; the commands take turns (one run of each, then again), so a
change in the machine's load falls on all of them alike. A run's CPU time is the user plus
system time the kernel accounts to the process (wait4), start-up and exit included. Prints the
median and the 10th and 90th percentiles, in milliseconds, per command.

  python3 bench/startup.py                        # build/nuri on hello world, and Lua 5.4
  python3 bench/startup.py --nuri /tmp/old/nuri --nuri build/nuri --runs 500
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

HELLO_NURI = 'println("Hello, world!")\n'
HELLO_LUA = 'print("Hello, world!")\n'


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_ms(command, devnull):
    pid = os.posix_spawnp(command[0], command, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed with status {status}")
    return (usage.ru_utime + usage.ru_stime) * 1000


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nuri", action="append",
                        help="a nuri binary (repeatable; default build/nuri)")
    parser.add_argument("--runs", type=int, default=300, help="runs of each command (300)")
    parser.add_argument("--no-lua", action="store_true", help="leave out Lua 5.4")
    args = parser.parse_args()
    binaries = args.nuri or [os.path.join(root, "build", "nuri")]

    folder = tempfile.mkdtemp(prefix="nuri-startup-")
    try:
        hello = os.path.join(folder, "hello.nuri")
        with open(hello, "w") as f:
            f.write(HELLO_NURI)
        commands = []
        for nuri in binaries:
            commands.append((f"{nuri} run hello.nuri", [nuri, "run", hello]))
            nbc = os.path.join(folder, f"hello{len(commands)}.nbc")
            if os.spawnv(os.P_WAIT, nuri, [nuri, "build", hello, "-o", nbc]) == 0:
                commands.append((f"{nuri} run hello.nbc", [nuri, "run", nbc]))
            commands.append((f"{nuri} --version", [nuri, "--version"]))
        lua = shutil.which("lua5.4")
        if lua and not args.no_lua:
            hello_lua = os.path.join(folder, "hello.lua")
            with open(hello_lua, "w") as f:
                f.write(HELLO_LUA)
            commands.append(("lua5.4 hello.lua", [lua, hello_lua]))
        elif not args.no_lua:
            print("lua5.4 not found: left out", file=sys.stderr)
        commands.append(("/bin/true", ["/bin/true"]))

        times = {name: [] for name, _ in commands}
        devnull = os.open(os.devnull, os.O_WRONLY)
        for _ in range(args.runs):
            for name, command in commands:
                times[name].append(cpu_ms(command, devnull))
        print(f"CPU time per run in ms, {args.runs} runs each, interleaved "
              f"({os.cpu_count()} CPUs):")
        print(f"{'command':<50} {'median':>7} {'p10':>7} {'p90':>7}")
        for name, _ in commands:
            t = times[name]
            print(f"{name:<50} {statistics.median(t):7.2f} {percentile(t, 0.1):7.2f} "
                  f"{percentile(t, 0.9):7.2f}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
