#include "compiler/parser_internal.h"

namespace nuri::parsing {

ModuleAst Parser::run() {
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

const Token& Parser::advance() {
  if (p_ == virtualNewline_) {
    virtualNewline_ = SIZE_MAX;
    return newlineToken_;
  }
  const Token& t = toks_[p_];
  if (p_ + 1 < toks_.size()) p_++;
  return t;
}

bool Parser::match(Tok k) {
  if (!at(k)) return false;
  advance();
  return true;
}

void Parser::skipNewlines() {
  while (at(Tok::Newline))
    advance();
}

void Parser::skipSeparators() {
  while (at(Tok::Newline) || at(Tok::Semicolon))
    advance();
}

std::string Parser::describe(const Token& t) const {
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

[[noreturn]] void Parser::fail(SourcePos pos, std::string message) {
  fail(Diagnostic{pos, std::move(message), {}, 0});
}

[[noreturn]] void Parser::fail(Diagnostic diagnostic) {
  if (!at(Tok::Error) && speculating_ == 0) diags_.error(std::move(diagnostic));
  throw SyntaxError{};
}

const Token& Parser::expect(Tok k, const char* context) {
  if (!at(k)) {
    if (at(Tok::Error)) throw SyntaxError{};
    fail(cur().pos,
         std::string("expected `") + tokenText(k) + "` " + context + ", found " + describe(cur()));
  }
  return advance();
}

std::string Parser::expectIdentifier(const char* what) {
  if (!at(Tok::Identifier)) {
    if (at(Tok::Error)) throw SyntaxError{};
    bool keyword = cur().kind >= Tok::Fun && cur().kind <= Tok::Static;
    fail(cur().pos, std::string("expected ") + what + ", found " + describe(cur()) +
                        (keyword ? " (a keyword cannot be used as a name)" : ""));
  }
  return advance().text;
}

void Parser::synchronize() {
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

StmtPtr Parser::guardedStatement(bool topLevel) {
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

TypeSyntax Parser::typeSyntax() {
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

bool Parser::rightAfterPrevious() const {
  if (p_ == 0) return false;
  const Token& prev = toks_[p_ - 1];
  size_t length = prev.kind == Tok::Identifier ? prev.text.size() : 1;
  return prev.pos.line == cur().pos.line && prev.pos.column + length == cur().pos.column;
}

void Parser::expectArrow(const char* context) {
  refuseFatArrow();
  expect(Tok::Arrow, context);
}

void Parser::refuseFatArrow() {
  if (at(Tok::Eq) && peekTok().kind == Tok::Greater && peekTok().pos.line == cur().pos.line &&
      peekTok().pos.column == cur().pos.column + 1) {
    fail(cur().pos, "Nuri has no `=>`; a `when` branch and a lambda use `->`");
  }
}

[[noreturn]] void Parser::tooManyDimensions(SourcePos pos) {
  fail(pos, "an array type has at most " + std::to_string(kMaxArrayDimensions) + " dimensions");
}

std::vector<TypeSyntax> Parser::typeArguments() {
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

bool Parser::splitGreaterAssign() {
  Token& t = toks_[p_];
  switch (t.kind) {
  case Tok::GreaterEq: t.kind = Tok::Eq; break;
  case Tok::ShrEq: t.kind = Tok::GreaterEq; break;
  default: return false;
  }
  t.pos.column++;
  return true;
}

std::vector<std::string> Parser::typeParameters() {
  std::vector<std::string> names;
  if (!match(Tok::Less)) return names;
  while (true) {
    names.push_back(expectIdentifier("a type parameter name"));
    if (!match(Tok::Comma)) break;
  }
  expect(Tok::Greater, "to close the type parameters");
  return names;
}

} // namespace nuri::parsing

namespace nuri {

using parsing::Parser;

ModuleAst parse(const std::vector<Token>& tokens, Diagnostics& diagnostics) {
  return Parser(tokens, diagnostics).run();
}

} // namespace nuri
