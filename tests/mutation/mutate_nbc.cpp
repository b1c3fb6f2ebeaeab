// nuri_mutate: mutation testing of the bytecode loader, verifier and interpreter.
//
// Takes valid .nbc files and makes many broken variants of each: byte-level damage
// (truncations, flipped bits, inserted, deleted and duplicated bytes, swapped sections, bad
// section lengths) and structural edits made on the decoded module and encoded again (opcodes
// and operands changed to nearby or extreme values, broken branches, argument counts, handler
// ranges, function headers, table indices, removed or reordered table entries). Every mutant
// must be rejected with a message, or be accepted and then run without crashing or hanging
// under fuel, heap, time and stack limits.
//
// The work is done by forked worker processes that report each mutant before and after
// handling it, so a crash (a signal, a sanitizer report) or a hang (no progress long after the
// VM's own time limit) is pinned on one mutant. That mutant is then replayed alone, reported
// with its file, index and kind, and saved (with --save-dir) so that `nuri verify` or
// `nuri run` reproduces it. Everything is deterministic given --seed.
//
// Usage: nuri_mutate [OPTIONS] FILE.nbc...
//   --mutants-per-file N   mutants of each file (default 200; boundary truncations included)
//   --seed S               random seed (default 1)
//   --jobs J               worker processes (default 1)
//   --save-dir DIR         where crashing or hanging mutants are written
//   --fuel N               instructions per run (default 100000)
//   --heap-limit BYTES     heap limit per run (default 16 MB)
//   --timeout SECONDS      the VM's own time limit per run (default 1)
//   --hang-seconds S       a mutant is hung after this long without finishing (default 10)
//   --jit MODE             off, auto or always (default off): run the mutants compiled
//   --mutant FILE_INDEX:I  handle only mutant I of the FILE_INDEX-th file (to reproduce one)
//   --as-is                run the files themselves, unmutated (e.g. saved mutants)
//   --generate-only        only make the mutants (tests and times the mutator itself)
// A file FILE.nbc.args, if present, holds the program's arguments, one a line.
// Exit status: 0 if nothing crashed or hung, 1 otherwise, 64 on bad usage.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "classlib/registry/native_registry.h"
#include "nuri/nuri.h"
#include "vm/bytecode/module.h"
#include "vm/bytecode/opcodes.h"
#include "vm/bytecode/reader.h"
#include "vm/bytecode/verifier.h"
#include "vm/bytecode/writer.h"

namespace {

using nuri::Module;

// ---- Randomness: each mutant has its own generator, so any one can be made alone ----

class Rng {
public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
  // A number in [0, n); 0 when n is 0.
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  bool chance(int percent) { return below(100) < uint64_t(percent); }

private:
  uint64_t s_;
};

uint64_t mutantSeed(uint64_t seed, size_t file, uint64_t index) {
  Rng r(seed * 0x100000001B3u ^ (uint64_t(file) << 32) ^ index);
  r.next();
  return r.next();
}

// ---- Kinds of mutation ----

enum Kind : uint8_t {
  TruncateBoundary, // at a section boundary (every one is tried once per file)
  Truncate,
  BitFlip,
  ByteOverwrite,
  InsertBytes,
  DeleteBytes,
  DuplicateRange,
  SwapSections,
  SectionLength,
  CodeOpcode,
  CodeOperand,
  CodeArgs,
  CodeBranch,
  CodeSplice,
  FunctionHeader,
  Handler,
  TableIndex,
  TableShape,
  AsIs, // --as-is: the file itself
  kKindCount
};

const char* const kKindNames[kKindCount] = {
    "truncate-boundary", "truncate",    "bit-flip",      "byte-overwrite", "insert-bytes",
    "delete-bytes",      "duplicate",   "swap-sections", "section-length", "code-opcode",
    "code-operand",      "code-args",   "code-branch",   "code-splice",    "function-header",
    "handler",           "table-index", "table-shape",   "as-is"};

// Relative frequencies of the random kinds (structural edits find verifier holes, so they get
// the larger share).
const std::pair<Kind, int> kWeights[] = {
    {Truncate, 3},    {BitFlip, 6},        {ByteOverwrite, 6}, {InsertBytes, 3},
    {DeleteBytes, 3}, {DuplicateRange, 2}, {SwapSections, 2},  {SectionLength, 2},
    {CodeOpcode, 10}, {CodeOperand, 20},   {CodeArgs, 6},      {CodeBranch, 7},
    {CodeSplice, 8},  {FunctionHeader, 8}, {Handler, 5},       {TableIndex, 10},
    {TableShape, 5},
};

// ---- An input file ----

struct SectionSpan {
  size_t start; // the id field
  size_t end;   // one past the payload
};

struct Input {
  std::string path;
  std::string name; // as used in messages: the file name
  std::vector<uint8_t> bytes;
  std::vector<std::string> args;
  std::shared_ptr<Module> module;
  std::vector<SectionSpan> sections;
  std::vector<size_t> boundaries; // truncation points: section starts, their fields, ends
};

bool readFile(const std::string& path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

uint32_t readU32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}
void writeU32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++)
    b[at + i] = uint8_t(v >> (8 * i));
}

constexpr size_t kHeaderBytes = 12;

bool prepareInput(Input& in, std::string& error) {
  if (!readFile(in.path, in.bytes)) {
    error = "cannot read " + in.path;
    return false;
  }
  in.name = in.path.substr(in.path.rfind('/') + 1);
  std::ifstream argsFile(in.path + ".args");
  for (std::string line; std::getline(argsFile, line);)
    in.args.push_back(line);
  std::string why;
  in.module = nuri::readBytecode(in.bytes.data(), in.bytes.size(), why);
  if (!in.module || !nuri::verifyModule(*in.module, why)) {
    error = in.path + " is not a valid bytecode file to start from: " + why;
    return false;
  }
  size_t at = kHeaderBytes;
  in.boundaries = {0, 1, 8, 10, kHeaderBytes - 1};
  while (at < in.bytes.size()) {
    if (at + 8 > in.bytes.size()) break;
    size_t end = at + 8 + readU32(in.bytes, at + 4);
    in.sections.push_back({at, end});
    for (size_t b : {at, at + 2, at + 4, at + 8, at + 9, end - 1})
      if (b < in.bytes.size()) in.boundaries.push_back(b);
    at = end;
  }
  if (in.sections.size() != 7 || at != in.bytes.size()) {
    error = in.path + ": unexpected section layout";
    return false;
  }
  std::sort(in.boundaries.begin(), in.boundaries.end());
  in.boundaries.erase(std::unique(in.boundaries.begin(), in.boundaries.end()), in.boundaries.end());
  return true;
}

// ---- Values worth trying ----

// A replacement for a number that indexes something of `size` entries.
uint32_t nearbyIndex(Rng& r, uint32_t v, uint64_t size) {
  switch (r.below(14)) {
  case 0: return v + 1;
  case 1: return v - 1;
  case 2: return 0;
  case 3: return uint32_t(size);
  case 4: return uint32_t(size - 1);
  case 5: return uint32_t(size + 1);
  case 6: return 0xFFFFFFFFu;
  case 7: return 0xFFFFFFFEu;
  case 8: return 0x7FFFFFFFu;
  case 9: return 0x80000000u;
  case 10: return uint32_t(r.below(size ? size : 1));
  case 11: return uint32_t(r.below(size ? size : 1));
  case 12: return v + uint32_t(r.below(5)) + 2;
  default: return uint32_t(r.next());
  }
}

// ---- Byte-level mutants ----

std::vector<uint8_t> mutateBytes(const Input& in, Kind kind, Rng& r) {
  std::vector<uint8_t> b = in.bytes;
  size_t n = b.size();
  switch (kind) {
  case Truncate: b.resize(r.below(n)); break;
  case BitFlip: b[r.below(n)] ^= uint8_t(1u << r.below(8)); break;
  case ByteOverwrite: {
    static const uint8_t kInteresting[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x3F};
    int count = 1 + int(r.below(4));
    size_t at = r.below(n);
    bool run = r.chance(50); // consecutive bytes (a whole number) or scattered ones
    for (int k = 0; k < count; k++) {
      size_t p = run ? std::min(n - 1, at + k) : r.below(n);
      b[p] = r.chance(50) ? kInteresting[r.below(8)] : uint8_t(r.next());
    }
    break;
  }
  case InsertBytes: {
    size_t at = r.below(n + 1);
    size_t count = 1 + r.below(r.chance(80) ? 4 : 64);
    std::vector<uint8_t> extra(count);
    for (uint8_t& e : extra)
      e = r.chance(50) ? uint8_t(r.below(4)) : uint8_t(r.next());
    b.insert(b.begin() + long(at), extra.begin(), extra.end());
    break;
  }
  case DeleteBytes: {
    size_t at = r.below(n);
    size_t count = std::min(n - at, size_t(1 + r.below(r.chance(80) ? 4 : 64)));
    b.erase(b.begin() + long(at), b.begin() + long(at + count));
    break;
  }
  case DuplicateRange: {
    size_t at = r.below(n);
    size_t count = std::min(n - at, size_t(1 + r.below(r.chance(70) ? 16 : 512)));
    std::vector<uint8_t> range(b.begin() + long(at), b.begin() + long(at + count));
    size_t to = r.chance(50) ? at + count : r.below(n + 1);
    b.insert(b.begin() + long(to), range.begin(), range.end());
    break;
  }
  case SwapSections: {
    size_t i = r.below(7), j = r.below(7);
    if (i == j) j = (i + 1) % 7;
    if (i > j) std::swap(i, j);
    const SectionSpan& a = in.sections[i];
    const SectionSpan& c = in.sections[j];
    std::vector<uint8_t> out(b.begin(), b.begin() + long(a.start));
    if (r.chance(70)) { // exchange two sections
      out.insert(out.end(), b.begin() + long(c.start), b.begin() + long(c.end));
      out.insert(out.end(), b.begin() + long(a.end), b.begin() + long(c.start));
      out.insert(out.end(), b.begin() + long(a.start), b.begin() + long(a.end));
    } else { // drop the earlier one, or repeat it
      if (r.chance(50)) out.insert(out.end(), b.begin() + long(a.start), b.begin() + long(a.end));
      out.insert(out.end(), b.begin() + long(a.end), b.begin() + long(c.start));
      out.insert(out.end(), b.begin() + long(c.start), b.begin() + long(c.end));
    }
    out.insert(out.end(), b.begin() + long(c.end), b.end());
    b = std::move(out);
    break;
  }
  case SectionLength: {
    const SectionSpan& s = in.sections[r.below(7)];
    if (r.chance(15)) {
      writeU32(b, s.start, nearbyIndex(r, readU32(b, s.start), 8)); // the id
    } else {
      uint32_t length = readU32(b, s.start + 4);
      writeU32(b, s.start + 4, nearbyIndex(r, length, uint32_t(n - s.start - 8)));
    }
    break;
  }
  default: break;
  }
  return b;
}

// ---- Structural mutants: edits of the decoded module, encoded again ----

struct Instruction {
  uint32_t pc;
  uint32_t length;
};

std::vector<Instruction> decodeCode(const std::vector<uint32_t>& code) {
  std::vector<Instruction> out;
  uint32_t pc = 0;
  while (pc < code.size()) {
    uint32_t length = nuri::instructionLength(&code[pc], uint32_t(code.size() - pc));
    if (length == 0) break;
    out.push_back({pc, length});
    pc += length;
  }
  return out;
}

bool isRegisterKind(nuri::OperandKind k) {
  using K = nuri::OperandKind;
  return k == K::RI || k == K::RF || k == K::RB || k == K::RS || k == K::RSB || k == K::RA ||
         k == K::RO || k == K::RR || k == K::RV || k == K::RC || k == K::RFN;
}

// The size of the table an index operand refers to (0 when unknown).
uint64_t tableSize(const Module& m, nuri::OperandKind k) {
  using K = nuri::OperandKind;
  switch (k) {
  case K::KI: return m.ints.size();
  case K::KF: return m.floats.size();
  case K::KS: return m.strings.size();
  case K::FN: return m.functions.size();
  case K::NAT: return m.natives.size();
  case K::GLB: return m.globals.size();
  case K::TY: return m.types.size();
  default: return 0;
  }
}

// A register of `f` with a different type than `r`, if there is one (else any register).
uint32_t otherTypedRegister(Rng& r, const nuri::FunctionEntry& f, uint32_t reg) {
  uint32_t count = uint32_t(f.registerTypes.size());
  if (count == 0) return 0;
  for (int tries = 0; tries < 8; tries++) {
    uint32_t c = uint32_t(r.below(count));
    if (reg >= count || f.registerTypes[c] != f.registerTypes[reg]) return c;
  }
  return uint32_t(r.below(count));
}

// Another type of the same kind as `t` (another class, array or function type), which passes
// the checks of an operand's kind and so reaches the checks of exact types; else any type.
uint32_t lookAlikeType(Rng& r, const Module& m, uint32_t t) {
  uint32_t count = uint32_t(m.types.size());
  if (count == 0) return 0;
  if (t < count) {
    std::vector<uint32_t> same;
    for (uint32_t i = 0; i < count; i++)
      if (i != t && m.types[i].kind == m.types[t].kind) same.push_back(i);
    if (!same.empty()) return same[r.below(same.size())];
  }
  return uint32_t(r.below(count));
}

// A register whose type has the same kind as r's but is another type (an object register of
// another class, an array of other elements), if there is one.
uint32_t lookAlikeRegister(Rng& r, const Module& m, const nuri::FunctionEntry& f, uint32_t reg) {
  uint32_t count = uint32_t(f.registerTypes.size());
  if (reg >= count) return uint32_t(r.below(count + 1));
  uint32_t t = f.registerTypes[reg];
  std::vector<uint32_t> same;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t u = f.registerTypes[i];
    if (u != t && t < m.types.size() && u < m.types.size() && m.types[u].kind == m.types[t].kind)
      same.push_back(i);
  }
  return same.empty() ? otherTypedRegister(r, f, reg) : same[r.below(same.size())];
}

// A function with as many parameters as `fn` (so that a call's argument count still matches).
uint32_t lookAlikeFunction(Rng& r, const Module& m, uint32_t fn) {
  uint32_t count = uint32_t(m.functions.size());
  if (fn >= count) return uint32_t(r.below(count + 1));
  std::vector<uint32_t> same;
  for (uint32_t i = 0; i < count; i++)
    if (i != fn && m.functions[i].paramCount == m.functions[fn].paramCount) same.push_back(i);
  return same.empty() ? uint32_t(r.below(count)) : same[r.below(same.size())];
}

uint32_t mutateRegister(Rng& r, const Module& m, const nuri::FunctionEntry& f, uint32_t v) {
  uint32_t count = uint32_t(f.registerTypes.size());
  switch (r.below(8)) {
  case 0:
  case 1: return otherTypedRegister(r, f, v);
  case 2:
  case 3: return lookAlikeRegister(r, m, f, v);
  case 4: return count;
  case 5: return r.chance(50) ? count - 1 : 65535;
  default: return nearbyIndex(r, v, count);
  }
}

// Picks a function that has code; null if none has.
nuri::FunctionEntry* pickFunction(Rng& r, Module& m) {
  std::vector<nuri::FunctionEntry*> withCode;
  for (nuri::FunctionEntry& f : m.functions)
    if (!f.code.empty()) withCode.push_back(&f);
  if (withCode.empty()) return nullptr;
  return withCode[r.below(withCode.size())];
}

uint32_t randomOpcode(Rng& r, uint32_t current) {
  switch (r.below(10)) {
  case 0: return nuri::kOpcodeCount;
  case 1: return current + 1;
  case 2: return current - 1;
  case 3: return 0xFFFFFFFFu;
  case 4:
  case 5: { // one with the same number of operands: most likely to pass the length check
    const nuri::OpcodeInfo& cur = nuri::opcodeInfo(current % nuri::kOpcodeCount);
    for (int tries = 0; tries < 32; tries++) {
      uint32_t op = uint32_t(r.below(nuri::kOpcodeCount));
      const nuri::OpcodeInfo& info = nuri::opcodeInfo(op);
      if (op != current && info.fixedOperandCount == cur.fixedOperandCount &&
          info.hasArgs == cur.hasArgs)
        return op;
    }
    return uint32_t(r.below(nuri::kOpcodeCount));
  }
  default: return uint32_t(r.below(nuri::kOpcodeCount));
  }
}

void mutateOperand(Rng& r, const Module& m, nuri::FunctionEntry& f, const Instruction& ins) {
  if (ins.length < 2) return; // no operands
  uint32_t* code = &f.code[ins.pc];
  const nuri::OpcodeInfo& info = nuri::opcodeInfo(code[0]);
  uint32_t slot = 1 + uint32_t(r.below(ins.length - 1)); // a word after the opcode
  nuri::OperandKind kind = nuri::OperandKind::RV;        // the ARGS registers
  if (slot <= info.fixedOperandCount) kind = info.operands[slot - 1];
  uint32_t& w = code[slot];
  using K = nuri::OperandKind;
  if (isRegisterKind(kind)) {
    w = mutateRegister(r, m, f, w);
  } else if (kind == K::TY && r.chance(50)) {
    w = lookAlikeType(r, m, w);
  } else if (kind == K::FN && r.chance(50)) {
    w = lookAlikeFunction(r, m, w);
  } else if (kind == K::IMM) {
    static const uint32_t kImm[] = {0, 1, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 63, 64};
    w = r.chance(50) ? kImm[r.below(7)] : nearbyIndex(r, w, 0);
  } else if (kind == K::JMP) {
    w = nearbyIndex(r, w, f.code.size() - ins.pc);
  } else if (kind == K::ARGS) {
    w = nearbyIndex(r, w, 4);
  } else {
    w = nearbyIndex(r, w, tableSize(m, kind) ? tableSize(m, kind) : w + 2);
  }
}

void mutateCode(Rng& r, Module& m, Kind kind) {
  nuri::FunctionEntry* f = pickFunction(r, m);
  if (!f) return;
  std::vector<Instruction> code = decodeCode(f->code);
  if (code.empty()) return;
  const Instruction& ins = code[r.below(code.size())];
  switch (kind) {
  case CodeOpcode: f->code[ins.pc] = randomOpcode(r, f->code[ins.pc]); break;
  case CodeOperand: mutateOperand(r, m, *f, ins); break;
  case CodeArgs: {
    std::vector<Instruction> calls;
    for (const Instruction& c : code)
      if (nuri::opcodeInfo(f->code[c.pc]).hasArgs) calls.push_back(c);
    if (calls.empty()) return;
    const Instruction& c = calls[r.below(calls.size())];
    uint32_t at = c.pc + nuri::opcodeInfo(f->code[c.pc]).fixedOperandCount; // the count N
    uint32_t& count = f->code[at];
    if (r.chance(40) && count > 0) { // one of the argument registers
      uint32_t& a = f->code[at + 1 + r.below(count)];
      a = mutateRegister(r, m, *f, a);
    } else if (r.chance(50)) { // fewer or more arguments, the code after shifting accordingly
      if (r.chance(50) && count > 0) {
        count--;
        f->code.erase(f->code.begin() + at + 1 + count);
      } else {
        count++;
        f->code.insert(f->code.begin() + at + 1 + count - 1,
                       uint32_t(r.below(f->registerTypes.size() + 1)));
      }
    } else { // a different count in place: the following words are read as arguments
      count = nearbyIndex(r, count, 8);
    }
    break;
  }
  case CodeBranch: {
    std::vector<std::pair<uint32_t, uint32_t>> branches; // (instruction pc, offset word)
    for (const Instruction& c : code) {
      const nuri::OpcodeInfo& ci = nuri::opcodeInfo(f->code[c.pc]);
      for (uint32_t k = 0; k < ci.fixedOperandCount; k++)
        if (ci.operands[k] == nuri::OperandKind::JMP) branches.push_back({c.pc, c.pc + 1 + k});
    }
    if (branches.empty()) {
      if (r.chance(50)) mutateOperand(r, m, *f, ins);
      return;
    }
    auto [pc, at] = branches[r.below(branches.size())];
    int64_t size = int64_t(f->code.size());
    int64_t target;
    switch (r.below(9)) {
    case 0: target = code[r.below(code.size())].pc; break;     // another instruction
    case 1: target = code[r.below(code.size())].pc + 1; break; // inside one
    case 2: target = pc; break;                                // itself
    case 3: target = 0; break;                                 // the start
    case 4: target = -1; break;                                // before the start
    case 5: target = size - 1; break;                          // the last word
    case 6: target = size; break;                              // the end
    case 7: target = int64_t(pc) + int32_t(f->code[at]) + (r.chance(50) ? 1 : -1); break;
    default: target = int64_t(pc) + int32_t(r.next()); break;
    }
    f->code[at] = uint32_t(int32_t(target - int64_t(pc)));
    break;
  }
  case CodeSplice: {
    std::vector<uint32_t>& c = f->code;
    switch (r.below(8)) {
    case 0: c.erase(c.begin() + r.below(c.size())); break; // one word
    case 1: c.insert(c.begin() + r.below(c.size() + 1), uint32_t(r.below(64))); break;
    case 2: // drop an instruction
      c.erase(c.begin() + ins.pc, c.begin() + ins.pc + ins.length);
      break;
    case 3: { // repeat an instruction
      std::vector<uint32_t> copy(c.begin() + ins.pc, c.begin() + ins.pc + ins.length);
      c.insert(c.begin() + ins.pc, copy.begin(), copy.end());
      break;
    }
    case 4: { // swap two instructions
      const Instruction& other = code[r.below(code.size())];
      if (other.pc == ins.pc) return;
      const Instruction& a = ins.pc < other.pc ? ins : other;
      const Instruction& b = ins.pc < other.pc ? other : ins;
      std::vector<uint32_t> out(c.begin(), c.begin() + a.pc);
      out.insert(out.end(), c.begin() + b.pc, c.begin() + b.pc + b.length);
      out.insert(out.end(), c.begin() + a.pc + a.length, c.begin() + b.pc);
      out.insert(out.end(), c.begin() + a.pc, c.begin() + a.pc + a.length);
      out.insert(out.end(), c.begin() + b.pc + b.length, c.end());
      c = std::move(out);
      break;
    }
    case 5: { // an instruction of another function, with its operands as they are
      nuri::FunctionEntry* g = pickFunction(r, m);
      std::vector<Instruction> gc = decodeCode(g->code);
      if (gc.empty()) return;
      const Instruction& gi = gc[r.below(gc.size())];
      std::vector<uint32_t> copy(g->code.begin() + gi.pc, g->code.begin() + gi.pc + gi.length);
      if (r.chance(50)) c.erase(c.begin() + ins.pc, c.begin() + ins.pc + ins.length);
      c.insert(c.begin() + ins.pc, copy.begin(), copy.end());
      break;
    }
    case 6: c.resize(ins.pc); break; // cut at an instruction
    default: // replace an instruction by NOPs of the same length (e.g. a return or a branch)
      std::fill(c.begin() + ins.pc, c.begin() + ins.pc + ins.length, 0u);
      break;
    }
    break;
  }
  default: break;
  }
}

void mutateHeader(Rng& r, Module& m) {
  if (m.functions.empty()) return;
  nuri::FunctionEntry& f = m.functions[r.below(m.functions.size())];
  uint32_t regs = uint32_t(f.registerTypes.size());
  switch (r.below(10)) {
  case 0:
    f.paramCount = r.chance(30) ? (r.chance(50) ? 255 : 256) : nearbyIndex(r, f.paramCount, regs);
    break;
  case 1:
    f.returnType = r.chance(50) ? lookAlikeType(r, m, f.returnType)
                                : nearbyIndex(r, f.returnType, m.types.size());
    break;
  case 2:
  case 3:
    if (regs) {
      uint32_t& t = f.registerTypes[r.below(regs)];
      t = r.chance(50) ? lookAlikeType(r, m, t) : nearbyIndex(r, t, m.types.size());
    }
    break;
  case 4:
    if (r.chance(50) && regs) {
      f.registerTypes.pop_back();
    } else {
      f.registerTypes.push_back(uint32_t(r.below(m.types.size() + 1)));
    }
    break;
  case 5:
    switch (r.below(4)) {
    case 0: f.isAbstract = !f.isAbstract; break;
    case 1: f.isStatic = !f.isStatic; break;
    case 2: f.isProtected = !f.isProtected; break;
    default: f.isPrivate = !f.isPrivate; break;
    }
    break;
  case 6:
    f.ownerClass = r.chance(30) ? nuri::kNoIndex : nearbyIndex(r, f.ownerClass, m.classes.size());
    break;
  case 7: f.file = nearbyIndex(r, f.file, m.files.size()); break;
  case 8:
    if (!f.locals.empty()) {
      uint32_t& reg = f.locals[r.below(f.locals.size())].reg;
      reg = nearbyIndex(r, reg, regs);
    } else if (!f.lines.empty()) {
      nuri::LineEntry& l = f.lines[r.below(f.lines.size())];
      if (r.chance(50))
        l.pc = nearbyIndex(r, l.pc, f.code.size());
      else
        l.line = nearbyIndex(r, l.line, 1000);
    }
    break;
  default: { // the code of a function with another signature
    nuri::FunctionEntry& g = m.functions[r.below(m.functions.size())];
    std::swap(f.code, g.code);
    if (r.chance(50)) std::swap(f.handlers, g.handlers);
    break;
  }
  }
}

void mutateHandler(Rng& r, Module& m) {
  std::vector<nuri::FunctionEntry*> withHandlers;
  for (nuri::FunctionEntry& f : m.functions)
    if (!f.handlers.empty()) withHandlers.push_back(&f);
  nuri::FunctionEntry* f = nullptr;
  if (withHandlers.empty() || r.chance(20)) {
    f = pickFunction(r, m);
    if (!f) return;
    std::vector<Instruction> code = decodeCode(f->code);
    if (code.empty()) return;
    // A new handler around some instructions (often a valid one: it should then run).
    nuri::HandlerEntry h;
    uint32_t a = uint32_t(r.below(code.size())), b = uint32_t(r.below(code.size()));
    if (a > b) std::swap(a, b);
    h.start = code[a].pc;
    h.end = b + 1 < code.size() ? code[b + 1].pc : uint32_t(f->code.size());
    h.target = code[r.below(code.size())].pc;
    h.catchClass = r.chance(50) ? nuri::kNoIndex : uint32_t(r.below(m.classes.size()));
    h.reg = uint32_t(r.below(f->registerTypes.size()));
    f->handlers.insert(f->handlers.begin() + r.below(f->handlers.size() + 1), h);
    return;
  }
  f = withHandlers[r.below(withHandlers.size())];
  nuri::HandlerEntry& h = f->handlers[r.below(f->handlers.size())];
  uint32_t size = uint32_t(f->code.size());
  switch (r.below(7)) {
  case 0: h.start = nearbyIndex(r, h.start, size); break;
  case 1: h.end = nearbyIndex(r, h.end, size); break;
  case 2: h.target = nearbyIndex(r, h.target, size); break;
  case 3:
    h.catchClass = r.chance(30) ? nuri::kNoIndex : nearbyIndex(r, h.catchClass, m.classes.size());
    break;
  case 4: h.reg = mutateRegister(r, m, *f, h.reg); break;
  case 5: f->handlers.erase(f->handlers.begin() + r.below(f->handlers.size())); break;
  default:
    if (f->handlers.size() > 1) {
      std::swap(f->handlers.front(), f->handlers.back()); // the search order changes
    } else {
      h.target = h.start;
    }
    break;
  }
}

// Every index held in the tables, with the size of what it indexes.
void mutateTableIndex(Rng& r, Module& m) {
  std::vector<std::pair<uint32_t*, uint64_t>> slots;
  for (nuri::TypeEntry& t : m.types) {
    if (t.element != nuri::kNoIndex) slots.push_back({&t.element, m.types.size()});
    if (t.classIndex != nuri::kNoIndex) slots.push_back({&t.classIndex, m.classes.size()});
    for (uint32_t& p : t.params)
      slots.push_back({&p, m.types.size()});
  }
  for (nuri::GlobalEntry& g : m.globals)
    slots.push_back({&g.type, m.types.size()});
  for (nuri::ClassEntry& c : m.classes) {
    slots.push_back({&c.superclass, m.classes.size()});
    slots.push_back({&c.initializer, m.functions.size()});
    for (nuri::FieldEntry& f : c.fields)
      slots.push_back({&f.type, m.types.size()});
    for (uint32_t& fn : c.methods)
      slots.push_back({&fn, m.functions.size()});
    for (nuri::InterfaceImpl& impl : c.interfaces) {
      slots.push_back({&impl.interfaceClass, m.classes.size()});
      for (uint32_t& fn : impl.functions)
        slots.push_back({&fn, m.functions.size()});
    }
  }
  slots.push_back({&m.initFunction, m.functions.size()});
  slots.push_back({&m.mainFunction, m.functions.size()});

  switch (r.below(8)) {
  case 0:
    if (!m.types.empty()) { // another kind of type, keeping its components
      nuri::TypeEntry& t = m.types[r.below(m.types.size())];
      t.kind = nuri::TypeKind(r.below(nuri::kTypeKindCount));
    }
    return;
  case 1:
    if (!m.classes.empty()) { // an interface becomes a class (or abstract), or the other way round
      nuri::ClassEntry& c = m.classes[r.below(m.classes.size())];
      if (r.chance(50))
        c.isInterface = !c.isInterface;
      else
        c.isAbstract = !c.isAbstract;
    }
    return;
  case 2:
    if (!m.natives.empty()) { // another native: the call sites' signatures no longer match
      nuri::NativeImport& n = m.natives[r.below(m.natives.size())];
      if (r.chance(70)) {
        const nuri::NativeInfo& other = nuri::nativeInfo(uint32_t(r.below(nuri::nativeCount())));
        n = {"", other.linkName, other.signature};
      } else if (r.chance(50)) { // the same name with another's signature: the linker refuses
        n.signature = nuri::nativeInfo(uint32_t(r.below(nuri::nativeCount()))).signature;
      } else if (r.chance(50)) { // a host function no isolate is granted
        n.module = "host";
      } else {
        n.name += "_";
      }
    }
    return;
  case 3:
    for (nuri::ClassEntry& c : m.classes) { // field flags, names (the Error layout)
      if (c.fields.empty() || r.chance(70)) continue;
      nuri::FieldEntry& f = c.fields[r.below(c.fields.size())];
      if (r.chance(50)) {
        f.isPrivate = !f.isPrivate;
        f.isPrivateSet = r.chance(50);
        f.isProtected = r.chance(20);
      } else {
        f.name = r.chance(50) ? "message" : "x";
      }
      return;
    }
    return;
  default: break;
  }
  if (slots.empty()) return;
  auto [slot, size] = slots[r.below(slots.size())];
  if (r.chance(40) && size == m.types.size()) {
    *slot = lookAlikeType(r, m, *slot);
  } else if (r.chance(40) && size == m.functions.size()) {
    *slot = lookAlikeFunction(r, m, *slot);
  } else {
    *slot = r.chance(10) ? nuri::kNoIndex : nearbyIndex(r, *slot, size);
  }
}

template <typename T> void reshape(Rng& r, std::vector<T>& v) {
  if (v.empty()) return;
  size_t i = r.below(v.size());
  switch (r.below(4)) {
  case 0: v.erase(v.begin() + long(i)); break;
  case 1: v.pop_back(); break;
  case 2: v.insert(v.begin() + long(i), v[r.below(v.size())]); break;
  default: std::swap(v[i], v[r.below(v.size())]); break;
  }
}

// Entries removed, repeated or reordered: every index past the change now means something else.
void mutateTableShape(Rng& r, Module& m) {
  switch (r.below(13)) {
  case 0: reshape(r, m.types); break;
  case 1: reshape(r, m.classes); break;
  case 2: reshape(r, m.functions); break;
  case 3: reshape(r, m.globals); break;
  case 4: reshape(r, m.ints); break;
  case 5: reshape(r, m.floats); break;
  case 6: reshape(r, m.strings); break;
  case 7: reshape(r, m.natives); break;
  case 8: reshape(r, m.files); break;
  default: {
    if (m.classes.empty()) return;
    nuri::ClassEntry& c = m.classes[r.below(m.classes.size())];
    switch (r.below(4)) {
    case 0: reshape(r, c.fields); break;
    case 1: reshape(r, c.methods); break;
    case 2: reshape(r, c.interfaces); break;
    default:
      if (!c.interfaces.empty()) reshape(r, c.interfaces[r.below(c.interfaces.size())].functions);
      break;
    }
  }
  }
}

Kind pickKind(Rng& r) {
  int total = 0;
  for (auto [k, w] : kWeights)
    total += w;
  int x = int(r.below(uint64_t(total)));
  for (auto [k, w] : kWeights) {
    if (x < w) return k;
    x -= w;
  }
  return BitFlip;
}

// Mutant `index` of a file: the first ones truncate it at each section boundary, the others
// are random edits of a random kind.
std::vector<uint8_t> makeMutant(const Input& in, uint64_t seed, size_t fileIndex, uint64_t index,
                                Kind& kind) {
  if (index < in.boundaries.size()) {
    kind = TruncateBoundary;
    return std::vector<uint8_t>(in.bytes.begin(), in.bytes.begin() + long(in.boundaries[index]));
  }
  Rng r(mutantSeed(seed, fileIndex, index));
  kind = pickKind(r);
  if (kind < CodeOpcode) return mutateBytes(in, kind, r);
  Module m = *in.module;
  int edits = r.chance(80) ? 1 : 2 + int(r.below(3));
  for (int e = 0; e < edits; e++) {
    switch (kind) {
    case FunctionHeader: mutateHeader(r, m); break;
    case Handler: mutateHandler(r, m); break;
    case TableIndex: mutateTableIndex(r, m); break;
    case TableShape: mutateTableShape(r, m); break;
    default: mutateCode(r, m, kind); break;
    }
  }
  return nuri::writeBytecode(m);
}

// ---- Handling one mutant (in a worker) ----

enum Outcome : uint8_t {
  Rejected,     // the loader or verifier refused it, with a message
  LinkRejected, // verified, but the isolate refused to link it
  RanOk,        // ran to the end
  GuestError,   // ended with an uncaught Nuri error
  HitLimit,     // stopped by fuel, heap, time or stack
  BadMessage,   // rejected without a proper message: a failure
  Crash,        // (reported by the parent)
  Hang,         // (reported by the parent)
  kOutcomeCount
};
const char* const kOutcomeNames[kOutcomeCount] = {
    "rejected",   "rejected at link", "ran: ok", "ran: guest error",
    "ran: limit", "bad message",      "CRASH",   "HANG"};

struct Limits {
  uint64_t fuel = 100000;
  uint64_t heapBytes = 16u << 20;
  double timeoutSeconds = 1;
  double hangSeconds = 10;
  nuri::JitMode jit = nuri::JitMode::Off;
};

Outcome handle(const std::vector<uint8_t>& bytes, const std::vector<std::string>& args,
               const Limits& limits, std::string* message = nullptr) {
  nuri::Result<nuri::Program> program = nuri::loadBytecode(bytes, "mutant.nbc");
  if (!program) {
    const std::string& text = program.error().message;
    if (message) *message = text;
    bool proper = program.error().kind == nuri::Error::Kind::Load &&
                  text.rfind("mutant.nbc: ", 0) == 0 && text.size() > 14 &&
                  text.find('\n') == std::string::npos;
    return proper ? Rejected : BadMessage;
  }
  nuri::IsolateConfig config;
  config.fuel = limits.fuel;
  config.heapLimitBytes = limits.heapBytes;
  config.timeoutSeconds = limits.timeoutSeconds;
  config.stackLimitFrames = 200;
  config.jit = limits.jit;
  config.output = [](std::string_view) {};
  nuri::Runtime runtime;
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  auto classify = [&](const nuri::Error& e) {
    if (message) *message = e.render();
    if (e.kind == nuri::Error::Kind::Load) return LinkRejected;
    if (e.kind != nuri::Error::Kind::Runtime) return BadMessage;
    return e.errorClass == "LimitError" || e.errorClass == "StackOverflowError" ? HitLimit
                                                                                : GuestError;
  };
  if (nuri::Status loaded = guest->load(*program); !loaded) return classify(loaded.error());
  nuri::Result<int> status = guest->runMain(args);
  if (!status) return classify(status.error());
  return RanOk;
}

// Worker → parent messages.
struct Report {
  uint32_t task;
  uint8_t started; // 1: began the task, 0: finished it
  uint8_t kind;
  uint8_t outcome;
  uint8_t unused = 0;
};

struct Task {
  uint32_t file;
  uint32_t index;
};

struct Options {
  uint64_t mutantsPerFile = 200;
  uint64_t seed = 1;
  int jobs = 1;
  std::string saveDir;
  Limits limits;
  bool asIs = false;
  bool generateOnly = false; // only make the mutants (to test or time the mutator)
  std::optional<Task> only;
};

std::vector<uint8_t> mutantBytes(const std::vector<Input>& inputs, const Options& o, Task t,
                                 Kind& kind) {
  if (o.asIs) {
    kind = AsIs;
    return inputs[t.file].bytes;
  }
  return makeMutant(inputs[t.file], o.seed, t.file, t.index, kind);
}

[[noreturn]] void workerMain(const std::vector<Input>& inputs, const Options& o,
                             const std::vector<Task>& tasks, size_t from, size_t to, int out) {
  for (size_t i = from; i < to; i++) {
    Kind kind;
    std::vector<uint8_t> bytes = mutantBytes(inputs, o, tasks[i], kind);
    Report start{uint32_t(i), 1, uint8_t(kind), 0};
    if (write(out, &start, sizeof start) != sizeof start) _exit(3);
    Outcome outcome = handle(bytes, inputs[tasks[i].file].args, o.limits);
    Report done{uint32_t(i), 0, uint8_t(kind), uint8_t(outcome)};
    if (write(out, &done, sizeof done) != sizeof done) _exit(3);
  }
  _exit(0);
}

// ---- The parent: workers, crash and hang detection ----

struct Worker {
  pid_t pid = -1;
  int fd = -1;
  size_t next = 0, end = 0;  // tasks still to do: [next, end)
  size_t current = SIZE_MAX; // started but not finished
  std::chrono::steady_clock::time_point startedAt;
  std::string log;              // its standard error
  std::vector<uint8_t> pending; // a partial report
};

using Clock = std::chrono::steady_clock;

bool spawn(Worker& w, const std::vector<Input>& inputs, const Options& o,
           const std::vector<Task>& tasks) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fds[0]);
    int devnull = open("/dev/null", O_RDWR);
    int log = open(w.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(log >= 0 ? log : devnull, 2);
    workerMain(inputs, o, tasks, w.next, w.end, fds[1]);
  }
  close(fds[1]);
  w.pid = pid;
  w.fd = fds[0];
  w.current = SIZE_MAX;
  w.pending.clear();
  return true;
}

// A message with its control characters made visible.
std::string escaped(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += char(c);
    }
  }
  return out;
}

std::string tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);)
    all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); i++)
    out += "    | " + all[i] + "\n";
  return out;
}

struct Totals {
  uint64_t byKind[kKindCount] = {};
  uint64_t byOutcome[kOutcomeCount] = {};
  uint64_t byKindOutcome[kKindCount][kOutcomeCount] = {};
  std::vector<std::string> failures;
};

// Runs one task alone in a fresh worker; returns Crash, Hang or the outcome it had.
Outcome replay(const std::vector<Input>& inputs, const Options& o, const Task& task,
               const std::string& log) {
  std::vector<Task> one{task};
  Worker w;
  w.next = 0;
  w.end = 1;
  w.log = log;
  if (!spawn(w, inputs, o, one)) return Crash;
  Outcome result = Crash;
  Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(int64_t(o.limits.hangSeconds * 1000));
  std::vector<uint8_t> got;
  for (;;) {
    pollfd p{w.fd, POLLIN, 0};
    int wait =
        int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (wait <= 0) {
      kill(w.pid, SIGKILL);
      result = Hang;
      break;
    }
    if (poll(&p, 1, wait) <= 0) continue;
    uint8_t buf[256];
    ssize_t n = read(w.fd, buf, sizeof buf);
    if (n <= 0) break;
    got.insert(got.end(), buf, buf + n);
    if (got.size() >= 2 * sizeof(Report)) {
      Report done;
      std::memcpy(&done, got.data() + sizeof(Report), sizeof done);
      result = Outcome(done.outcome);
    }
  }
  close(w.fd);
  int status = 0;
  waitpid(w.pid, &status, 0);
  if (result != Hang && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) result = Crash;
  return result;
}

void recordFailure(const std::vector<Input>& inputs, const Options& o,
                   const std::vector<Task>& tasks, size_t taskIndex, Outcome what, int status,
                   const std::string& log, Totals& totals) {
  const Task& t = tasks[taskIndex];
  const Input& in = inputs[t.file];
  Kind kind;
  std::vector<uint8_t> bytes = mutantBytes(inputs, o, t, kind);
  std::string text = std::string(kOutcomeNames[what]) + ": " + in.path + " mutant " +
                     std::to_string(t.index) + " (" + kKindNames[kind] + ", seed " +
                     std::to_string(o.seed) + ", --mutant " + std::to_string(t.file) + ":" +
                     std::to_string(t.index) + ")";
  if (what == Crash) {
    text += WIFSIGNALED(status) ? ", signal " + std::to_string(WTERMSIG(status)) + " (" +
                                      strsignal(WTERMSIG(status)) + ")"
                                : ", exit status " + std::to_string(WEXITSTATUS(status));
  }
  Outcome again = replay(inputs, o, t, log + ".replay");
  text += again == what ? "; reproduces alone"
                        : std::string("; alone it gives: ") + kOutcomeNames[again];
  if (!o.saveDir.empty()) {
    mkdir(o.saveDir.c_str(), 0755);
    std::string stem = in.name + "." + std::to_string(t.index) + "." + kKindNames[kind];
    std::string path = o.saveDir + "/" + stem + ".nbc";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!in.args.empty()) {
      std::ofstream a(path + ".args");
      for (const std::string& arg : in.args)
        a << arg << "\n";
    }
    text += "; saved as " + path;
  }
  std::string why = tail(again == Crash ? log + ".replay" : log, 25);
  std::printf("%s\n%s", text.c_str(), why.c_str());
  std::fflush(stdout);
  totals.failures.push_back(text);
  totals.byKind[kind]++;
  totals.byOutcome[what]++;
  totals.byKindOutcome[kind][what]++;
}

int runAll(const std::vector<Input>& inputs, const Options& o) {
  std::vector<Task> tasks;
  for (uint32_t f = 0; f < inputs.size(); f++) {
    if (o.only) {
      if (o.only->file == f) tasks.push_back(*o.only);
      continue;
    }
    uint64_t count = o.asIs ? 1 : o.mutantsPerFile;
    for (uint32_t i = 0; i < count; i++)
      tasks.push_back({f, i});
  }
  if (o.generateOnly) {
    Clock::time_point began = Clock::now();
    size_t bytes = 0;
    for (const Task& t : tasks) {
      Kind kind;
      bytes += mutantBytes(inputs, o, t, kind).size();
    }
    double s = std::chrono::duration<double>(Clock::now() - began).count();
    std::printf("generated %zu mutants (%zu bytes) in %.2f s\n", tasks.size(), bytes, s);
    return 0;
  }
  std::string logDir = o.saveDir.empty() ? "/tmp" : o.saveDir;
  if (!o.saveDir.empty()) mkdir(o.saveDir.c_str(), 0755);
  std::string logStem = logDir + "/nuri_mutate." + std::to_string(getpid()) + ".worker";

  Totals totals;
  Clock::time_point began = Clock::now();
  int jobs = std::max(1, std::min<int>(o.jobs, int(tasks.size())));
  std::vector<Worker> workers(static_cast<size_t>(jobs));
  for (int j = 0; j < jobs; j++) {
    Worker& w = workers[size_t(j)];
    w.next = tasks.size() * size_t(j) / size_t(jobs);
    w.end = tasks.size() * size_t(j + 1) / size_t(jobs);
    w.log = logStem + std::to_string(j) + ".log";
    if (w.next < w.end && !spawn(w, inputs, o, tasks)) {
      std::perror("nuri_mutate: fork");
      return 1;
    }
  }
  uint64_t done = 0, lastShown = 0;
  Clock::time_point lastProgress = Clock::now();
  auto active = [&] {
    return std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return w.pid > 0; });
  };
  while (active()) {
    std::vector<pollfd> fds;
    for (Worker& w : workers)
      if (w.pid > 0) fds.push_back({w.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 200);
    for (Worker& w : workers) {
      if (w.pid <= 0) continue;
      bool ended = false;
      pollfd p{w.fd, POLLIN, 0};
      if (poll(&p, 1, 0) > 0) {
        uint8_t buf[4096];
        ssize_t n = read(w.fd, buf, sizeof buf);
        if (n <= 0) {
          ended = true;
        } else {
          w.pending.insert(w.pending.end(), buf, buf + n);
          size_t used = 0;
          while (w.pending.size() - used >= sizeof(Report)) {
            Report rep;
            std::memcpy(&rep, w.pending.data() + used, sizeof rep);
            used += sizeof rep;
            if (rep.started) {
              w.current = rep.task;
              w.startedAt = Clock::now();
            } else {
              w.current = SIZE_MAX;
              w.next = rep.task + 1;
              totals.byKind[rep.kind]++;
              totals.byOutcome[rep.outcome]++;
              totals.byKindOutcome[rep.kind][rep.outcome]++;
              done++;
              if (rep.outcome == BadMessage) {
                Kind kind;
                std::vector<uint8_t> bytes = mutantBytes(inputs, o, tasks[rep.task], kind);
                std::string message;
                handle(bytes, inputs[tasks[rep.task].file].args, o.limits, &message);
                std::string text = "BAD MESSAGE: " + inputs[tasks[rep.task].file].path +
                                   " mutant " + std::to_string(tasks[rep.task].index) + " (" +
                                   kKindNames[kind] + "): `" + escaped(message) + "`";
                std::printf("%s\n", text.c_str());
                totals.failures.push_back(text);
              }
            }
          }
          w.pending.erase(w.pending.begin(), w.pending.begin() + long(used));
        }
      }
      bool hung = w.current != SIZE_MAX &&
                  Clock::now() - w.startedAt >
                      std::chrono::milliseconds(int64_t(o.limits.hangSeconds * 1000));
      if (!ended && !hung) continue;
      if (hung) kill(w.pid, SIGKILL);
      close(w.fd);
      int status = 0;
      waitpid(w.pid, &status, 0);
      w.pid = -1;
      bool clean = !hung && WIFEXITED(status) && WEXITSTATUS(status) == 0 && w.next >= w.end;
      if (clean) continue;
      size_t failed = w.current != SIZE_MAX ? w.current : w.next;
      if (failed < w.end) {
        recordFailure(inputs, o, tasks, failed, hung ? Hang : Crash, status, w.log, totals);
        done++;
        w.next = failed + 1;
      }
      if (w.next < w.end && !spawn(w, inputs, o, tasks)) {
        std::perror("nuri_mutate: fork");
        return 1;
      }
    }
    if (Clock::now() - lastProgress > std::chrono::seconds(30) && done != lastShown) {
      double s = std::chrono::duration<double>(Clock::now() - began).count();
      std::printf("  %" PRIu64 " / %zu mutants, %.0f s\n", done, tasks.size(), s);
      std::fflush(stdout);
      lastProgress = Clock::now();
      lastShown = done;
    }
  }
  for (int j = 0; j < jobs; j++) {
    unlink((logStem + std::to_string(j) + ".log").c_str());
    unlink((logStem + std::to_string(j) + ".log.replay").c_str());
  }

  double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  std::printf("\nfiles: %zu, mutants: %" PRIu64 " (seed %" PRIu64 ", %d worker%s), %.1f s, %.0f "
              "mutants/s\n",
              inputs.size(), done, o.seed, jobs, jobs == 1 ? "" : "s", seconds,
              seconds > 0 ? double(done) / seconds : 0.0);
  std::printf("\n%-18s %9s %9s %9s %9s %9s %9s %7s %7s\n", "kind", "mutants", "rejected",
              "link-rej", "ran-ok", "guest-err", "limit", "crash", "hang");
  for (int k = 0; k < kKindCount; k++) {
    if (!totals.byKind[k]) continue;
    const uint64_t* c = totals.byKindOutcome[k];
    std::printf("%-18s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
                " %7" PRIu64 " %7" PRIu64 "\n",
                kKindNames[k], totals.byKind[k], c[Rejected] + c[BadMessage], c[LinkRejected],
                c[RanOk], c[GuestError], c[HitLimit], c[Crash], c[Hang]);
  }
  const uint64_t* c = totals.byOutcome;
  std::printf("%-18s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
              " %7" PRIu64 " %7" PRIu64 "\n",
              "total", done, c[Rejected] + c[BadMessage], c[LinkRejected], c[RanOk], c[GuestError],
              c[HitLimit], c[Crash], c[Hang]);
  std::printf("\nrejected without a proper message: %" PRIu64 ", crashes: %" PRIu64
              ", hangs: %" PRIu64 "\n",
              c[BadMessage], c[Crash], c[Hang]);
  for (const std::string& f : totals.failures)
    std::printf("  %s\n", f.c_str());
  return totals.failures.empty() ? 0 : 1;
}

int usage(const char* message) {
  std::fprintf(
      stderr,
      "nuri_mutate: %s\nusage: nuri_mutate [--mutants-per-file N] [--seed S] [--jobs J] "
      "[--save-dir DIR] [--fuel N] [--heap-limit BYTES] [--timeout S] [--jit MODE] "
      "[--hang-seconds S] [--mutant FILE_INDEX:I] [--as-is] [--generate-only] FILE.nbc...\n",
      message);
  return 64;
}

} // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<Input> inputs;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        usage((std::string(name) + " needs a value").c_str());
        std::exit(64);
      }
      return argv[++i];
    };
    if (arg == "--mutants-per-file") {
      o.mutantsPerFile = std::strtoull(value("--mutants-per-file"), nullptr, 10);
    } else if (arg == "--seed") {
      o.seed = std::strtoull(value("--seed"), nullptr, 10);
    } else if (arg == "--jobs") {
      o.jobs = std::atoi(value("--jobs"));
    } else if (arg == "--save-dir") {
      o.saveDir = value("--save-dir");
    } else if (arg == "--fuel") {
      o.limits.fuel = std::strtoull(value("--fuel"), nullptr, 10);
    } else if (arg == "--heap-limit") {
      o.limits.heapBytes = std::strtoull(value("--heap-limit"), nullptr, 10);
    } else if (arg == "--timeout") {
      o.limits.timeoutSeconds = std::atof(value("--timeout"));
    } else if (arg == "--jit") {
      std::string mode = value("--jit");
      if (mode != "off" && mode != "auto" && mode != "always") {
        return usage("--jit needs off, auto or always");
      }
      o.limits.jit = mode == "off"      ? nuri::JitMode::Off
                     : mode == "always" ? nuri::JitMode::Always
                                        : nuri::JitMode::Auto;
    } else if (arg == "--hang-seconds") {
      o.limits.hangSeconds = std::atof(value("--hang-seconds"));
    } else if (arg == "--mutant") {
      unsigned file = 0, index = 0;
      if (std::sscanf(value("--mutant"), "%u:%u", &file, &index) != 2)
        return usage("--mutant needs FILE_INDEX:INDEX");
      o.only = Task{file, index};
    } else if (arg == "--as-is") {
      o.asIs = true;
    } else if (arg == "--generate-only") {
      o.generateOnly = true;
    } else if (arg.rfind("--", 0) == 0) {
      return usage(("unknown option " + arg).c_str());
    } else {
      inputs.push_back(Input{});
      inputs.back().path = arg;
    }
  }
  if (inputs.empty()) return usage("no files given");
  size_t mutants = 0;
  for (Input& in : inputs) {
    std::string error;
    if (o.asIs) {
      if (!readFile(in.path, in.bytes)) return usage(("cannot read " + in.path).c_str());
      in.name = in.path.substr(in.path.rfind('/') + 1);
      std::ifstream argsFile(in.path + ".args");
      for (std::string line; std::getline(argsFile, line);)
        in.args.push_back(line);
      continue;
    }
    if (!prepareInput(in, error)) {
      std::fprintf(stderr, "nuri_mutate: %s\n", error.c_str());
      return 1;
    }
    mutants += o.mutantsPerFile;
  }
  signal(SIGPIPE, SIG_IGN);
  std::printf("nuri_mutate: %zu files, %zu mutants, seed %" PRIu64 ", fuel %" PRIu64
              ", heap %" PRIu64 " bytes, timeout %.1f s\n",
              inputs.size(), o.asIs ? inputs.size() : mutants, o.seed, o.limits.fuel,
              o.limits.heapBytes, o.limits.timeoutSeconds);
  std::fflush(stdout);
  return runAll(inputs, o);
}
