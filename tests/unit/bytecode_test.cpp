// vm/bytecode/writer.h, reader.h and verifier.h: the .nbc round trip, the loader's rejection
// of malformed files and the verifier's rejection of unsafe code, with the messages users see.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "compiler/compile.h"
#include "nuri/nuri.h"
#include "vm/bytecode/format.h"
#include "vm/bytecode/module.h"
#include "vm/bytecode/opcodes.h"
#include "vm/bytecode/reader.h"
#include "vm/bytecode/verifier.h"
#include "vm/bytecode/writer.h"

namespace nuri {
namespace {

Module compileOk(const std::string& source, const std::string& name = "prog.nuri") {
  CompileOutput out = compileModule(source, name);
  EXPECT_TRUE(out.module) << out.diagnostics;
  return out.module ? *out.module : Module{};
}

const char* const kRichProgram = R"(// classes, globals, every kind of constant, natives, main
class Account {
  let owner: string
  private var cents: int = 0
  init(owner: string) { this.owner = owner }
  fun deposit(amount: int) { cents += amount }
  fun balance(): float { return cents / 100.0 }
  fun toString(): string { return "${owner}: ${balance()}" }
}
let big = 9223372036854775807
let small = -9223372036854775807 - 1
let tiny = 5e-324
let huge = 1.7976931348623157e308
let negZero = -0.0
let text = "héllo 😀 \u{0} end"
let empty = ""
var grid = new int[2][3]
fun fib(n: int): int {
  if (n < 2) { return n }
  return fib(n - 1) + fib(n - 2)
}
fun main(args: string[]): int {
  let a = Account("ann")
  a.deposit(250)
  println(a)
  var sum = 0.0
  for (i in 0..10) { sum += Math.sqrt(i.toFloat()) }
  for (s in args) { println(s.upper()) }
  let sb = StringBuilder()
  sb.append(big).append(small).append(tiny).append(huge).append(negZero)
  println(sb.toString() + text.length + empty + grid.length)
  return fib(10) % 256
}
)";

const char* const kLoopProgram = R"(fun count(n: int): int {
  var i = 0
  var total = 0
  while (i < n) {
    total = total + i * 2
    i = i + 1
  }
  return total
}
fun shout(s: string) { println(s.upper()) }
println(count(10))
shout("x")
)";

// ---- Field-by-field equality ----

void expectSameFunction(const FunctionEntry& a, const FunctionEntry& b, size_t i) {
  SCOPED_TRACE("function " + std::to_string(i) + " " + a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.ownerClass, b.ownerClass);
  EXPECT_EQ(a.isPrivate, b.isPrivate);
  EXPECT_EQ(a.isProtected, b.isProtected);
  EXPECT_EQ(a.isAbstract, b.isAbstract);
  EXPECT_EQ(a.isStatic, b.isStatic);
  EXPECT_EQ(a.paramCount, b.paramCount);
  EXPECT_EQ(a.returnType, b.returnType);
  EXPECT_EQ(a.registerTypes, b.registerTypes);
  EXPECT_EQ(a.code, b.code);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (size_t k = 0; k < a.lines.size(); k++) {
    EXPECT_EQ(a.lines[k].pc, b.lines[k].pc) << k;
    EXPECT_EQ(a.lines[k].line, b.lines[k].line) << k;
  }
  ASSERT_EQ(a.locals.size(), b.locals.size());
  for (size_t k = 0; k < a.locals.size(); k++) {
    EXPECT_EQ(a.locals[k].name, b.locals[k].name) << k;
    EXPECT_EQ(a.locals[k].reg, b.locals[k].reg) << k;
  }
}

void expectSameModule(const Module& a, const Module& b) {
  EXPECT_EQ(a.sourceFile, b.sourceFile);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.ints, b.ints);
  ASSERT_EQ(a.floats.size(), b.floats.size());
  for (size_t i = 0; i < a.floats.size(); i++) // bit for bit: -0.0, NaN payloads
    EXPECT_EQ(std::memcmp(&a.floats[i], &b.floats[i], sizeof(double)), 0) << a.floats[i];
  EXPECT_EQ(a.strings, b.strings);
  ASSERT_EQ(a.globals.size(), b.globals.size());
  for (size_t i = 0; i < a.globals.size(); i++) {
    EXPECT_EQ(a.globals[i].name, b.globals[i].name);
    EXPECT_EQ(a.globals[i].type, b.globals[i].type);
  }
  ASSERT_EQ(a.classes.size(), b.classes.size());
  for (size_t i = 0; i < a.classes.size(); i++) {
    const ClassEntry& x = a.classes[i];
    const ClassEntry& y = b.classes[i];
    SCOPED_TRACE("class " + x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.isInterface, y.isInterface);
    EXPECT_EQ(x.isAbstract, y.isAbstract);
    EXPECT_EQ(x.superclass, y.superclass);
    ASSERT_EQ(x.fields.size(), y.fields.size());
    for (size_t k = 0; k < x.fields.size(); k++) {
      EXPECT_EQ(x.fields[k].name, y.fields[k].name);
      EXPECT_EQ(x.fields[k].type, y.fields[k].type);
      EXPECT_EQ(x.fields[k].isPrivate, y.fields[k].isPrivate);
      EXPECT_EQ(x.fields[k].isLet, y.fields[k].isLet);
      EXPECT_EQ(x.fields[k].isPrivateSet, y.fields[k].isPrivateSet);
      EXPECT_EQ(x.fields[k].isProtected, y.fields[k].isProtected);
    }
    EXPECT_EQ(x.methods, y.methods);
    ASSERT_EQ(x.interfaces.size(), y.interfaces.size());
    for (size_t k = 0; k < x.interfaces.size(); k++) {
      EXPECT_EQ(x.interfaces[k].interfaceClass, y.interfaces[k].interfaceClass);
      EXPECT_EQ(x.interfaces[k].functions, y.interfaces[k].functions);
    }
    EXPECT_EQ(x.initializer, y.initializer);
  }
  ASSERT_EQ(a.functions.size(), b.functions.size());
  for (size_t i = 0; i < a.functions.size(); i++)
    expectSameFunction(a.functions[i], b.functions[i], i);
  EXPECT_EQ(a.natives, b.natives);
  EXPECT_EQ(a.initFunction, b.initFunction);
  EXPECT_EQ(a.mainFunction, b.mainFunction);
}

std::shared_ptr<Module> read(const std::vector<uint8_t>& bytes, std::string& error) {
  return readBytecode(bytes.data(), bytes.size(), error);
}

std::string readError(const std::vector<uint8_t>& bytes) {
  std::string error;
  std::shared_ptr<Module> m = read(bytes, error);
  if (m) return "<accepted>";
  EXPECT_FALSE(error.empty());
  return error;
}

// ---- Round trip ----

TEST(BytecodeRoundTrip, RichProgram) {
  Module m = compileOk(kRichProgram);
  ASSERT_FALSE(m.functions.empty());
  ASSERT_FALSE(m.classes.empty());
  ASSERT_FALSE(m.natives.empty());
  std::vector<uint8_t> bytes = writeBytecode(m);
  std::string error;
  std::shared_ptr<Module> back = read(bytes, error);
  ASSERT_TRUE(back) << error;
  expectSameModule(m, *back);
  EXPECT_TRUE(verifyModule(*back, error)) << error;
  // Writing the decoded module gives the same bytes.
  EXPECT_EQ(writeBytecode(*back), bytes);
}

TEST(BytecodeRoundTrip, LoopProgramAndEmptyProgram) {
  for (const char* source : {kLoopProgram, "", "// only a comment\n", "fun main() {}\n"}) {
    SCOPED_TRACE(source);
    Module m = compileOk(source, "dir/p.nuri");
    std::vector<uint8_t> bytes = writeBytecode(m);
    std::string error;
    std::shared_ptr<Module> back = read(bytes, error);
    ASSERT_TRUE(back) << error;
    expectSameModule(m, *back);
  }
}

TEST(BytecodeRoundTrip, HandBuiltTablesWithExtremeValues) {
  Module m = compileOk("println(1)\n");
  m.ints = {0, 1, -1, INT64_MAX, INT64_MIN, 1 << 20};
  m.floats = {0.0, -0.0, std::nan(""), -INFINITY, INFINITY, 5e-324, 1.7976931348623157e308};
  m.strings = {"", std::string("a\0b", 3), "ütf-8 😀", std::string(1000, 'x')};
  m.sourceFile = "ünïcode name.nuri";
  std::vector<uint8_t> bytes = writeBytecode(m);
  std::string error;
  std::shared_ptr<Module> back = read(bytes, error);
  ASSERT_TRUE(back) << error;
  expectSameModule(m, *back);
}

const char* const kFlagsProgram = R"(class Zq {
  var fz: int = 0
  fun fn(): int { return fz }
}
println(Zq().fn())
)";

// The class, field and function named Zq, fz and Zq.fn in a module compiled from kFlagsProgram.
struct FlagsTargets {
  ClassEntry* cls = nullptr;
  FieldEntry* field = nullptr;
  FunctionEntry* function = nullptr;
};
FlagsTargets flagsTargets(Module& m) {
  FlagsTargets t;
  for (ClassEntry& c : m.classes) {
    if (c.name != "Zq") continue;
    t.cls = &c;
    for (FieldEntry& f : c.fields)
      if (f.name == "fz") t.field = &f;
  }
  for (FunctionEntry& f : m.functions)
    if (f.name == "Zq.fn") t.function = &f;
  EXPECT_TRUE(t.cls && t.field && t.function);
  return t;
}

TEST(BytecodeRoundTrip, AbstractAndProtectedFlags) {
  Module m = compileOk(kFlagsProgram);
  FlagsTargets t = flagsTargets(m);
  ASSERT_TRUE(t.cls && t.field && t.function);
  t.cls->isAbstract = true;
  t.field->isProtected = true;
  t.field->isPrivateSet = true;
  t.function->isProtected = true;
  t.function->isStatic = true;
  std::vector<uint8_t> bytes = writeBytecode(m);
  std::string error;
  std::shared_ptr<Module> back = read(bytes, error);
  ASSERT_TRUE(back) << error;
  expectSameModule(m, *back);
  EXPECT_EQ(writeBytecode(*back), bytes);
}

// The offset of the flags byte after the first `name` (a short string) in `bytes`, skipping
// `between` one-byte varints.
size_t flagsAfter(const std::vector<uint8_t>& bytes, const std::string& name, size_t between) {
  std::vector<uint8_t> pattern{uint8_t(name.size())};
  pattern.insert(pattern.end(), name.begin(), name.end());
  auto at = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
  EXPECT_NE(at, bytes.end()) << name;
  return size_t(at - bytes.begin()) + pattern.size() + between;
}

TEST(BytecodeLoaderFlags, ContradictingAndUnknownFlagsAreRejected) {
  Module m = compileOk(kFlagsProgram);
  FlagsTargets t = flagsTargets(m);
  ASSERT_TRUE(t.cls && t.field && t.function);
  std::vector<uint8_t> bytes = writeBytecode(m);
  size_t classFlags = flagsAfter(bytes, "Zq", 0);
  size_t fieldFlags = flagsAfter(bytes, "fz", 1);       // after the type
  size_t functionFlags = flagsAfter(bytes, "Zq.fn", 2); // after the owner and the file
  ASSERT_EQ(bytes[classFlags], 0);
  ASSERT_EQ(bytes[fieldFlags], 0);
  ASSERT_EQ(bytes[functionFlags], 0);
  const std::string badClass = "classes section: bad flags in class Zq";
  const std::string badField = "classes section: bad field flags in class Zq";
  const std::string badFunction = "functions section: bad flags in function Zq.fn";
  for (uint8_t flags : {1, 2}) { // interface, abstract
    std::vector<uint8_t> patched = bytes;
    patched[classFlags] = flags;
    EXPECT_EQ(readError(patched), "<accepted>") << int(flags);
  }
  for (uint8_t flags : {3, 4, 0x80}) { // interface and abstract; unknown bits
    std::vector<uint8_t> patched = bytes;
    patched[classFlags] = flags;
    EXPECT_EQ(readError(patched), badClass) << int(flags);
  }
  for (uint8_t flags : {8, 15 - 1}) { // protected; protected, let and private(set)
    std::vector<uint8_t> patched = bytes;
    patched[fieldFlags] = flags;
    EXPECT_EQ(readError(patched), "<accepted>") << int(flags);
    patched = bytes;
    patched[functionFlags] = flags;
    EXPECT_EQ(readError(patched), "<accepted>") << int(flags);
  }
  for (uint8_t flags : {9, 15, 16, 0xFF}) { // private and protected; unknown bits
    std::vector<uint8_t> patched = bytes;
    patched[fieldFlags] = flags;
    EXPECT_EQ(readError(patched), badField) << int(flags);
    patched = bytes;
    patched[functionFlags] = flags;
    EXPECT_EQ(readError(patched), badFunction) << int(flags);
  }
  // The writer writes what it is given; the reader refuses the contradictions.
  t.function->isPrivate = t.function->isProtected = true;
  EXPECT_EQ(readError(writeBytecode(m)), badFunction);
}

TEST(BytecodeRoundTrip, FileStartsWithMagicAndVersion) {
  std::vector<uint8_t> bytes = writeBytecode(compileOk("println(1)\n"));
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::memcmp(bytes.data(), nbc::kMagic, 8), 0);
  EXPECT_EQ(bytes[8] | bytes[9] << 8, nbc::kVersionMajor);
  EXPECT_EQ(bytes[10] | bytes[11] << 8, nbc::kVersionMinor);
}

// ---- Loader rejections ----

class BytecodeLoader : public ::testing::Test {
protected:
  void SetUp() override { valid = writeBytecode(compileOk(kRichProgram)); }
  std::vector<uint8_t> valid;

  // Offset of the section header (id, length) of section `id` in `bytes`.
  size_t sectionOffset(const std::vector<uint8_t>& bytes, nbc::Section id) {
    size_t at = 12;
    while (at + 8 <= bytes.size()) {
      uint32_t got, length;
      std::memcpy(&got, &bytes[at], 4);
      std::memcpy(&length, &bytes[at + 4], 4);
      if (got == uint32_t(id)) return at;
      at += 8 + length;
    }
    ADD_FAILURE() << "no section " << uint32_t(id);
    return 0;
  }

  // `bytes` with the body of section `id` replaced by `body` (the length is updated).
  std::vector<uint8_t> withSectionBody(nbc::Section id, const std::vector<uint8_t>& body) {
    size_t at = sectionOffset(valid, id);
    uint32_t length;
    std::memcpy(&length, &valid[at + 4], 4);
    std::vector<uint8_t> out(valid.begin(), valid.begin() + at + 4);
    uint32_t newLength = uint32_t(body.size());
    for (int i = 0; i < 4; i++)
      out.push_back(uint8_t(newLength >> (8 * i)));
    out.insert(out.end(), body.begin(), body.end());
    out.insert(out.end(), valid.begin() + at + 8 + length, valid.end());
    return out;
  }
};

TEST_F(BytecodeLoader, ValidFileIsAccepted) {
  EXPECT_EQ(readError(valid), "<accepted>");
  Result<Program> p = loadBytecode(valid, "app.nbc");
  EXPECT_TRUE(p) << p.error().message;
}

TEST_F(BytecodeLoader, EmptyFile) {
  EXPECT_EQ(readError({}), "not a Nuri bytecode file (bad magic number)");
  Result<Program> p = loadBytecode({}, "empty.nbc");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Load);
  EXPECT_EQ(p.error().message, "empty.nbc: not a Nuri bytecode file (bad magic number)");
  EXPECT_EQ(p.error().render(), "error: empty.nbc: not a Nuri bytecode file (bad magic number)\n");
}

TEST_F(BytecodeLoader, BadMagic) {
  std::vector<uint8_t> bytes = valid;
  bytes[0] = 'X';
  EXPECT_EQ(readError(bytes), "not a Nuri bytecode file (bad magic number)");
  bytes = valid;
  bytes[7] = '\n' + 1; // the CR LF guard against text-mode transfers
  EXPECT_EQ(readError(bytes), "not a Nuri bytecode file (bad magic number)");
  std::string text = "println(\"this is source, not bytecode\")\n";
  EXPECT_EQ(readError(std::vector<uint8_t>(text.begin(), text.end())),
            "not a Nuri bytecode file (bad magic number)");
}

TEST_F(BytecodeLoader, WrongVersion) {
  const std::string reads = " (this VM reads " + std::to_string(nbc::kVersionMajor) + "." +
                            std::to_string(nbc::kVersionMinor) +
                            "; rebuild the program with `nuri build`)";
  std::vector<uint8_t> bytes = valid;
  bytes[8] = uint8_t(nbc::kVersionMajor + 1);
  EXPECT_EQ(readError(bytes), "unsupported bytecode version " +
                                  std::to_string(nbc::kVersionMajor + 1) + "." +
                                  std::to_string(nbc::kVersionMinor) + reads);
  bytes = valid;
  bytes[10] = uint8_t(nbc::kVersionMinor + 1); // a newer minor version
  EXPECT_EQ(readError(bytes), "unsupported bytecode version " + std::to_string(nbc::kVersionMajor) +
                                  "." + std::to_string(nbc::kVersionMinor + 1) + reads);
  bytes = valid;
  bytes[9] = 0x01; // major 256 + kVersionMajor
  EXPECT_EQ(readError(bytes), "unsupported bytecode version " +
                                  std::to_string(256 + nbc::kVersionMajor) + "." +
                                  std::to_string(nbc::kVersionMinor) + reads);
}

TEST_F(BytecodeLoader, EveryTruncationIsRejectedWithAMessage) {
  ASSERT_GT(valid.size(), 100u);
  for (size_t n = 0; n < valid.size(); n++) {
    std::vector<uint8_t> cut(valid.begin(), valid.begin() + n);
    std::string error;
    std::shared_ptr<Module> m = read(cut, error);
    ASSERT_FALSE(m) << "a file cut to " << n << " of " << valid.size() << " bytes was accepted";
    bool known = error == "not a Nuri bytecode file (bad magic number)" ||
                 error.find("unexpected end of data (truncated file?)") != std::string::npos ||
                 error.find("runs past the end of the file") != std::string::npos ||
                 error.find("exceeds the section size") != std::string::npos;
    ASSERT_TRUE(known) << "cut to " << n << ": " << error;
  }
}

TEST_F(BytecodeLoader, TruncationMessagesNameWhereTheDataEnded) {
  EXPECT_EQ(readError(std::vector<uint8_t>(valid.begin(), valid.begin() + 7)),
            "not a Nuri bytecode file (bad magic number)");
  EXPECT_EQ(readError(std::vector<uint8_t>(valid.begin(), valid.begin() + 10)),
            "header: unexpected end of data (truncated file?)");
  // Cut in the middle of the last section: its declared length runs past the end.
  size_t natives = sectionOffset(valid, nbc::Section::Natives);
  uint32_t length;
  std::memcpy(&length, &valid[natives + 4], 4);
  EXPECT_EQ(readError(std::vector<uint8_t>(valid.begin(), valid.end() - 1)),
            "natives section: length " + std::to_string(length) + " runs past the end of the file");
}

TEST_F(BytecodeLoader, FileLargerThanTheLimit) {
  // Reserved, never-touched zero pages: the size alone must be rejected, before any parsing.
  size_t size = size_t(nbc::kMaxFileBytes) + 1;
  void* pages = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(pages, MAP_FAILED);
  std::string error;
  EXPECT_EQ(readBytecode(static_cast<const uint8_t*>(pages), size, error), nullptr);
  EXPECT_EQ(error, "file is larger than the 256 MB limit for bytecode");
  munmap(pages, size);
}

TEST_F(BytecodeLoader, TrailingGarbage) {
  std::vector<uint8_t> bytes = valid;
  bytes.push_back(0);
  EXPECT_EQ(readError(bytes), "header: 1 unexpected trailing bytes");
  bytes.insert(bytes.end(), {1, 2, 3});
  EXPECT_EQ(readError(bytes), "header: 4 unexpected trailing bytes");
}

TEST_F(BytecodeLoader, TrailingBytesInsideASection) {
  size_t meta = sectionOffset(valid, nbc::Section::Meta);
  uint32_t length;
  std::memcpy(&length, &valid[meta + 4], 4);
  std::vector<uint8_t> body(valid.begin() + meta + 8, valid.begin() + meta + 8 + length);
  body.push_back(0);
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Meta, body)),
            "meta section: 1 unexpected trailing bytes");
}

TEST_F(BytecodeLoader, SectionLengthPastTheEnd) {
  for (nbc::Section id : {nbc::Section::Meta, nbc::Section::Functions}) {
    std::vector<uint8_t> bytes = valid;
    size_t at = sectionOffset(bytes, id);
    bytes[at + 4] = bytes[at + 5] = bytes[at + 6] = bytes[at + 7] = 0xFF;
    std::string name = id == nbc::Section::Meta ? "meta" : "functions";
    EXPECT_EQ(readError(bytes), name + " section: length 4294967295 runs past the end of the file");
  }
  // One byte too long.
  std::vector<uint8_t> bytes = valid;
  size_t at = sectionOffset(bytes, nbc::Section::Natives);
  uint32_t length;
  std::memcpy(&length, &bytes[at + 4], 4);
  length++;
  std::memcpy(&bytes[at + 4], &length, 4);
  EXPECT_EQ(readError(bytes),
            "natives section: length " + std::to_string(length) + " runs past the end of the file");
}

TEST_F(BytecodeLoader, SectionsOutOfOrder) {
  std::vector<uint8_t> bytes = valid;
  size_t at = sectionOffset(bytes, nbc::Section::Types);
  bytes[at] = uint8_t(nbc::Section::Constants);
  EXPECT_EQ(readError(bytes), "expected section types (id 2), found id 3");
}

TEST_F(BytecodeLoader, HugeCountInATinyFile) {
  // A types section that claims 4294967295 entries in 5 bytes: rejected before allocating.
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Types, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F})),
            "types section: type count 4294967295 exceeds the section size");
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Natives, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F})),
            "natives section: native count 4294967295 exceeds the section size");
  // A count beyond 32 bits, and a varint that never ends.
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Types, {0xFF, 0xFF, 0xFF, 0xFF, 0x10})),
            "types section: number out of range");
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Types, std::vector<uint8_t>(11, 0xFF))),
            "types section: malformed number");
}

TEST_F(BytecodeLoader, BadStringsAndKinds) {
  // Meta: a source file name that is not UTF-8.
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Meta, {2, 0xC3, 0x28, 1, 0})),
            "meta section: source file name is not valid UTF-8");
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Types, {1, 99})),
            "types section: unknown type kind 99");
}

TEST_F(BytecodeLoader, NamesWithControlCharacters) {
  // Names appear in error messages and stack traces, which are one line each.
  EXPECT_EQ(readError(withSectionBody(nbc::Section::Meta, {3, 'a', '\n', 'b', 0, 1, 0})),
            "meta section: source file name contains a control character");
  Module m = compileOk(kLoopProgram);
  m.classes.at(0).name = std::string("Err\0or", 6);
  EXPECT_EQ(readError(writeBytecode(m)),
            "classes section: class name contains a control character");
  m = compileOk(kLoopProgram);
  m.functions.at(0).name += "\x7F";
  EXPECT_EQ(readError(writeBytecode(m)),
            "functions section: function name contains a control character");
}

// ---- Loader and verifier through the public API ----

TEST_F(BytecodeLoader, LoadBytecodeVerifies) {
  Module m = compileOk(kLoopProgram);
  m.natives.at(0).name = "no_such_native";
  Result<Program> p = loadBytecode(writeBytecode(m), "bad.nbc");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Load);
  EXPECT_EQ(p.error().message, "bad.nbc: unknown native function `no_such_native`");
}

// ---- Verifier rejections ----

struct Decoded {
  uint32_t pc;
  Opcode op;
};

std::vector<Decoded> decode(const FunctionEntry& f) {
  std::vector<Decoded> out;
  uint32_t pc = 0;
  while (pc < f.code.size()) {
    uint32_t length = instructionLength(&f.code[pc], uint32_t(f.code.size() - pc));
    if (!length) break;
    out.push_back({pc, Opcode(f.code[pc])});
    pc += length;
  }
  return out;
}

FunctionEntry& functionNamed(Module& m, const std::string& name) {
  for (FunctionEntry& f : m.functions) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no function " << name;
  return m.functions.at(0);
}

uint32_t firstPc(const FunctionEntry& f, Opcode op) {
  for (const Decoded& d : decode(f)) {
    if (d.op == op) return d.pc;
  }
  ADD_FAILURE() << f.name << " has no " << opcodeInfo(op).name;
  return 0;
}

uint32_t addType(Module& m, TypeKind kind) {
  for (uint32_t i = 0; i < m.types.size(); i++) {
    if (m.types[i].kind == kind) return i;
  }
  m.types.push_back({kind, kNoIndex, kNoIndex, {}});
  return uint32_t(m.types.size() - 1);
}

std::string verifyError(const Module& m) {
  std::string error;
  if (verifyModule(m, error)) return "<verified>";
  return error;
}

TEST(ClassLayouts, InheritedFieldsComeFirst) {
  Module m = compileOk("class P { var a: int = 1\n var b: int = 2 }\n"
                       "class Q extends P { var c: int = 3 }\nprintln(Q().c)\n");
  for (size_t i = 0; i < m.classes.size(); i++) {
    if (m.classes[i].name != "Q") continue;
    std::vector<std::vector<LayoutSlot>> layouts = classLayouts(m);
    std::vector<std::string> names;
    for (const LayoutSlot& slot : layouts[i])
      names.push_back(slot.field->name + "@" + m.classes[slot.owner].name);
    EXPECT_EQ(names, (std::vector<std::string>{"a@P", "b@P", "c@Q"}));
  }
}

TEST(ClassLayouts, HostileTablesGiveNoHugeLayouts) {
  Module m;
  // A chain of classes, each repeating the layout of the one before: quadratic in total.
  for (uint32_t i = 0; i < 4000; i++) {
    ClassEntry c;
    c.name = std::to_string(i); // (GCC 12 misreads "C" + ... as an overlapping copy)
    c.superclass = i ? i - 1 : kNoIndex;
    c.fields.resize(1000);
    m.classes.push_back(std::move(c));
  }
  EXPECT_TRUE(classLayouts(m).empty());
  m.classes.resize(2);
  m.classes[0].superclass = 1; // a superclass after its class is ignored
  EXPECT_EQ(classLayouts(m)[0].size(), 1000u);
  EXPECT_EQ(classLayouts(m)[1].size(), 2000u);
}

TEST(Verifier, CompiledProgramsVerify) {
  EXPECT_EQ(verifyError(compileOk(kRichProgram)), "<verified>");
  EXPECT_EQ(verifyError(compileOk(kLoopProgram)), "<verified>");
}

TEST(Verifier, ReportsWhereItFailed) {
  // The compiler turns a failure of its own output into an error at the instruction's line.
  Module m = compileOk("fun add(a: int, b: int): int {\n  return a + b\n}\n");
  FunctionEntry& f = functionNamed(m, "add");
  uint32_t pc = firstPc(f, Opcode::ADD_INT);
  f.registerTypes[1] = addType(m, TypeKind::Float);
  std::string error;
  VerifyLocation where;
  ASSERT_FALSE(verifyModule(m, error, &where));
  EXPECT_EQ(m.functions[where.function].name, "add");
  EXPECT_EQ(where.pc, pc);
  EXPECT_EQ(m.lineAt(where.function, where.pc), 2u);
}

TEST(Verifier, MethodTablesAreBoundedInAll) {
  // Each class repeats its superclass's vtable: 2,000 subclasses of a class with 2,100 methods
  // would make the loader check 4.2 million entries.
  Module m = compileOk("class Base {\n  fun m() {}\n}\n");
  ClassEntry& base = m.classes.back();
  uint32_t baseIndex = uint32_t(m.classes.size() - 1);
  base.methods.assign(2100, base.methods.at(0));
  for (int i = 0; i < 2000; i++) {
    ClassEntry sub = m.classes[baseIndex];
    sub.name = "Sub" + std::to_string(i);
    sub.superclass = baseIndex;
    m.classes.push_back(std::move(sub));
  }
  EXPECT_EQ(verifyError(m),
            "classes: more than " + std::to_string(nbc::kMaxMethodTableEntries) +
                " entries in their method tables in all, counting inherited methods");
}

TEST(Verifier, RegisterTypeMismatch) {
  Module m = compileOk("fun add(a: int, b: int): int { return a + b }\n");
  FunctionEntry& f = functionNamed(m, "add");
  uint32_t pc = firstPc(f, Opcode::ADD_INT);
  ASSERT_EQ(f.code[pc + 3], 1u); // ADD_INT r?, r0, r1
  f.registerTypes[1] = addType(m, TypeKind::Float);
  EXPECT_EQ(verifyError(m), "function add, pc " + std::to_string(pc) +
                                ": ADD_INT reads r1 of type float (needs an int)");
}

TEST(Verifier, ReferenceInAnIntRegister) {
  Module m = compileOk("fun len(s: string): int { return s.length }\n");
  FunctionEntry& f = functionNamed(m, "len");
  f.registerTypes[0] = addType(m, TypeKind::Int); // the string parameter now claims to be an int
  uint32_t pc = firstPc(f, Opcode::CALL_NATIVE);
  EXPECT_EQ(verifyError(m), "function len, pc " + std::to_string(pc) +
                                ": CALL_NATIVE passes r0 of type int as argument 0 of native "
                                "string_length");
}

TEST(Verifier, JumpIntoTheMiddleOfAnInstruction) {
  Module m = compileOk(kLoopProgram);
  FunctionEntry& f = functionNamed(m, "count");
  std::vector<Decoded> code = decode(f);
  size_t k = 0;
  while (k + 1 < code.size() && code[k].op != Opcode::JMP)
    k++;
  ASSERT_LT(k + 1, code.size()) << "no JMP followed by an instruction in count";
  uint32_t jmp = code[k].pc;
  uint32_t target = code[k + 1].pc + 1; // the second word of the instruction after the JMP
  ASSERT_LT(target, k + 2 < code.size() ? code[k + 2].pc : f.code.size());
  f.code[jmp + 1] = target - jmp;
  EXPECT_EQ(verifyError(m), "function count: a branch targets pc " + std::to_string(target) +
                                ", which is not the start of an instruction");
}

TEST(Verifier, JumpOutsideTheFunction) {
  Module m = compileOk(kLoopProgram);
  FunctionEntry& f = functionNamed(m, "count");
  uint32_t jmp = firstPc(f, Opcode::JMP);
  uint32_t size = uint32_t(f.code.size());
  f.code[jmp + 1] = size - jmp; // one past the last word
  EXPECT_EQ(verifyError(m), "function count, pc " + std::to_string(jmp) + ": JMP jumps to " +
                                std::to_string(size) + ", outside the function");
  f.code[jmp + 1] = uint32_t(-int32_t(jmp) - 1); // one before the first word
  EXPECT_EQ(verifyError(m), "function count, pc " + std::to_string(jmp) +
                                ": JMP jumps to -1, outside the function");
  f.code[jmp + 1] = 0x80000000u; // the most negative offset
  EXPECT_EQ(verifyError(m), "function count, pc " + std::to_string(jmp) + ": JMP jumps to " +
                                std::to_string(int64_t(jmp) - 2147483648LL) +
                                ", outside the function");
}

TEST(Verifier, MissingFinalReturn) {
  Module m = compileOk(kLoopProgram);
  FunctionEntry& f = functionNamed(m, "shout");
  ASSERT_EQ(Opcode(f.code.back()), Opcode::RETURN_VOID);
  f.code.pop_back();
  EXPECT_EQ(verifyError(m), "function shout: control can fall off the end of the function (the "
                            "last instruction must be a return or a jump)");
}

TEST(Verifier, InstructionRunsPastTheEnd) {
  Module m = compileOk(kLoopProgram);
  FunctionEntry& f = functionNamed(m, "shout");
  f.code.push_back(uint32_t(Opcode::ADD_INT)); // an ADD_INT without its operands
  EXPECT_EQ(verifyError(m), "function shout, pc " + std::to_string(f.code.size() - 1) +
                                ": ADD_INT runs past the end of the function");
}

TEST(Verifier, InvalidOpcode) {
  Module m = compileOk(kLoopProgram);
  FunctionEntry& f = functionNamed(m, "shout");
  f.code.insert(f.code.begin(), kOpcodeCount);
  EXPECT_EQ(verifyError(m), "function shout, pc 0: invalid opcode " + std::to_string(kOpcodeCount));
}

TEST(Verifier, CallWithWrongArgumentCount) {
  Module m = compileOk("fun twice(a: int): int { return a * 2 }\nprintln(twice(21))\n");
  FunctionEntry& twice = functionNamed(m, "twice");
  ASSERT_GE(twice.registerTypes.size(), 2u);
  twice.paramCount = 2; // the caller still passes one argument
  const FunctionEntry& init = m.functions[m.initFunction];
  uint32_t pc = firstPc(init, Opcode::CALL);
  EXPECT_EQ(verifyError(m), "function <module>, pc " + std::to_string(pc) +
                                ": CALL passes 1 arguments to twice, which takes 2");
}

TEST(Verifier, CallWithWrongArgumentType) {
  Module m = compileOk("fun twice(a: int): int { return a * 2 }\nprintln(twice(21))\n");
  FunctionEntry& twice = functionNamed(m, "twice");
  twice.registerTypes[0] = addType(m, TypeKind::Float);
  twice.code = {uint32_t(Opcode::LOAD_INT), 1, 0, uint32_t(Opcode::RETURN), 1};
  twice.lines = {{0, 1}};
  twice.locals.clear();
  const FunctionEntry& init = m.functions[m.initFunction];
  uint32_t pc = firstPc(init, Opcode::CALL);
  const uint32_t* call = &init.code[pc];
  EXPECT_EQ(verifyError(m), "function <module>, pc " + std::to_string(pc) + ": CALL r" +
                                std::to_string(call[4]) +
                                " has type int but parameter 0 of twice has type float");
}

TEST(Verifier, NativeNames) {
  Module m = compileOk(kLoopProgram);
  ASSERT_FALSE(m.natives.empty());
  m.natives.back().name = "";
  EXPECT_EQ(verifyError(m), "native " + std::to_string(m.natives.size() - 1) + " has no name");
  m.natives.back() = {"a.b", "f", *NativeSignature::parse("()V")};
  EXPECT_EQ(verifyError(m), "native " + std::to_string(m.natives.size() - 1) +
                                " (a.b.f) names a host function with a dotted module or "
                                "function name");
}

TEST(Verifier, NativeCallsMatchTheRecordedSignature) {
  Module m = compileOk("fun main() { println(\"a\".length) }\n");
  auto length = std::find_if(m.natives.begin(), m.natives.end(),
                             [](const NativeImport& n) { return n.name == "string_length"; });
  ASSERT_NE(length, m.natives.end());
  length->signature = *NativeSignature::parse("(S)F"); // its result register is an int
  EXPECT_NE(verifyError(m).find("stores the result of native string_length"), std::string::npos);
}

TEST(Verifier, ConstantIndexOutOfRange) {
  Module m = compileOk("let s = \"a\"\nlet f = 2.5\nlet n = 10000000000\nprintln(s + f + n)\n");
  FunctionEntry& init = m.functions[m.initFunction];
  uint32_t pc = firstPc(init, Opcode::LOAD_KSTR);
  init.code[pc + 2] = uint32_t(m.strings.size());
  EXPECT_EQ(verifyError(m), "function <module>, pc " + std::to_string(pc) +
                                ": LOAD_KSTR refers to string constant " +
                                std::to_string(m.strings.size()) + " but only " +
                                std::to_string(m.strings.size()) + " exist");

  m = compileOk("let s = \"a\"\nlet f = 2.5\nlet n = 10000000000\nprintln(s + f + n)\n");
  FunctionEntry& init2 = m.functions[m.initFunction];
  pc = firstPc(init2, Opcode::LOAD_KFLOAT);
  init2.code[pc + 2] = 0xFFFFFFFFu;
  EXPECT_EQ(verifyError(m), "function <module>, pc " + std::to_string(pc) +
                                ": LOAD_KFLOAT refers to float constant 4294967295 but only " +
                                std::to_string(m.floats.size()) + " exist");

  m = compileOk("let s = \"a\"\nlet f = 2.5\nlet n = 10000000000\nprintln(s + f + n)\n");
  FunctionEntry& init3 = m.functions[m.initFunction];
  pc = firstPc(init3, Opcode::LOAD_KINT);
  init3.code[pc + 2] = uint32_t(m.ints.size());
  EXPECT_EQ(verifyError(m), "function <module>, pc " + std::to_string(pc) +
                                ": LOAD_KINT refers to int constant " +
                                std::to_string(m.ints.size()) + " but only " +
                                std::to_string(m.ints.size()) + " exist");
}

TEST(Verifier, RegisterOutOfRange) {
  Module m = compileOk("fun add(a: int, b: int): int { return a + b }\n");
  FunctionEntry& f = functionNamed(m, "add");
  uint32_t pc = firstPc(f, Opcode::ADD_INT);
  f.code[pc + 2] = 1000;
  EXPECT_EQ(verifyError(m), "function add, pc " + std::to_string(pc) +
                                ": ADD_INT uses r1000 but the function has " +
                                std::to_string(f.registerTypes.size()) + " registers");
}

TEST(Verifier, ReturnOfTheWrongKind) {
  Module m = compileOk("fun add(a: int, b: int): int { return a + b }\n");
  FunctionEntry& f = functionNamed(m, "add");
  f.code.push_back(uint32_t(Opcode::RETURN_VOID));
  EXPECT_EQ(verifyError(m), "function add, pc " + std::to_string(f.code.size() - 1) +
                                ": RETURN_VOID returns nothing from a function that returns int");
}

// Hostile modules whose bad index is outside what the checks above look at. Run in a child
// process so that an out-of-bounds read fails this test instead of crashing the suite.
void expectRejectedInChild(const Module& m, const std::string& expectedRegex) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::vector<uint8_t> bytes = writeBytecode(m);
  EXPECT_EXIT(
      {
        Result<Program> p = loadBytecode(bytes, "hostile.nbc");
        std::cerr << (p ? std::string("accepted") : "rejected: " + p.error().message) << "\n";
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), expectedRegex);
}

TEST(VerifierHostile, InitialiserWithAnOutOfRangeReturnType) {
  Module m = compileOk("println(1)\n");
  m.functions[m.initFunction].returnType = 0x7FFFFFFF;
  expectRejectedInChild(m, "rejected: hostile.nbc: .*type index 2147483647 out of range");
}

TEST(VerifierHostile, MainWithAnOutOfRangeReturnType) {
  Module m = compileOk("fun main() {}\n");
  m.functions[m.mainFunction].returnType = 0x7FFFFFFF;
  expectRejectedInChild(m, "rejected: hostile.nbc: .*type index 2147483647 out of range");
}

TEST(VerifierHostile, MainWithAnOutOfRangeParameterType) {
  Module m = compileOk("fun main(args: string[]) {}\n");
  m.functions[m.mainFunction].registerTypes[0] = 0x7FFFFFFF;
  expectRejectedInChild(m, "rejected: hostile.nbc: .*type index 2147483647 out of range");
}

TEST(VerifierHostile, InitializerWithAnOutOfRangeReturnType) {
  Module m = compileOk("class C { var x: int }\nlet c = C()\n");
  const ClassEntry* c = nullptr;
  for (const ClassEntry& k : m.classes) {
    if (k.name == "C") c = &k;
  }
  ASSERT_TRUE(c);
  m.functions.at(c->initializer).returnType = 0x7FFFFFFF;
  expectRejectedInChild(m, "rejected: hostile.nbc: .*type index 2147483647 out of range");
}

// A class may come before the interfaces it implements; their method tables are checked before
// the class's are compared with them.
TEST(VerifierHostile, InterfaceAfterItsClassWithAnOutOfRangeMethod) {
  Module m = compileOk("class C implements I {\n  fun f(): int { return 1 }\n}\n"
                       "interface I {\n  fun f(): int\n}\n"
                       "fun main() {\n  let i: I = C()\n  println(i.f())\n}\n");
  ClassEntry* c = nullptr;
  ClassEntry* i = nullptr;
  for (ClassEntry& k : m.classes) {
    if (k.name == "C") c = &k;
    if (k.name == "I") i = &k;
  }
  ASSERT_TRUE(c && i);
  ASSERT_LT(c, i); // the case being tested: the class is checked first
  ASSERT_EQ(verifyError(m), "<verified>");
  i->methods.at(0) = 0x7FFFFFFF;
  expectRejectedInChild(m, "rejected: hostile.nbc: interface I: function index out of range");
}

} // namespace
} // namespace nuri

namespace nuri {
namespace {

// Flips random bytes of a valid file. Every result must either be rejected with a message or,
// once accepted (loaded and verified), run without crashing the host: the verifier is what makes
// untrusted bytecode safe. Runs in a child process so a crash fails only this test.
[[noreturn]] void fuzzAndExit(const std::vector<uint8_t>& valid) {
  alarm(10); // every run has a fuel limit: a hang is a failure (SIGALRM), not a stuck suite
  uint64_t seed = 0x9E3779B97F4A7C15u;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int accepted = 0, rejected = 0, badMessages = 0;
  for (int i = 0; i < 3000; i++) {
    std::vector<uint8_t> bytes = valid;
    int flips = 1 + int(next() % 4);
    for (int k = 0; k < flips; k++)
      bytes[next() % bytes.size()] = uint8_t(next());
    Result<Program> p = loadBytecode(bytes, "fuzz.nbc");
    if (!p) {
      rejected++;
      if (p.error().message.rfind("fuzz.nbc: ", 0) != 0 || p.error().message.size() < 12) {
        badMessages++;
        std::cerr << "bad message: " << p.error().message << "\n";
      }
      continue;
    }
    accepted++;
    IsolateConfig config;
    config.fuel = 20000;
    config.heapLimitBytes = 8 << 20;
    config.stackLimitFrames = 200;
    config.output = [](std::string_view) {};
    Runtime runtime;
    std::unique_ptr<Isolate> isolate = runtime.newIsolate(config);
    if (isolate->load(*p)) (void)isolate->runMain({"a"});
  }
  std::cerr << "accepted=" << accepted << " rejected=" << rejected << " badMessages=" << badMessages
            << "\n";
  std::exit(0);
}

TEST(BytecodeFuzz, MutatedFilesAreRejectedOrRunSafely) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::vector<uint8_t> valid = writeBytecode(compileOk(kRichProgram));
  EXPECT_EXIT(fuzzAndExit(valid), ::testing::ExitedWithCode(0), "badMessages=0");
}

// The same at the level of instructions: random operands and opcodes in otherwise valid code.
[[noreturn]] void fuzzCodeAndExit(const Module& valid, int rounds) {
  alarm(10); // every run has a fuel limit: a hang is a failure (SIGALRM), not a stuck suite
  uint64_t seed = 0x243F6A8885A308D3u;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int accepted = 0, rejected = 0, badMessages = 0;
  for (int i = 0; i < rounds; i++) {
    auto m = std::make_shared<Module>(valid);
    int edits = 1 + int(next() % 3);
    for (int k = 0; k < edits; k++) {
      FunctionEntry& f = m->functions[next() % m->functions.size()];
      if (f.code.empty()) continue;
      uint32_t& word = f.code[next() % f.code.size()];
      switch (next() % 4) {
      case 0: word = uint32_t(next() % 8); break;            // a small register or index
      case 1: word = uint32_t(next() % kOpcodeCount); break; // another opcode
      case 2: word += uint32_t(next() % 5) - 2; break;       // off by a little
      default: word = uint32_t(next()); break;
      }
    }
    std::string error;
    if (!verifyModule(*m, error)) {
      rejected++;
      if (error.empty()) badMessages++;
      continue;
    }
    accepted++;
    IsolateConfig config;
    config.fuel = 20000;
    config.heapLimitBytes = 8 << 20;
    config.stackLimitFrames = 200;
    config.output = [](std::string_view) {};
    Runtime runtime;
    std::unique_ptr<Isolate> isolate = runtime.newIsolate(config);
    if (isolate->load(Program(m))) (void)isolate->runMain({"a"});
  }
  std::cerr << "accepted=" << accepted << " rejected=" << rejected << " badMessages=" << badMessages
            << "\n";
  std::exit(0);
}

TEST(BytecodeFuzz, MutatedInstructionsAreRejectedOrRunSafely) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Module valid = compileOk(kRichProgram);
  EXPECT_EXIT(fuzzCodeAndExit(valid, 20000), ::testing::ExitedWithCode(0), "badMessages=0");
}

// A branch to itself is a backward branch too: fuel and time limits must still stop it.
[[noreturn]] void runSelfLoopAndExit(const Module& m) {
  alarm(3); // a hang fails the test with SIGALRM instead of blocking the suite
  IsolateConfig config;
  config.fuel = 100000;
  config.timeoutSeconds = 1;
  config.output = [](std::string_view) {};
  Runtime runtime;
  std::unique_ptr<Isolate> isolate = runtime.newIsolate(config);
  Status loaded = isolate->load(Program(std::make_shared<Module>(m)));
  if (!loaded) {
    std::cerr << "not loaded: " << loaded.error().message << "\n";
    std::exit(1);
  }
  Result<int> r = isolate->runMain({});
  std::cerr << (r ? std::string("finished") : r.error().render());
  std::exit(0);
}

TEST(VerifierLimits, BranchToItselfStillConsumesFuel) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Module m = compileOk("fun main() {\n  var i = 0\n  while (i < 10) { i = i + 1 }\n}\n");
  FunctionEntry& f = functionNamed(m, "main");
  uint32_t jmp = firstPc(f, Opcode::JMP);
  f.code[jmp + 1] = 0; // JMP +0: the verifier accepts it (the target is an instruction)
  ASSERT_EQ(verifyError(m), "<verified>");
  EXPECT_EXIT(runSelfLoopAndExit(m), ::testing::ExitedWithCode(0),
              "error: LimitError: fuel exhausted after 100000 instructions");
}

} // namespace
} // namespace nuri
