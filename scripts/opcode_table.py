#!/usr/bin/env python3
"""Writes the opcode table of docs/bytecode.md from vm/bytecode/opcodes.def.

  scripts/opcode_table.py          rewrite the table in place
  scripts/opcode_table.py --check  exit 1 if the table is out of date (run by ctest)
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
definition = os.path.join(root, "vm", "bytecode", "opcodes.def")
document = os.path.join(root, "docs", "bytecode.md")
BEGIN, END = "<!-- opcodes:begin -->", "<!-- opcodes:end -->"

rows = ["| # | opcode | operands | flags | effect |", "| --- | --- | --- | --- | --- |"]
op = re.compile(r"^OP\((\w+),\s*([^,]+),\s*(\w+),\s*(\w+),\s*(\w+),\s*(\w+)\)\s*//\s*(.*)$")
for line in open(definition):
    m = op.match(line.strip())
    if not m:
        continue
    name, flags, *operands, effect = m.groups()
    operands = " ".join(o for o in operands if o != "NONE") or "-"
    flags = flags.replace("F_", "").replace("|", " ").lower() if flags != "0" else "-"
    rows.append("| %d | `%s` | %s | %s | %s |" % (len(rows) - 2, name, operands, flags,
                                                 effect.replace("|", "\\|")))
table = "\n".join(rows)

text = open(document).read()
start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
updated = text[:start] + "\n" + table + "\n" + text[end:]
if "--check" in sys.argv:
    if updated != text:
        print("docs/bytecode.md is out of date: run scripts/opcode_table.py")
        sys.exit(1)
    print("1 passed, 0 failed")
else:
    open(document, "w").write(updated)
