// The parser's one class, Parser, shared by the files that define its parts:
//   parser.cpp               tokens, errors, types, and parse()
//   parser_statements.cpp    statements and declarations
//   parser_expressions.cpp   expressions, lambdas and `when`
#pragma once

#include "compiler/parser.h"

#include <algorithm>
#include <set>
#include <unordered_set>
#include <utility>

#include "compiler/lexer.h"
#include "support/assert.h"

namespace nuri::parsing {

// Thrown to abandon a statement after a syntax error; caught where parsing can resume.
struct SyntaxError {};
// Thrown when nesting exceeds kMaxNesting; ends parsing.
struct TooDeep {};

enum Precedence : int {
  kLowest = 0,
  kAssignment,  // = += ...
  kConditional, // ?:
  kOr,          // ||
  kAnd,         // &&
  kEquality,    // == !=
  kComparison,  // < <= > >= is
  kElvis,       // ?: (a ?: b)
  kBitOr,       // |
  kBitXor,      // ^
  kBitAnd,      // &
  kShift,       // << >> >>>
  kTerm,        // + -
  kFactor,      // * / %
  kAs,          // as
};

inline int binaryPrecedence(Tok t) {
  switch (t) {
  case Tok::Eq:
  case Tok::PlusEq:
  case Tok::MinusEq:
  case Tok::StarEq:
  case Tok::SlashEq:
  case Tok::PercentEq:
  case Tok::AmpEq:
  case Tok::PipeEq:
  case Tok::CaretEq:
  case Tok::ShlEq:
  case Tok::ShrEq: return kAssignment;
  case Tok::Question: return kConditional;
  case Tok::Elvis: return kElvis;
  case Tok::PipePipe: return kOr;
  case Tok::AmpAmp: return kAnd;
  case Tok::EqEq:
  case Tok::BangEq: return kEquality;
  case Tok::Less:
  case Tok::LessEq:
  case Tok::Greater:
  case Tok::GreaterEq:
  case Tok::Is: return kComparison;
  case Tok::As: return kAs;
  case Tok::Pipe: return kBitOr;
  case Tok::Caret: return kBitXor;
  case Tok::Amp: return kBitAnd;
  case Tok::Shl:
  case Tok::Shr:
  case Tok::Ushr: return kShift;
  case Tok::Plus:
  case Tok::Minus: return kTerm;
  case Tok::Star:
  case Tok::Slash:
  case Tok::Percent: return kFactor;
  default: return -1;
  }
}

class Parser {
public:
  Parser(const std::vector<Token>& tokens, Diagnostics& diags) : toks_(tokens), diags_(diags) {}

  ModuleAst run();

private:
  std::vector<Token> toks_; // a copy: closing type arguments may split a `>=` token in place
  Diagnostics& diags_;
  size_t p_ = 0;
  uint32_t nesting_ = 0;
  uint32_t deepest_ = 0;   // the depth of the deepest expression since the current lambda began
  std::string brokenName_; // the name being declared by the statement being parsed
  int speculating_ = 0;    // inside a parse attempt that may be undone: report nothing
  int pendingGreater_ = 0; // `>` left over from splitting `>>` that closes type arguments
  // A type such as `Box<int>` may end a line, though `>` does not end a statement by the
  // newline rule: the parser then sees an end of line before token virtualNewline_.
  size_t virtualNewline_ = SIZE_MAX;
  Token newlineToken_{Tok::Newline, {}, "", 0, 0};
  std::unordered_set<std::string> brokenNames_;

  const Token& cur() const { return p_ == virtualNewline_ ? newlineToken_ : toks_[p_]; }
  const Token& peekTok(size_t n = 1) const { return toks_[std::min(p_ + n, toks_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  const Token& advance();
  bool match(Tok k);
  void skipNewlines();
  void skipSeparators();

  std::string describe(const Token& t) const;

  // Reports a syntax error and abandons the statement. At an invalid token the lexer has
  // already reported the real problem, so nothing more is said.
  [[noreturn]] void fail(SourcePos pos, std::string message);
  [[noreturn]] void fail(Diagnostic diagnostic);

  const Token& expect(Tok k, const char* context);

  std::string expectIdentifier(const char* what);

  // One level of nesting, for as long as it lives: every recursive path of the parser holds one,
  // and a syntax error unwinding through it gives the level back.
  class Nested {
  public:
    Nested(Parser& parser, SourcePos pos) : parser_(parser) {
      if (++parser_.nesting_ > kMaxNesting) {
        parser_.diags_.error(pos, "code is nested too deeply (more than " +
                                      std::to_string(kMaxNesting) + " levels)");
        throw TooDeep{};
      }
    }
    ~Nested() { parser_.nesting_--; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

  private:
    Parser& parser_;
  };

  // Skips to the end of the current statement after an error.
  // Skips the rest of a broken statement: to the end of its line, over any brackets it
  // opened. A `}` that closes an enclosing block is left for that block; a stray `)` or `]`
  // belongs to the broken statement.
  void synchronize();

  StmtPtr guardedStatement(bool topLevel);

  // ---- Types ----
  TypeSyntax typeSyntax();

  // Whether the current token touches the one before it (`Box?`, not `Box ?`).
  bool rightAfterPrevious() const;

  // `->`, or the `=>` of another language reported as such.
  void expectArrow(const char* context);
  void refuseFatArrow();

  [[noreturn]] void tooManyDimensions(SourcePos pos);

  // `<A, B>` after a generic name. `>>` closing two lists at once is split.
  std::vector<TypeSyntax> typeArguments();

  // `List<int>= x` lexes `>=`: the `>` closes the type arguments and the rest of the token stays
  // for the caller. Only outside speculation, which never reaches an assignment.
  bool splitGreaterAssign();

  // `<T, U>` after the name of a generic class or function.
  std::vector<std::string> typeParameters();

  // ---- Statements ----
  StmtPtr statement(bool topLevel);

  // At `switch (`: whether `)` and `{` follow on the line, as in a C or Java `switch`.
  bool switchStatementHere() const;

  // At `{`: whether it opens a short lambda rather than a block.
  bool startsLambda() const;

  StmtPtr varDecl();

  StmtPtr block(const char* context);

  // An else-if chain is read in a loop: its length is not nesting. Each `else if` becomes the
  // else branch of the `if` before it.
  StmtPtr ifStatement();

  ImportDecl importDecl();

  StmtPtr tryStatement();

  StmtPtr forStatement();

  // `fun name<T>(params): Result { body }`; without a body (`bodyless`) for an abstract method
  // or an interface method that has none.
  std::unique_ptr<FunDecl> funDecl(bool inClass, bool bodyless = false);

  void parameters(FunDecl& f);

  std::unique_ptr<ClassDecl> classDecl();

  // `enum Color { RED, GREEN, BLUE }`, optionally with members after a `;`. An enum is a class:
  // its constants are static fields made once, each with its `name` and `ordinal`, and it has
  // `values()`, `valueOf(name)` and a `toString()` giving the name. That part is written here as
  // Nuri source and parsed at the enum's line; the members the program wrote are added to it.
  std::unique_ptr<ClassDecl> enumDecl();

  void classMember(ClassDecl& c);

  // ---- Expressions ----
  ExprPtr expression() { return binary(kLowest + 1); }

  static uint32_t depthOf(const ExprPtr& e) { return e ? e->depth : 0; }
  ExprPtr node(ExprKind kind, SourcePos pos) { return std::make_unique<Expr>(kind, pos); }
  // Sets the depth of `e` from its operands' (and `inner`), rejecting too deep a tree: the
  // checker and the code generator recurse over it.
  void fixDepth(Expr& e, uint32_t inner = 0);

  // A lambda is as deep as the deepest expression in its body, plus one: checking and
  // compiling an expression recurse into the lambdas in it, so depth does not start afresh.
  class LambdaDepth {
  public:
    explicit LambdaDepth(Parser& parser)
        : parser_(parser), saved_(std::exchange(parser.deepest_, 0)) {}
    ~LambdaDepth() { parser_.deepest_ = std::max(saved_, parser_.deepest_); }
    LambdaDepth(const LambdaDepth&) = delete;
    LambdaDepth& operator=(const LambdaDepth&) = delete;
    uint32_t inner() const { return parser_.deepest_; }

  private:
    Parser& parser_;
    uint32_t saved_;
  };

  ExprPtr binary(int minPrec);

  ExprPtr unary();

  // The calls, members and indexes after `e`. A chain holding a `?.` is wrapped whole in a
  // SafeChain, which is null as soon as a `?.` meets null (`a?.b.c`).
  ExprPtr postfix(ExprPtr e);

  // Whether a `{` here is a trailing lambda: on the line of the token before it.
  bool trailingLambdaHere() const;

  ExprPtr postfixChain(ExprPtr e, bool& safe);

  void arguments(Expr& e, Tok close, const char* context);

  ExprPtr primary();

  // `when (x) { 0, 1 -> a; is T -> { ... }; else -> b }`, or without `(x)`, conditions.
  ExprPtr whenExpr();

  WhenBranch whenBranch(bool hasSubject);

  // `{ a: int, b: int -> a + b }` or `{ -> 42 }`: statements, the last one's value returned.
  ExprPtr shortLambda();

  void lambdaParameters(FunDecl& lambda);

  ExprPtr interpolation();

  ExprPtr newArray();
};

} // namespace nuri::parsing
