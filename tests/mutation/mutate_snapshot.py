#!/usr/bin/env python3
"""Mutation test of snapshot restore: many broken variants of real snapshots must each be
refused with a message or restore and run, never crash or hang.

  mutate_snapshot.py --nuri build/nuri [--mutants N] [--seed S] [--jobs J] [--save-dir DIR]
                     [--mutant I] [PROGRAMS...]

Makes base snapshots with the real `nuri` from PROGRAMS (default: samples/, tests/mutation/
programs/ and tests/snapshot/programs/): a template of each (`nuri snapshot`) and the guest
suspended after 300 and 3,000 instructions (`nuri run --fuel=N --suspend-to=FILE`, when it
runs that long). Mutant I (0 <= I < N) is a seeded random edit of base I mod the number of
bases, decoded and encoded again with tests/snapshot/nsnapkit.py, so that it has a correct
CRC-32C and reaches the checks past the checksum:

  byte-level   bits flipped, bytes set to boundary values, inserted, deleted or repeated, the
               body cut short (the header's size follows each edit)
  structural   references aimed at objects of other types, at missing objects or at huge
               numbers; type indices, hashes, ints, floats and bools changed; objects removed,
               repeated or exchanged; counts and lengths made too large, off by one or huge;
               frames at other pcs (instruction starts or not), of other functions, removed,
               repeated or exchanged; the state, entry and reason; the isolate's objects, the
               heap accounting and the host's data

Each mutant is written to a file and given to `nuri verify` and to `nuri run --fuel=100000
--heap-limit=16M --timeout=1 --stack-limit=200`. Each must end within --hang-seconds with a
status, never a signal or a sanitizer report: verify with 0 (ok) or 65 (refused, with one
line naming the file), run with anything, but 65 or 70 when verify refused. Failures are
printed with the mutant's number (rerun it alone with --mutant I) and saved with --save-dir.
Prints `N passed, N failed`.
"""
import argparse
import concurrent.futures
import copy
import glob
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "snapshot"))
import nsnapkit  # noqa: E402
from nsnapkit import Val, ref  # noqa: E402

EXIT_DATA_ERROR, EXIT_RUNTIME_ERROR, EXIT_SUSPENDED = 65, 70, 75
RUN_LIMITS = ["--fuel=100000", "--heap-limit=16M", "--timeout=1", "--stack-limit=200"]
SANITIZER_MARKS = ("Sanitizer", "runtime error:", "AddressSanitizer", "LeakSanitizer")
BOUNDARY = [0, 1, 2, 0x7F, 0x80, 0xFF, 0xFE, 0x40]
HUGE = [(1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32, (1 << 63) - 1, (1 << 64) - 1,
        1 << 20, 1000000007]


# ---- Base snapshots ----

def default_programs():
    paths = sorted(glob.glob(os.path.join(ROOT, "samples", "*.nuri")))
    paths += sorted(glob.glob(os.path.join(ROOT, "tests", "mutation", "programs", "*.nuri")))
    paths += sorted(glob.glob(os.path.join(ROOT, "tests", "snapshot", "programs", "*.nuri")))
    return paths


def make_bases(nuri, programs, work):
    """[(name, bytes)] of every base snapshot that the programs give."""
    bases = []
    for path in programs:
        stem = os.path.basename(path)[:-len(".nuri")]
        runs = [("template", ["snapshot", path, "-o"], 0)]
        for fuel in (300, 3000):
            runs.append(("fuel%d" % fuel, ["run", "--fuel=%d" % fuel, "--suspend-to"], 75))
        for label, argv, wanted in runs:
            out = os.path.join(work, "%s-%s.nsnap" % (stem, label))
            if argv[0] == "snapshot":
                argv = argv + [out]
            else:
                argv = argv[:-1] + ["--suspend-to=" + out, path]
            p = subprocess.run([nuri] + argv, cwd=os.path.dirname(path), capture_output=True,
                               stdin=subprocess.DEVNULL, timeout=60)
            if p.returncode == wanted and os.path.exists(out):
                with open(out, "rb") as f:
                    bases.append(("%s-%s" % (stem, label), f.read()))
    return bases


# ---- Mutations ----

class Slots:
    """Every value of a decoded snapshot, with where it is, for edits that pick one."""

    def __init__(self, s):
        self.values = []  # (list, index)
        for o in s.objects:
            for seq in (o.elements, o.fields, o.cells):
                self.values += [(seq, i) for i in range(len(seq))]
        self.values += [(s.globals, i) for i in range(len(s.globals))]
        for f in s.frames:
            self.values += [(f.registers, i) for i in range(len(f.registers))]
        self.values += [(s.isolate_roots, i) for i in range(len(s.isolate_roots))]

    def pick(self, r, tag=None):
        choices = [(seq, i) for seq, i in self.values if tag is None or seq[i].tag == tag]
        return r.choice(choices) if choices else None


def mutate_reference(r, s):
    slot = Slots(s).pick(r, "ref")
    if not slot:
        return False
    seq, i = slot
    n = len(s.objects)
    how = r.randrange(4)
    if how == 0 and n:  # another object, often of another type
        seq[i] = ref(r.randrange(n))
    elif how == 1:  # just past the table
        seq[i] = ref(n + r.randrange(3))
    elif how == 2:
        seq[i] = Val("ref", r.choice(HUGE))
    else:
        seq[i] = ref(None)
    return True


def mutate_value(r, s):
    slot = Slots(s).pick(r)
    if not slot:
        return False
    seq, i = slot
    v = seq[i]
    if v.tag in ("int", "i64"):
        v.v = r.choice([0, -1, 1, (1 << 63) - 1, -(1 << 63), r.getrandbits(64) - (1 << 63)])
        if v.tag == "i64":
            v.v &= (1 << 64) - 1
    elif v.tag in ("float", "f64"):
        v.v = r.choice([float("nan"), float("inf"), -0.0, 1e308, 5e-324])
    elif v.tag == "bool":
        v.v = r.choice([0, 1, 2, 255])
    elif v.tag == "ref":
        return mutate_reference(r, s)
    return True


def mutate_object(r, s):
    if not s.objects:
        return False
    n = len(s.objects)
    k = r.randrange(n)
    o = s.objects[k]
    how = r.randrange(9)
    if how == 0:  # another type of the table, or near its end
        o.type = r.choice([r.randrange(1, s.type_count()), s.type_count(),
                           s.type_count() - 1, 0, o.type + 1, o.type - 1])
    elif how == 1:
        o.hash = r.getrandbits(32)
    elif how == 2:  # removed: the numbers after it shift
        del s.objects[k]
    elif how == 3:
        s.objects.insert(k, copy.deepcopy(o))
    elif how == 4:
        j = r.randrange(n)
        s.objects[k], s.objects[j] = s.objects[j], s.objects[k]
    elif how == 5:  # a length or count that disagrees with the payload
        base = len(o.data) if o.kind in (nsnapkit.STRING, nsnapkit.BUILDER) else \
            len(o.cells) if o.kind == nsnapkit.FUNCTION else len(o.elements)
        o.length = r.choice([base + 1, max(base - 1, 0)] + HUGE)
    elif how == 6:
        if o.kind in (nsnapkit.STRING, nsnapkit.BUILDER):
            data = bytearray(o.data or b"x")
            data[r.randrange(len(data))] = r.choice([0x80, 0xC3, 0xFF, 0xED, 0xF4, 0])
            o.data = bytes(data)
        elif o.kind == nsnapkit.FUNCTION:
            o.function = r.choice([r.randrange(len(s.program.functions)),
                                   len(s.program.functions), o.function + 1])
        else:
            return mutate_value(r, s)
    elif how == 7:
        if o.kind == nsnapkit.BUILDER:
            o.capacity = r.choice([0, len(o.data), len(o.data) + 1, 2 * len(o.data) + 65] + HUGE)
        elif o.kind == nsnapkit.FUNCTION:
            if o.cells and r.randrange(2):
                o.cells.pop()
            else:
                o.cells.append(ref(r.randrange(n)))
        else:
            seq = o.elements if o.kind == nsnapkit.ARRAY else o.fields
            if seq and r.randrange(2):
                seq.pop()
            elif seq:
                seq.append(copy.deepcopy(seq[-1]))
            else:
                return False
    else:  # the object count
        s.object_count_override = r.choice([n + 1, max(n - 1, 0), 0] + HUGE)
    return True


def instruction_pcs(s, fn):
    return [pc for pc, _, _ in s.program.instructions(fn)]


def mutate_frames(r, s):
    p = s.program
    how = r.randrange(10)
    if not s.frames and how < 7:
        fn = r.randrange(len(p.functions))
        s.frames.append(nsnapkit.Frame(fn, 0, s.blank_registers(fn)))
        return True
    if how >= 7:  # the info: state, entry, reason
        which = r.randrange(3)
        value = r.choice([0, 1, 2, 3, 4, 255])
        if which == 0:
            s.state = value
        elif which == 1:
            s.entry = value
        else:
            s.reason = value
        return True
    k = r.randrange(len(s.frames))
    f = s.frames[k]
    if how == 0:  # another instruction of its function, or inside one
        pcs = instruction_pcs(s, f.function) or [0]
        f.pc = r.choice([r.choice(pcs), r.choice(pcs) + 1, f.pc + 1, len(p.functions[f.function].code),
                         r.choice(HUGE) & 0xFFFFFFFF])
    elif how == 1:  # another function, at one of its instructions, registers to match
        fn = r.randrange(len(p.functions))
        pcs = instruction_pcs(s, fn) or [0]
        s.frames[k] = nsnapkit.Frame(fn, r.choice(pcs), s.blank_registers(fn))
    elif how == 2:
        del s.frames[k]
    elif how == 3:
        s.frames.insert(k, copy.deepcopy(f))
    elif how == 4:
        j = r.randrange(len(s.frames))
        s.frames[k], s.frames[j] = s.frames[j], s.frames[k]
    elif how == 5:  # a register more or less than the function has
        if f.registers and r.randrange(2):
            f.registers.pop()
        else:
            f.registers.append(Val("int", 0))
    else:
        s.frame_count_override = r.choice([len(s.frames) + 1, len(s.frames) - 1, 0] + HUGE)
    return True


def mutate_roots(r, s):
    how = r.randrange(6)
    if how == 4:  # the host's data: other bytes, or a size that disagrees
        s.host_data = bytes(r.randrange(256) for _ in range(r.randrange(40)))
    elif how == 5:
        s.host_data_size_override = r.choice([len(s.host_data) + 1, (1 << 20) + 1] + HUGE)
    elif how == 0:
        s.root_count_override = r.choice([len(s.isolate_roots) + 1, len(s.isolate_roots) - 1, 0])
    elif how == 1 and s.isolate_roots:
        i = r.randrange(len(s.isolate_roots))
        s.isolate_roots[i] = ref(r.choice([None, r.randrange(max(len(s.objects), 1))]))
    else:
        i = r.randrange(5)
        s.accounting[i] = r.choice([0, 1, s.accounting[i] + 1, s.heap_limit + 1] + HUGE)
    return True


STRUCTURAL = [("reference", mutate_reference, 5), ("value", mutate_value, 3),
              ("object", mutate_object, 5), ("frame", mutate_frames, 5),
              ("isolate", mutate_roots, 2)]


def mutate_bytes(r, data):
    """A byte-level edit of the body (the header's size made to follow), mostly past the program."""
    header = nsnapkit.HEADER_BYTES
    signed = nsnapkit.SIGNATURE_BYTES if data[12] & 1 else 0
    body = bytearray(data[header:len(data) - 4 - signed])
    trailer = data[len(data) - 4 - signed:]
    if not body:
        return "empty", data
    kind = r.choice(["bit-flip", "overwrite", "insert", "delete", "duplicate", "cut"])
    at = r.randrange(len(body))
    if kind == "bit-flip":
        body[at] ^= 1 << r.randrange(8)
    elif kind == "overwrite":
        for _ in range(r.randint(1, 4)):
            body[r.randrange(len(body))] = r.choice(BOUNDARY + [r.randrange(256)])
    elif kind == "insert":
        body[at:at] = bytes(r.choice(BOUNDARY) for _ in range(r.randint(1, 4)))
    elif kind == "delete":
        del body[at:at + r.randint(1, 4)]
    elif kind == "duplicate":
        n = r.randint(1, 16)
        body[at:at] = body[at:at + n]
    else:
        del body[at:]
    out = bytearray(data[:header]) + body + trailer
    out[16:24] = len(body).to_bytes(8, "little")
    return kind, nsnapkit.fix_crc(out)


def make_mutant(bases, decoded, seed, index):
    """(kind, base name, bytes) of mutant `index`."""
    r = random.Random(seed * 1000003 + index)
    name, data = bases[index % len(bases)]
    if r.randrange(3) == 0:
        # Byte damage, mostly where the guest's data are (the program has its own mutation test).
        kind, out = mutate_bytes(r, data)
        return "bytes:" + kind, name, out
    s = copy.deepcopy(decoded[name])
    total = sum(w for _, _, w in STRUCTURAL)
    edits = 1 if r.randrange(5) else r.randint(2, 4)
    kinds = []
    for _ in range(edits):
        x = r.randrange(total)
        for kind, fn, w in STRUCTURAL:
            if x < w:
                break
            x -= w
        if fn(r, s):
            kinds.append(kind)
    return "+".join(kinds) or "none", name, s.encode()


# ---- Running one mutant ----

def run(argv, seconds):
    try:
        p = subprocess.run(argv, capture_output=True, timeout=seconds, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(nuri, path, seconds):
    """A list of problems with one mutant file (empty when it is handled well), and an outcome."""
    problems = []
    name = path
    code, out, err = run([nuri, "verify", path], seconds)
    if code is None:
        return ["nuri verify hangs (no end within %s s)" % seconds], "hang"
    if code < 0 or any(m in err for m in SANITIZER_MARKS):
        problems.append("nuri verify crashes (status %d): %s" % (code, err.strip()[-2000:]))
    elif code == EXIT_DATA_ERROR:
        lines = out.splitlines()
        if len(lines) != 1 or not lines[0].startswith(name + ": ") or len(lines[0]) <= len(name) + 2:
            problems.append("nuri verify refuses it without a one-line message: %r" % out)
    elif code != 0:
        problems.append("nuri verify exits with %d: %s%s" % (code, out.strip(), err.strip()))
    refused = code == EXIT_DATA_ERROR
    code, out, err = run([nuri, "run"] + RUN_LIMITS + [path], seconds)
    if code is None:
        problems.append("nuri run hangs (no end within %s s)" % seconds)
        return problems, "hang"
    if code < 0 or any(m in err for m in SANITIZER_MARKS):
        problems.append("nuri run crashes (status %d): %s" % (code, err.strip()[-2000:]))
        return problems, "crash"
    if refused and code not in (EXIT_DATA_ERROR, EXIT_RUNTIME_ERROR):
        problems.append("nuri verify refuses it, but nuri run exits with %d: %s"
                        % (code, err.strip()[-500:]))
    if problems:
        return problems, "bad"
    return [], "refused" if refused else "ran: %d" % code if code in (0, 65, 70) else "ran"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nuri", required=True)
    parser.add_argument("--mutants", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--hang-seconds", type=float, default=20)
    parser.add_argument("--save-dir", help="where failing mutants are written")
    parser.add_argument("--mutant", type=int, help="handle only this mutant")
    parser.add_argument("programs", nargs="*", help=".nuri programs (default: see above)")
    args = parser.parse_args()
    nuri = os.path.abspath(args.nuri)

    with tempfile.TemporaryDirectory(prefix="nuri-snapshot-mutation-") as work:
        bases = make_bases(nuri, args.programs or default_programs(), work)
        if not bases:
            print("no base snapshots\n0 passed, 1 failed")
            return 1
        decoded = {name: nsnapkit.Snapshot.decode(data) for name, data in bases}
        print("%d base snapshots: %s" % (len(bases), ", ".join(n for n, _ in bases)))
        sys.stdout.flush()
        indices = [args.mutant] if args.mutant is not None else range(args.mutants)

        def handle(index):
            kind, base, data = make_mutant(bases, decoded, args.seed, index)
            path = os.path.join(work, "mutant-%d.nsnap" % index)
            with open(path, "wb") as f:
                f.write(data)
            problems, outcome = check(nuri, path, args.hang_seconds)
            if problems and args.save_dir:
                os.makedirs(args.save_dir, exist_ok=True)
                saved = os.path.join(args.save_dir, "%s.%d.nsnap" % (base, index))
                with open(saved, "wb") as f:
                    f.write(data)
                problems.append("saved as " + saved)
            os.unlink(path)
            return index, kind, base, problems, outcome

        outcomes, failures = {}, []
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for index, kind, base, problems, outcome in pool.map(handle, indices):
                family = kind.split(":")[0].split("+")[0]
                outcomes.setdefault(family, {}).setdefault(outcome.split(":")[0], 0)
                outcomes[family][outcome.split(":")[0]] += 1
                if problems:
                    failures.append(index)
                    print("FAIL mutant %d (%s of %s, seed %d, --mutant %d)"
                          % (index, kind, base, args.seed, index))
                    for p in problems:
                        print("  " + p.replace("\n", "\n  "))
                    sys.stdout.flush()
        for family in sorted(outcomes):
            print("  %-10s %s" % (family, ", ".join("%s %d" % kv
                                                   for kv in sorted(outcomes[family].items()))))
        print("%d passed, %d failed" % (len(indices) - len(failures), len(failures)))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
