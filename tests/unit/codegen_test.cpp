// compiler/codegen.h through compileModule: the bytecode the compiler produces for small
// programs (register types, fused compare-and-branch, immediates, returns, line tables).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "nuri/nuri.h"
#include "vm/bytecode/module.h"
#include "vm/bytecode/opcodes.h"
#include "vm/bytecode/verifier.h"

namespace nuri {
namespace {

std::shared_ptr<Module> compileOk(const std::string& source) {
  CompileOutput out = compileModule(source, "test.nuri");
  EXPECT_TRUE(out.module) << out.diagnostics;
  if (!out.module) return std::make_shared<Module>();
  std::string error;
  EXPECT_TRUE(verifyModule(*out.module, error)) << error;
  return out.module;
}

const FunctionEntry* findFunction(const Module& m, const std::string& name) {
  for (const FunctionEntry& f : m.functions) {
    if (f.name == name) return &f;
  }
  ADD_FAILURE() << "no function " << name;
  return nullptr;
}

struct Instruction {
  uint32_t pc;
  Opcode op;
  std::vector<uint32_t> operands;
};

std::vector<Instruction> decode(const FunctionEntry& f) {
  std::vector<Instruction> out;
  uint32_t pc = 0;
  while (pc < f.code.size()) {
    uint32_t length = instructionLength(&f.code[pc], uint32_t(f.code.size() - pc));
    if (length == 0) {
      ADD_FAILURE() << f.name << ": undecodable instruction at pc " << pc;
      break;
    }
    Instruction in{pc, Opcode(f.code[pc]), {}};
    in.operands.assign(f.code.begin() + pc + 1, f.code.begin() + pc + length);
    out.push_back(in);
    pc += length;
  }
  return out;
}

std::vector<std::string> opcodeNames(const FunctionEntry& f) {
  std::vector<std::string> names;
  for (const Instruction& in : decode(f))
    names.push_back(opcodeInfo(in.op).name);
  return names;
}

bool uses(const FunctionEntry& f, const char* opcode) {
  std::vector<std::string> names = opcodeNames(f);
  return std::find(names.begin(), names.end(), opcode) != names.end();
}

std::vector<std::string> registerTypeNames(const Module& m, const FunctionEntry& f) {
  std::vector<std::string> names;
  for (uint32_t t : f.registerTypes)
    names.push_back(typeName(m, t));
  return names;
}

std::string localNameOf(const FunctionEntry& f, uint32_t reg) {
  for (const LocalName& l : f.locals) {
    if (l.reg == reg) return l.name;
  }
  return "";
}

// ---- Functions and registers ----

TEST(Codegen, ParametersComeFirstWithTheirTypes) {
  auto m = compileOk("fun f(a: int, b: float, s: string, xs: int[][], ok: bool): bool {\n"
                     "  return ok\n"
                     "}\n");
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->paramCount, 5u);
  EXPECT_EQ(typeName(*m, f->returnType), "bool");
  std::vector<std::string> types = registerTypeNames(*m, *f);
  ASSERT_GE(types.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + 5),
            (std::vector<std::string>{"int", "float", "string", "int[][]", "bool"}));
  EXPECT_EQ(localNameOf(*f, 0), "a");
  EXPECT_EQ(localNameOf(*f, 3), "xs");
  EXPECT_EQ(localNameOf(*f, 4), "ok");
}

TEST(Codegen, LocalsGetRegistersOfTheirInferredType) {
  auto m = compileOk("fun f() {\n"
                     "  var i = 0\n"
                     "  let x = 1.5 * i\n"
                     "  let s = \"n\" + i\n"
                     "  let b = StringBuilder()\n"
                     "  let flags = [true]\n"
                     "  println(x); println(s); println(b); println(flags)\n"
                     "}\n");
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->paramCount, 0u);
  EXPECT_EQ(typeName(*m, f->returnType), "void");
  std::vector<std::pair<std::string, std::string>> named;
  for (const LocalName& l : f->locals)
    named.push_back({l.name, typeName(*m, f->registerTypes.at(l.reg))});
  EXPECT_EQ(named, (std::vector<std::pair<std::string, std::string>>{{"i", "int"},
                                                                     {"x", "float"},
                                                                     {"s", "string"},
                                                                     {"b", "StringBuilder"},
                                                                     {"flags", "bool[]"}}));
}

TEST(Codegen, ModuleInitialiserMainAndMethods) {
  auto m = compileOk("class Vec {\n"
                     "  var x: float\n"
                     "  init(x: float) { this.x = x }\n"
                     "  fun twice(): float { return x * 2.0 }\n"
                     "}\n"
                     "fun main(args: string[]): int { return Vec(1.0).twice().toInt() }\n");
  ASSERT_LT(m->initFunction, m->functions.size());
  ASSERT_LT(m->mainFunction, m->functions.size());
  EXPECT_EQ(m->functions[m->initFunction].name, "<module>");
  EXPECT_EQ(m->functions[m->mainFunction].name, "main");
  EXPECT_EQ(registerTypeNames(*m, m->functions[m->mainFunction]).at(0), "string[]");
  const ClassEntry* found = nullptr;
  uint32_t vecIndex = 0;
  for (uint32_t i = 0; i < m->classes.size(); i++) {
    if (m->classes[i].name == "Vec") {
      found = &m->classes[i];
      vecIndex = i;
    }
  }
  ASSERT_TRUE(found) << "no class Vec";
  const ClassEntry& vec = *found;
  ASSERT_EQ(vec.fields.size(), 1u);
  EXPECT_EQ(vec.fields[0].name, "x");
  EXPECT_EQ(typeName(*m, vec.fields[0].type), "float");
  ASSERT_LT(vec.initializer, m->functions.size());
  const FunctionEntry& init = m->functions[vec.initializer];
  EXPECT_EQ(init.name, "Vec.init");
  EXPECT_EQ(init.paramCount, 2u); // this, x
  EXPECT_EQ(registerTypeNames(*m, init).at(0), "Vec");
  ASSERT_EQ(vec.methods.size(), 1u);
  const FunctionEntry& twice = m->functions[vec.methods[0]];
  EXPECT_EQ(twice.name, "Vec.twice");
  EXPECT_EQ(twice.paramCount, 1u);
  EXPECT_EQ(twice.ownerClass, vecIndex);
  EXPECT_EQ(typeName(*m, twice.returnType), "float");
}

TEST(Codegen, NoMainMeansNoMainFunction) {
  auto m = compileOk("println(1)\n");
  EXPECT_EQ(m->mainFunction, kNoIndex);
  EXPECT_EQ(m->functions.at(m->initFunction).name, "<module>");
}

// ---- Instruction selection ----

TEST(Codegen, WhileLessThanIsOneFusedBranch) {
  auto m = compileOk("fun sum(n: int): int {\n"
                     "  var i = 0\n"
                     "  var s = 0\n"
                     "  while (i < n) {\n"
                     "    s = s + i\n"
                     "    i = i + 1\n"
                     "  }\n"
                     "  return s\n"
                     "}\n");
  const FunctionEntry* f = findFunction(*m, "sum");
  ASSERT_TRUE(f);
  std::vector<Instruction> code = decode(*f);
  // No bool is materialised for the condition: a JLT_INT (loop back while i < n) or a JGE_INT
  // (exit when i >= n) on the registers of i and n does the comparison and the branch.
  bool fused = false;
  for (const Instruction& in : code) {
    if (in.op == Opcode::JLT_INT || in.op == Opcode::JGE_INT) {
      std::string a = localNameOf(*f, in.operands[0]), b = localNameOf(*f, in.operands[1]);
      EXPECT_EQ(a, "i");
      EXPECT_EQ(b, "n");
      fused = true;
    }
    EXPECT_NE(in.op, Opcode::LT_INT) << "pc " << in.pc;
    EXPECT_NE(in.op, Opcode::JMP_IF) << "pc " << in.pc;
    EXPECT_NE(in.op, Opcode::JMP_IF_NOT) << "pc " << in.pc;
  }
  EXPECT_TRUE(fused) << "no JLT_INT / JGE_INT in sum";
  for (const LocalName& l : f->locals)
    EXPECT_NE(typeName(*m, f->registerTypes[l.reg]), "bool");
}

TEST(Codegen, OtherIntComparisonsInConditionsAreFusedToo) {
  auto m = compileOk("fun f(a: int, b: int): int {\n"
                     "  if (a <= b) { return 1 }\n"
                     "  if (a > b) { return 2 }\n"
                     "  if (a == b) { return 3 }\n"
                     "  if (a != b) { return 4 }\n"
                     "  return 5\n"
                     "}\n");
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  for (const char* op : {"LT_INT", "LE_INT", "EQ_INT", "NE_INT", "JMP_IF", "JMP_IF_NOT"})
    EXPECT_FALSE(uses(*f, op)) << op;
}

TEST(Codegen, ComparisonAsAValueProducesABool) {
  auto m = compileOk("fun f(a: int, b: int): bool { return a < b }\n");
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  EXPECT_TRUE(uses(*f, "LT_INT"));
}

TEST(Codegen, AddingASmallConstantUsesAnImmediate) {
  auto m = compileOk("fun inc(i: int): int { return i + 1 }\n"
                     "fun dec(i: int): int { return i - 1 }\n"
                     "fun step(i: int): int { var j = i; j += 100; return j }\n"
                     "fun big(i: int): int { return i + 10000000000 }\n");
  auto immediateOf = [&](const char* name) -> int64_t {
    const FunctionEntry* f = findFunction(*m, name);
    if (!f) return -999;
    for (const Instruction& in : decode(*f)) {
      if (in.op == Opcode::ADD_INT_IMM) return int32_t(in.operands[2]);
    }
    return -999;
  };
  EXPECT_EQ(immediateOf("inc"), 1);
  EXPECT_EQ(immediateOf("dec"), -1);
  EXPECT_EQ(immediateOf("step"), 100);
  const FunctionEntry* inc = findFunction(*m, "inc");
  ASSERT_TRUE(inc);
  EXPECT_FALSE(uses(*inc, "ADD_INT"));
  // ADD_INT_IMM reads the parameter register directly.
  for (const Instruction& in : decode(*inc)) {
    if (in.op == Opcode::ADD_INT_IMM) {
      EXPECT_EQ(in.operands[1], 0u);
    }
  }
  // A constant that does not fit in 32 bits goes through the constant pool.
  const FunctionEntry* big = findFunction(*m, "big");
  ASSERT_TRUE(big);
  EXPECT_FALSE(uses(*big, "ADD_INT_IMM"));
  EXPECT_TRUE(uses(*big, "LOAD_KINT"));
  EXPECT_NE(std::find(m->ints.begin(), m->ints.end(), 10000000000), m->ints.end());
}

TEST(Codegen, TypedArithmeticAndWidening) {
  auto m = compileOk("fun f(i: int, x: float): float { return x * i }\n");
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  EXPECT_TRUE(uses(*f, "INT_TO_FLOAT"));
  EXPECT_TRUE(uses(*f, "MUL_FLOAT"));
  EXPECT_FALSE(uses(*f, "MUL_INT"));
}

TEST(Codegen, ConstantsArePooled) {
  auto m = compileOk("let s = \"hello\"\nlet t = \"hello\"\nlet x = 2.5\nlet y = 2.5\n"
                     "println(s + t + x + y)\n");
  EXPECT_EQ(std::count(m->strings.begin(), m->strings.end(), "hello"), 1);
  EXPECT_EQ(std::count(m->floats.begin(), m->floats.end(), 2.5), 1);
  ASSERT_EQ(m->globals.size(), 4u);
  EXPECT_EQ(m->globals[0].name, "s");
  EXPECT_EQ(typeName(*m, m->globals[0].type), "string");
  EXPECT_EQ(typeName(*m, m->globals[2].type), "float");
  EXPECT_NE(std::find_if(m->natives.begin(), m->natives.end(),
                         [](const NativeImport& n) { return n.name == "println"; }),
            m->natives.end());
}

// ---- Behaviour of the generated code ----

// Runs a program and returns what it printed (or the error it ended with).
std::string outputOf(const std::string& source) {
  Result<Program> program = compileSource(source, "run.nuri");
  if (!program) return program.error().render();
  std::string out;
  IsolateConfig config;
  config.fuel = 1000000;
  config.output = [&](std::string_view text) { out.append(text); };
  Runtime runtime;
  std::unique_ptr<Isolate> isolate = runtime.newIsolate(config);
  Status loaded = isolate->load(*program);
  if (!loaded) return out + loaded.error().render();
  Result<int> status = isolate->runMain({});
  if (!status) return out + status.error().render();
  return out;
}

TEST(CodegenBehaviour, ConstructorArgumentsSeeTheOldValueOfTheAssignedVariable) {
  // `node = Node(node)` must pass the old node: the new object may not be stored in the
  // variable's register before the arguments are read.
  const char* program = "class Node {\n"
                        "  var next: Node\n"
                        "  init(next: Node) { this.next = next }\n"
                        "}\n"
                        "fun f() {\n"
                        "  var node: Node = null\n"
                        "  node = Node(node)\n"
                        "  println(node.next == null)\n"
                        "  let first = node\n"
                        "  node = Node(node)\n"
                        "  println(node.next == first)\n"
                        "  println(node.next == node)\n"
                        "}\n"
                        "f()\n";
  EXPECT_EQ(outputOf(program), "true\ntrue\nfalse\n");
}

TEST(CodegenBehaviour, AssignmentsThatReadTheirOwnTarget) {
  EXPECT_EQ(outputOf("fun f() {\n"
                     "  var a = [1, 2]\n"
                     "  a = [a[1], a[0]]\n"
                     "  var s = \"ab\"\n"
                     "  s = s.substring(1, 2) + s\n"
                     "  var i = 5\n"
                     "  i = 10 - i * 3\n"
                     "  var b = true\n"
                     "  b = !b\n"
                     "  var x = 1.5\n"
                     "  x = x * x + i\n"
                     "  var xs = [1, 2, 3]\n"
                     "  xs[0] += xs[2]\n"
                     "  xs = new int[xs.length + 1]\n"
                     "  println(\"${a} ${s} ${i} ${b} ${x} ${xs.length}\")\n"
                     "}\n"
                     "f()\n"),
            "[2, 1] bab -5 false -2.75 4\n");
}

TEST(CodegenBehaviour, WhileLoopsAndShortCircuits) {
  EXPECT_EQ(outputOf("fun f(n: int): int {\n"
                     "  var i = 0\n"
                     "  var hits = 0\n"
                     "  while (i < n && !(i > 100)) {\n"
                     "    if (i % 3 == 0 || i % 5 == 0) { hits += 1 }\n"
                     "    i = i + 1\n"
                     "  }\n"
                     "  return hits\n"
                     "}\n"
                     "println(f(0))\nprintln(f(16))\nprintln(f(1000))\n"),
            "0\n8\n48\n");
}

// ---- Returns ----

TEST(Codegen, EveryFunctionEndsWithAReturn) {
  auto m =
      compileOk("fun a() {}\n"
                "fun b(): int { return 1 }\n"
                "fun c(x: bool): int { if (x) { return 1 } else { return 2 } }\n"
                "fun d(): int { while (true) { } }\n"
                "fun e(n: int) { for (i in 0..n) { if (i > 3) { return } } }\n"
                "fun f(x: bool): string { if (x) { return \"y\" }\n return null }\n"
                "class K { var v: int\n fun get(): int { return v }\n fun set(n: int) { v = n } }\n"
                "while (false) {}\n");
  ASSERT_FALSE(m->functions.empty());
  for (const FunctionEntry& f : m->functions) {
    if (f.isAbstract) continue; // an interface method has a signature and no code
    std::vector<Instruction> code = decode(f);
    ASSERT_FALSE(code.empty()) << f.name;
    Opcode last = code.back().op;
    EXPECT_TRUE(last == Opcode::RETURN || last == Opcode::RETURN_VOID)
        << f.name << " ends with " << opcodeInfo(last).name;
    bool isVoid = typeName(*m, f.returnType) == "void";
    for (const Instruction& in : code) {
      if (in.op == Opcode::RETURN) {
        EXPECT_FALSE(isVoid) << f.name;
      }
      if (in.op == Opcode::RETURN_VOID) {
        EXPECT_TRUE(isVoid) << f.name;
      }
    }
  }
}

// ---- Debug information ----

TEST(Codegen, LineTableMapsInstructionsToSourceLines) {
  auto m = compileOk("fun f(a: int): int {\n" // 1
                     "  var b = a * 3\n"      // 2
                     "\n"                     // 3
                     "  b = b + a\n"          // 4
                     "  return b\n"           // 5
                     "}\n"                    // 6
                     "println(f(2))\n");      // 7
  for (const FunctionEntry& fn : m->functions) {
    if (fn.isAbstract) continue;
    ASSERT_FALSE(fn.lines.empty()) << fn.name;
    EXPECT_EQ(fn.lines[0].pc, 0u) << fn.name;
    for (size_t i = 1; i < fn.lines.size(); i++)
      EXPECT_LT(fn.lines[i - 1].pc, fn.lines[i].pc) << fn.name;
  }
  const FunctionEntry* f = findFunction(*m, "f");
  ASSERT_TRUE(f);
  uint32_t index = uint32_t(f - m->functions.data());
  std::vector<std::pair<std::string, uint32_t>> lines;
  for (const Instruction& in : decode(*f))
    lines.push_back({opcodeInfo(in.op).name, m->lineAt(index, in.pc)});
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].second, 2u);
  bool sawMul = false, sawAdd = false, sawReturn = false;
  for (auto& [op, line] : lines) {
    if (op == "MUL_INT" || op == "MUL_INT_IMM") {
      EXPECT_EQ(line, 2u);
      sawMul = true;
    }
    if (op == "ADD_INT") {
      EXPECT_EQ(line, 4u);
      sawAdd = true;
    }
    if (op == "RETURN" && !sawReturn) {
      EXPECT_EQ(line, 5u);
      sawReturn = true;
    }
    EXPECT_NE(line, 3u);
    EXPECT_NE(line, 0u);
  }
  EXPECT_TRUE(sawMul);
  EXPECT_TRUE(sawAdd);
  EXPECT_TRUE(sawReturn);
  // The initialiser's call is on line 7.
  const FunctionEntry& init = m->functions[m->initFunction];
  for (const Instruction& in : decode(init)) {
    if (in.op == Opcode::CALL) {
      EXPECT_EQ(m->lineAt(m->initFunction, in.pc), 7u);
    }
  }
  EXPECT_EQ(m->sourceFile, "test.nuri");
}

} // namespace
} // namespace nuri
