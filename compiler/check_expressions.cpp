#include "compiler/check_internal.h"
#include "compiler/suggest.h"

namespace nuri::checking {

bool Checker::coerce(ExprPtr& e, const Type* target, const std::string& what) {
  const Type* t = e->type;
  if (assignable(target, t)) return true;
  if (target->tag == TypeTag::Float && t->tag == TypeTag::Int) {
    wrap(e, ExprKind::Widen, types_.floatType());
    return true;
  }
  if (t->tag == TypeTag::Void) {
    error(e->pos, noValue(*e));
    return false;
  }
  std::string hint;
  if (target->tag == TypeTag::Int && t->tag == TypeTag::Float) {
    hint = " (convert explicitly with `.toInt()`)";
  }
  error(e->pos,
        "cannot assign " + withArticle(t) + " to " + what + " of type " + target->name + hint);
  return false;
}

void Checker::wrap(ExprPtr& e, ExprKind kind, const Type* type) {
  auto w = std::make_unique<Expr>(kind, e->pos);
  w->a = std::move(e);
  w->type = type;
  w->depth = w->a->depth + 1;
  e = std::move(w);
}

void Checker::toStringConversion(ExprPtr& e) {
  const Type* t = e->type;
  if (t->tag == TypeTag::String || t->tag == TypeTag::Error) return;
  if (t->tag == TypeTag::Void) {
    error(e->pos, noValue(*e));
    return;
  }
  if (textNeedsMethods(t)) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(e));
    e = preludeArrayCall("__arrayToString", std::move(args));
    return;
  }
  wrap(e, ExprKind::ToString, types_.string());
}

bool Checker::textNeedsMethods(const Type* t) {
  if (t->tag != TypeTag::Array) return false;
  while (t->tag == TypeTag::Array)
    t = t->element;
  return t->tag == TypeTag::Class;
}

ExprPtr Checker::preludeArrayCall(const char* name, std::vector<ExprPtr> args) {
  const Type* element = args[0]->type->element;
  return preludeCall(name, {element}, std::move(args));
}

ExprPtr Checker::preludeCall(const char* name, std::vector<const Type*> typeArgs,
                             std::vector<ExprPtr> args) {
  const FunDecl* templ = preludeFunctionTemplate(name);
  auto call = std::make_unique<Expr>(ExprKind::Call, args[0]->pos);
  call->call = CallKind::Function;
  call->fun = instantiateFunction(templ, typeArgs, args[0]->pos);
  call->type = call->fun ? call->fun->returnType : types_.error(); // null: a limit was hit
  for (auto& arg : args)
    call->depth = std::max(call->depth, arg->depth + 1);
  call->args = std::move(args);
  return call;
}

const Type* Checker::set(Expr& e, const Type* t) {
  e.type = bounded(t, e.pos);
  return e.type;
}

const Type* Checker::checkExpr(ExprPtr& ep) {
  Expr& e = *ep;
  switch (e.kind) {
  case ExprKind::IntLit: return set(e, types_.intType());
  case ExprKind::FloatLit: return set(e, types_.floatType());
  case ExprKind::BoolLit: return set(e, types_.boolType());
  case ExprKind::NullLit: return set(e, types_.null());
  case ExprKind::StringLit: return set(e, types_.string());
  case ExprKind::Interpolation:
    for (auto& part : e.args) {
      checkExpr(part);
      toStringConversion(part);
    }
    return set(e, types_.string());
  case ExprKind::Name: return checkName(e);
  case ExprKind::This:
    if (!cls_ || !fn_) {
      error(e.pos, "`this` can only be used inside a class");
      return set(e, types_.error());
    }
    if (!thisVariable()) {
      error(e.pos, "`this` cannot be used in static method " + quoted(fn_->name));
      return set(e, types_.error());
    }
    e.var = thisVariable();
    e.ref = RefKind::Local;
    return set(e, cls_->type);
  case ExprKind::Unary: return checkUnary(e);
  case ExprKind::Binary: return checkBinary(ep);
  case ExprKind::Logical: {
    const Type* a = checkExpr(e.a);
    // `x is T && x.f`: the right side runs only where the left holds (false for `||`).
    Narrowings left;
    narrowingsOf(*e.a, e.op == Tok::AmpAmp, left);
    auto saved = narrowed_;
    applyNarrowings(left);
    const Type* b = checkExpr(e.b);
    narrowed_ = std::move(saved);
    const char* op = e.op == Tok::AmpAmp ? "&&" : "||";
    for (auto* side : {&e.a, &e.b}) {
      const Type* t = side == &e.a ? a : b;
      if (t->tag != TypeTag::Bool && t->tag != TypeTag::Error) {
        error((*side)->pos, std::string("`") + op + "` needs bool operands, not " + withArticle(t));
      }
    }
    return set(e, types_.boolType());
  }
  case ExprKind::Conditional: return checkConditional(e);
  case ExprKind::SafeChain: return checkSafeChain(e, false);
  case ExprKind::Elvis: return checkElvis(e);
  case ExprKind::Assign:
    if (e.a->kind == ExprKind::Index) {
      const Type* a = checkExpr(e.a->a);
      if (a->tag == TypeTag::Class) return indexAssignment(ep);
    }
    return checkAssign(e);
  case ExprKind::Call: return checkCall(e);
  case ExprKind::Member: return checkMember(e);
  case ExprKind::Index: {
    // The array of an element assignment was checked already (ExprKind::Assign, to tell an
    // array from an object with `put`): checking it again would check its parts twice.
    const Type* a = e.a->type ? e.a->type : checkExpr(e.a);
    if (a->tag == TypeTag::Class) return indexCall(ep, "at", nullptr);
    const Type* i = checkExpr(e.b);
    if (i->tag != TypeTag::Int && i->tag != TypeTag::Error) {
      error(e.b->pos, "an index must be an int, not " + withArticle(i));
    }
    if (a->tag == TypeTag::Array) return set(e, a->element);
    if (a->tag == TypeTag::String) {
      error(e.pos, "strings cannot be indexed with `[]`; use `s.charAt(i)` or "
                   "`s.codePointAt(i)`");
    } else if (a->tag != TypeTag::Error) {
      error(e.pos, "cannot index " + withArticle(a) +
                       "; `[]` works on arrays and on objects with `at` (and `put`) methods");
    }
    return set(e, types_.error());
  }
  case ExprKind::ArrayLit: return checkArrayLiteral(e);
  case ExprKind::NewArray: return checkNewArray(e);
  case ExprKind::Is:
  case ExprKind::As: return checkTypeTest(e);
  case ExprKind::Lambda: return checkLambda(e);
  case ExprKind::When: return checkWhen(e, WhenUse::Value);
  case ExprKind::Super:
    error(e.pos, "`super` can only be used to call a method: `super.name(...)`");
    return set(e, types_.error());
  case ExprKind::Widen:
  case ExprKind::ToString: return e.type;
  }
  return set(e, types_.error());
}

std::vector<const Type*> Checker::paramTypesOf(const FunSymbol* fn) {
  std::vector<const Type*> out;
  for (VarSymbol* p : fn->params)
    out.push_back(p->type);
  return out;
}

const Type* Checker::checkLambda(Expr& e, const std::vector<const Type*>* expectedParams,
                                 const Type* expectedResult) {
  FunDecl& d = *e.lambda;
  FunSymbol* lambda = makeFunction(d, nullptr);
  markStableParams(lambda->params, *d.body);
  if (!inferLambdaParams(d, lambda, expectedParams)) {
    e.fun = lambda;
    return set(e, types_.error());
  }
  // Passed where a function returning nothing is expected, a short lambda's last expression is
  // a statement (`forEach { sb.append(it) }`).
  bool discardLast = expectedResult && expectedResult->tag == TypeTag::Void;
  lambda->isLambda = true;
  lambda->enclosing = fn_;
  lambda->traceName = (fn_ ? fn_->traceName : std::string("<module>")) + ".<lambda>";
  e.fun = lambda;
  m_.lambdas.push_back(lambda);
  FunSymbol* savedFn = fn_;
  int savedLoops = loopDepth_;
  bool savedAround = loopAroundLambda_;
  loopAroundLambda_ = loopAroundLambda_ || loopDepth_ > 0;
  fn_ = lambda;
  loopDepth_ = 0;
  contexts_.push_back(lambda);
  pushScope();
  for (VarSymbol* p : lambda->params) {
    scopes_.back()[p->name] = p;
    p->context = lambda;
  }
  pushScope();
  auto& body = d.body->body;
  for (size_t i = 0; i < body.size(); i++) {
    bool valueOfLast = d.isShortLambda && !discardLast && i + 1 == body.size() &&
                       body[i]->kind == StmtKind::Expr && body[i]->expr->kind != ExprKind::Assign;
    if (valueOfLast) {
      Expr& last = *body[i]->expr;
      const Type* t = last.kind != ExprKind::When ? checkExpr(body[i]->expr)
                      : expectedResult            ? checkWhen(last, WhenUse::Value, expectedResult)
                                                  : checkWhen(last, WhenUse::LastOfLambda);
      if (t->tag != TypeTag::Void && t->tag != TypeTag::Null) {
        lambda->returnType = t;
        d.valueOfLast = true;
      } else if (t->tag == TypeTag::Null) {
        error(body[i]->expr->pos, "a lambda cannot return only `null`: its type is unknown");
      }
    } else {
      checkStmt(*body[i]);
    }
  }
  popScope();
  popScope();
  contexts_.pop_back();
  fn_ = savedFn;
  loopDepth_ = savedLoops;
  loopAroundLambda_ = savedAround;
  if (!d.isShortLambda && lambda->returnType->tag != TypeTag::Void &&
      lambda->returnType->tag != TypeTag::Error && !alwaysReturns(*d.body)) {
    error(d.pos, "the lambda must return " + withArticle(lambda->returnType) + " on every path");
  }
  return set(e, types_.functionOf(paramTypesOf(lambda), lambda->returnType));
}

bool Checker::inferLambdaParams(FunDecl& d, FunSymbol* lambda,
                                const std::vector<const Type*>* expected) {
  if (d.implicitParams) {
    // `{ it > 3 }`: one parameter `it` where a function of one is expected, else none.
    size_t wanted = expected ? expected->size() : 0;
    if (wanted > 1) {
      error(d.pos, "this lambda is passed as a function of " + std::to_string(wanted) +
                       " parameters: name them, e.g. `{ a, b -> ... }`");
      return false;
    }
    if (wanted == 1) {
      if (lookupLocal("it") || findGlobal("it") || (cls_ && cls_->fieldsByName.count("it"))) {
        error(d.pos, "`it` is already a name here, so this lambda cannot use it for its "
                     "parameter; name the parameter, e.g. `{ x -> ... }`");
        return false;
      }
      auto* it = types_.make<VarSymbol>();
      it->name = "it";
      it->pos = d.pos;
      it->type = (*expected)[0];
      lambda->params.push_back(it);
      lambda->defaults.push_back(nullptr);
    }
    return true;
  }
  bool ok = true;
  for (size_t i = 0; i < d.params.size(); i++) {
    if (!d.params[i].typeInferred) continue;
    if (expected && expected->size() == d.params.size()) {
      lambda->params[i]->type = (*expected)[i];
      continue;
    }
    error(d.params[i].pos, "cannot infer the type of parameter " + quoted(d.params[i].name) +
                               (expected ? " (the lambda is passed as a function of " +
                                               std::to_string(expected->size()) + " parameters)"
                                         : "") +
                               "; write it, e.g. `{ " + d.params[i].name + ": int -> ... }`");
    ok = false;
  }
  return ok;
}

const Type* Checker::closureCall(Expr& e, const std::string& what) {
  const Type* f = e.a->type;
  e.call = CallKind::Closure;
  checkArguments(e, f->params, what);
  return set(e, f->result);
}

bool Checker::mayBe(const Type* from, const Type* to) {
  if (assignable(to, from) || assignable(from, to)) return true;
  // An interface may be implemented by a subclass of any class that is not final.
  return from->tag == TypeTag::Class && to->tag == TypeTag::Class &&
         (from->cls->isInterface || to->cls->isInterface);
}

const Type* Checker::checkTypeTest(Expr& e) {
  const Type* from = checkExpr(e.a);
  const Type* to = resolveType(e.typeSyntax);
  const char* op = e.kind == ExprKind::Is ? "is" : "as";
  const Type* result = e.kind == ExprKind::Is ? types_.boolType() : to;
  e.targetType = to;
  if (from->tag == TypeTag::Error || to->tag == TypeTag::Error) return set(e, result);
  if (!from->isReference() || !to->isReference()) {
    error(e.pos, std::string("`") + op + "` works on objects, arrays and strings, not " +
                     withArticle(from->isReference() ? to : from) +
                     (from->isNumeric() && to->isNumeric() ? "; convert numbers with `.toInt()` "
                                                             "or `.toFloat()`"
                                                           : ""));
    return set(e, types_.error());
  }
  // A smart-cast variable is judged by its declared type: `x is B` inside `if (x is A)` is a
  // fair question when B is another subclass of x's type.
  const Type* declared = e.a->narrowed && e.a->var ? e.a->var->type : from;
  // In an instance of a generic, `v is string` may just be false for this T.
  if (from->tag != TypeTag::Null && !mayBe(declared, to) && !env_) {
    error(e.pos, "a value of type " + from->name + " can never be " + withArticle(to));
    return set(e, types_.error());
  }
  return set(e, result);
}

VarSymbol* Checker::findStaticField(ClassSymbol* cls, const std::string& name) {
  for (ClassSymbol* c = cls; c; c = c->superclass) {
    if (auto it = c->staticFields.find(name); it != c->staticFields.end()) return it->second;
  }
  return nullptr;
}

FunSymbol* Checker::findStaticMethod(ClassSymbol* cls, const std::string& name) {
  for (ClassSymbol* c = cls; c; c = c->superclass) {
    if (auto it = c->staticMethods.find(name); it != c->staticMethods.end()) return it->second;
  }
  return nullptr;
}

ClassSymbol* Checker::classNamed(const Expr& e) {
  if (e.kind == ExprKind::Member) {
    const SourceUnit* unit = moduleReceiver(*e.a);
    if (!unit) return nullptr;
    auto& classes = namespaces_[unit].classes;
    auto it = classes.find(e.text);
    return it == classes.end() ? nullptr : it->second;
  }
  if (e.kind != ExprKind::Name || lookupLocal(e.text) || findGlobal(e.text)) return nullptr;
  return findClass(e.text);
}

bool Checker::canSeePrivate(const ClassSymbol* owner) const { return cls_ == owner; }

bool Checker::canSeeProtected(const ClassSymbol* owner) const {
  return cls_ && cls_->isSubclassOf(owner);
}

const Type* Checker::checkName(Expr& e) {
  if (VarSymbol* v = lookupLocal(e.text)) {
    noteUse(v);
    e.var = v;
    e.ref = RefKind::Local;
    if (auto it = narrowed_.find(v); it != narrowed_.end()) {
      e.narrowed = true; // a smart cast
      return set(e, it->second);
    }
    return set(e, v->type);
  }
  if (cls_ && fn_) {
    if (auto it = cls_->fieldsByName.find(e.text); it != cls_->fieldsByName.end()) {
      if (it->second->isPrivate && !canSeePrivate(it->second->owner)) {
        error(e.pos, "field " + quoted(e.text) + " of class " + quoted(it->second->owner->name) +
                         " is private");
        return set(e, types_.error());
      }
      if (!thisVariable()) {
        error(e.pos, "field " + quoted(e.text) +
                         " belongs to an object and cannot be used in "
                         "static method " +
                         quoted(fn_->name));
        return set(e, types_.error());
      }
      e.field = it->second;
      e.ref = RefKind::Field;
      return set(e, e.field->type);
    }
    if (cls_->methodsByName.count(e.text)) {
      error(e.pos, "method " + quoted(e.text) + " must be called, e.g. `" + e.text + "()`");
      return set(e, types_.error());
    }
  }
  if (cls_) {
    if (VarSymbol* v = findStaticField(cls_, e.text)) {
      e.var = v;
      e.ref = RefKind::Global;
      return set(e, v->type);
    }
  }
  if (VarSymbol* global = findGlobal(e.text)) {
    e.var = global;
    e.ref = RefKind::Global;
    return set(e, e.var->type);
  }
  if (FunSymbol* function = findFunction(e.text)) {
    e.ref = RefKind::Function; // a function used as a value
    e.fun = function;
    function->usedAsValue = true;
    return set(e, types_.functionOf(paramTypesOf(e.fun), e.fun->returnType));
  }
  if (findClass(e.text)) {
    error(e.pos, "class " + quoted(e.text) +
                     " cannot be used as a value; construct an object "
                     "with `" +
                     e.text + "(...)`");
    return set(e, types_.error());
  }
  if (isBuiltinNamespace(e.text)) {
    error(e.pos, quoted(e.text) + " is a namespace; use one of its members, e.g. `Math.sqrt`");
    return set(e, types_.error());
  }
  if (findFunctionTemplate(e.text)) {
    error(e.pos, "generic function " + quoted(e.text) +
                     " cannot be used as a value; wrap a call in a lambda, e.g. `{ x: int -> " +
                     e.text + "(x) }`");
    return set(e, types_.error());
  }
  if (findClassTemplate(e.text)) {
    error(e.pos, "class " + quoted(e.text) +
                     " cannot be used as a value; construct an object with `" + e.text +
                     "<...>(...)`");
    return set(e, types_.error());
  }
  if (auto it = ns_->topNames.find(e.text); it != ns_->topNames.end()) {
    error(
        mentioning(e.pos, quoted(e.text) + " is used before its declaration at ", it->second.pos));
    return set(e, types_.error());
  }
  if (moduleNamed(e.text)) {
    error(e.pos, quoted(e.text) + " is a module; use one of its names, e.g. `" + e.text + ".name`");
    return set(e, types_.error());
  }
  if (e.text == "it" && fn_ && fn_->isLambda && fn_->decl && fn_->decl->implicitParams) {
    error(e.pos, "`it` is the parameter of a lambda passed as a function of one parameter, and "
                 "nothing says this one is; name it: `{ x: int -> ... }`");
    return set(e, types_.error());
  }
  if (!isBrokenName(e.text)) { // a built-in function is not a value, nor are its neighbours
    error(e.pos, "unknown name " + quoted(e.text) +
                     (isBuiltinName(e.text) ? "" : didYouMean(e.text, visibleNames())));
  }
  return set(e, types_.error());
}

const Type* Checker::checkUnary(Expr& e) {
  const Type* t = checkExpr(e.a);
  if (t->tag == TypeTag::Error) return set(e, t);
  switch (e.op) {
  case Tok::Minus:
    if (t->isNumeric()) return set(e, t);
    error(e.pos, "unary `-` needs an int or a float, not " + withArticle(t));
    break;
  case Tok::Bang:
    if (t->tag == TypeTag::Bool) return set(e, t);
    error(e.pos, "`!` needs a bool, not " + withArticle(t));
    break;
  case Tok::Tilde:
    if (t->tag == TypeTag::Int) return set(e, t);
    error(e.pos, "`~` needs an int, not " + withArticle(t));
    break;
  default: break;
  }
  return set(e, types_.error());
}

const Type* Checker::binaryResult(Tok op, ExprPtr& a, ExprPtr& b, SourcePos pos) {
  const Type* ta = a->type;
  const Type* tb = b->type;
  if (ta->tag == TypeTag::Error || tb->tag == TypeTag::Error) return types_.error();
  for (const ExprPtr* side : {&a, &b}) {
    if ((*side)->kind == ExprKind::Assign) { // `i++ + 1`, `(x = 1) + 2`
      error((*side)->pos, noValue(**side));
      return types_.error();
    }
  }
  auto opText = std::string("`") + tokenText(op) + "`";
  auto mismatch = [&] {
    error(pos, "cannot apply " + opText + " to " + withArticle(ta) + " and " + withArticle(tb));
    return types_.error();
  };
  auto numericResult = [&]() -> const Type* {
    if (ta->tag == TypeTag::Int && tb->tag == TypeTag::Int) return types_.intType();
    if (!ta->isNumeric() || !tb->isNumeric()) return nullptr;
    if (ta->tag == TypeTag::Int) wrap(a, ExprKind::Widen, types_.floatType());
    if (tb->tag == TypeTag::Int) wrap(b, ExprKind::Widen, types_.floatType());
    return types_.floatType();
  };
  switch (op) {
  case Tok::Plus:
    if (ta->tag == TypeTag::String || tb->tag == TypeTag::String) {
      if (ta->tag == TypeTag::Void || tb->tag == TypeTag::Void) return mismatch();
      toStringConversion(a);
      toStringConversion(b);
      return types_.string();
    }
    [[fallthrough]];
  case Tok::Minus:
  case Tok::Star:
  case Tok::Slash:
  case Tok::Percent:
    if (const Type* r = numericResult()) return r;
    return mismatch();
  case Tok::Amp:
  case Tok::Pipe:
  case Tok::Caret:
  case Tok::Shl:
  case Tok::Shr:
  case Tok::Ushr:
    if (ta->tag == TypeTag::Int && tb->tag == TypeTag::Int) return types_.intType();
    if (op == Tok::Amp || op == Tok::Pipe || op == Tok::Caret) {
      if (ta->tag == TypeTag::Bool && tb->tag == TypeTag::Bool) {
        error(pos, opText + " works on ints; for bools use `" +
                       (op == Tok::Amp    ? "&&"
                        : op == Tok::Pipe ? "||"
                                          : "!=") +
                       "`");
        return types_.error();
      }
    }
    return mismatch();
  case Tok::Less:
  case Tok::LessEq:
  case Tok::Greater:
  case Tok::GreaterEq:
    if (ta->tag == TypeTag::String && tb->tag == TypeTag::String) return types_.boolType();
    if (numericResult()) return types_.boolType();
    return mismatch();
  case Tok::EqEq:
  case Tok::BangEq:
    if (ta == tb) {
      if (ta->tag == TypeTag::Void) return mismatch();
      return types_.boolType();
    }
    if (numericResult()) return types_.boolType();
    if ((ta->tag == TypeTag::Null && tb->isReference()) ||
        (tb->tag == TypeTag::Null && ta->isReference())) {
      return types_.boolType();
    }
    if (ta->tag == TypeTag::Class && tb->tag == TypeTag::Class && mayBe(ta, tb)) {
      return types_.boolType();
    }
    error(pos, "cannot compare " + withArticle(ta) + " with " + withArticle(tb));
    return types_.error();
  default: return mismatch();
  }
}

const Type* Checker::checkBinary(ExprPtr& ep) {
  Expr& e = *ep;
  // An operand may be checked already: a `when` compares its subject with each value it has
  // checked (checking twice would repeat what checking does, such as adding `this`).
  if (!e.a->type) checkExpr(e.a);
  if (!e.b->type) checkExpr(e.b);
  set(e, binaryResult(e.op, e.a, e.b, e.pos));
  // `==` on objects whose class defines `fun equals(other: T): bool` calls it.
  const Type* ta = e.a->type;
  const Type* tb = e.b->type;
  if ((e.op == Tok::EqEq || e.op == Tok::BangEq) && ta->tag == TypeTag::Class &&
      tb->tag == TypeTag::Class) {
    auto it = ta->cls->methodsByName.find("equals");
    if (it != ta->cls->methodsByName.end() && it->second->params.size() == 1 &&
        it->second->returnType == types_.boolType() &&
        assignable(it->second->params[0]->type, tb)) {
      e.fun = it->second;
    }
  }
  return e.type;
}

const Type* Checker::checkConditional(Expr& e) {
  checkCondition(e.a, "`?:`");
  Narrowings whenTrue, whenFalse;
  narrowingsOf(*e.a, true, whenTrue);
  narrowingsOf(*e.a, false, whenFalse);
  auto saved = narrowed_;
  applyNarrowings(whenTrue);
  const Type* tb = checkExpr(e.b);
  narrowed_ = saved;
  applyNarrowings(whenFalse);
  const Type* tc = checkExpr(e.c);
  narrowed_ = std::move(saved);
  if (tb->tag == TypeTag::Error || tc->tag == TypeTag::Error) return set(e, types_.error());
  if (const Type* t = commonType(tb, tc)) {
    if (t->tag == TypeTag::Float) { // `c ? 1 : 2.5`
      if (tb->tag == TypeTag::Int) wrap(e.b, ExprKind::Widen, t);
      if (tc->tag == TypeTag::Int) wrap(e.c, ExprKind::Widen, t);
    }
    return set(e, t);
  }
  error(e.pos, "the two branches of `?:` have different types: " + tb->name + " and " + tc->name);
  return set(e, types_.error());
}

const Type* Checker::indexCall(ExprPtr& ep, const char* method, ExprPtr* value) {
  Expr& index = value ? *ep->a : *ep;
  ClassSymbol* cls = index.a->type->cls;
  auto it = cls->methodsByName.find(method);
  size_t params = value ? 2 : 1;
  if (it == cls->methodsByName.end() || it->second->params.size() != params) {
    if (value) checkExpr(*value);
    checkExpr(index.b);
    error(index.pos, withArticle(index.a->type) + " cannot be " +
                         (value ? "assigned with `[]=`; its class needs `fun put(key, value)`"
                                : "indexed with `[]`; its class needs `fun at(key): T`"));
    return set(*ep, types_.error());
  }
  FunSymbol* fn = it->second;
  auto call = std::make_unique<Expr>(ExprKind::Call, index.pos);
  call->a = std::make_unique<Expr>(ExprKind::Member, index.pos);
  call->a->text = method;
  call->args.push_back(std::move(index.a));
  call->args.push_back(std::move(index.b));
  if (value) call->args.push_back(std::move(*value));
  call->call = cls->isInterface ? CallKind::InterfaceMethod : CallKind::Method;
  call->fun = fn;
  checkCallArguments(*call, fn, "method " + quoted(method), 1);
  call->type = value ? types_.voidType() : fn->returnType;
  ep = std::move(call);
  return ep->type;
}

bool Checker::isSimple(const Expr& e) {
  switch (e.kind) {
  case ExprKind::Name:
  case ExprKind::This:
  case ExprKind::IntLit:
  case ExprKind::StringLit:
  case ExprKind::FloatLit:
  case ExprKind::BoolLit: return true;
  case ExprKind::Member: return e.a && isSimple(*e.a);
  case ExprKind::Unary: return e.op == Tok::Minus && e.a && isSimple(*e.a);
  default: return false;
  }
}

const Type* Checker::indexAssignment(ExprPtr& ep) {
  Expr& e = *ep;
  if (e.op != Tok::Eq) {
    // obj[k] op= v  ->  obj.put(k, obj.at(k) op v), with obj and k simple enough to repeat.
    if (!isSimple(*e.a->a) || !isSimple(*e.a->b)) {
      checkExpr(e.b);
      error(e.pos, "`" + std::string(tokenText(e.op)) +
                       "` on `obj[key]` needs a variable or "
                       "constant as the object and the key; use `put` and `at` instead");
      return set(e, types_.error());
    }
    auto read = std::make_unique<Expr>(ExprKind::Index, e.a->pos);
    read->a = cloneExpr(*e.a->a);
    read->b = cloneExpr(*e.a->b);
    auto combined = std::make_unique<Expr>(ExprKind::Binary, e.pos);
    combined->op = compoundOperator(e.op);
    combined->a = std::move(read);
    combined->b = std::move(e.b);
    e.b = std::move(combined);
    e.op = Tok::Eq;
    e.b->depth = e.b->a->depth + e.b->b->depth + 1;
  }
  ExprPtr value = std::move(e.b);
  return indexCall(ep, "put", &value);
}

const Type* Checker::checkAssign(Expr& e) {
  Expr& target = *e.a;
  std::string what;
  if (target.kind == ExprKind::Name) {
    checkExpr(e.a);
    if (target.ref == RefKind::Local || target.ref == RefKind::Global) {
      if (target.var->isLoopVariable) {
        error(target.pos, "cannot assign to loop variable " + quoted(target.text));
      } else if (target.var->isLet) {
        error(target.pos, "cannot assign to " + quoted(target.text) +
                              " because it is declared with `let`; declare it with `var` to "
                              "allow changes");
      }
      what = quoted(target.text);
    } else if (target.ref == RefKind::Field) {
      checkFieldWrite(target, target.field);
      what = "field " + quoted(target.text);
    }
  } else if (target.kind == ExprKind::Member) {
    checkExpr(e.a);
    if (target.ref == RefKind::Global) {
      // `Class.name` is a static field; `module.name` a module's variable.
      const char* kind = target.a->ref == RefKind::Class ? "static field " : "variable ";
      if (target.var->isLet) {
        error(target.pos, std::string("cannot assign to ") + kind + quoted(target.var->name) +
                              " because it is declared with `let`");
      }
      what = kind + quoted(target.var->name);
    } else if (target.ref == RefKind::Field) {
      checkFieldWrite(target, target.field);
      what = "field " + quoted(target.text);
    } else if (target.type->tag != TypeTag::Error) {
      error(target.pos, "cannot assign to " + quoted(target.text));
      target.type = types_.error();
    }
  } else if (target.kind == ExprKind::Index) {
    checkExpr(e.a);
    what = "an element";
  } else if (target.kind == ExprKind::SafeChain) {
    error(target.pos, "cannot assign through `?.`; test for null with `if` first");
    checkExpr(e.b);
    return set(e, types_.error());
  } else if (target.kind == ExprKind::This) {
    error(target.pos, "cannot assign to `this`");
    checkExpr(e.b);
    return set(e, types_.error());
  } else {
    error(target.pos, "the left side of an assignment must be a variable, a field or an "
                      "array element");
    checkExpr(e.a);
    checkExpr(e.b);
    return set(e, types_.error());
  }
  const Type* tt = target.type;
  checkExpecting(e.b, tt);
  if (tt->tag == TypeTag::Error) return set(e, types_.voidType());
  if (e.increment && tt->tag != TypeTag::Int && tt->tag != TypeTag::Float) {
    error(e.pos, std::string("`") + (e.op == Tok::PlusEq ? "++" : "--") + "` needs an int or a " +
                     "float, not " + withArticle(tt));
    return set(e, types_.voidType());
  }
  if (e.op == Tok::Eq) {
    coerce(e.b, tt, what);
  } else {
    // `x op= v` is `x = x op v` with x evaluated once: check `x op v` with a stand-in for x.
    ExprPtr standIn = std::make_unique<Expr>(ExprKind::Name, target.pos);
    standIn->type = tt;
    const Type* r = binaryResult(compoundOperator(e.op), standIn, e.b, e.pos);
    if (standIn->kind == ExprKind::Widen || standIn->kind == ExprKind::ToString) {
      // The stored value changes type (int x += 1.5): not allowed.
      if (!assignable(tt, r) && r->tag != TypeTag::Error) {
        error(e.pos, "cannot assign " + withArticle(r) + " to " + what + " of type " + tt->name);
      }
    } else if (r->tag != TypeTag::Error && !assignable(tt, r)) {
      error(e.pos, "cannot assign " + withArticle(r) + " to " + what + " of type " + tt->name);
    }
  }
  return set(e, types_.voidType());
}

void Checker::checkFieldWrite(Expr& target, FieldSymbol* field) {
  if (field->isPrivateSet && !canSeePrivate(field->owner)) {
    error(target.pos, "field " + quoted(field->name) +
                          " can be read but only changed inside "
                          "class " +
                          quoted(field->owner->name));
  }
  if (!field->isLet) return;
  bool inOwnInit =
      fn_ && fn_->isInit && fn_->owner == field->owner &&
      (target.kind == ExprKind::Name || (target.a && target.a->kind == ExprKind::This));
  if (!inOwnInit) {
    error(target.pos, "cannot assign to field " + quoted(field->name) +
                          " because it is declared with `let`; it can only be set in `init`");
  }
}

const Type* Checker::checkArrayLiteral(Expr& e) {
  if (e.args.empty()) {
    error(e.pos, "cannot infer the type of an empty array literal `[]`; declare the variable's "
                 "type, e.g. `let xs: int[] = []`");
    return set(e, types_.error());
  }
  const Type* common = nullptr;
  bool anyFloat = false, allNumeric = true, anyNull = false;
  for (auto& arg : e.args) {
    const Type* t = checkExpr(arg);
    if (t->tag == TypeTag::Error) return set(e, types_.error());
    if (t->tag == TypeTag::Null) {
      anyNull = true;
      continue;
    }
    anyFloat |= t->tag == TypeTag::Float;
    allNumeric &= t->isNumeric();
    if (!common) common = t;
  }
  if (!common) {
    error(e.pos, "cannot infer the element type of an array of only `null`s");
    return set(e, types_.error());
  }
  if (allNumeric && anyFloat && !anyNull) common = types_.floatType();
  for (auto& arg : e.args) {
    if (arg->type->tag != TypeTag::Null && !assignable(common, arg->type) &&
        !(common->tag == TypeTag::Float && arg->type->tag == TypeTag::Int)) {
      std::string hint;
      if (common->tag == TypeTag::Class && arg->type->tag == TypeTag::Class) {
        hint = "; to mix related classes, declare the array's type, e.g. `let xs: Base[] = "
               "[...]`";
      }
      error(arg->pos, "the elements of an array literal need one type, but this one is " +
                          withArticle(arg->type) + " and the first is " + withArticle(common) +
                          hint);
      return set(e, types_.error());
    }
    coerce(arg, common, "an element of " + common->name + "[]");
  }
  return set(e, types_.arrayOf(common));
}

const Type* Checker::checkExpecting(ExprPtr& e, const Type* expected) {
  if (e->kind == ExprKind::ArrayLit && expected->tag == TypeTag::Array) {
    // Elements are checked against the wanted element type, so `let xs: Shape[] =
    // [Circle(1.0), Square(2.0)]` and an empty `[]` both work.
    for (auto& element : e->args) {
      checkExpecting(element, expected->element);
      if (!coerce(element, expected->element, "an element of " + expected->name)) {
        return set(*e, types_.error());
      }
    }
    return set(*e, expected);
  }
  if (e->kind == ExprKind::Lambda && expected->tag == TypeTag::Function)
    return checkLambda(*e, &expected->params, expected->result);
  if (e->kind == ExprKind::When) return checkWhen(*e, WhenUse::Value, expected);
  return checkExpr(e);
}

const Type* Checker::checkNewArray(Expr& e) {
  const Type* element = resolveType(e.typeSyntax);
  for (auto& dim : e.args) {
    const Type* t = checkExpr(dim);
    if (t->tag != TypeTag::Int && t->tag != TypeTag::Error) {
      error(dim->pos, "an array length must be an int, not " + withArticle(t));
    }
  }
  if (e.args.empty()) {
    error(e.pos, "`new` needs an array length, e.g. `new " + e.typeSyntax.name + "[10]`");
    return set(e, types_.error());
  }
  if (element->tag == TypeTag::Error) return set(e, element);
  const Type* t = element;
  for (size_t i = 0; i < e.args.size() + size_t(e.intValue); i++)
    t = types_.arrayOf(t);
  return set(e, t);
}

std::vector<std::string> Checker::visibleNames() {
  std::vector<std::string> names;
  for (const auto& scope : scopes_)
    for (const auto& [name, var] : scope)
      names.push_back(name);
  for (const Namespace* names_of : {ns_, prelude_ ? &namespaces_[prelude_] : nullptr}) {
    if (!names_of) continue;
    for (const auto& [name, top] : names_of->topNames)
      if (!isPreludeOwnName(name)) names.push_back(name);
  }
  for (uint32_t i = 0; i < nativeCount(); i++) {
    const NativeInfo& native = nativeInfo(i);
    if (!*native.receiver) names.push_back(native.member);
  }
  for (const char* name : {"hashOf", "compareOf", "Math", "System", "String", "Text", "File"})
    names.push_back(name);
  return names;
}

void Checker::narrowingsOf(const Expr& cond, bool whenTrue, Narrowings& out) {
  switch (cond.kind) {
  case ExprKind::Unary:
    if (cond.op == Tok::Bang) narrowingsOf(*cond.a, !whenTrue, out);
    return;
  case ExprKind::Logical:
    // `a && b` holds when both do; `a || b` fails when both do.
    if ((cond.op == Tok::AmpAmp) == whenTrue) {
      narrowingsOf(*cond.a, whenTrue, out);
      narrowingsOf(*cond.b, whenTrue, out);
    }
    return;
  case ExprKind::Is: {
    if (!whenTrue || !cond.targetType || cond.type->tag == TypeTag::Error) return;
    narrowingOf(*cond.a, cond.targetType, out);
    return;
  }
  default: return;
  }
}

void Checker::narrowingOf(const Expr& x, const Type* to, Narrowings& out) {
  // Only to a subtype: `x is C` for an interface-typed x where C does not implement it would
  // lose the interface's members (there are no intersection types).
  if (!x.type || x.type == to || !assignable(x.type, to)) return;
  if (x.kind == ExprKind::Name && x.ref == RefKind::Local && x.var && x.var != thisVariable()) {
    if (x.var->stable)
      out.push_back({x.var, to});
    else
      unstableTests_[x.var] = {to, x.var->isParam ? "a parameter that this function assigns"
                                   : x.var->isLet ? ""
                                                  : "a `var`, which may change in between"};
  } else if ((x.kind == ExprKind::Name || x.kind == ExprKind::Member) && x.ref == RefKind::Field &&
             x.field) {
    unstableTests_[x.field] = {to, "a field, which a call in between may change"};
  } else if (x.kind == ExprKind::Name && x.ref == RefKind::Global && x.var) {
    unstableTests_[x.var] = {to, "a global variable, which a call in between may change"};
  }
}

void Checker::applyNarrowings(const Narrowings& narrowings) {
  for (const auto& [var, type] : narrowings)
    narrowed_[var] = type;
}

std::string Checker::unstableHint(const Expr& receiver, const std::string& member) {
  const void* key = nullptr;
  if (receiver.kind == ExprKind::Name && receiver.var &&
      (receiver.ref == RefKind::Local || receiver.ref == RefKind::Global))
    key = receiver.var;
  else if (receiver.ref == RefKind::Field && receiver.field)
    key = receiver.field;
  auto it = key ? unstableTests_.find(key) : unstableTests_.end();
  if (it == unstableTests_.end() || !*it->second.second) return "";
  const Type* to = it->second.first;
  bool has = to->tag == TypeTag::Class &&
             (to->cls->fieldsByName.count(member) || to->cls->methodsByName.count(member));
  if (!has) return "";
  return "; `" + receiver.text + " is " + to->name + "` does not make it " + withArticle(to) +
         " here, because it is " + it->second.second + ": copy it into a `let` first, e.g. `let " +
         receiver.text + "1 = " + receiver.text + "`";
}

} // namespace nuri::checking
