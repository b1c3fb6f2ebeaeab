"""Reads vm/bytecode/opcodes.def, the one list of Nuri instructions, for Python tools
(scripts/opcode_table.py, tests/bytecode/nbcasm.py).

  read_opcodes() -> [Opcode(number, name, flags, operands, effect)]
  flags: e.g. ["BRANCH", "TERM"]; operands: the operand kinds without NONE, e.g. ["RI", "RI", "JMP"]
"""
import collections
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFINITION = os.path.join(ROOT, "vm", "bytecode", "opcodes.def")

Opcode = collections.namedtuple("Opcode", "number name flags operands effect")

_OP = re.compile(r"^OP\((\w+),\s*([^,]+),\s*(\w+),\s*(\w+),\s*(\w+),\s*(\w+)\)\s*//\s*(.*)$")


def read_opcodes(path=DEFINITION):
    opcodes = []
    with open(path) as lines:
        for line in lines:
            m = _OP.match(line.strip())
            if not m:
                continue
            name, flags, *operands, effect = m.groups()
            flags = [] if flags.strip() == "0" else [f.strip()[2:] for f in flags.split("|")]
            operands = [o for o in operands if o != "NONE"]
            opcodes.append(Opcode(len(opcodes), name, flags, operands, effect))
    return opcodes
