// compiler/parser.h: the syntax tree for expressions and statements, error recovery, and the
// nesting limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/lexer.h"
#include "compiler/parser.h"

namespace nuri {
namespace {

struct Parsed {
  ModuleAst module;
  std::vector<std::string> errors; // "LINE:COL: message", in the order reported
};

Parsed parseSource(const std::string& text) {
  SourceFile file("test.nuri", text);
  Diagnostics diagnostics(file);
  std::vector<Token> tokens = tokenize(file, diagnostics);
  Parsed out;
  out.module = parse(tokens, diagnostics);
  for (const Diagnostic& d : diagnostics.list()) {
    out.errors.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
                         d.text());
  }
  return out;
}

std::string typeText(const TypeSyntax& t) {
  std::string s = t.name;
  for (uint32_t i = 0; i < t.arrayDepth; i++)
    s += "[]";
  return s;
}

// An expression as an S-expression: (op a b), (call f x), (. obj name), ([] a i).
std::string sexpr(const Expr* e) {
  if (!e) return "<null>";
  switch (e->kind) {
  case ExprKind::IntLit: return std::to_string(e->intValue);
  case ExprKind::FloatLit: {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", e->floatValue);
    return buf;
  }
  case ExprKind::BoolLit: return e->boolValue ? "true" : "false";
  case ExprKind::NullLit: return "null";
  case ExprKind::StringLit: return "\"" + e->text + "\"";
  case ExprKind::Interpolation: {
    std::string s = "(str";
    for (auto& part : e->args)
      s += " " + sexpr(part.get());
    return s + ")";
  }
  case ExprKind::Name: return e->text;
  case ExprKind::This: return "this";
  case ExprKind::Unary: return std::string("(") + tokenText(e->op) + " " + sexpr(e->a.get()) + ")";
  case ExprKind::Binary:
  case ExprKind::Logical:
  case ExprKind::Assign:
    return std::string("(") + tokenText(e->op) + " " + sexpr(e->a.get()) + " " + sexpr(e->b.get()) +
           ")";
  case ExprKind::Conditional:
    return "(? " + sexpr(e->a.get()) + " " + sexpr(e->b.get()) + " " + sexpr(e->c.get()) + ")";
  case ExprKind::Call: {
    std::string s = "(call " + sexpr(e->a.get());
    for (auto& arg : e->args)
      s += " " + sexpr(arg.get());
    return s + ")";
  }
  case ExprKind::Member: return "(. " + sexpr(e->a.get()) + " " + e->text + ")";
  case ExprKind::Index: return "([] " + sexpr(e->a.get()) + " " + sexpr(e->b.get()) + ")";
  case ExprKind::ArrayLit: {
    std::string s = "[";
    for (size_t i = 0; i < e->args.size(); i++)
      s += (i ? " " : "") + sexpr(e->args[i].get());
    return s + "]";
  }
  case ExprKind::NewArray: {
    std::string s = "(new " + e->typeSyntax.name;
    for (auto& dim : e->args)
      s += " " + sexpr(dim.get());
    for (int64_t i = 0; i < e->intValue; i++)
      s += " []";
    return s + ")";
  }
  case ExprKind::Widen: return "(widen " + sexpr(e->a.get()) + ")";
  case ExprKind::ToString: return "(tostring " + sexpr(e->a.get()) + ")";
  default: return "<other>"; // [full] expressions these tests do not write
  }
}

std::string stmtText(const Stmt* s);

std::string blockText(const Stmt* s) {
  if (!s) return "<null>";
  std::string out = "{";
  for (size_t i = 0; i < s->body.size(); i++)
    out += (i ? "; " : "") + stmtText(s->body[i].get());
  return out + "}";
}

std::string funText(const FunDecl& f) {
  std::string s;
  if (f.isPrivate) s += "private ";
  s += f.isInit ? "init(" : "fun " + f.name + "(";
  for (size_t i = 0; i < f.params.size(); i++)
    s += (i ? ", " : "") + f.params[i].name + ": " + typeText(f.params[i].type);
  s += ")";
  if (f.hasReturnType) s += ": " + typeText(f.returnType);
  return s + " " + blockText(f.body.get());
}

std::string stmtText(const Stmt* s) {
  if (!s) return "<null>";
  switch (s->kind) {
  case StmtKind::Expr: return sexpr(s->expr.get());
  case StmtKind::Var: {
    std::string out = std::string(s->isLet ? "let " : "var ") + s->name;
    if (s->hasType) out += ": " + typeText(s->typeSyntax);
    if (s->expr) out += " = " + sexpr(s->expr.get());
    return out;
  }
  case StmtKind::Block: return blockText(s);
  case StmtKind::If: {
    std::string out = "if " + sexpr(s->expr.get()) + " " + blockText(s->thenBranch.get());
    if (s->elseBranch) {
      out += " else " + (s->elseBranch->kind == StmtKind::If ? stmtText(s->elseBranch.get())
                                                             : blockText(s->elseBranch.get()));
    }
    return out;
  }
  case StmtKind::While: return "while " + sexpr(s->expr.get()) + " " + blockText(s->loopBody.get());
  case StmtKind::For: {
    std::string out = "for " + s->name + " in " + sexpr(s->expr.get());
    if (s->rangeEnd) out += (s->inclusive ? "..=" : "..") + sexpr(s->rangeEnd.get());
    return out + " " + blockText(s->loopBody.get());
  }
  case StmtKind::Break: return "break";
  case StmtKind::Continue: return "continue";
  case StmtKind::Return: return s->expr ? "return " + sexpr(s->expr.get()) : "return";
  case StmtKind::Fun: return funText(*s->fun);
  case StmtKind::Class: {
    std::string out = "class " + s->cls->name + " {";
    std::vector<std::string> members;
    for (const FieldDecl& f : s->cls->fields) {
      std::string m = std::string(f.isPrivate ? "private " : "") + (f.isLet ? "let " : "var ") +
                      f.name + ": " + typeText(f.type);
      if (f.init) m += " = " + sexpr(f.init.get());
      members.push_back(m);
    }
    if (s->cls->init) members.push_back(funText(*s->cls->init));
    for (auto& m : s->cls->methods)
      members.push_back(funText(*m));
    for (size_t i = 0; i < members.size(); i++)
      out += (i ? "; " : "") + members[i];
    return out + "}";
  }
  default: return "<other>"; // [full] statements these tests do not write
  }
}

// The module's statements, one a line.
std::string moduleText(const std::string& source) {
  Parsed p = parseSource(source);
  std::string out;
  for (const std::string& e : p.errors)
    out += "error " + e + "\n";
  for (auto& item : p.module.items)
    out += stmtText(item.get()) + "\n";
  return out;
}

// The single expression statement of `source`, as an S-expression.
std::string exprOf(const std::string& source) {
  Parsed p = parseSource(source);
  if (!p.errors.empty()) return "error " + p.errors[0];
  if (p.module.items.size() != 1) return "expected one statement";
  const Stmt& s = *p.module.items[0];
  if (s.kind == StmtKind::Var) return sexpr(s.expr.get());
  if (s.kind != StmtKind::Expr) return "not an expression statement";
  return sexpr(s.expr.get());
}

// ---- Precedence and associativity ----

TEST(ParserPrecedence, ArithmeticBindsTighterThanComparison) {
  EXPECT_EQ(exprOf("x = 1 + 2 * 3"), "(= x (+ 1 (* 2 3)))");
  EXPECT_EQ(exprOf("x = (1 + 2) * 3"), "(= x (* (+ 1 2) 3))");
  EXPECT_EQ(exprOf("x = a * b % c / d"), "(= x (/ (% (* a b) c) d))");
  EXPECT_EQ(exprOf("x = a + b < c - d"), "(= x (< (+ a b) (- c d)))");
}

TEST(ParserPrecedence, LeftAssociativeBinaryOperators) {
  EXPECT_EQ(exprOf("x = a - b - c"), "(= x (- (- a b) c))");
  EXPECT_EQ(exprOf("x = a / b / c"), "(= x (/ (/ a b) c))");
  EXPECT_EQ(exprOf("x = a << b >> c >>> d"), "(= x (>>> (>> (<< a b) c) d))");
  EXPECT_EQ(exprOf("x = a && b && c"), "(= x (&& (&& a b) c))");
  EXPECT_EQ(exprOf("x = a < b < c"), "(= x (< (< a b) c))");
}

TEST(ParserPrecedence, AssignmentAndConditionalAreRightAssociative) {
  EXPECT_EQ(exprOf("a = b = c"), "(= a (= b c))");
  EXPECT_EQ(exprOf("a += b -= 2"), "(+= a (-= b 2))");
  EXPECT_EQ(exprOf("x = a ? b : c ? d : e"), "(= x (? a b (? c d e)))");
  EXPECT_EQ(exprOf("x = a ? b ? c : d : e"), "(= x (? a (? b c d) e))");
  EXPECT_EQ(exprOf("x = a || b ? c + 1 : d"), "(= x (? (|| a b) (+ c 1) d))");
}

TEST(ParserPrecedence, FullLadderFromTheLanguageReference) {
  // * / %  >  + -  >  << >> >>>  >  &  >  ^  >  |  >  < <= > >=  >  == !=  >  &&  >  ||
  EXPECT_EQ(exprOf("x = a || b && c == d < e | f ^ g & h << i + j * k"),
            "(= x (|| a (&& b (== c (< d (| e (^ f (& g (<< h (+ i (* j k)))))))))))");
  EXPECT_EQ(exprOf("x = a * b + c << d & e ^ f | g <= h != i && j || k"),
            "(= x (|| (&& (!= (<= (| (^ (& (<< (+ (* a b) c) d) e) f) g) h) i) j) k))");
  // Unlike C, `&` binds tighter than `==`.
  EXPECT_EQ(exprOf("x = a & 1 == 0"), "(= x (== (& a 1) 0))");
}

TEST(ParserPrecedence, UnaryAndPostfix) {
  EXPECT_EQ(exprOf("x = -a * b"), "(= x (* (- a) b))");
  EXPECT_EQ(exprOf("x = -a.b"), "(= x (- (. a b)))");
  EXPECT_EQ(exprOf("x = !f(y)"), "(= x (! (call f y)))");
  EXPECT_EQ(exprOf("x = ~xs[i] + 1"), "(= x (+ (~ ([] xs i)) 1))");
  EXPECT_EQ(exprOf("x = - -a"), "(= x (- (- a)))");
  EXPECT_EQ(exprOf("x = !!b"), "(= x (! (! b)))");
  EXPECT_EQ(exprOf("a.b.c(1, 2)[3].d"), "(. ([] (call (. (. a b) c) 1 2) 3) d)");
  EXPECT_EQ(exprOf("f(1)(2)"), "(call (call f 1) 2)");
  EXPECT_EQ(exprOf("xs[i][j] = 5"), "(= ([] ([] xs i) j) 5)");
}

TEST(ParserPrecedence, MinimumIntLiteral) {
  EXPECT_EQ(exprOf("let x = -9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(exprOf("let x = -9223372036854775808 + 1"), "(+ -9223372036854775808 1)");
  EXPECT_EQ(exprOf("let x = 9223372036854775808"),
            "error 1:9: integer literal `9223372036854775808` is out of range for int (64-bit "
            "signed)");
  EXPECT_EQ(exprOf("let x = 1 - 9223372036854775808"),
            "error 1:13: integer literal `9223372036854775808` is out of range for int (64-bit "
            "signed)");
}

TEST(ParserExpressions, LiteralsArraysAndStrings) {
  EXPECT_EQ(exprOf("let x = [1, 2.5, true, null, \"s\"]"), "[1 2.5 true null \"s\"]");
  EXPECT_EQ(exprOf("let x = []"), "[]");
  EXPECT_EQ(exprOf("let x = [\n  1,\n  2\n]"), "[1 2]");
  EXPECT_EQ(exprOf("let x = [1, 2,]"), "[1 2]"); // a trailing comma is allowed
  EXPECT_EQ(exprOf("let x = \"a ${b + 1} c ${d}\""), "(str \"a \" (+ b 1) \" c \" d \"\")");
  EXPECT_EQ(exprOf("let x = new int[3]"), "(new int 3)");
  EXPECT_EQ(exprOf("let x = new float[n][m + 1]"), "(new float n (+ m 1))");
  EXPECT_EQ(exprOf("let x = new string[n][]"), "(new string n [])");
  EXPECT_EQ(exprOf("let x = this.y"), "(. this y)");
}

TEST(ParserExpressions, MultiLineCallNeedsNoTrailingComma) {
  EXPECT_EQ(exprOf("f(\n  a,\n  b\n)"), "(call f a b)");
  EXPECT_EQ(exprOf("f(a,\n  b +\n  c)"), "(call f a (+ b c))");
}

// ---- Statements ----

TEST(ParserStatements, Declarations) {
  EXPECT_EQ(moduleText("let a = 1\nvar b: int\nvar c: float[][] = null\nvar d = 2; let e: "
                       "string = \"x\""),
            "let a = 1\nvar b: int\nvar c: float[][] = null\nvar d = 2\nlet e: string = \"x\"\n");
}

TEST(ParserStatements, ControlFlow) {
  EXPECT_EQ(moduleText("if (a) { f() } else if (b) { g() } else { h() }\n"
                       "while (i < n) { i += 1; continue }\n"
                       "for (x in xs) { break }\n"
                       "for (j in i + 1..n) {}\n"
                       "for (k in 0..=10) { f(k) }\n"),
            "if a {(call f)} else if b {(call g)} else {(call h)}\n"
            "while (< i n) {(+= i 1); continue}\n"
            "for x in xs {break}\n"
            "for j in (+ i 1)..n {}\n"
            "for k in 0..=10 {(call f k)}\n");
}

TEST(ParserStatements, ElseOnTheNextLine) {
  EXPECT_EQ(moduleText("if (a) {\n  f()\n}\nelse {\n  g()\n}\nh()"),
            "if a {(call f)} else {(call g)}\n(call h)\n");
  // Without an else the newline ends the if.
  EXPECT_EQ(moduleText("if (a) { f() }\ng()"), "if a {(call f)}\n(call g)\n");
}

TEST(ParserStatements, FunctionsAndReturn) {
  EXPECT_EQ(moduleText("fun add(a: int, b: int): int { return a + b }\n"
                       "fun log(msg: string) {\n  println(msg)\n  return\n}\n"
                       "fun main(args: string[]): int { return 0 }"),
            "fun add(a: int, b: int): int {return (+ a b)}\n"
            "fun log(msg: string) {(call println msg); return}\n"
            "fun main(args: string[]): int {return 0}\n");
}

TEST(ParserStatements, Classes) {
  EXPECT_EQ(moduleText("class Vec {\n"
                       "  var x: float\n"
                       "  let y: float = 1.5\n"
                       "  private var tag: string\n"
                       "  init(x: float) { this.x = x }\n"
                       "  fun length(): float { return Math.sqrt(x * x + y * y) }\n"
                       "  private fun helper() {}\n"
                       "}\n"
                       "let v = Vec(3.0)"),
            "class Vec {var x: float; let y: float = 1.5; private var tag: string; "
            "init(x: float) {(= (. this x) x)}; "
            "fun length(): float {return (call (. Math sqrt) (+ (* x x) (* y y)))}; "
            "private fun helper() {}}\n"
            "let v = (call Vec 3)\n");
}

// ---- Errors ----

TEST(ParserErrors, MessagesForCommonMistakes) {
  EXPECT_EQ(moduleText("var x"),
            "error 1:1: `x` needs a type or an initial value, e.g. `var x: int` or `var x = 0`\n");
  EXPECT_EQ(parseSource("fun f(a) {}").errors,
            (std::vector<std::string>{"1:8: parameter `a` needs a type, e.g. `a: int`"}));
  EXPECT_EQ(moduleText("while x {}"), "error 1:7: expected `(` after `while`, found `x`\n");
  EXPECT_EQ(moduleText("if (x) y()"),
            "error 1:8: expected `{` after the `if` condition, found `y`\n");
  EXPECT_EQ(moduleText("let x = new Vec()"),
            "error 1:16: `new` creates arrays, e.g. `new int[10]`; to create an object call the "
            "class: `Vec(...)`\n");
  EXPECT_EQ(parseSource("f(1 2)").errors.at(0),
            "1:5: expected `)` to close the argument list, found a number");
  EXPECT_EQ(moduleText("x = 1 y = 2"), "error 1:7: expected end of statement, found `y`\n");
  EXPECT_EQ(moduleText("let x = \"a ${} b\""),
            "error 1:14: empty `${}` in a string: put an expression inside\n");
  EXPECT_EQ(moduleText("private var x = 1"),
            "error 1:1: `private` can only be used on class members\n");
  EXPECT_EQ(moduleText("let x = c ? 1"),
            "error 1:14: expected `:` in a conditional expression `c ? a : b`, found end of "
            "line\n");
}

TEST(ParserErrors, KeywordAsName) {
  EXPECT_EQ(moduleText("let class = 1"),
            "error 1:5: expected a variable name, found `class` (a keyword cannot be used as a "
            "name)\n");
  // Punctuation is not a keyword, so the hint must not appear.
  EXPECT_EQ(moduleText("let = 5"), "error 1:5: expected a variable name, found `=`\n");
}

TEST(ParserErrors, NestedDeclarations) {
  EXPECT_EQ(moduleText("fun f() {\n  fun g() {}\n  class C {}\n}"),
            "error 2:3: functions can only be declared at the top level of a file or in a class\n"
            "error 3:3: classes can only be declared at the top level of a file\n"
            "fun f() {fun g() {}; class C {}}\n");
}

TEST(ParserErrors, RecoveryReportsEveryStatementsError) {
  Parsed p = parseSource("let = 5\n"
                         "fun f(a) { }\n"
                         "let ok = 1\n"
                         "class C {\n"
                         "  var x int\n"
                         "  init() {}\n"
                         "  init() {}\n"
                         "  42\n"
                         "  fun m(): int { return 1 }\n"
                         "}\n"
                         "while x { }\n"
                         "f(1, 2\n"
                         "let z = 3\n");
  EXPECT_EQ(p.errors,
            (std::vector<std::string>{
                "1:5: expected a variable name, found `=`",
                "2:8: parameter `a` needs a type, e.g. `a: int`",
                "5:9: field `x` needs a type, e.g. `var x: int`",
                "7:3: class `C` already has an `init` (at line 6); a class has at most one",
                "8:3: expected a field (`var`/`let`), a method (`fun`) or `init` in class `C`, "
                "found a number",
                "11:7: expected `(` after `while`, found `x`",
                "12:6: expected `)` to close the argument list, found end of line",
            }));
  // The statements that parsed are kept: `let ok`, and class C with its good members.
  std::vector<std::string> kept;
  for (auto& item : p.module.items)
    kept.push_back(stmtText(item.get()));
  EXPECT_NE(std::find(kept.begin(), kept.end(), "let ok = 1"), kept.end());
  EXPECT_NE(std::find(kept.begin(), kept.end(), "class C {init() {}; fun m(): int {return 1}}"),
            kept.end());
}

TEST(ParserErrors, ErrorJustBeforeAClosingBraceKeepsTheBlock) {
  // The error is the missing expression; the `}` still closes the function body, so `let z`
  // is a top-level statement and there is no second error.
  Parsed p = parseSource("fun f() {\n  let y =\n}\nlet z = 3\n");
  EXPECT_EQ(p.errors, (std::vector<std::string>{"3:1: expected an expression, found `}`"}));
  ASSERT_EQ(p.module.items.size(), 2u);
  EXPECT_EQ(stmtText(p.module.items[1].get()), "let z = 3");

  p = parseSource("if (ok) { let y = } else { g() }\nlet z = 3\n");
  EXPECT_EQ(p.errors, (std::vector<std::string>{"1:19: expected an expression, found `}`"}));
}

TEST(ParserErrors, StrayClosingBracketIsSkipped) {
  Parsed p = parseSource("let y = )\nlet z = 3\n");
  EXPECT_EQ(p.errors, (std::vector<std::string>{"1:9: expected an expression, found `)`"}));
  ASSERT_EQ(p.module.items.size(), 1u);
  EXPECT_EQ(stmtText(p.module.items[0].get()), "let z = 3");
}

TEST(ParserErrors, UnclosedBlock) {
  Parsed p = parseSource("fun f() {\n  let x = 1\n");
  EXPECT_EQ(p.errors,
            (std::vector<std::string>{"3:1: expected `}` to close the block opened at line 1"}));
  p = parseSource("class C {\n  var x: int\n");
  EXPECT_EQ(p.errors,
            (std::vector<std::string>{"3:1: expected `}` to close class `C` opened at line 1"}));
}

// ---- Nesting limit ----

TEST(ParserNesting, JustUnderTheLimitIsAccepted) {
  std::string deep =
      "let x = " + std::string(kMaxNesting - 1, '(') + "1" + std::string(kMaxNesting - 1, ')');
  Parsed p = parseSource(deep);
  EXPECT_TRUE(p.errors.empty()) << p.errors[0];
  EXPECT_EQ(p.module.items.size(), 1u);
}

// Parses `source` in a child process (so a C++ stack overflow fails this test instead of
// killing the whole suite) and expects one error, `expected`, as "LINE:COL: message".
void expectSingleErrorInChild(const std::string& source, const std::string& expectedRegex) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Parsed p = parseSource(source);
        std::cerr << "errors=" << p.errors.size() << "\n";
        for (const std::string& e : p.errors)
          std::cerr << e << "\n";
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "errors=1\n" + expectedRegex);
}

constexpr size_t kDeep = 100000;

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; i++)
    out += s;
  return out;
}

TEST(ParserNesting, HundredThousandParentheses) {
  expectSingleErrorInChild("let x = " + repeat("(", kDeep) + "1" + repeat(")", kDeep),
                           "1:509: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, HundredThousandBlocks) {
  expectSingleErrorInChild(repeat("if (true) {", kDeep) + repeat("}", kDeep),
                           "1:5511: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, HundredThousandUnaryOperators) {
  // `!` rather than `-`: `--` is a token of its own (`x--`).
  expectSingleErrorInChild("let x = " + repeat("!", kDeep) + "true",
                           "1:509: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, HundredThousandCallsAndArrays) {
  expectSingleErrorInChild("let x = " + repeat("f(", kDeep) + "1" + repeat(")", kDeep),
                           "1:1010: code is nested too deeply \\(more than 500 levels\\)");
  expectSingleErrorInChild("let x = " + repeat("[", kDeep) + "1" + repeat("]", kDeep),
                           "1:509: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, HundredThousandInterpolations) {
  expectSingleErrorInChild("let x = " + repeat("\"${", kDeep) + "1" + repeat("}\"", kDeep),
                           "1:1509: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, HundredThousandAssignmentsAndConditionals) {
  expectSingleErrorInChild("x = " + repeat("x = ", kDeep) + "1",
                           "1:2003: code is nested too deeply \\(more than 500 levels\\)");
  expectSingleErrorInChild("let x = " + repeat("c ? 1 : ", kDeep) + "0",
                           "1:4011: code is nested too deeply \\(more than 500 levels\\)");
}

TEST(ParserNesting, LongFlatExpressionIsRejectedWithoutCrashing) {
  expectSingleErrorInChild("let x = 0" + repeat(" + 1", kDeep),
                           "1:2007: expression is too long or nested too deeply \\(more than 500 "
                           "levels\\); split it into several statements");
}

TEST(ParserNesting, HundredThousandNestedIndexes) {
  // a[a[a[...]]]: the index expression is nested like a parenthesis.
  expectSingleErrorInChild("let x = " + repeat("a[", kDeep) + "0" + repeat("]", kDeep),
                           "1:[0-9]+: (code|expression) is (too long or )?nested too deeply");
}

TEST(ParserNesting, HundredThousandNestedArrayLengths) {
  expectSingleErrorInChild("let x = " + repeat("new int[", kDeep) + "0" + repeat("]", kDeep),
                           "1:[0-9]+: (code|expression) is (too long or )?nested too deeply");
}

} // namespace
} // namespace nuri
