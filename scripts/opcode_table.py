#!/usr/bin/env python3
"""Writes the opcode table of docs/bytecode.md from vm/bytecode/opcodes.def.

  scripts/opcode_table.py          rewrite the table in place
  scripts/opcode_table.py --check  exit 1 if the table is out of date (run by ctest)
"""
import os
import sys

from opcodes_def import ROOT, read_opcodes

document = os.path.join(ROOT, "docs", "bytecode.md")
BEGIN, END = "<!-- opcodes:begin -->", "<!-- opcodes:end -->"

rows = ["| # | opcode | operands | flags | effect |", "| --- | --- | --- | --- | --- |"]
for op in read_opcodes():
    operands = " ".join(op.operands) or "-"
    flags = " ".join(f.lower() for f in op.flags) or "-"
    rows.append("| %d | `%s` | %s | %s | %s |" % (op.number, op.name, operands, flags,
                                                 op.effect.replace("|", "\\|")))
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
