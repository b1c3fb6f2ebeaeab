// compiler/checker.h, through compileModule as a user meets it: the types the checker gives
// expressions (seen as the types of globals), the conversions it inserts (seen in the code) and
// its messages for common mistakes.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <algorithm>
#include <memory>

#include "compiler/compile.h"
#include "vm/bytecode/module.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

// ---- Helpers ----

// The "LINE:COL: message" lines of compileModule's rendered diagnostics, in order.
std::vector<std::string> errorsOf(const std::string& source) {
  CompileOutput out = compileModule(source, "test.nuri");
  std::vector<std::string> errors;
  std::istringstream lines(out.diagnostics);
  std::string line;
  const std::string prefix = "test.nuri:";
  const std::string marker = ": error: ";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    size_t at = line.find(marker);
    if (at == std::string::npos) continue;
    errors.push_back(line.substr(prefix.size(), at - prefix.size()) + ": " +
                     line.substr(at + marker.size()));
  }
  EXPECT_EQ(errors.size(), out.errorCount) << out.diagnostics;
  EXPECT_EQ(out.module == nullptr, !errors.empty());
  return errors;
}

std::string errorOf(const std::string& source) {
  std::vector<std::string> errors = errorsOf(source);
  if (errors.size() != 1) {
    std::string all = std::to_string(errors.size()) + " errors:";
    for (const std::string& e : errors)
      all += "\n" + e;
    return all;
  }
  return errors[0];
}

// The compiled module of `source`, which must compile cleanly.
std::shared_ptr<Module> compileOk(const std::string& source) {
  CompileOutput out = compileModule(source, "test.nuri");
  EXPECT_TRUE(out.module) << out.diagnostics;
  return out.module ? out.module : std::make_shared<Module>();
}

// The static type of global `name` in `source`: for `let x = EXPR` that is the type the checker
// gave EXPR.
std::string typeOf(const std::string& source, const std::string& name = "x") {
  CompileOutput out = compileModule(source, "test.nuri");
  if (!out.module) return "error: " + out.diagnostics;
  for (const GlobalEntry& g : out.module->globals) {
    if (g.name == name) return typeName(*out.module, g.type);
  }
  return "<no global " + name + ">";
}

// The opcodes of function `function` of `source`.
std::vector<std::string> opcodesOf(const std::string& source, const std::string& function) {
  std::shared_ptr<Module> m = compileOk(source);
  std::vector<std::string> names;
  for (uint32_t index = 0; index < m->functions.size(); index++) {
    const FunctionEntry& f = m->functions[index];
    bool wanted = function == "<module>" ? index == m->initFunction : f.name == function;
    if (!wanted) continue;
    uint32_t pc = 0;
    while (pc < f.code.size()) {
      uint32_t length = instructionLength(&f.code[pc], uint32_t(f.code.size() - pc));
      if (!length) break;
      names.push_back(opcodeInfo(f.code[pc]).name);
      pc += length;
    }
    return names;
  }
  ADD_FAILURE() << "no function " << function;
  return names;
}

int count(const std::vector<std::string>& opcodes, const std::string& op) {
  return int(std::count(opcodes.begin(), opcodes.end(), op));
}

// ---- Types of expressions ----

TEST(CheckerTypes, Literals) {
  EXPECT_EQ(typeOf("let x = 1"), "int");
  EXPECT_EQ(typeOf("let x = 1.5"), "float");
  EXPECT_EQ(typeOf("let x = true"), "bool");
  EXPECT_EQ(typeOf("let x = \"s\""), "string");
  EXPECT_EQ(typeOf("let y = 2\nlet x = \"a${y}b\""), "string");
  EXPECT_EQ(typeOf("let x = [1, 2, 3]"), "int[]");
  EXPECT_EQ(typeOf("let x = [[1], [2]]"), "int[][]");
  EXPECT_EQ(typeOf("let x = [\"a\", null]"), "string[]");
  EXPECT_EQ(typeOf("let x = [1, 2.5]"), "float[]");
  EXPECT_EQ(typeOf("let x = new float[3][]"), "float[][]");
  EXPECT_EQ(typeOf("let x = new bool[2][3]"), "bool[][]");
  EXPECT_EQ(typeOf("let x = StringBuilder()"), "StringBuilder");
}

TEST(CheckerTypes, Operators) {
  EXPECT_EQ(typeOf("let x = 7 / 2"), "int");
  EXPECT_EQ(typeOf("let x = 7 % 2.0"), "float");
  EXPECT_EQ(typeOf("let x = 1 << 3 | 4 & ~5 ^ 6 >>> 1"), "int");
  EXPECT_EQ(typeOf("let x = 1 < 2.5"), "bool");
  EXPECT_EQ(typeOf("let x = \"a\" < \"b\""), "bool");
  EXPECT_EQ(typeOf("let x = \"a\" == null"), "bool");
  EXPECT_EQ(typeOf("let x = !(1 == 2) && true || false"), "bool");
  EXPECT_EQ(typeOf("let x = -2.5"), "float");
  EXPECT_EQ(typeOf("let x = true ? 1 : 2"), "int");
  EXPECT_EQ(typeOf("let x = true ? 1 : 2.5"), "float");
  EXPECT_EQ(typeOf("let x = true ? \"a\" : null"), "string");
  EXPECT_EQ(typeOf("let x = 1 + \"a\""), "string");
  EXPECT_EQ(typeOf("let x = 2.5 + \"a\" + true"), "string");
}

TEST(CheckerTypes, CallsMembersAndNatives) {
  EXPECT_EQ(typeOf("fun f(): float { return 1.0 }\nlet x = f()"), "float");
  EXPECT_EQ(typeOf("let x = \"abc\".length"), "int");
  EXPECT_EQ(typeOf("let x = \"abc\".substring(0, 1)"), "string");
  EXPECT_EQ(typeOf("let x = \"a,b\".split(\",\")"), "string[]");
  EXPECT_EQ(typeOf("let x = [1.5].length"), "int");
  EXPECT_EQ(typeOf("let x = [1.5].copy()"), "float[]");
  EXPECT_EQ(typeOf("let x = 3.7.toInt()"), "int");
  EXPECT_EQ(typeOf("let x = 3.toFloat()"), "float");
  EXPECT_EQ(typeOf("let x = 3.toString()"), "string");
  EXPECT_EQ(typeOf("let x = Math.sqrt(2.0)"), "float");
  EXPECT_EQ(typeOf("let x = Math.max(1, 2)"), "int");
  EXPECT_EQ(typeOf("let x = Math.max(1, 2.0)"), "float");
  EXPECT_EQ(typeOf("let x = Math.PI"), "float");
  EXPECT_EQ(typeOf("let x = System.clock()"), "float");
  EXPECT_EQ(typeOf("class P { var v: int }\nlet x = P()"), "P");
  EXPECT_EQ(typeOf("class P { var v: int }\nlet p = P()\nlet x = p.v"), "int");
  EXPECT_EQ(typeOf("class P { fun n(): bool { return true } }\nlet x = P().n()"), "bool");
  EXPECT_EQ(typeOf("class P { var next: P }\nlet x = P().next"), "P");
}

// ---- Inserted conversions ----

TEST(CheckerConversions, IntWidensInArithmeticWithAFloat) {
  EXPECT_EQ(
      count(opcodesOf("fun f(i: int, y: float): float { return i + y }", "f"), "INT_TO_FLOAT"), 1);
  EXPECT_EQ(count(opcodesOf("fun f(i: int, y: float): float { return i + y }", "f"), "ADD_FLOAT"),
            1);
  EXPECT_EQ(count(opcodesOf("fun f(i: int, y: float): bool { return y < i }", "f"), "INT_TO_FLOAT"),
            1);
  EXPECT_EQ(count(opcodesOf("fun f(i: int, j: int): int { return i + j }", "f"), "INT_TO_FLOAT"),
            0);
}

TEST(CheckerConversions, IntWidensOnAssignmentArgumentsAndReturn) {
  EXPECT_EQ(typeOf("let n = 3\nlet x: float = n"), "float");
  EXPECT_EQ(count(opcodesOf("fun f(n: int) { let x: float = n; println(x) }", "f"), "INT_TO_FLOAT"),
            1);
  EXPECT_EQ(count(opcodesOf("fun f(n: int): float { return n }", "f"), "INT_TO_FLOAT"), 1);
  EXPECT_EQ(count(opcodesOf("fun g(a: float, b: int) {}\nfun f(n: int) { g(n, n) }", "f"),
                  "INT_TO_FLOAT"),
            1);
  EXPECT_EQ(
      count(opcodesOf("fun f(n: int, c: bool): float { return c ? n : 0.5 }", "f"), "INT_TO_FLOAT"),
      1);
  EXPECT_EQ(
      count(opcodesOf("fun f(n: int) { var y = 1.5; y += n; println(y) }", "f"), "INT_TO_FLOAT"),
      1);
}

TEST(CheckerConversions, StringConcatenationConvertsTheOtherSide) {
  std::vector<std::string> ops =
      opcodesOf("fun f(n: int, y: float, b: bool): string { return \"n=\" + n + y + b }", "f");
  EXPECT_EQ(count(ops, "TO_STR_INT"), 1);
  EXPECT_EQ(count(ops, "TO_STR_FLOAT"), 1);
  EXPECT_EQ(count(ops, "TO_STR_BOOL"), 1);
  EXPECT_EQ(count(ops, "CONCAT"), 3);
  EXPECT_EQ(count(ops, "ADD_INT"), 0);
}

TEST(CheckerConversions, NoWideningFromFloatToInt) {
  EXPECT_EQ(errorOf("let x: int = 1.5"),
            "1:14: cannot assign a float to `x` of type int (convert explicitly with `.toInt()`)");
  EXPECT_EQ(errorOf("var i = 1\ni += 1.5"), "2:3: cannot assign a float to `i` of type int");
  EXPECT_EQ(errorOf("fun f(a: int) {}\nf(2.0)"),
            "2:3: cannot assign a float to parameter 1 of function `f` of type int (convert "
            "explicitly with `.toInt()`)");
}

// ---- Messages for common mistakes ----

TEST(CheckerErrors, Names) {
  EXPECT_EQ(errorOf("println(y)"), "1:9: unknown name `y`");
  EXPECT_EQ(errorOf("foo()"), "1:1: unknown function `foo`");
  EXPECT_EQ(errorOf("let s: String = \"x\""),
            "1:8: unknown type `String` (did you mean `string`?)");
  EXPECT_EQ(errorOf("var n: Int = 1"), "1:8: unknown type `Int` (did you mean `int`?)");
  EXPECT_EQ(errorOf("let x: Widget = null"), "1:8: unknown type `Widget`");
  EXPECT_EQ(errorOf("let x = Math"),
            "1:9: `Math` is a namespace; use one of its members, e.g. `Math.sqrt`");
}

TEST(CheckerErrors, Declarations) {
  EXPECT_EQ(errorOf("let a = 1\nlet a = 2"),
            "2:1: `a` is already declared as a variable at line 1");
  EXPECT_EQ(errorOf("fun f() {}\nfun f() {}"),
            "2:1: `f` is already declared as a function at line 1");
  EXPECT_EQ(errorOf("fun f() {\n  let a = 1\n  let a = 2\n}"),
            "3:3: `a` is already declared in this scope (at line 2)");
  EXPECT_EQ(errorOf("let x = null"),
            "1:9: cannot infer the type of `x` from `null`; write its type, e.g. `var x: string = "
            "null`");
  EXPECT_EQ(errorOf("let xs = []"),
            "1:10: cannot infer the type of an empty array literal `[]`; declare the variable's "
            "type, e.g. `let xs: int[] = []`");
  EXPECT_EQ(errorOf("let x: int"),
            "1:1: `let x` needs a value; use `var` for a variable assigned later");
  EXPECT_EQ(errorOf("fun println(s: string) {}"),
            "1:1: `println` is a built-in name and cannot be redeclared");
  EXPECT_EQ(errorOf("fun main(n: int) {}"),
            "1:1: `main` must be declared as `fun main()` or `fun main(args: string[])`, "
            "returning nothing or an int");
}

TEST(CheckerErrors, Assignments) {
  EXPECT_EQ(errorOf("let x = 1\nx = 2"),
            "2:1: cannot assign to `x` because it is declared with `let`; declare it with `var` "
            "to allow changes");
  EXPECT_EQ(errorOf("for (i in 0..3) { i = 5 }"), "1:19: cannot assign to loop variable `i`");
  EXPECT_EQ(errorOf("var s = \"a\"\ns = 1"), "2:5: cannot assign an int to `s` of type string");
  EXPECT_EQ(errorOf("class P { let id: int = 0 }\nlet p = P()\np.id = 3"),
            "3:2: cannot assign to field `id` because it is declared with `let`; it can only be "
            "set in `init`");
  EXPECT_EQ(errorOf("var a = 0\nvar b = 0\na = b = 1"),
            "3:7: an assignment has no value (did you mean `==`?)");
  EXPECT_EQ(errorOf("let xs = [1]\nxs[0] = \"a\""),
            "2:9: cannot assign a string to an element of type int");
}

TEST(CheckerErrors, OperatorsAndConditions) {
  EXPECT_EQ(errorOf("let x = \"a\" - 1"), "1:13: cannot apply `-` to a string and an int");
  EXPECT_EQ(errorOf("let x = true & false"), "1:14: `&` works on ints; for bools use `&&`");
  EXPECT_EQ(errorOf("let x = 1 == \"a\""), "1:11: cannot compare an int with a string");
  EXPECT_EQ(errorOf("let x = 1 && true"), "1:9: `&&` needs bool operands, not an int");
  EXPECT_EQ(errorOf("let x = !1"), "1:9: `!` needs a bool, not an int");
  EXPECT_EQ(errorOf("let x = -true"), "1:9: unary `-` needs an int or a float, not a bool");
  EXPECT_EQ(errorOf("if (1) {}"), "1:5: the condition of `if` must be a bool, not an int");
  EXPECT_EQ(errorOf("while (\"s\") {}"),
            "1:8: the condition of `while` must be a bool, not a string");
  EXPECT_EQ(errorOf("let x = true ? 1 : \"a\""),
            "1:14: the two branches of `?:` have different types: int and string");
  EXPECT_EQ(errorOf("let a = 1\na + 1"), "2:3: this expression does nothing; use its value or "
                                         "remove it");
}

TEST(CheckerErrors, CallsAndMembers) {
  EXPECT_EQ(errorOf("fun f(a: int) {}\nf(1, 2)"),
            "2:2: function `f` takes 1 argument but 2 were given");
  EXPECT_EQ(errorOf("fun f(a: int, b: int) {}\nf(1)"),
            "2:2: function `f` takes 2 arguments but 1 was given");
  EXPECT_EQ(errorOf("let x = [1].length()"),
            "1:12: `length` is a property; write `.length` without `()`");
  EXPECT_EQ(errorOf("let x = \"abc\"[0]"),
            "1:14: strings cannot be indexed with `[]`; use `s.charAt(i)` or `s.codePointAt(i)`");
  EXPECT_EQ(errorOf("let x = 5[0]"), "1:10: cannot index an int; `[]` works on arrays and on "
                                     "objects with `at` (and `put`) methods");
  EXPECT_EQ(errorOf("let xs = [1]\nlet x = xs[1.5]"), "2:12: an index must be an int, not a float");
  EXPECT_EQ(errorOf("let x = \"s\".size()"),
            "1:12: a string has no method `size` (did you mean `length`?)");
  EXPECT_EQ(errorOf("class P { var v: int }\nlet x = P().w"), "2:12: class `P` has no field `w`");
  EXPECT_EQ(errorOf("class P { private var v: int }\nlet x = P().v"),
            "2:12: field `v` of class `P` is private");
  EXPECT_EQ(errorOf("class P { fun m() {} }\nlet x = P().m"),
            "2:12: method `m` must be called, e.g. `.m()`");
  EXPECT_EQ(errorOf("let x = println(\"a\")"),
            "1:16: cannot use the result of a function that returns nothing as a value");
  EXPECT_EQ(errorOf("let x = 1\nx()"), "2:2: `x` is an int, not a function");
}

TEST(CheckerErrors, ControlFlow) {
  EXPECT_EQ(errorOf("break"), "1:1: `break` can only be used inside a loop");
  EXPECT_EQ(errorOf("fun f() { continue }"), "1:11: `continue` can only be used inside a loop");
  EXPECT_EQ(errorOf("return 1"), "1:1: `return` can only be used inside a function");
  EXPECT_EQ(errorOf("fun f(): int { }"), "1:1: function `f` must return an int on every path");
  EXPECT_EQ(errorOf("fun f(c: bool): int {\n  if (c) { return 1 }\n}"),
            "1:1: function `f` must return an int on every path");
  EXPECT_EQ(errorOf("fun f(): int { return }"), "1:16: function `f` must return an int");
  EXPECT_EQ(errorOf("fun f() { return 1 }"),
            "1:18: function `f` returns nothing, so `return` cannot have a value (declare a "
            "return type, e.g. `: int`)");
  EXPECT_EQ(errorOf("for (c in 5) {}"),
            "1:11: cannot iterate over an int; `for` works on ranges (`0..n`), arrays, strings "
            "and objects with `fun iterator()` returning an object with `hasNext()` and "
            "`next()`");
  EXPECT_EQ(errorOf("for (i in 0..2.5) {}"), "1:14: a range must end with an int, not a float");
}

TEST(CheckerErrors, ReturnAnalysisAcceptsCompletePaths) {
  EXPECT_TRUE(
      errorsOf("fun f(c: bool): int {\n  if (c) { return 1 } else { return 2 }\n}").empty());
  EXPECT_TRUE(errorsOf("fun f(): int {\n  while (true) { }\n}").empty());
  EXPECT_TRUE(
      errorsOf("fun f(c: bool): int {\n  if (c) { return 1 } else if (!c) { return 2 } else { "
               "return 3 }\n}")
          .empty());
  EXPECT_EQ(errorOf("fun f(): int {\n  while (true) { break }\n}"),
            "1:1: function `f` must return an int on every path");
}

TEST(CheckerErrors, EveryErrorOfTheFileInSourceOrder) {
  std::vector<std::string> errors = errorsOf("let a: int = \"x\"\n"
                                             "fun f(): int {\n"
                                             "  return true\n"
                                             "}\n"
                                             "println(missing)\n"
                                             "if (a) {}\n"
                                             "let b = a +\n"
                                             "  \"s\" - 1\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "1:14: cannot assign a string to `a` of type int",
                        "3:10: cannot assign a bool to the result of `f` of type int",
                        "5:9: unknown name `missing`",
                        "6:5: the condition of `if` must be a bool, not an int",
                        "8:7: cannot apply `-` to a string and an int",
                    }));
}

TEST(CheckerErrors, ReportingStopsAfterAHundredErrors) {
  std::string source;
  for (int i = 0; i < 150; i++)
    source += "println(missing" + std::to_string(i) + ")\n";
  CompileOutput out = compileModule(source, "many.nuri");
  EXPECT_EQ(out.module, nullptr);
  EXPECT_EQ(out.errorCount, 100u);
  EXPECT_EQ(out.diagnostics.rfind("many.nuri:1:9: error: unknown name `missing0`\n", 0), 0u);
  const std::string last = "many.nuri:100:9: error: unknown name `missing99`\n"
                           "  println(missing99)\n"
                           "          ^\n"
                           "too many errors; stopped after 100\n";
  ASSERT_GE(out.diagnostics.size(), last.size());
  EXPECT_EQ(out.diagnostics.substr(out.diagnostics.size() - last.size()), last);
}

TEST(CheckerErrors, LongLinesAreShownAroundTheCaret) {
  std::string line = "let s = \"" + std::string(280, 'x') + "\" + y";
  CompileOutput out = compileModule(line + "\n", "long.nuri");
  EXPECT_EQ(out.diagnostics, "long.nuri:1:294: error: unknown name `y`\n"
                             "  " +
                                 std::string(76, 'x') +
                                 "\" + y\n"
                                 "  " +
                                 std::string(80, ' ') + "^\n");
}

TEST(CheckerErrors, RenderedWithFileLineColumnAndCaret) {
  CompileOutput out = compileModule("let x = 1\nlet y: int = \"é\" + x\n", "dir/prog.nuri");
  EXPECT_EQ(out.module, nullptr);
  EXPECT_EQ(out.errorCount, 1u);
  EXPECT_EQ(out.diagnostics, "dir/prog.nuri:2:18: error: cannot assign a string to `y` of type "
                             "int\n"
                             "  let y: int = \"é\" + x\n"
                             "                   ^\n");
}

} // namespace
} // namespace nuri
