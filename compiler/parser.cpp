#include "compiler/parser.h"

#include <algorithm>
#include <set>
#include <unordered_set>
#include <utility>

#include "compiler/lexer.h"
#include "support/assert.h"

namespace nuri {
namespace {

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

int binaryPrecedence(Tok t) {
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

  ModuleAst run() {
    ModuleAst module;
    try {
      skipSeparators();
      while (!at(Tok::Eof)) {
        if (at(Tok::RBrace) || at(Tok::RParen) || at(Tok::RBracket)) {
          diags_.error(cur().pos, std::string("unmatched `") + tokenText(cur().kind) + "`");
          advance();
        } else if (at(Tok::Import)) {
          try {
            module.imports.push_back(importDecl());
          } catch (const SyntaxError&) {
            synchronize();
          }
        } else if (StmtPtr s = guardedStatement(true)) {
          module.items.push_back(std::move(s));
        }
        skipSeparators();
      }
    } catch (const TooDeep&) {
      // Reported where it was detected.
    }
    module.brokenNames = std::move(brokenNames_);
    return module;
  }

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
  const Token& advance() {
    if (p_ == virtualNewline_) {
      virtualNewline_ = SIZE_MAX;
      return newlineToken_;
    }
    const Token& t = toks_[p_];
    if (p_ + 1 < toks_.size()) p_++;
    return t;
  }
  bool match(Tok k) {
    if (!at(k)) return false;
    advance();
    return true;
  }
  void skipNewlines() {
    while (at(Tok::Newline))
      advance();
  }
  void skipSeparators() {
    while (at(Tok::Newline) || at(Tok::Semicolon))
      advance();
  }

  std::string describe(const Token& t) const {
    switch (t.kind) {
    case Tok::Identifier: return "`" + t.text + "`";
    case Tok::Int: return "a number";
    case Tok::Float: return "a number";
    case Tok::String:
    case Tok::Interpolation: return "a string";
    case Tok::Newline: return "end of line";
    case Tok::Eof: return "end of file";
    default: return std::string("`") + tokenText(t.kind) + "`";
    }
  }

  // Reports a syntax error and abandons the statement. At an invalid token the lexer has
  // already reported the real problem, so nothing more is said.
  [[noreturn]] void fail(SourcePos pos, std::string message) {
    fail(Diagnostic{pos, std::move(message), {}, 0});
  }
  [[noreturn]] void fail(Diagnostic diagnostic) {
    if (!at(Tok::Error) && speculating_ == 0) diags_.error(std::move(diagnostic));
    throw SyntaxError{};
  }

  const Token& expect(Tok k, const char* context) {
    if (!at(k)) {
      if (at(Tok::Error)) throw SyntaxError{};
      fail(cur().pos, std::string("expected `") + tokenText(k) + "` " + context + ", found " +
                          describe(cur()));
    }
    return advance();
  }

  std::string expectIdentifier(const char* what) {
    if (!at(Tok::Identifier)) {
      if (at(Tok::Error)) throw SyntaxError{};
      bool keyword = cur().kind >= Tok::Fun && cur().kind <= Tok::Static;
      fail(cur().pos, std::string("expected ") + what + ", found " + describe(cur()) +
                          (keyword ? " (a keyword cannot be used as a name)" : ""));
    }
    return advance().text;
  }

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
  void synchronize() {
    int depth = 0;
    while (!at(Tok::Eof)) {
      Tok k = cur().kind;
      if (depth == 0 && (k == Tok::Newline || k == Tok::Semicolon)) return;
      if (k == Tok::LBrace || k == Tok::LParen || k == Tok::LBracket) depth++;
      if (k == Tok::RBrace || k == Tok::RParen || k == Tok::RBracket) {
        if (depth == 0 && k == Tok::RBrace) return;
        if (depth > 0) depth--;
      }
      advance();
    }
  }

  StmtPtr guardedStatement(bool topLevel) {
    try {
      StmtPtr s = statement(topLevel);
      if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace) && !at(Tok::Eof)) {
        fail(cur().pos, "expected end of statement, found " + describe(cur()));
      }
      return s;
    } catch (const SyntaxError&) {
      if (!brokenName_.empty()) brokenNames_.insert(brokenName_);
      brokenName_.clear();
      size_t before = p_;
      synchronize();
      // A stray closing bracket stops synchronize where it started: step over it.
      if (p_ == before && !at(Tok::Eof) && !at(Tok::Newline) && !at(Tok::Semicolon) &&
          !at(Tok::RBrace)) {
        advance();
      }
      return nullptr;
    }
  }

  // ---- Types ----
  TypeSyntax typeSyntax() {
    TypeSyntax t;
    t.pos = cur().pos;
    Nested nested(*this, t.pos);
    if (at(Tok::LParen)) {
      // `(A, B) -> R`, or a parenthesised type such as `(() -> int)` before `[]`.
      advance();
      std::vector<TypeSyntax> inner;
      while (!at(Tok::RParen)) {
        inner.push_back(typeSyntax());
        if (!match(Tok::Comma)) break;
      }
      expect(Tok::RParen, "to close the type");
      if (match(Tok::Arrow)) {
        t.isFunction = true;
        t.params = std::move(inner);
        t.result = std::make_shared<TypeSyntax>(typeSyntax());
        return t; // `[]` after `-> R` belongs to R; parenthesise the function type for arrays
      }
      if (inner.size() != 1)
        fail(t.pos, "expected `->` after the parameter types of a function type");
      t = std::move(inner[0]);
    } else {
      t.name = expectIdentifier("a type name");
      while (at(Tok::Dot) && peekTok().kind == Tok::Identifier) { // `module.Type`
        advance();
        t.name += "." + advance().text;
      }
      if (at(Tok::Less)) t.args = typeArguments();
    }
    while (pendingGreater_ == 0 && at(Tok::LBracket) && peekTok().kind == Tok::RBracket) {
      if (t.arrayDepth == kMaxArrayDimensions) tooManyDimensions(cur().pos);
      advance();
      advance();
      t.arrayDepth++;
    }
    if (at(Tok::Question) && rightAfterPrevious()) {
      fail(cur().pos, "Nuri has no nullable types (`T?`): every reference type may hold null; "
                      "write `" +
                          (t.name.empty() ? std::string("T") : t.name) + "`");
    }
    return t;
  }

  // Whether the current token touches the one before it (`Box?`, not `Box ?`).
  bool rightAfterPrevious() const {
    if (p_ == 0) return false;
    const Token& prev = toks_[p_ - 1];
    size_t length = prev.kind == Tok::Identifier ? prev.text.size() : 1;
    return prev.pos.line == cur().pos.line && prev.pos.column + length == cur().pos.column;
  }

  // `->`, or the `=>` of another language reported as such.
  void expectArrow(const char* context) {
    refuseFatArrow();
    expect(Tok::Arrow, context);
  }
  void refuseFatArrow() {
    if (at(Tok::Eq) && peekTok().kind == Tok::Greater && peekTok().pos.line == cur().pos.line &&
        peekTok().pos.column == cur().pos.column + 1) {
      fail(cur().pos, "Nuri has no `=>`; a `when` branch and a lambda use `->`");
    }
  }

  [[noreturn]] void tooManyDimensions(SourcePos pos) {
    fail(pos, "an array type has at most " + std::to_string(kMaxArrayDimensions) + " dimensions");
  }

  // `<A, B>` after a generic name. `>>` closing two lists at once is split.
  std::vector<TypeSyntax> typeArguments() {
    expect(Tok::Less, "to start the type arguments");
    std::vector<TypeSyntax> args;
    while (true) {
      args.push_back(typeSyntax());
      if (pendingGreater_ == 0 && match(Tok::Comma)) continue;
      break;
    }
    uint32_t closingLine = 0;
    if (pendingGreater_ > 0) {
      pendingGreater_--;
      closingLine = toks_[p_ - 1].pos.line;
    } else if (at(Tok::Greater) || at(Tok::Shr) || at(Tok::Ushr)) {
      pendingGreater_ = at(Tok::Greater) ? 0 : at(Tok::Shr) ? 1 : 2;
      closingLine = advance().pos.line;
    } else if (speculating_ == 0 && splitGreaterAssign()) {
      closingLine = cur().pos.line;
    } else {
      fail(cur().pos, "expected `>` to close the type arguments, found " + describe(cur()));
    }
    if (pendingGreater_ == 0 && speculating_ == 0 && cur().pos.line > closingLine &&
        cur().kind != Tok::Newline) {
      virtualNewline_ = p_;
      newlineToken_.pos = toks_[p_ - 1].pos;
    }
    return args;
  }

  // `List<int>= x` lexes `>=`: the `>` closes the type arguments and the rest of the token stays
  // for the caller. Only outside speculation, which never reaches an assignment.
  bool splitGreaterAssign() {
    Token& t = toks_[p_];
    switch (t.kind) {
    case Tok::GreaterEq: t.kind = Tok::Eq; break;
    case Tok::ShrEq: t.kind = Tok::GreaterEq; break;
    default: return false;
    }
    t.pos.column++;
    return true;
  }

  // `<T, U>` after the name of a generic class or function.
  std::vector<std::string> typeParameters() {
    std::vector<std::string> names;
    if (!match(Tok::Less)) return names;
    while (true) {
      names.push_back(expectIdentifier("a type parameter name"));
      if (!match(Tok::Comma)) break;
    }
    expect(Tok::Greater, "to close the type parameters");
    return names;
  }

  // ---- Statements ----
  StmtPtr statement(bool topLevel) {
    SourcePos pos = cur().pos;
    switch (cur().kind) {
    case Tok::Let:
    case Tok::Var: return varDecl();
    case Tok::Fun: {
      auto s = std::make_unique<Stmt>(StmtKind::Fun, pos);
      s->fun = funDecl(false);
      if (!topLevel)
        diags_.error(pos, "functions can only be declared at the top level of a file "
                          "or in a class");
      return s;
    }
    case Tok::Class:
    case Tok::Interface: {
      auto s = std::make_unique<Stmt>(StmtKind::Class, pos);
      s->cls = classDecl();
      if (!topLevel) {
        diags_.error(pos, std::string(s->cls->isInterface ? "interfaces" : "classes") +
                              " can only be declared at the top level of a file");
      }
      return s;
    }
    case Tok::Enum: {
      auto s = std::make_unique<Stmt>(StmtKind::Class, pos);
      s->cls = enumDecl();
      if (!topLevel) diags_.error(pos, "enums can only be declared at the top level of a file");
      return s;
    }
    case Tok::Abstract: {
      if (peekTok().kind != Tok::Class) {
        fail(pos, "`abstract` applies to classes (`abstract class Shape`) and their methods");
      }
      advance();
      auto s = std::make_unique<Stmt>(StmtKind::Class, pos);
      s->cls = classDecl();
      s->cls->isAbstract = true;
      if (!topLevel) diags_.error(pos, "classes can only be declared at the top level of a file");
      return s;
    }
    case Tok::Private:
    case Tok::Protected:
    case Tok::Override:
    case Tok::Static:
      fail(pos, std::string("`") + tokenText(cur().kind) + "` can only be used on class members");
    case Tok::If: return ifStatement();
    case Tok::While: {
      advance();
      auto s = std::make_unique<Stmt>(StmtKind::While, pos);
      expect(Tok::LParen, "after `while`");
      s->expr = expression();
      expect(Tok::RParen, "after the loop condition");
      s->loopBody = block("as the loop body");
      return s;
    }
    case Tok::For: return forStatement();
    case Tok::Break: advance(); return std::make_unique<Stmt>(StmtKind::Break, pos);
    case Tok::Continue: advance(); return std::make_unique<Stmt>(StmtKind::Continue, pos);
    case Tok::Return: {
      advance();
      auto s = std::make_unique<Stmt>(StmtKind::Return, pos);
      if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace) && !at(Tok::Eof)) {
        s->expr = expression();
      }
      return s;
    }
    case Tok::LBrace:
      if (startsLambda()) break; // `{ -> ... }` or `{ x: T -> ... }` is an expression
      return block("");
    case Tok::Else: fail(pos, "`else` without a matching `if`");
    case Tok::Throw: {
      advance();
      auto s = std::make_unique<Stmt>(StmtKind::Throw, pos);
      s->expr = expression();
      return s;
    }
    case Tok::Try: return tryStatement();
    case Tok::Catch:
    case Tok::Finally:
      fail(pos, std::string("`") + tokenText(cur().kind) + "` without a matching `try`");
    case Tok::Import: fail(pos, "`import` can only be used at the top level of a file");
    case Tok::Identifier:
      if (cur().text == "val" && peekTok().kind == Tok::Identifier) {
        fail(pos, "Nuri has no `val`; declare a name that is not reassigned with `let`, e.g. "
                  "`let x = 1`");
      }
      if (cur().text == "switch" && peekTok().kind == Tok::LParen && switchStatementHere()) {
        fail(pos, "Nuri has no `switch`; use `when`, e.g. `when (x) { 1, 2 -> a(); else -> b() }`");
      }
      break;
    default: break;
    }
    auto s = std::make_unique<Stmt>(StmtKind::Expr, pos);
    s->expr = expression();
    return s;
  }

  // At `switch (`: whether `)` and `{` follow on the line, as in a C or Java `switch`.
  bool switchStatementHere() const {
    int depth = 0;
    for (size_t i = p_ + 1; i < toks_.size(); i++) {
      Tok k = toks_[i].kind;
      if (k == Tok::LParen) depth++;
      if (k == Tok::RParen && --depth == 0)
        return i + 1 < toks_.size() && toks_[i + 1].kind == Tok::LBrace;
      if (k == Tok::Newline || k == Tok::Eof) return false;
    }
    return false;
  }

  // At `{`: whether it opens a short lambda rather than a block.
  bool startsLambda() const {
    return peekTok().kind == Tok::Arrow ||
           (peekTok().kind == Tok::Identifier && peekTok(2).kind == Tok::Colon);
  }

  StmtPtr varDecl() {
    SourcePos pos = cur().pos;
    auto s = std::make_unique<Stmt>(StmtKind::Var, pos);
    s->isLet = advance().kind == Tok::Let;
    if (at(Tok::LParen)) {
      fail(cur().pos, std::string("Nuri has no destructuring in `") + (s->isLet ? "let" : "var") +
                          "`; declare each variable, e.g. `let a = pair.first` (only `for ((k, "
                          "v) in map)` takes a value apart)");
    }
    s->name = expectIdentifier("a variable name");
    // If the rest fails, later uses of the name must not add "unknown name" errors.
    brokenName_ = s->name;
    if (match(Tok::Colon)) {
      s->hasType = true;
      s->typeSyntax = typeSyntax();
    }
    if (match(Tok::Eq)) {
      s->expr = expression();
    } else if (!s->hasType) {
      if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::Eof) && !at(Tok::RBrace)) {
        fail(cur().pos, "expected `=` or `:` after `" + s->name + "`, found " + describe(cur()));
      }
      fail(pos, "`" + s->name + "` needs a type or an initial value, e.g. `var " + s->name +
                    ": int` or `var " + s->name + " = 0`");
    }
    brokenName_.clear();
    return s;
  }

  StmtPtr block(const char* context) {
    SourcePos pos = cur().pos;
    if (!at(Tok::LBrace)) {
      fail(pos, std::string("expected `{` ") + context + ", found " + describe(cur()));
    }
    advance();
    auto s = std::make_unique<Stmt>(StmtKind::Block, pos);
    {
      Nested nested(*this, pos);
      skipSeparators();
      while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        if (StmtPtr inner = guardedStatement(false)) s->body.push_back(std::move(inner));
        skipSeparators();
      }
    }
    if (!at(Tok::RBrace))
      fail(mentioning(cur().pos, "expected `}` to close the block opened at ", pos));
    advance();
    return s;
  }

  // An else-if chain is read in a loop: its length is not nesting. Each `else if` becomes the
  // else branch of the `if` before it.
  StmtPtr ifStatement() {
    StmtPtr first;
    Stmt* last = nullptr;
    while (true) {
      SourcePos pos = advance().pos;
      auto s = std::make_unique<Stmt>(StmtKind::If, pos);
      expect(Tok::LParen, "after `if`");
      s->expr = expression();
      expect(Tok::RParen, "after the condition");
      s->thenBranch = block("after the `if` condition");
      Stmt* raw = s.get();
      (last ? last->elseBranch : first) = std::move(s);
      last = raw;
      size_t save = p_;
      skipNewlines();
      if (!match(Tok::Else)) {
        p_ = save;
        return first;
      }
      if (!at(Tok::If)) {
        last->elseBranch = block("after `else`");
        return first;
      }
    }
  }

  ImportDecl importDecl() {
    ImportDecl decl;
    decl.pos = advance().pos;
    decl.path.push_back(expectIdentifier("a module name after `import`"));
    while (match(Tok::Dot)) {
      if (at(Tok::LBrace)) {
        advance();
        while (!at(Tok::RBrace)) {
          SourcePos at = cur().pos;
          decl.names.push_back({expectIdentifier("a name to import"), at});
          if (!match(Tok::Comma)) break;
        }
        expect(Tok::RBrace, "to close the list of imported names");
        break;
      }
      decl.path.push_back(expectIdentifier("a module name"));
    }
    if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::Eof)) {
      fail(cur().pos, "expected end of line after the import, found " + describe(cur()));
    }
    return decl;
  }

  StmtPtr tryStatement() {
    SourcePos pos = advance().pos;
    auto s = std::make_unique<Stmt>(StmtKind::Try, pos);
    s->thenBranch = block("after `try`");
    while (true) {
      size_t save = p_;
      skipNewlines();
      if (at(Tok::Catch)) {
        CatchClause clause;
        clause.pos = advance().pos;
        expect(Tok::LParen, "after `catch`");
        clause.name = expectIdentifier("a name for the caught error");
        if (!at(Tok::Colon)) {
          fail(cur().pos,
               "the caught error needs a type, e.g. `catch (" + clause.name + ": Error)`");
        }
        advance();
        clause.type = typeSyntax();
        expect(Tok::RParen, "after the caught error's type");
        clause.body = block("after `catch (...)`");
        s->catches.push_back(std::move(clause));
      } else if (at(Tok::Finally)) {
        advance();
        s->finallyBody = block("after `finally`");
        break;
      } else {
        p_ = save;
        break;
      }
    }
    if (s->catches.empty() && !s->finallyBody) {
      fail(cur().pos, "`try` needs at least one `catch` or a `finally`");
    }
    return s;
  }

  StmtPtr forStatement() {
    SourcePos pos = advance().pos;
    auto s = std::make_unique<Stmt>(StmtKind::For, pos);
    expect(Tok::LParen, "after `for`");
    if (match(Tok::LParen)) { // `for ((k, v) in map)`
      do {
        SourcePos at = cur().pos;
        s->destructure.push_back({expectIdentifier("a loop variable name"), at});
      } while (match(Tok::Comma));
      expect(Tok::RParen, "after the loop variables");
      s->name = " pair";
    } else {
      s->name = expectIdentifier("a loop variable name");
    }
    expect(Tok::In, "after the loop variable");
    s->expr = expression();
    if (at(Tok::DotDot) || at(Tok::DotDotEq)) {
      s->inclusive = advance().kind == Tok::DotDotEq;
      s->rangeEnd = expression();
    }
    expect(Tok::RParen, "after the `for` header");
    s->loopBody = block("as the loop body");
    return s;
  }

  // `fun name<T>(params): Result { body }`; without a body (`bodyless`) for an abstract method
  // or an interface method that has none.
  std::unique_ptr<FunDecl> funDecl(bool inClass, bool bodyless = false) {
    size_t start = p_;
    auto f = std::make_unique<FunDecl>();
    f->pos = advance().pos; // `fun`
    if (at(Tok::Less))
      fail(cur().pos, "type parameters go after the name: `fun first<T>(items: T[]): T`");
    f->name = expectIdentifier(inClass ? "a method name" : "a function name");
    if (!inClass) brokenName_ = f->name;
    f->typeParams = typeParameters();
    parameters(*f);
    if (match(Tok::Colon)) {
      f->hasReturnType = true;
      f->returnType = typeSyntax();
    }
    if (!bodyless && at(Tok::Eq)) {
      fail(cur().pos, "Nuri has no expression bodies; write `{ return ... }` instead of `= ...`");
    }
    if (!bodyless) f->body = block("to start the function body");
    f->tokenCount = uint32_t(p_ - start);
    return f;
  }

  void parameters(FunDecl& f) {
    expect(Tok::LParen, "before the parameters");
    std::string current; // the parameter being parsed
    try {
      while (!at(Tok::RParen)) {
        Param param;
        param.pos = cur().pos;
        param.name = expectIdentifier("a parameter name");
        current = param.name;
        if (!at(Tok::Colon)) {
          fail(cur().pos,
               "parameter `" + param.name + "` needs a type, e.g. `" + param.name + ": int`");
        }
        advance();
        param.type = typeSyntax();
        if (match(Tok::Eq)) param.defaultValue = expression();
        f.params.push_back(std::move(param));
        if (!match(Tok::Comma)) break;
      }
    } catch (const SyntaxError&) {
      // Skip the rest of the list and go on with the body, so it is still checked.
      while (!at(Tok::RParen) && !at(Tok::LBrace) && !at(Tok::Newline) && !at(Tok::Eof))
        advance();
      brokenNames_.insert(f.name);
      if (!current.empty()) brokenNames_.insert(current);
    }
    expect(Tok::RParen, "after the parameters");
  }

  std::unique_ptr<ClassDecl> classDecl() {
    size_t start = p_;
    auto c = std::make_unique<ClassDecl>();
    c->isInterface = cur().kind == Tok::Interface;
    c->pos = advance().pos;
    c->name = expectIdentifier(c->isInterface ? "an interface name" : "a class name");
    brokenName_ = c->name;
    c->typeParams = typeParameters();
    if (at(Tok::Colon)) {
      fail(cur().pos, c->isInterface ? "an interface cannot extend or implement other types"
                                     : "Nuri writes `class B extends A implements I`, not `:`");
    }
    if (!c->isInterface && match(Tok::Extends)) {
      c->hasSuperclass = true;
      c->superclass = typeSyntax();
    }
    if (!c->isInterface && match(Tok::Implements)) {
      do {
        c->interfaces.push_back(typeSyntax());
      } while (match(Tok::Comma));
    }
    if (c->isInterface && (at(Tok::Extends) || at(Tok::Implements))) {
      fail(cur().pos, "an interface cannot extend or implement other types");
    }
    if (!at(Tok::LBrace))
      fail(cur().pos, "expected `{` to start the class body, found " + describe(cur()));
    SourcePos open = advance().pos;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
      if (at(Tok::Class) || at(Tok::Interface)) break; // the class's `}` is missing
      try {
        classMember(*c);
        if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace)) {
          fail(cur().pos, "expected end of line after a class member, found " + describe(cur()));
        }
      } catch (const SyntaxError&) {
        size_t before = p_;
        synchronize();
        if (p_ == before && !at(Tok::Eof) && !at(Tok::Newline) && !at(Tok::Semicolon) &&
            !at(Tok::RBrace)) {
          advance();
        }
      }
      skipSeparators();
    }
    if (!at(Tok::RBrace)) {
      // Keep the class (and whatever follows it) rather than dropping both.
      diags_.error(
          mentioning(cur().pos, "expected `}` to close class `" + c->name + "` opened at ", open));
      brokenName_.clear();
      c->tokenCount = uint32_t(p_ - start);
      return c;
    }
    advance();
    brokenName_.clear();
    c->tokenCount = uint32_t(p_ - start);
    return c;
  }

  // `enum Color { RED, GREEN, BLUE }`, optionally with members after a `;`. An enum is a class:
  // its constants are static fields made once, each with its `name` and `ordinal`, and it has
  // `values()`, `valueOf(name)` and a `toString()` giving the name. That part is written here as
  // Nuri source and parsed at the enum's line; the members the program wrote are added to it.
  std::unique_ptr<ClassDecl> enumDecl() {
    size_t start = p_;
    SourcePos pos = advance().pos;
    std::string name = expectIdentifier("an enum name");
    brokenName_ = name;
    if (!at(Tok::LBrace))
      fail(cur().pos, "expected `{` to start the enum's constants, found " + describe(cur()));
    SourcePos open = advance().pos;
    skipSeparators();
    std::vector<std::string> constants;
    std::set<std::string> seen;
    while (at(Tok::Identifier)) {
      const Token& t = advance();
      if (!seen.insert(t.text).second)
        diags_.error(t.pos, "constant `" + t.text + "` is already in enum `" + name + "`");
      else
        constants.push_back(t.text);
      while (at(Tok::Newline))
        advance();
      if (!match(Tok::Comma)) break;
      while (at(Tok::Newline))
        advance();
    }
    while (at(Tok::Newline)) // not `;`, which starts the members
      advance();
    if (constants.empty() && speculating_ == 0)
      diags_.error(cur().pos, "enum `" + name + "` needs at least one constant, e.g. `enum " +
                                  name + " { A, B }`");
    ClassDecl members; // what the program wrote after `;`
    if (match(Tok::Semicolon)) {
      skipSeparators();
      while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        try {
          classMember(members);
          if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace))
            fail(cur().pos, "expected end of line after a member, found " + describe(cur()));
        } catch (const SyntaxError&) {
          size_t before = p_;
          synchronize();
          if (p_ == before && !at(Tok::Eof) && !at(Tok::RBrace)) advance();
        }
        skipSeparators();
      }
    } else if (!at(Tok::RBrace)) {
      fail(cur().pos, "expected `,`, `;` or `}` after the constants of enum `" + name +
                          "`, found " + describe(cur()));
    }
    if (!at(Tok::RBrace))
      fail(mentioning(cur().pos, "expected `}` to close enum `" + name + "` opened at ", open));
    advance();
    brokenName_.clear();

    bool ownToString = false, ownCompareTo = false;
    for (const auto& m : members.methods) {
      ownToString = ownToString || m->name == "toString";
      ownCompareTo = ownCompareTo || m->name == "compareTo";
    }
    std::string text = "class " + name + " {\n";
    text += "let name: string\nlet ordinal: int\n";
    text += "init(name: string, ordinal: int) { this.name = name; this.ordinal = ordinal }\n";
    for (size_t i = 0; i < constants.size(); i++) {
      text += "static let " + constants[i] + ": " + name + " = " + name + "(\"" + constants[i] +
              "\", " + std::to_string(i) + ")\n";
    }
    text += "static fun values(): " + name + "[] {\nlet all = new " + name + "[" +
            std::to_string(constants.size()) + "]\n";
    for (size_t i = 0; i < constants.size(); i++)
      text += "all[" + std::to_string(i) + "] = " + name + "." + constants[i] + "\n";
    text += "return all\n}\n";
    text += "static fun valueOf(name: string): " + name + " {\n";
    for (const std::string& c : constants)
      text += "if (name == \"" + c + "\") { return " + name + "." + c + " }\n";
    text += "throw ValueError(\"enum " + name + " has no constant \\\"${name}\\\"\")\n}\n";
    if (!ownToString) text += "fun toString(): string { return name }\n";
    // The natural order is the declaration order (`sort()`, `compareOf`).
    if (!ownCompareTo) {
      text += "fun compareTo(other: " + name + "): int { return ordinal - other.ordinal }\n";
    }
    text += "}\n";
    ModuleAst generated = parse(tokenize(text, pos.file, pos.line, diags_), diags_);
    NURI_ASSERT(generated.items.size() == 1 && generated.items[0]->cls, "an enum did not parse");
    std::unique_ptr<ClassDecl> c = std::move(generated.items[0]->cls);
    c->pos = pos;
    c->isEnum = true;
    c->enumConstants = std::move(constants);
    for (auto& m : members.methods)
      c->methods.push_back(std::move(m));
    for (auto& f : members.fields)
      c->fields.push_back(std::move(f));
    if (members.init) diags_.error(members.init->pos, "an enum cannot have an `init`");
    c->tokenCount = uint32_t(p_ - start) + c->tokenCount;
    return c;
  }

  void classMember(ClassDecl& c) {
    bool isPrivate = false, isOverride = false, isStatic = false, isPrivateSet = false;
    bool isProtected = false, isAbstract = false;
    SourcePos modifierPos = cur().pos;
    while (at(Tok::Private) || at(Tok::Override) || at(Tok::Static) || at(Tok::Protected) ||
           at(Tok::Abstract)) {
      Tok k = advance().kind;
      // `private(set) var x`: readable everywhere, assignable only inside the class.
      if (k == Tok::Private && at(Tok::LParen) && peekTok().kind == Tok::Identifier &&
          peekTok().text == "set" && peekTok(2).kind == Tok::RParen) {
        advance();
        advance();
        advance();
        isPrivateSet = true;
        continue;
      }
      if (k == Tok::Private) isPrivate = true;
      if (k == Tok::Override) isOverride = true;
      if (k == Tok::Static) isStatic = true;
      if (k == Tok::Protected) isProtected = true;
      if (k == Tok::Abstract) isAbstract = true;
    }
    if (c.isInterface) {
      if (!at(Tok::Fun)) {
        fail(cur().pos, "an interface holds only methods, e.g. `fun area(): float`, with or "
                        "without a body");
      }
      if (isPrivate || isOverride || isStatic || isProtected || isAbstract) {
        fail(modifierPos, "the methods of an interface are public and cannot be marked `private`, "
                          "`protected`, `static`, `abstract` or `override`");
      }
      // A body is the method's default, for the classes that do not declare it.
      auto f = funDecl(true, /*bodyless=*/true);
      if (at(Tok::LBrace)) f->body = block("");
      c.methods.push_back(std::move(f));
      return;
    }
    if (isPrivate && isProtected)
      fail(modifierPos, "a member is either `private` or `protected`, not both");
    if (isProtected && isStatic) {
      fail(modifierPos, "`protected` applies to the fields and methods of objects, not to "
                        "`static` members");
    }
    if (isAbstract) {
      if (!at(Tok::Fun))
        fail(cur().pos, "`abstract` applies to methods (and classes), not to fields or `init`");
      if (isPrivate || isStatic) {
        fail(modifierPos, std::string("an abstract method cannot be `") +
                              (isPrivate ? "private" : "static") +
                              "`: subclasses must override it");
      }
      auto f = funDecl(true, /*bodyless=*/true);
      if (at(Tok::LBrace)) {
        fail(cur().pos,
             "abstract method `" + f->name + "` has no body; remove `abstract` to give it one");
      }
      f->isAbstract = true;
      f->isProtected = isProtected;
      f->isOverride = isOverride;
      c.methods.push_back(std::move(f));
      return;
    }
    if (at(Tok::Var) || at(Tok::Let)) {
      FieldDecl f;
      f.isStatic = isStatic;
      f.pos = cur().pos;
      f.isLet = advance().kind == Tok::Let;
      f.isPrivate = isPrivate;
      f.isProtected = isProtected;
      f.isPrivateSet = isPrivateSet;
      f.name = expectIdentifier("a field name");
      if (!at(Tok::Colon)) {
        fail(cur().pos, "field `" + f.name + "` needs a type, e.g. `var " + f.name + ": int`");
      }
      advance();
      f.type = typeSyntax();
      if (match(Tok::Eq)) f.init = expression();
      c.fields.push_back(std::move(f));
      return;
    }
    if (at(Tok::Fun)) {
      auto f = funDecl(true);
      f->isPrivate = isPrivate;
      f->isProtected = isProtected;
      f->isOverride = isOverride;
      f->isStatic = isStatic;
      c.methods.push_back(std::move(f));
      return;
    }
    if (isStatic) fail(cur().pos, "`static` applies to fields and methods, not to `init`");
    if (isProtected) fail(modifierPos, "`protected` applies to fields and methods, not to `init`");
    if (at(Tok::Init)) {
      auto f = std::make_unique<FunDecl>();
      f->pos = advance().pos;
      f->name = "init";
      f->isInit = true;
      f->isPrivate = isPrivate;
      parameters(*f);
      f->body = block("to start the `init` body");
      if (c.init) {
        diags_.error(mentioning(f->pos, "class `" + c.name + "` already has an `init` (at ",
                                c.init->pos, "); a class has at most one"));
      } else {
        c.init = std::move(f);
      }
      return;
    }
    if (at(Tok::Identifier) && cur().text == "val")
      fail(cur().pos, "Nuri has no `val`; declare a field that is set once with `let`");
    fail(cur().pos, "expected a field (`var`/`let`), a method (`fun`) or `init` in class `" +
                        c.name + "`, found " + describe(cur()));
  }

  // ---- Expressions ----
  ExprPtr expression() { return binary(kLowest + 1); }

  static uint32_t depthOf(const ExprPtr& e) { return e ? e->depth : 0; }
  ExprPtr node(ExprKind kind, SourcePos pos) { return std::make_unique<Expr>(kind, pos); }
  // Sets the depth of `e` from its operands' (and `inner`), rejecting too deep a tree: the
  // checker and the code generator recurse over it.
  void fixDepth(Expr& e, uint32_t inner = 0) {
    uint32_t d = std::max({depthOf(e.a), depthOf(e.b), depthOf(e.c), inner});
    for (auto& arg : e.args)
      d = std::max(d, arg->depth);
    e.depth = d + 1;
    if (e.depth > kMaxNesting) {
      diags_.error(e.pos, "expression is too long or nested too deeply (more than " +
                              std::to_string(kMaxNesting) +
                              " levels); split it into several statements");
      throw TooDeep{};
    }
    deepest_ = std::max(deepest_, e.depth);
  }

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

  ExprPtr binary(int minPrec) {
    ExprPtr left = unary();
    while (true) {
      Tok op = cur().kind;
      int prec = binaryPrecedence(op);
      if (prec < minPrec || prec < 0) break;
      SourcePos pos = advance().pos;
      if (op == Tok::Is || op == Tok::As) {
        auto e = node(op == Tok::Is ? ExprKind::Is : ExprKind::As, pos);
        e->a = std::move(left);
        e->typeSyntax = typeSyntax();
        fixDepth(*e);
        left = std::move(e);
        continue;
      }
      if (op == Tok::Eq && at(Tok::Greater) && cur().pos.line == pos.line &&
          cur().pos.column == pos.column + 1) {
        p_--; // back at the `=`
        refuseFatArrow();
      }
      if (prec == kAssignment) {
        auto e = node(ExprKind::Assign, pos);
        e->op = op;
        e->a = std::move(left);
        {
          Nested nested(*this, pos);
          e->b = binary(kAssignment); // right associative
        }
        fixDepth(*e);
        left = std::move(e);
        continue;
      }
      if (prec == kElvis) { // right associative: `a ?: b ?: c` is `a ?: (b ?: c)`
        auto e = node(ExprKind::Elvis, pos);
        e->a = std::move(left);
        {
          Nested nested(*this, pos);
          e->b = binary(kElvis);
        }
        fixDepth(*e);
        left = std::move(e);
        continue;
      }
      if (prec == kConditional) {
        auto e = node(ExprKind::Conditional, pos);
        e->a = std::move(left);
        {
          Nested nested(*this, pos);
          e->b = binary(kConditional);
          expect(Tok::Colon, "in a conditional expression `c ? a : b`");
          e->c = binary(kConditional);
        }
        fixDepth(*e);
        left = std::move(e);
        continue;
      }
      ExprKind kind =
          (op == Tok::AmpAmp || op == Tok::PipePipe) ? ExprKind::Logical : ExprKind::Binary;
      auto e = node(kind, pos);
      e->op = op;
      e->a = std::move(left);
      e->b = binary(prec + 1);
      fixDepth(*e);
      left = std::move(e);
    }
    return left;
  }

  ExprPtr unary() {
    if (at(Tok::PlusPlus) || at(Tok::MinusMinus)) {
      const Token& t = advance();
      std::string op = t.kind == Tok::PlusPlus ? "++" : "--";
      fail(t.pos, "Nuri has no prefix `" + op + "`; write `x" + op + "` as a statement of its own");
    }
    if (at(Tok::Minus) || at(Tok::Bang) || at(Tok::Tilde)) {
      const Token& t = advance();
      if (t.kind == Tok::Minus && at(Tok::Int) && cur().text == "min") {
        auto e = node(ExprKind::IntLit, t.pos);
        e->intValue = INT64_MIN;
        advance();
        return postfix(std::move(e));
      }
      auto e = node(ExprKind::Unary, t.pos);
      e->op = t.kind;
      {
        Nested nested(*this, t.pos);
        e->a = unary();
      }
      // `-5` and `-2.5` are literals, so they can be immediates and hoisted constants.
      if (t.kind == Tok::Minus && e->a->kind == ExprKind::IntLit && e->a->intValue != INT64_MIN) {
        e->a->intValue = -e->a->intValue;
        e->a->pos = e->pos;
        return std::move(e->a);
      }
      if (t.kind == Tok::Minus && e->a->kind == ExprKind::FloatLit) {
        e->a->floatValue = -e->a->floatValue;
        e->a->pos = e->pos;
        return std::move(e->a);
      }
      fixDepth(*e);
      return e;
    }
    return postfix(primary());
  }

  // The calls, members and indexes after `e`. A chain holding a `?.` is wrapped whole in a
  // SafeChain, which is null as soon as a `?.` meets null (`a?.b.c`).
  ExprPtr postfix(ExprPtr e) {
    bool safe = false;
    SourcePos start = e->pos; // messages about the chain point at its start
    ExprPtr chain = postfixChain(std::move(e), safe);
    if (!safe) return chain;
    auto wrapped = node(ExprKind::SafeChain, start);
    wrapped->a = std::move(chain);
    fixDepth(*wrapped);
    return wrapped;
  }

  // Whether a `{` here is a trailing lambda: on the line of the token before it.
  bool trailingLambdaHere() const {
    return at(Tok::LBrace) && p_ > 0 && toks_[p_ - 1].pos.line == cur().pos.line;
  }

  ExprPtr postfixChain(ExprPtr e, bool& safe) {
    while (true) {
      if (at(Tok::LParen)) {
        auto call = node(ExprKind::Call, advance().pos);
        call->a = std::move(e);
        arguments(*call, Tok::RParen, "to close the argument list");
        if (trailingLambdaHere()) call->args.push_back(shortLambda()); // `f(x) { ... }`
        fixDepth(*call);
        e = std::move(call);
      } else if ((e->kind == ExprKind::Member || e->kind == ExprKind::Name) &&
                 trailingLambdaHere()) {
        // `list.forEach { ... }`: the lambda replaces an empty `()`.
        auto call = node(ExprKind::Call, cur().pos);
        call->a = std::move(e);
        call->args.push_back(shortLambda());
        fixDepth(*call);
        e = std::move(call);
      } else if (at(Tok::Dot) || at(Tok::QuestionDot)) {
        bool isSafe = at(Tok::QuestionDot);
        SourcePos pos = advance().pos;
        auto m = node(ExprKind::Member, pos);
        m->safe = isSafe;
        safe = safe || isSafe;
        m->a = std::move(e);
        if (at(Tok::Init)) { // `super.init(...)`
          advance();
          m->text = "init";
        } else {
          m->text = expectIdentifier("a member name after `.`");
        }
        fixDepth(*m);
        e = std::move(m);
      } else if (at(Tok::LBracket)) {
        auto ix = node(ExprKind::Index, advance().pos);
        ix->a = std::move(e);
        {
          Nested nested(*this, ix->pos);
          ix->b = expression();
        }
        expect(Tok::RBracket, "to close the index");
        fixDepth(*ix);
        e = std::move(ix);
      } else if (at(Tok::Bang) && peekTok().kind == Tok::Bang) {
        fail(cur().pos, "Nuri has no `!!`: a reference may always be null, and using a member of "
                        "null raises NullError; remove the `!!`");
      } else if (at(Tok::PlusPlus) || at(Tok::MinusMinus)) {
        // `x++` is `x += 1`, a statement (the checker refuses it where a value is needed).
        const Token& t = advance();
        auto inc = node(ExprKind::Assign, t.pos);
        inc->op = t.kind == Tok::PlusPlus ? Tok::PlusEq : Tok::MinusEq;
        inc->increment = true;
        inc->a = std::move(e);
        inc->b = node(ExprKind::IntLit, t.pos);
        inc->b->intValue = 1;
        fixDepth(*inc);
        return inc;
      } else {
        return e;
      }
    }
  }

  void arguments(Expr& e, Tok close, const char* context) {
    {
      Nested nested(*this, e.pos);
      while (!at(close)) {
        e.args.push_back(expression());
        if (!match(Tok::Comma)) break;
      }
    }
    expect(close, context);
  }

  ExprPtr primary() {
    const Token& t = cur();
    SourcePos pos = t.pos;
    switch (t.kind) {
    case Tok::Int: {
      if (t.text == "min") {
        diags_.error(pos, "integer literal `9223372036854775808` is out of range for int "
                          "(64-bit signed)");
      }
      auto e = node(ExprKind::IntLit, pos);
      e->intValue = advance().intValue;
      return e;
    }
    case Tok::Float: {
      auto e = node(ExprKind::FloatLit, pos);
      e->floatValue = advance().floatValue;
      return e;
    }
    case Tok::True:
    case Tok::False: {
      auto e = node(ExprKind::BoolLit, pos);
      e->boolValue = advance().kind == Tok::True;
      return e;
    }
    case Tok::Null: advance(); return node(ExprKind::NullLit, pos);
    case Tok::This: advance(); return node(ExprKind::This, pos);
    case Tok::String: {
      auto e = node(ExprKind::StringLit, pos);
      e->text = advance().text;
      return e;
    }
    case Tok::Interpolation: return interpolation();
    case Tok::Identifier: {
      auto e = node(ExprKind::Name, pos);
      e->text = advance().text;
      if (at(Tok::Less)) {
        // `Box<int>(...)`: type arguments, if what follows `<` reads as types then `>(`.
        size_t save = p_;
        speculating_++;
        try {
          std::vector<TypeSyntax> args = typeArguments();
          if (pendingGreater_ == 0 && at(Tok::LParen)) {
            e->typeArgs = std::move(args);
          } else {
            p_ = save;
          }
        } catch (const SyntaxError&) {
          p_ = save;
        }
        pendingGreater_ = 0;
        speculating_--;
      }
      return e;
    }
    case Tok::LParen: {
      advance();
      ExprPtr inner;
      {
        Nested nested(*this, pos);
        inner = expression();
      }
      expect(Tok::RParen, "to close the parenthesis");
      return inner;
    }
    case Tok::LBracket: {
      auto e = node(ExprKind::ArrayLit, advance().pos);
      arguments(*e, Tok::RBracket, "to close the array literal");
      fixDepth(*e);
      return e;
    }
    case Tok::New: return newArray();
    case Tok::Fun: {
      // `fun(a: int): int { ... }`
      auto e = node(ExprKind::Lambda, pos);
      LambdaDepth depth(*this);
      auto f = std::make_shared<FunDecl>();
      f->pos = advance().pos;
      f->name = "<lambda>";
      f->isLambda = true;
      parameters(*f);
      for (const Param& param : f->params) {
        if (param.defaultValue && speculating_ == 0) {
          diags_.error(param.defaultValue->pos,
                       "a lambda parameter cannot have a default value: a function value is "
                       "always called with every argument");
        }
      }
      if (match(Tok::Colon)) {
        f->hasReturnType = true;
        f->returnType = typeSyntax();
      }
      f->body = block("to start the lambda's body");
      e->lambda = std::move(f);
      fixDepth(*e, depth.inner());
      return e;
    }
    case Tok::LBrace: return shortLambda();
    case Tok::When: return whenExpr();
    case Tok::If:
      fail(pos, "`if` is a statement in Nuri, not a value; use `c ? a : b` or "
                "`when { c -> a; else -> b }`");
    case Tok::Super: {
      advance();
      if (!at(Tok::Dot))
        fail(cur().pos, "`super` must be followed by `.method(...)` or `.init(...)`");
      auto e = node(ExprKind::Super, pos);
      return e;
    }
    case Tok::Error: advance(); throw SyntaxError{};
    default: fail(pos, "expected an expression, found " + describe(t));
    }
  }

  // `when (x) { 0, 1 -> a; is T -> { ... }; else -> b }`, or without `(x)`, conditions.
  ExprPtr whenExpr() {
    SourcePos pos = advance().pos;
    auto e = node(ExprKind::When, pos);
    e->when = std::make_unique<WhenArms>();
    LambdaDepth depth(*this); // checking and compiling recurse into the branches
    Nested nested(*this, pos);
    if (match(Tok::LParen)) {
      e->a = expression();
      expect(Tok::RParen, "after the `when` subject");
    }
    skipNewlines();
    SourcePos open = cur().pos;
    if (!at(Tok::LBrace)) {
      fail(cur().pos, std::string("expected `{` to start the branches of `when`") +
                          (e->a ? "" : " (or `(` before its subject)") + ", found " +
                          describe(cur()));
    }
    advance();
    skipSeparators();
    // A broken branch is skipped, so that the branches after it are read as branches; the
    // `when` is abandoned at its end.
    bool broken = false;
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
      try {
        e->when->branches.push_back(whenBranch(e->a != nullptr));
        if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace)) {
          fail(cur().pos, "expected the end of the `when` branch (a new line or `;`), found " +
                              describe(cur()));
        }
      } catch (const SyntaxError&) {
        broken = true;
        synchronize();
      }
      skipSeparators();
    }
    if (!at(Tok::RBrace))
      fail(mentioning(cur().pos, "expected `}` to close the `when` opened at ", open));
    advance();
    if (broken) throw SyntaxError{};
    fixDepth(*e, depth.inner());
    return e;
  }

  WhenBranch whenBranch(bool hasSubject) {
    WhenBranch branch;
    branch.pos = cur().pos;
    if (match(Tok::Else)) {
      branch.isElse = true;
    } else {
      do {
        skipNewlines();
        if (hasSubject && at(Tok::Is)) { // `is T`: a test of the subject
          auto test = node(ExprKind::Is, advance().pos);
          test->typeSyntax = typeSyntax();
          branch.conditions.push_back(std::move(test));
        } else {
          branch.conditions.push_back(expression());
        }
      } while (match(Tok::Comma));
    }
    if (!at(Tok::Arrow)) {
      refuseFatArrow();
      fail(cur().pos, std::string("expected `->` after the ") +
                          (branch.isElse ? "`else` of a `when` branch"
                           : hasSubject  ? "values of a `when` branch"
                                         : "condition of a `when` branch") +
                          ", found " + describe(cur()));
    }
    advance();
    if (at(Tok::LBrace)) {
      bool lambda =
          startsLambda() || (peekTok().kind == Tok::Identifier &&
                             (peekTok(2).kind == Tok::Arrow || peekTok(2).kind == Tok::Comma));
      if (lambda) {
        fail(cur().pos, "a `{` right after `->` starts a block; put a lambda in parentheses, "
                        "e.g. `-> ({ x -> x + 1 })`");
      }
      branch.block = block("");
    } else if (at(Tok::Return) || at(Tok::Throw) || at(Tok::Break) || at(Tok::Continue)) {
      // `else -> throw ValueError(...)`: a block of that one statement
      branch.block = std::make_unique<Stmt>(StmtKind::Block, cur().pos);
      branch.block->body.push_back(statement(false));
    } else {
      branch.value = expression();
    }
    return branch;
  }

  // `{ a: int, b: int -> a + b }` or `{ -> 42 }`: statements, the last one's value returned.
  ExprPtr shortLambda() {
    SourcePos pos = advance().pos;
    auto e = node(ExprKind::Lambda, pos);
    LambdaDepth depth(*this);
    auto f = std::make_shared<FunDecl>();
    f->pos = pos;
    f->name = "<lambda>";
    f->isLambda = true;
    f->isShortLambda = true;
    // Without `->` (`{ it > 3 }`, `{ println("hi") }`) it has no parameters or one, `it`.
    size_t save = p_;
    // `{ x: int ...` has parameters for sure: their errors are reported.
    bool arrow = at(Tok::Identifier) && peekTok().kind == Tok::Colon;
    speculating_++;
    try {
      if (!arrow) {
        lambdaParameters(*f);
        arrow = true;
      }
    } catch (const SyntaxError&) {
    }
    speculating_--;
    if (!arrow) {
      p_ = save;
      f->params.clear();
      f->implicitParams = true;
    }
    try {
      if (arrow) {
        p_ = save;
        f->params.clear();
        lambdaParameters(*f);
      }
    } catch (const SyntaxError&) {
      // Skip the whole lambda so its closing `}` does not end an enclosing block.
      for (int depth = 1; depth > 0 && !at(Tok::Eof); advance()) {
        if (at(Tok::LBrace)) depth++;
        if (at(Tok::RBrace)) depth--;
        if (depth == 0) {
          advance();
          break;
        }
      }
      throw;
    }
    auto body = std::make_unique<Stmt>(StmtKind::Block, pos);
    {
      Nested nested(*this, pos);
      skipSeparators();
      while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        if (StmtPtr inner = guardedStatement(false)) body->body.push_back(std::move(inner));
        skipSeparators();
      }
    }
    expect(Tok::RBrace, "to close the lambda");
    f->body = std::move(body);
    e->lambda = std::move(f);
    fixDepth(*e, depth.inner());
    return e;
  }

  void lambdaParameters(FunDecl& lambda) {
    FunDecl* f = &lambda;
    while (!at(Tok::Arrow)) {
      Param param;
      param.pos = cur().pos;
      param.name = expectIdentifier("a parameter name, or `->` for a lambda without parameters");
      if (match(Tok::Colon))
        param.type = typeSyntax();
      else
        param.typeInferred = true; // `{ a, b -> ... }`: from the type the lambda is passed as
      f->params.push_back(std::move(param));
      if (!match(Tok::Comma)) break;
    }
    expectArrow("after the lambda's parameters");
  }

  ExprPtr interpolation() {
    auto e = node(ExprKind::Interpolation, cur().pos);
    Nested nested(*this, e->pos);
    while (at(Tok::Interpolation)) {
      const Token& part = advance();
      auto lit = node(ExprKind::StringLit, part.pos);
      lit->text = part.text;
      e->args.push_back(std::move(lit));
      if ((at(Tok::String) || at(Tok::Interpolation)) && cur().intValue == 1) {
        fail(cur().pos, "empty `${}` in a string: put an expression inside");
      }
      e->args.push_back(expression());
      if ((!at(Tok::String) && !at(Tok::Interpolation)) || cur().intValue != 1) {
        fail(cur().pos, "expected `}` to close `${` in the string, found " + describe(cur()));
      }
    }
    auto last = node(ExprKind::StringLit, cur().pos);
    last->text = advance().text;
    e->args.push_back(std::move(last));
    fixDepth(*e);
    return e;
  }

  ExprPtr newArray() {
    auto e = node(ExprKind::NewArray, advance().pos);
    e->typeSyntax.pos = cur().pos;
    if (at(Tok::LParen)) {
      e->typeSyntax = typeSyntax(); // `new (() -> int)[3]`
    } else {
      e->typeSyntax.name = expectIdentifier("a type after `new`");
    }
    if (!at(Tok::LBracket)) {
      fail(cur().pos, "`new` creates arrays, e.g. `new int[10]`; to create an object call the "
                      "class: `" +
                          e->typeSyntax.name + "(...)`");
    }
    while (at(Tok::LBracket)) {
      if (e->args.size() + e->intValue == kMaxArrayDimensions) tooManyDimensions(cur().pos);
      advance();
      if (at(Tok::RBracket)) {
        advance();
        e->intValue++;
        continue;
      }
      if (e->intValue > 0) {
        fail(cur().pos, "array sizes must come before the empty `[]`, e.g. `new int[n][]`");
      }
      Nested nested(*this, e->pos);
      e->args.push_back(expression());
      expect(Tok::RBracket, "after the array size");
    }
    fixDepth(*e);
    return e;
  }
};

} // namespace

ModuleAst parse(const std::vector<Token>& tokens, Diagnostics& diagnostics) {
  return Parser(tokens, diagnostics).run();
}

} // namespace nuri
