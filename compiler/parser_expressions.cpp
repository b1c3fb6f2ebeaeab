#include "compiler/parser_internal.h"

namespace nuri::parsing {

void Parser::fixDepth(Expr& e, uint32_t inner) {
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

ExprPtr Parser::binary(int minPrec) {
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

ExprPtr Parser::unary() {
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

ExprPtr Parser::postfix(ExprPtr e) {
  bool safe = false;
  SourcePos start = e->pos; // messages about the chain point at its start
  ExprPtr chain = postfixChain(std::move(e), safe);
  if (!safe) return chain;
  auto wrapped = node(ExprKind::SafeChain, start);
  wrapped->a = std::move(chain);
  fixDepth(*wrapped);
  return wrapped;
}

bool Parser::trailingLambdaHere() const {
  return at(Tok::LBrace) && p_ > 0 && toks_[p_ - 1].pos.line == cur().pos.line;
}

ExprPtr Parser::postfixChain(ExprPtr e, bool& safe) {
  while (true) {
    if (at(Tok::LParen)) {
      auto call = node(ExprKind::Call, advance().pos);
      call->a = std::move(e);
      arguments(*call, Tok::RParen, "to close the argument list");
      if (trailingLambdaHere()) call->args.push_back(shortLambda()); // `f(x) { ... }`
      fixDepth(*call);
      e = std::move(call);
    } else if ((e->kind == ExprKind::Member || e->kind == ExprKind::Name) && trailingLambdaHere()) {
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

void Parser::arguments(Expr& e, Tok close, const char* context) {
  {
    Nested nested(*this, e.pos);
    while (!at(close)) {
      e.args.push_back(expression());
      if (!match(Tok::Comma)) break;
    }
  }
  expect(close, context);
}

ExprPtr Parser::primary() {
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

ExprPtr Parser::whenExpr() {
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
        fail(cur().pos,
             "expected the end of the `when` branch (a new line or `;`), found " + describe(cur()));
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

WhenBranch Parser::whenBranch(bool hasSubject) {
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

ExprPtr Parser::shortLambda() {
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

void Parser::lambdaParameters(FunDecl& lambda) {
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

ExprPtr Parser::interpolation() {
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

ExprPtr Parser::newArray() {
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

} // namespace nuri::parsing
