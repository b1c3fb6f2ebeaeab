#include "compiler/check_internal.h"

namespace nuri::checking {

void Checker::pushScope() { scopes_.emplace_back(); }

void Checker::popScope() { scopes_.pop_back(); }

const void* Checker::context() const {
  return fn_ ? static_cast<const void*>(fn_) : &moduleContext_;
}

void Checker::noteUse(VarSymbol* v) {
  if (!v || v->context == context() || v->isGlobal) return;
  v->captured = true;
  size_t i = contexts_.size();
  while (i > 0 && contexts_[i - 1] != v->context)
    i--;
  for (size_t j = i; j < contexts_.size(); j++) {
    auto* lambda = static_cast<FunSymbol*>(const_cast<void*>(contexts_[j]));
    auto& list = lambda->captures;
    if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  }
}

VarSymbol* Checker::thisVariable() {
  for (const FunSymbol* f = fn_; f; f = f->enclosing) {
    if (!f->isLambda) {
      noteUse(f->thisVar);
      return f->thisVar;
    }
  }
  return nullptr;
}

VarSymbol* Checker::declareLocal(const std::string& name, const Type* type, SourcePos pos,
                                 bool isLet) {
  auto& scope = scopes_.back();
  if (auto it = scope.find(name); it != scope.end()) {
    error(mentioning(pos, quoted(name) + " is already declared in this scope (at ", it->second->pos,
                     ")"));
  }
  auto* v = types_.make<VarSymbol>();
  v->name = name;
  v->type = type;
  v->pos = pos;
  v->isLet = isLet;
  v->context = context();
  scope[name] = v;
  return v;
}

VarSymbol* Checker::lookupLocal(const std::string& name) {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    if (auto found = it->find(name); found != it->end()) return found->second;
  }
  return nullptr;
}

void Checker::checkTopLevel() {
  topLevel_ = true;
  instance_.clear();
  env_ = nullptr;
  pushScope(); // locals of the module initialiser that are not globals (none at this level)
  // Static field initialisers run first, in declaration order.
  for (auto& init : m_.staticInitialisers) {
    cls_ = init.owner;
    enterUnit(unitOf_[init.owner]);
    checkExpecting(*init.value, init.var->type);
    coerce(*init.value, init.var->type, "static field " + quoted(init.var->name));
  }
  cls_ = nullptr;
  popScope();
  // Each unit's statements run after those of the modules it imports.
  for (auto& unit : m_.units) {
    enterUnit(unit.get());
    pushScope();
    for (auto& item : unit->ast.items) {
      if (item->kind == StmtKind::Fun || item->kind == StmtKind::Class) continue;
      unit->topLevel.push_back(item.get());
      if (item->kind == StmtKind::Var) {
        checkGlobalDecl(*item);
      } else {
        checkStmt(*item);
      }
    }
    popScope();
  }
  topLevel_ = false;
}

void Checker::checkGlobalDecl(Stmt& s) {
  const Type* declared = s.hasType ? resolveType(s.typeSyntax) : nullptr;
  const Type* t = declared;
  if (s.expr) {
    const Type* init = declared ? checkExpecting(s.expr, declared) : checkExpr(s.expr);
    if (declared)
      coerce(s.expr, declared, "`" + s.name + "`");
    else
      t = inferredType(s.expr, init, s.name);
  } else if (s.isLet) {
    error(s.pos, "`let " + s.name + "` needs a value; use `var` for a variable assigned later");
  }
  auto* v = types_.make<VarSymbol>();
  v->name = qualified(s.name);
  v->type = t ? t : types_.error();
  v->pos = s.pos;
  v->isLet = s.isLet;
  v->isGlobal = true;
  v->index = uint32_t(m_.globals.size());
  s.var = v;
  if (claimTopName(s.name, s.pos, "variable")) ns_->globals[s.name] = v;
  m_.globals.push_back(v);
}

const Type* Checker::inferredType(ExprPtr& init, const Type* t, const std::string& name) {
  if (t->tag == TypeTag::Null) {
    error(init->pos, "cannot infer the type of " + quoted(name) +
                         " from `null`; write its "
                         "type, e.g. `var " +
                         name + ": string = null`");
    return types_.error();
  }
  if (t->tag == TypeTag::Void) {
    error(init->pos, noValue(*init));
    return types_.error();
  }
  return t;
}

void Checker::checkClassBodies(ClassSymbol* cls) {
  enterUnit(unitOf_[cls]);
  env_ = cls->typeEnv;
  instance_ = cls->typeEnv ? cls->name : std::string();
  cls_ = cls;
  if (!cls->isInterface) {
    // Field initialisers run in init, after the superclass's init, with `this` available.
    fn_ = cls->init;
    pushScope();
    for (FieldSymbol* f : cls->fields) {
      if (f->owner == cls && f->decl->init) {
        checkExpecting(f->decl->init, f->type);
        coerce(f->decl->init, f->type, "field " + quoted(f->name));
      }
    }
    popScope();
    if (cls->init->decl) checkFunctionBody(cls->init);
  }
  for (FunSymbol* method : cls->methods)
    if (method->owner == cls && !method->isAbstract) checkFunctionBody(method);
  cls_ = nullptr;
  fn_ = nullptr;
}

void Checker::checkFunctionBody(FunSymbol* fn) {
  if (fn->host) return; // the host's
  if (auto it = unitOf_.find(fn); it != unitOf_.end()) enterUnit(it->second);
  env_ = fn->typeEnv ? fn->typeEnv : fn->owner ? fn->owner->typeEnv : nullptr;
  if (fn->typeEnv)
    instance_ = fn->traceName;
  else if (!fn->owner)
    instance_.clear();
  fn_ = fn;
  cls_ = fn->owner ? fn->owner : fn->staticOwner;
  loopDepth_ = 0;
  loopAroundLambda_ = false;
  if (fn->isInit) checkSuperInit(fn);
  narrowed_.clear();
  unstableTests_.clear();
  markStableParams(fn->params, *fn->decl->body);
  pushScope();
  for (VarSymbol* p : fn->params) {
    auto& scope = scopes_.back();
    scope[p->name] = p;
    p->context = fn;
  }
  if (fn->thisVar) fn->thisVar->context = fn;
  Stmt& body = *fn->decl->body;
  pushScope();
  for (auto& s : body.body)
    checkStmt(*s);
  popScope();
  popScope();
  if (fn->returnType->tag != TypeTag::Void && fn->returnType->tag != TypeTag::Error &&
      !alwaysReturns(body)) {
    error(fn->pos, "function " + quoted(fn->name) + " must return " + withArticle(fn->returnType) +
                       " on every path");
  }
  fn_ = nullptr;
}

bool Checker::isSuperInitCall(const Stmt& s) {
  return s.kind == StmtKind::Expr && s.expr->kind == ExprKind::Call &&
         s.expr->a->kind == ExprKind::Member && s.expr->a->a->kind == ExprKind::Super &&
         s.expr->a->text == "init";
}

void Checker::checkSuperInit(FunSymbol* fn) {
  ClassSymbol* parent = fn->owner->superclass;
  auto& body = fn->decl->body->body;
  fn->callsSuperInit = !body.empty() && isSuperInitCall(*body.front());
  if (parent && !fn->callsSuperInit && !parent->init->params.empty()) {
    error(fn->pos, "the init of " + quoted(fn->owner->name) +
                       " must start with `super.init(...)`, because the init of " +
                       quoted(parent->name) + " takes parameters");
  }
}

namespace {

// Whether `e` is a `when` that handles every case and whose every branch `ends`.
bool everyWhenBranch(const Expr& e, bool (*ends)(const Stmt&)) {
  if (e.kind != ExprKind::When || !e.when->exhaustive) return false;
  return std::all_of(e.when->branches.begin(), e.when->branches.end(),
                     [&](const WhenBranch& b) { return b.block && !b.value && ends(*b.block); });
}

} // namespace

bool Checker::containsBreak(const Stmt& s) {
  // A nested loop's condition and iterable are outside it: a `break` in a `when` there counts.
  if (anyWhenBlockOf(s, containsBreak)) return true;
  switch (s.kind) {
  case StmtKind::Break: return true;
  case StmtKind::Block:
    return std::any_of(s.body.begin(), s.body.end(), [](auto& c) { return containsBreak(*c); });
  case StmtKind::If: { // an else-if chain in a loop: it can be long
    const Stmt* arm = &s;
    for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get())
      if (containsBreak(*arm->thenBranch) || anyWhenBlockOf(*arm, containsBreak)) return true;
    return arm && containsBreak(*arm);
  }
  case StmtKind::Try:
    if (containsBreak(*s.thenBranch) || (s.finallyBody && containsBreak(*s.finallyBody))) {
      return true;
    }
    return std::any_of(s.catches.begin(), s.catches.end(),
                       [](auto& c) { return containsBreak(*c.body); });
  default: return false; // a nested loop's break ends that loop
  }
}

bool Checker::alwaysReturns(const Stmt& s) {
  switch (s.kind) {
  case StmtKind::Return:
  case StmtKind::Throw: return true;
  case StmtKind::Try:
    if (s.finallyBody && alwaysReturns(*s.finallyBody)) return true;
    return alwaysReturns(*s.thenBranch) &&
           std::all_of(s.catches.begin(), s.catches.end(),
                       [](auto& c) { return alwaysReturns(*c.body); });
  case StmtKind::Block:
    return std::any_of(s.body.begin(), s.body.end(), [](auto& c) { return alwaysReturns(*c); });
  case StmtKind::If: { // an else-if chain in a loop: it can be long
    const Stmt* arm = &s;
    for (; arm->kind == StmtKind::If; arm = arm->elseBranch.get())
      if (!arm->elseBranch || !alwaysReturns(*arm->thenBranch)) return false;
    return alwaysReturns(*arm);
  }
  case StmtKind::While:
    return s.expr->kind == ExprKind::BoolLit && s.expr->boolValue && !containsBreak(*s.loopBody);
  case StmtKind::Expr: return everyWhenBranch(*s.expr, alwaysReturns);
  default: return false;
  }
}

void Checker::checkBlock(Stmt& block) {
  pushScope();
  auto saved = narrowed_; // what the block's statements narrow ends with it
  for (auto& s : block.body)
    checkStmt(*s);
  narrowed_ = std::move(saved);
  popScope();
}

bool Checker::neverCompletes(const Stmt& s) {
  switch (s.kind) {
  case StmtKind::Return:
  case StmtKind::Throw:
  case StmtKind::Break:
  case StmtKind::Continue: return true;
  case StmtKind::Block:
    return std::any_of(s.body.begin(), s.body.end(),
                       [](const StmtPtr& inner) { return neverCompletes(*inner); });
  case StmtKind::If:
    return s.elseBranch && neverCompletes(*s.thenBranch) && neverCompletes(*s.elseBranch);
  case StmtKind::Expr: return everyWhenBranch(*s.expr, neverCompletes);
  default: return false;
  }
}

std::string Checker::noValue(const Expr& e) {
  if (e.kind == ExprKind::Assign && e.increment) {
    std::string op = e.op == Tok::PlusEq ? "++" : "--";
    return "`x" + op +
           "` has no value in Nuri; write it as a statement of its own, before or "
           "after the expression";
  }
  if (e.kind == ExprKind::Assign) return "an assignment has no value (did you mean `==`?)";
  return "cannot use the result of a function that returns nothing as a value";
}

void Checker::checkCondition(ExprPtr& e, const char* what) {
  const Type* t = checkExpr(e);
  if (t->tag == TypeTag::Void) {
    error(e->pos, noValue(*e));
  } else if (t->tag != TypeTag::Bool && t->tag != TypeTag::Error) {
    error(e->pos,
          std::string("the condition of ") + what + " must be a bool, not " + withArticle(t));
  }
}

void Checker::checkStmt(Stmt& s) {
  switch (s.kind) {
  case StmtKind::Expr: {
    if (s.expr->kind == ExprKind::When) {
      checkWhen(*s.expr, WhenUse::Statement);
      return;
    }
    const Type* t = checkExpr(s.expr);
    (void)t;
    ExprKind k = s.expr->kind;
    bool safeCall = k == ExprKind::SafeChain && s.expr->a->kind == ExprKind::Call; // `a?.m()`
    if (k != ExprKind::Call && k != ExprKind::Assign && !safeCall && t->tag != TypeTag::Error) {
      error(s.expr->pos, "this expression does nothing; use its value or remove it");
    }
    return;
  }
  case StmtKind::Var: {
    const Type* declared = s.hasType ? resolveType(s.typeSyntax) : nullptr;
    const Type* t = declared;
    if (s.expr) {
      const Type* init = declared ? checkExpecting(s.expr, declared) : checkExpr(s.expr);
      if (declared)
        coerce(s.expr, declared, quoted(s.name));
      else
        t = inferredType(s.expr, init, s.name);
    } else if (s.isLet) {
      error(s.pos, "`let " + s.name +
                       "` needs a value; use `var` for a variable assigned "
                       "later");
    }
    s.var = declareLocal(s.name, t ? t : types_.error(), s.pos, s.isLet);
    s.var->stable = s.isLet;
    s.var->isLoopVariable = s.isLoopPart;
    return;
  }
  case StmtKind::Block: checkBlock(s); return;
  case StmtKind::If: { // an else-if chain in a loop: it can be long
    // Each branch sees what its condition (and the earlier ones failing) narrows.
    auto saved = narrowed_;
    Narrowings lastFailing;
    Stmt* arm = &s;
    for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get()) {
      checkCondition(arm->expr, "`if`");
      Narrowings whenTrue;
      lastFailing.clear();
      narrowingsOf(*arm->expr, true, whenTrue);
      narrowingsOf(*arm->expr, false, lastFailing);
      auto beforeArm = narrowed_;
      applyNarrowings(whenTrue);
      checkBlock(*arm->thenBranch);
      narrowed_ = std::move(beforeArm);
      applyNarrowings(lastFailing);
    }
    if (arm) checkBlock(*arm);
    narrowed_ = std::move(saved);
    // `if (!(x is T)) { return }`: the rest of the block runs only where the test held.
    if (!s.elseBranch && neverCompletes(*s.thenBranch)) applyNarrowings(lastFailing);
    return;
  }
  case StmtKind::While: {
    checkCondition(s.expr, "`while`");
    Narrowings whenTrue;
    narrowingsOf(*s.expr, true, whenTrue);
    auto saved = narrowed_;
    applyNarrowings(whenTrue);
    loopDepth_++;
    checkBlock(*s.loopBody);
    loopDepth_--;
    narrowed_ = std::move(saved);
    return;
  }
  case StmtKind::For: checkFor(s); return;
  case StmtKind::Break:
  case StmtKind::Continue:
    if (loopDepth_ == 0) {
      error(s.pos, std::string("`") + (s.kind == StmtKind::Break ? "break" : "continue") +
                       "` can only be used inside a loop" +
                       (loopAroundLambda_ ? "; a lambda's body is not part of the loop around "
                                            "the lambda (`return` ends this call of it)"
                                          : ""));
    }
    return;
  case StmtKind::Return: checkReturn(s); return;
  case StmtKind::Throw: {
    const Type* t = checkExpr(s.expr);
    if (t->tag != TypeTag::Error && !isErrorType(t)) {
      error(s.expr->pos, "only errors can be thrown: " + withArticle(t) +
                             " is not an `Error` (declare `class MyError extends Error`)");
    }
    return;
  }
  case StmtKind::Try: checkTry(s); return;
  case StmtKind::Fun:
  case StmtKind::Class: return; // reported by the parser when nested
  }
}

bool Checker::isErrorType(const Type* t) {
  ClassSymbol* base = findClass("Error");
  return t->tag == TypeTag::Class && base && t->cls->isSubclassOf(base);
}

void Checker::checkTry(Stmt& s) {
  checkBlock(*s.thenBranch);
  std::vector<const Type*> caught;
  for (CatchClause& clause : s.catches) {
    const Type* t = resolveType(clause.type);
    if (t->tag != TypeTag::Error && !isErrorType(t)) {
      error(clause.type.pos, "only errors can be caught: " + quoted(t->name) +
                                 " is not `Error` or a subclass of it");
      t = types_.error();
    }
    for (const Type* earlier : caught) {
      if (t->tag == TypeTag::Class && assignable(earlier, t)) {
        error(clause.type.pos, "this `catch` can never run: " + quoted(t->name) +
                                   " is already caught by the `catch (" + earlier->name +
                                   ")` above");
        break;
      }
    }
    caught.push_back(t);
    pushScope();
    clause.var = declareLocal(clause.name, t, clause.pos, true);
    checkBlock(*clause.body);
    popScope();
  }
  if (s.finallyBody) checkBlock(*s.finallyBody);
}

void Checker::checkReturn(Stmt& s) {
  if (topLevel_ && !fn_) {
    error(s.pos, "`return` can only be used inside a function");
    if (s.expr) checkExpr(s.expr);
    return;
  }
  if (fn_->isLambda && fn_->decl->isShortLambda) {
    error(s.pos, "`return` cannot be used in a `{ ... -> ... }` lambda: its last expression "
                 "is its value (write `fun(...) { return ... }` to use return)");
    if (s.expr) checkExpr(s.expr);
    return;
  }
  const Type* expected = fn_->returnType;
  if (!s.expr) {
    if (expected->tag != TypeTag::Void && expected->tag != TypeTag::Error) {
      error(s.pos, "function " + quoted(fn_->name) + " must return " + withArticle(expected));
    }
    return;
  }
  const Type* t = checkExpecting(s.expr, expected);
  if (expected->tag == TypeTag::Void) {
    if (t->tag != TypeTag::Error) {
      error(s.expr->pos, fn_->isInit ? std::string("`init` cannot return a value")
                                     : "function " + quoted(fn_->name) +
                                           " returns nothing, so `return` cannot have a value"
                                           " (declare a return type, e.g. `: " +
                                           t->name + "`)");
    }
    return;
  }
  coerce(s.expr, expected, "the result of " + quoted(fn_->name));
}

const Type* Checker::iteratorProtocol(Stmt& s, const Type* t) {
  auto method = [](const Type* owner, const char* name) -> FunSymbol* {
    if (owner->tag != TypeTag::Class) return nullptr;
    auto it = owner->cls->methodsByName.find(name);
    return it == owner->cls->methodsByName.end() || !it->second->params.empty() ? nullptr
                                                                                : it->second;
  };
  FunSymbol* iterator = method(t, "iterator");
  if (!iterator) return nullptr;
  FunSymbol* hasNext = method(iterator->returnType, "hasNext");
  FunSymbol* next = method(iterator->returnType, "next");
  if (!hasNext || !next || hasNext->returnType != types_.boolType() ||
      next->returnType->tag == TypeTag::Void) {
    error(s.expr->pos, "the iterator of " + withArticle(t) + " (" + iterator->returnType->name +
                           ") needs `fun hasNext(): bool` and `fun next(): T`");
    return types_.error();
  }
  s.iteration[0] = iterator;
  s.iteration[1] = hasNext;
  s.iteration[2] = next;
  return next->returnType;
}

void Checker::checkFor(Stmt& s) {
  pushScope();
  const Type* t = checkExpr(s.expr);
  if (!s.destructure.empty() && t->tag == TypeTag::Class && t->cls->name.rfind("Map<", 0) == 0) {
    // `for ((k, v) in map)` goes over the map's entries.
    FunSymbol* entries = t->cls->methodsByName.at("entries");
    auto call = std::make_unique<Expr>(ExprKind::Call, s.expr->pos);
    call->a = std::make_unique<Expr>(ExprKind::Member, s.expr->pos);
    call->a->text = "entries";
    call->call = CallKind::Method;
    call->fun = entries;
    call->type = t = entries->returnType;
    call->depth = s.expr->depth + 1;
    call->args.push_back(std::move(s.expr));
    s.expr = std::move(call);
  }
  const Type* varType = types_.error();
  if (s.rangeEnd) {
    const Type* endType = checkExpr(s.rangeEnd);
    if (t->tag != TypeTag::Int && t->tag != TypeTag::Error) {
      error(s.expr->pos, "a range must start with an int, not " + withArticle(t));
    }
    if (endType->tag != TypeTag::Int && endType->tag != TypeTag::Error) {
      error(s.rangeEnd->pos, "a range must end with an int, not " + withArticle(endType));
    }
    varType = types_.intType();
    s.hiddenA = declareLocal(" end", types_.intType(), s.pos, true);
  } else if (t->tag == TypeTag::Array) {
    varType = t->element;
    s.hiddenA = declareLocal(" array", t, s.pos, true);
    s.hiddenB = declareLocal(" index", types_.intType(), s.pos, true);
  } else if (t->tag == TypeTag::String) {
    varType = types_.string();
    s.hiddenA = declareLocal(" string", t, s.pos, true);
    s.hiddenB = declareLocal(" index", types_.intType(), s.pos, true);
  } else if (const Type* element = iteratorProtocol(s, t)) {
    varType = element;
    if (s.iteration[0])
      s.hiddenA = declareLocal(" iterator", s.iteration[0]->returnType, s.pos, true);
  } else if (t->tag != TypeTag::Error) {
    error(s.expr->pos, "cannot iterate over " + withArticle(t) +
                           "; `for` works on ranges (`0..n`), arrays, strings and objects with "
                           "`fun iterator()` returning an object with `hasNext()` and `next()`");
  }
  pushScope();
  s.var = declareLocal(s.name, varType, s.pos, true);
  s.var->isLoopVariable = true;
  s.var->stable = true; // never assigned: `is` narrows it
  if (!s.destructure.empty()) destructureLoopVariable(s, varType);
  loopDepth_++;
  checkBlock(*s.loopBody);
  loopDepth_--;
  popScope();
  popScope();
}

void Checker::destructureLoopVariable(Stmt& s, const Type* element) {
  const char* first = nullptr; // the field of the first part; the second is `value`
  if (element->tag == TypeTag::Class) {
    const std::string& name = element->cls->name;
    if (name.rfind("Entry<", 0) == 0) first = "key";
    if (name.rfind("IndexedValue<", 0) == 0) first = "index";
  }
  if (!first || s.destructure.size() != 2) {
    if (!first && element->tag != TypeTag::Error) {
      const Type* source = s.expr->type;
      bool indexable = source->tag == TypeTag::Array ||
                       (source->tag == TypeTag::Class && source->cls->name.rfind("List<", 0) == 0);
      error(s.expr->pos,
            "`for ((a, b) in ...)` takes apart the entries of a `Map` (or of `entries()`) and the "
            "elements of `withIndex()`, not the " +
                element->name + " elements of " + withArticle(source) +
                (indexable ? "; for each element with its index, write `for ((i, x) in "
                             "xs.withIndex())`"
                           : "; write `for (x in ...)`"));
    } else if (first) {
      error(s.destructure[0].second,
            "`for ((...) in ...)` takes each element apart into two names, e.g. `for ((" +
                std::string(first == std::string("key") ? "k" : "i") + ", v) in ...)`");
    }
    for (const auto& [name, pos] : s.destructure) // so that the body's uses say nothing more
      declareLocal(name, types_.error(), pos, true);
    return;
  }
  // `let k = <element>.key` and `let v = <element>.value`, at the start of the body.
  std::vector<StmtPtr> lets;
  for (size_t i = 0; i < 2; i++) {
    const auto& [name, pos] = s.destructure[i];
    auto let = std::make_unique<Stmt>(StmtKind::Var, pos);
    let->name = name;
    let->isLet = true;
    let->isLoopPart = true;
    let->expr = std::make_unique<Expr>(ExprKind::Member, pos);
    let->expr->text = i == 0 ? first : "value";
    let->expr->a = std::make_unique<Expr>(ExprKind::Name, pos);
    let->expr->a->text = s.name;
    let->expr->depth = 2;
    lets.push_back(std::move(let));
  }
  auto& body = s.loopBody->body;
  body.insert(body.begin(), std::make_move_iterator(lets.begin()),
              std::make_move_iterator(lets.end()));
}

namespace {

// The names assigned anywhere in `s`, its lambdas included (`x = ...`, `x += ...`, `x++`).
void collectAssigned(const Expr& e, std::unordered_set<std::string>& out);
void collectAssigned(const Stmt& s, std::unordered_set<std::string>& out) {
  for (const ExprPtr* e : {&s.expr, &s.rangeEnd})
    if (*e) collectAssigned(**e, out);
  for (const StmtPtr& inner : s.body)
    collectAssigned(*inner, out);
  for (const StmtPtr* inner : {&s.thenBranch, &s.elseBranch, &s.loopBody, &s.finallyBody})
    if (*inner) collectAssigned(**inner, out);
  for (const CatchClause& c : s.catches)
    collectAssigned(*c.body, out);
}
void collectAssigned(const Expr& e, std::unordered_set<std::string>& out) {
  if (e.kind == ExprKind::Assign && e.a && e.a->kind == ExprKind::Name) out.insert(e.a->text);
  for (const ExprPtr* inner : {&e.a, &e.b, &e.c})
    if (*inner) collectAssigned(**inner, out);
  for (const ExprPtr& arg : e.args)
    collectAssigned(*arg, out);
  if (e.lambda && e.lambda->body) collectAssigned(*e.lambda->body, out);
  if (e.when) {
    for (const WhenBranch& branch : e.when->branches) {
      for (const ExprPtr& condition : branch.conditions)
        collectAssigned(*condition, out);
      if (branch.block) collectAssigned(*branch.block, out);
      if (branch.value) collectAssigned(*branch.value, out);
    }
  }
}

} // namespace

void Checker::markStableParams(const std::vector<VarSymbol*>& params, const Stmt& body) {
  std::unordered_set<std::string> assigned;
  collectAssigned(body, assigned);
  for (VarSymbol* p : params) {
    p->isParam = true;
    p->stable = !assigned.count(p->name);
  }
}

} // namespace nuri::checking
