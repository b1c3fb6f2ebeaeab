#include "compiler/parser_internal.h"

namespace nuri::parsing {

StmtPtr Parser::statement(bool topLevel) {
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
  case Tok::Dot:
  case Tok::QuestionDot:
    fail(pos, std::string("a line cannot start with `") + tokenText(cur().kind) +
                  "`: the end of the line before ended the statement; put the `" +
                  tokenText(cur().kind) + "` at the end of that line instead");
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

bool Parser::switchStatementHere() const {
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

bool Parser::startsLambda() const {
  return peekTok().kind == Tok::Arrow ||
         (peekTok().kind == Tok::Identifier && peekTok(2).kind == Tok::Colon);
}

StmtPtr Parser::varDecl() {
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

StmtPtr Parser::block(const char* context) {
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

StmtPtr Parser::ifStatement() {
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

ImportDecl Parser::importDecl() {
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

StmtPtr Parser::tryStatement() {
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
        fail(cur().pos, "the caught error needs a type, e.g. `catch (" + clause.name + ": Error)`");
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

StmtPtr Parser::forStatement() {
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

std::unique_ptr<FunDecl> Parser::funDecl(bool inClass, bool bodyless) {
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

void Parser::parameters(FunDecl& f) {
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

std::unique_ptr<ClassDecl> Parser::classDecl() {
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

std::unique_ptr<ClassDecl> Parser::enumDecl() {
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
    diags_.error(cur().pos, "enum `" + name + "` needs at least one constant, e.g. `enum " + name +
                                " { A, B }`");
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
    fail(cur().pos, "expected `,`, `;` or `}` after the constants of enum `" + name + "`, found " +
                        describe(cur()));
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

void Parser::classMember(ClassDecl& c) {
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
                            (isPrivate ? "private" : "static") + "`: subclasses must override it");
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
  fail(cur().pos, "expected a field (`var`/`let`), a method (`fun`) or `init` in class `" + c.name +
                      "`, found " + describe(cur()));
}

} // namespace nuri::parsing
