#include "compiler/check_internal.h"
#include "compiler/suggest.h"

namespace nuri::checking {

const NativeInfo* Checker::findNativeMember(const char* receiver, const std::string& member,
                                            NativeKind kind, int* index, size_t params) {
  const NativeInfo* first = nullptr;
  for (uint32_t i = 0; i < nativeCount(); i++) {
    const NativeInfo& n = nativeInfo(i);
    if (std::strcmp(n.receiver, receiver) != 0 || member != n.member || n.kind != kind) continue;
    if (!first || n.signature.params.size() == params) *index = int(i);
    if (!first) first = &n;
    if (n.signature.params.size() == params) return &n;
  }
  return first;
}

std::string Checker::nativeArities(const NativeInfo& n, size_t receiverCount) {
  std::set<size_t> counts;
  for (uint32_t i = 0; i < nativeCount(); i++) {
    const NativeInfo& other = nativeInfo(i);
    if (std::strcmp(other.receiver, n.receiver) == 0 && std::strcmp(other.member, n.member) == 0 &&
        other.kind == n.kind)
      counts.insert(other.signature.params.size() - receiverCount);
  }
  std::string text;
  for (size_t c : counts)
    text += (text.empty() ? "" : c == *counts.rbegin() ? " or " : ", ") + std::to_string(c);
  return text;
}

const char* Checker::receiverName(const Type* t) {
  switch (t->tag) {
  case TypeTag::Int: return "int";
  case TypeTag::Float: return "float";
  case TypeTag::String: return "string";
  case TypeTag::StringBuilder: return "StringBuilder";
  case TypeTag::Array: return "array";
  default: return nullptr;
  }
}

bool Checker::isNamespaceExpr(const Expr& e) {
  return e.kind == ExprKind::Name && isBuiltinNamespace(e.text) && !lookupLocal(e.text) &&
         !findGlobal(e.text);
}

const Type* Checker::checkMember(Expr& e) {
  if (isNamespaceExpr(*e.a)) {
    e.a->ref = RefKind::Namespace;
    if (e.a->text == "Math" && (e.text == "PI" || e.text == "E")) {
      e.ref = RefKind::Constant;
      e.floatValue = e.text == "PI" ? 3.141592653589793 : 2.718281828459045;
      return set(e, types_.floatType());
    }
    error(e.pos, quoted(e.a->text + "." + e.text) + " is not a value" +
                     std::string(e.a->text == "Math" ? " (constants: `Math.PI`, `Math.E`)" : ""));
    return set(e, types_.error());
  }
  if (const SourceUnit* unit = moduleReceiver(*e.a)) {
    Namespace& names = namespaces_[unit];
    if (auto it = names.globals.find(e.text); it != names.globals.end()) {
      e.var = it->second;
      e.ref = RefKind::Global;
      return set(e, e.var->type);
    }
    if (auto it = names.functions.find(e.text); it != names.functions.end()) {
      e.ref = RefKind::Function;
      e.fun = it->second;
      e.fun->usedAsValue = true;
      return set(e, types_.functionOf(paramTypesOf(e.fun), e.fun->returnType));
    }
    error(e.pos, "module " + quoted(e.a->text) + " has no variable or function " + quoted(e.text));
    return set(e, types_.error());
  }
  if (ClassSymbol* owner = classNamed(*e.a)) {
    e.a->ref = RefKind::Class;
    if (VarSymbol* v = findStaticField(owner, e.text)) {
      e.var = v;
      e.ref = RefKind::Global;
      return set(e, v->type);
    }
    if (findStaticMethod(owner, e.text)) {
      error(e.pos, "method " + quoted(e.text) + " must be called, e.g. `" + owner->name + "." +
                       e.text + "()`");
    } else if (owner->fieldsByName.count(e.text)) {
      error(e.pos, "field " + quoted(e.text) + " belongs to each object of " + quoted(owner->name) +
                       "; read it from an object, not from the class");
    } else {
      if (owner->decl && owner->decl->isEnum) {
        error(e.pos, "enum " + quoted(owner->name) + " has no constant " + quoted(e.text) +
                         didYouMean(e.text, owner->decl->enumConstants));
      } else {
        error(e.pos, "class " + quoted(owner->name) + " has no static member " + quoted(e.text));
      }
    }
    return set(e, types_.error());
  }
  if (e.a->kind == ExprKind::Super) {
    error(e.pos, "`super` can only be used to call a method: `super." + e.text + "(...)`");
    return set(e, types_.error());
  }
  const Type* t = checkExpr(e.a);
  if (t->tag == TypeTag::Error) return set(e, t);
  if (e.safe && !checkSafeReceiver(e, t)) return set(e, types_.error());
  if (t->tag == TypeTag::Class) {
    ClassSymbol* cls = t->cls;
    if (auto it = cls->fieldsByName.find(e.text); it != cls->fieldsByName.end()) {
      FieldSymbol* f = it->second;
      if (f->isPrivate && !canSeePrivate(f->owner)) {
        error(e.pos,
              "field " + quoted(e.text) + " of class " + quoted(f->owner->name) + " is private");
      } else if (f->isProtected && !canSeeProtected(f->owner)) {
        error(e.pos, "field " + quoted(e.text) + " of class " + quoted(f->owner->name) +
                         " is protected: only " + quoted(f->owner->name) +
                         " and its subclasses can use it");
      }
      e.field = f;
      e.ref = RefKind::Field;
      return set(e, f->type);
    }
    if (cls->methodsByName.count(e.text)) {
      error(e.pos, "method " + quoted(e.text) + " must be called, e.g. `." + e.text + "()`");
      return set(e, types_.error());
    }
    std::string hint = unstableHint(*e.a, e.text);
    error(e.pos, std::string(cls->isInterface ? "interface " : "class ") + quoted(cls->name) +
                     " has no field " + quoted(e.text) +
                     (hint.empty() ? didYouMean(e.text, memberNames(t)) : hint));
    return set(e, types_.error());
  }
  if (t->tag == TypeTag::Array && e.text == "length") {
    e.ref = RefKind::ArrayLength;
    return set(e, types_.intType());
  }
  if (const char* recv = receiverName(t)) {
    int index = -1;
    if (const NativeInfo* n = findNativeMember(recv, e.text, NativeKind::PROPERTY, &index)) {
      e.ref = RefKind::NativeProperty;
      e.native = index;
      return set(e, nativeType(n->signature.result));
    }
    if (findNativeMember(recv, e.text, NativeKind::METHOD, &index) || e.text == "toString" ||
        e.text == "toFloat" || e.text == "copy") {
      error(e.pos, "method " + quoted(e.text) + " must be called, e.g. `." + e.text + "()`");
      return set(e, types_.error());
    }
  }
  if (t->tag == TypeTag::Null) {
    error(e.pos, "`null` has no members");
    return set(e, types_.error());
  }
  error(e.pos,
        withArticle(t) + " has no member " + quoted(e.text) + didYouMean(e.text, memberNames(t)));
  return set(e, types_.error());
}

const Type* Checker::nativeType(const NativeType& t) {
  switch (t.code) {
  case 'V': return types_.voidType();
  case 'I': return types_.intType();
  case 'F': return types_.floatType();
  case 'B': return types_.boolType();
  case 'S':
  case 's':
  case 'X': return types_.string();
  case 'T': return types_.stringBuilder();
  case '[': {
    const Type* type = nativeType(NativeType{t.element});
    for (uint8_t i = 0; i < t.depth; i++)
      type = types_.arrayOf(type);
    return type;
  }
  default: return types_.error();
  }
}

void Checker::checkArguments(Expr& call, const std::vector<const Type*>& params,
                             const std::string& calleeName, size_t firstArg) {
  size_t given = call.args.size() - firstArg;
  if (given != params.size()) {
    error(call.pos, calleeName + " takes " + std::to_string(params.size()) + " argument" +
                        (params.size() == 1 ? "" : "s") + " but " + std::to_string(given) +
                        (given == 1 ? " was" : " were") + " given");
    for (size_t i = firstArg; i < call.args.size(); i++) {
      if (!call.args[i]->type) checkExpr(call.args[i]);
    }
    return;
  }
  for (size_t i = 0; i < params.size(); i++) {
    ExprPtr& arg = call.args[firstArg + i];
    if (!arg->type) checkExpecting(arg, params[i]);
    coerce(arg, params[i], "parameter " + std::to_string(i + 1) + " of " + calleeName);
  }
}

void Checker::checkCallArguments(Expr& call, const FunSymbol* fn, const std::string& calleeName,
                                 size_t firstArg) {
  size_t given = call.args.size() - firstArg;
  if (given < fn->params.size()) {
    bool defaults = true;
    for (size_t i = given; i < fn->params.size(); i++)
      defaults = defaults && i < fn->defaults.size() && fn->defaults[i];
    if (defaults) {
      for (size_t i = given; i < fn->params.size(); i++)
        call.args.push_back(cloneExpr(*fn->defaults[i]));
    }
  }
  checkArguments(call, paramTypes(fn), calleeName, firstArg);
}

std::vector<const Type*> Checker::paramTypes(const FunSymbol* fn) {
  std::vector<const Type*> out;
  for (VarSymbol* p : fn->params)
    out.push_back(p->type);
  return out;
}

const Type* Checker::uncheckedCall(Expr& e) {
  for (auto& arg : e.args)
    if (!arg->type) checkExpr(arg);
  return set(e, types_.error());
}

const Type* Checker::checkCall(Expr& e) {
  Expr& callee = *e.a;
  if (callee.kind == ExprKind::Name) return checkNamedCall(e);
  if (callee.kind == ExprKind::Member) return checkMethodCall(e);
  checkExpr(e.a);
  if (e.a->type->tag == TypeTag::Function) return closureCall(e, "the function value");
  for (auto& arg : e.args)
    checkExpr(arg);
  if (e.a->type->tag != TypeTag::Error) error(e.pos, "this expression cannot be called");
  return set(e, types_.error());
}

const Type* Checker::checkHashOrCompare(Expr& e, bool isHash) {
  const char* name = isHash ? "hashOf" : "compareOf";
  for (auto& arg : e.args)
    checkExpr(arg);
  size_t wanted = isHash ? 1 : 2;
  if (e.args.size() != wanted) {
    error(e.pos, quoted(name) + " takes " + std::to_string(wanted) + " argument" +
                     (wanted == 1 ? "" : "s"));
    return set(e, types_.error());
  }
  const Type* t = e.args[0]->type;
  if (t->tag == TypeTag::Error) return set(e, t);
  if (!isHash && !assignable(t, e.args[1]->type) && !assignable(e.args[1]->type, t)) {
    error(e.pos, "`compareOf` needs two values of one type, not " + withArticle(t) + " and " +
                     withArticle(e.args[1]->type));
    return set(e, types_.error());
  }
  if (t->tag == TypeTag::Class) {
    auto it = t->cls->methodsByName.find(isHash ? "hash" : "compareTo");
    if (it != t->cls->methodsByName.end() && it->second->returnType == types_.intType() &&
        it->second->params.size() == (isHash ? 0u : 1u) &&
        (isHash || assignable(it->second->params[0]->type, e.args[1]->type))) {
      e.call = t->cls->isInterface ? CallKind::InterfaceMethod : CallKind::Method;
      e.fun = it->second;
      return set(e, types_.intType());
    }
  }
  const char* link;
  switch (t->tag) {
  case TypeTag::Int: link = isHash ? "hash_int" : "compare_int"; break;
  case TypeTag::Float: link = isHash ? "hash_float" : "compare_float"; break;
  case TypeTag::Bool: link = isHash ? "hash_bool" : "compare_bool"; break;
  case TypeTag::String: link = isHash ? "hash_string" : "compare_string"; break;
  default: link = isHash ? "hash_ref" : "compare_none"; break;
  }
  e.call = CallKind::Native;
  e.native = findNative(link);
  return set(e, types_.intType());
}

const Type* Checker::checkNamedCall(Expr& e) {
  const std::string& name = e.a->text;
  bool fieldFunction = cls_ && fn_ && cls_->fieldsByName.count(name) &&
                       cls_->fieldsByName[name]->type->tag == TypeTag::Function;
  if (lookupLocal(name) || (!findFunction(name) && findGlobal(name)) || fieldFunction) {
    checkExpr(e.a);
    if (e.a->type->tag == TypeTag::Function) return closureCall(e, quoted(name));
    for (auto& arg : e.args)
      checkExpr(arg);
    if (e.a->type->tag != TypeTag::Error) {
      error(e.pos, quoted(name) + " is " + withArticle(e.a->type) + ", not a function");
    }
    return set(e, types_.error());
  }
  if (cls_ && fn_) {
    if (auto it = cls_->methodsByName.find(name); it != cls_->methodsByName.end()) {
      FunSymbol* method = it->second;
      if (!thisVariable()) {
        for (auto& arg : e.args)
          checkExpr(arg);
        error(e.pos, "method " + quoted(name) +
                         " needs an object and cannot be called from "
                         "static method " +
                         quoted(fn_->name));
        return set(e, types_.error());
      }
      auto self = std::make_unique<Expr>(ExprKind::This, e.a->pos);
      self->type = cls_->type;
      self->var = thisVariable();
      self->ref = RefKind::Local;
      e.args.insert(e.args.begin(), std::move(self));
      e.call = cls_->isInterface ? CallKind::InterfaceMethod : CallKind::Method;
      e.fun = method;
      checkCallArguments(e, method, "method " + quoted(name), 1);
      return set(e, method->returnType);
    }
    if (FunSymbol* method = thisVariable() ? defaultMethod(cls_, name) : nullptr) {
      auto self = std::make_unique<Expr>(ExprKind::This, e.a->pos);
      self->type = cls_->type;
      self->var = thisVariable();
      self->ref = RefKind::Local;
      e.args.insert(e.args.begin(), std::move(self));
      callDefaultMethod(e, method);
      checkCallArguments(e, method, "method " + quoted(name), 1);
      return set(e, method->returnType);
    }
  }
  if (FunSymbol* fn = cls_ ? findStaticMethod(cls_, name) : nullptr) {
    e.call = CallKind::Function;
    e.fun = fn;
    checkCallArguments(e, fn, "method " + quoted(name));
    return set(e, fn->returnType);
  }
  if (FunSymbol* function = findFunction(name)) {
    e.call = CallKind::Function;
    e.fun = function;
    checkCallArguments(e, e.fun, "function " + quoted(name));
    return set(e, e.fun->returnType);
  }
  if (const FunDecl* templ = findFunctionTemplate(name)) {
    auto args = typeArgumentsFor(e, templ->typeParams, templ->params, "function " + quoted(name));
    if (args.empty()) return uncheckedCall(e);
    e.call = CallKind::Function;
    e.fun = instantiateFunction(templ, args, e.a->pos);
    if (!e.fun) return uncheckedCall(e);
    checkCallArguments(e, e.fun, "function " + quoted(e.fun->traceName));
    return set(e, e.fun->returnType);
  }
  if (const ClassDecl* templ = findClassTemplate(name)) {
    static const std::vector<Param> kNoParams;
    const std::vector<Param>& initParams = templ->init ? templ->init->params : kNoParams;
    auto args = typeArgumentsFor(e, templ->typeParams, initParams, "class " + quoted(name));
    if (args.empty()) return uncheckedCall(e);
    e.cls = instantiateClass(templ, args, e.a->pos);
    if (!e.cls) return uncheckedCall(e);
    if (e.cls->isInterface) {
      error(e.pos, quoted(name) + " is an interface and cannot be constructed");
      return set(e, types_.error());
    }
    e.call = CallKind::Constructor;
    if (constructsAbstract(e)) return set(e, types_.error());
    checkCallArguments(e, e.cls->init, "the constructor of " + quoted(e.cls->name));
    return set(e, e.cls->type);
  }
  if (ClassSymbol* cls = findClass(name)) {
    e.cls = cls;
    if (e.cls->isInterface) {
      for (auto& arg : e.args)
        checkExpr(arg);
      error(e.pos, quoted(name) + " is an interface and cannot be constructed; construct a class "
                                  "that implements it");
      return set(e, types_.error());
    }
    e.call = CallKind::Constructor;
    if (constructsEnum(e) || constructsAbstract(e)) return set(e, types_.error());
    if (e.cls->init->isPrivate && !canSeePrivate(e.cls)) {
      error(e.pos, "the constructor of class " + quoted(name) + " is private");
    }
    checkCallArguments(e, e.cls->init, "the constructor of " + quoted(name));
    return set(e, e.cls->type);
  }
  if (name == "hashOf" || name == "compareOf") return checkHashOrCompare(e, name == "hashOf");
  if (name == "typeName") {
    for (auto& arg : e.args)
      checkExpr(arg);
    if (e.args.size() != 1 ||
        !(e.args[0]->type->isReference() || e.args[0]->type->tag == TypeTag::Error)) {
      error(e.pos, "`typeName` takes one object, array or string");
      return set(e, types_.error());
    }
    e.call = CallKind::Native;
    e.native = findNative("typeName");
    return set(e, types_.string());
  }
  int index = -1;
  if (const NativeInfo* n =
          findNativeMember("", name, NativeKind::FUNCTION, &index, e.args.size())) {
    e.call = CallKind::Native;
    e.native = index;
    if (name == "println" && e.args.empty()) return set(e, types_.voidType());
    return checkNativeArguments(e, *n, quoted(name), 0);
  }
  for (auto& arg : e.args)
    checkExpr(arg);
  if (ns_->topNames.count(name))
    error(e.a->pos, quoted(name) + " is used before its declaration");
  else if (!isBrokenName(name))
    error(e.a->pos, "unknown function " + quoted(name) + didYouMean(name, visibleNames()));
  return set(e, types_.error());
}

const Type* Checker::checkNativeArguments(Expr& e, const NativeInfo& n, const std::string& name,
                                          size_t receiverCount) {
  std::vector<const Type*> params;
  const std::vector<NativeType>& declared = n.signature.params;
  for (size_t i = receiverCount; i < declared.size(); i++)
    params.push_back(nativeType(declared[i]));
  size_t given = e.args.size() - receiverCount;
  if (given == params.size()) {
    for (size_t i = 0; i < params.size(); i++) {
      ExprPtr& arg = e.args[receiverCount + i];
      if (!arg->type) checkExpr(arg);
      if (declared[receiverCount + i].code == 'X') toStringConversion(arg);
    }
  } else if (std::string arities = nativeArities(n, receiverCount);
             arities != std::to_string(params.size())) {
    error(e.pos, name + " takes " + arities + " arguments but " + std::to_string(given) +
                     (given == 1 ? " was" : " were") + " given");
    for (size_t i = receiverCount; i < e.args.size(); i++)
      if (!e.args[i]->type) checkExpr(e.args[i]);
    return set(e, nativeType(n.signature.result));
  }
  checkArguments(e, params, name, receiverCount);
  return set(e, nativeType(n.signature.result));
}

const Type* Checker::checkSuperCall(Expr& e) {
  Expr& member = *e.a;
  const std::string& name = member.text;
  ClassSymbol* parent = cls_ ? cls_->superclass : nullptr;
  if (!fn_ || !thisVariable() || !parent) {
    for (auto& arg : e.args)
      checkExpr(arg);
    error(member.a->pos, !cls_ || !fn_     ? "`super` can only be used inside a class"
                         : !thisVariable() ? "`super` cannot be used in a static method"
                                           : "class " + quoted(cls_->name) + " has no superclass");
    return set(e, types_.error());
  }
  FunSymbol* target = nullptr;
  if (name == "init") {
    target = parent->init;
    bool first = fn_->isInit && fn_->callsSuperInit && fn_->decl &&
                 fn_->decl->body->body.front()->expr.get() == &e;
    if (!first) {
      error(member.pos, "`super.init(...)` can only be the first statement of `init`");
    }
  } else {
    auto it = parent->methodsByName.find(name);
    if (it == parent->methodsByName.end()) {
      for (auto& arg : e.args)
        checkExpr(arg);
      error(member.pos, "superclass " + quoted(parent->name) + " has no method " + quoted(name));
      return set(e, types_.error());
    }
    target = it->second;
    if (target->isPrivate) {
      error(member.pos,
            "method " + quoted(name) + " of class " + quoted(target->owner->name) + " is private");
    } else if (target->isAbstract) {
      error(member.pos, "`super." + name + "()` cannot be called: " +
                            quoted(target->owner->name + "." + name) + " is abstract");
    }
  }
  auto self = std::make_unique<Expr>(ExprKind::This, member.a->pos);
  self->type = cls_->type;
  self->var = thisVariable();
  self->ref = RefKind::Local;
  e.args.insert(e.args.begin(), std::move(self));
  e.call = CallKind::Direct;
  e.fun = target;
  checkCallArguments(e, target, name == "init" ? "`super.init`" : "method " + quoted(name), 1);
  return set(e, target->returnType);
}

const Type* Checker::checkMethodCall(Expr& e) {
  Expr& member = *e.a;
  const std::string& name = member.text;
  if (isNamespaceExpr(*member.a)) {
    const std::string& ns = member.a->text;
    std::string full = quoted(ns + "." + name);
    for (auto& arg : e.args)
      checkExpr(arg);
    int index = -1;
    const NativeInfo* n =
        findNativeMember(ns.c_str(), name, NativeKind::FUNCTION, &index, e.args.size());
    if (n && isPreludeOwnName(name) && unit_ != prelude_) n = nullptr; // `System.__seed`
    if (!n) {
      error(member.pos, quoted(ns) + " has no function " + quoted(name));
      return set(e, types_.error());
    }
    if (ns == "Math" && (name == "min" || name == "max")) {
      bool ints = e.args.size() == 2 && e.args[0]->type->tag == TypeTag::Int &&
                  e.args[1]->type->tag == TypeTag::Int;
      index = findNative(ints ? "math_" + name + "_int" : "math_" + name);
      n = &nativeInfo(uint32_t(index));
    }
    e.call = CallKind::Native;
    e.native = index;
    return checkNativeArguments(e, *n, full, 0);
  }
  if (ClassSymbol* owner = classNamed(*member.a)) {
    member.a->ref = RefKind::Class;
    if (FunSymbol* fn = findStaticMethod(owner, name)) {
      if (fn->isPrivate && !canSeePrivate(owner)) {
        error(member.pos,
              "method " + quoted(name) + " of class " + quoted(owner->name) + " is private");
      }
      e.call = CallKind::Function;
      e.fun = fn;
      checkCallArguments(e, fn, "method " + quoted(name));
      return set(e, fn->returnType);
    }
    for (auto& arg : e.args)
      checkExpr(arg);
    if (owner->methodsByName.count(name)) {
      error(member.pos, "method " + quoted(name) + " belongs to each object of " +
                            quoted(owner->name) + "; call it on an object, or declare it `static`");
    } else {
      error(member.pos, "class " + quoted(owner->name) + " has no static method " + quoted(name));
    }
    return set(e, types_.error());
  }
  if (member.a->kind == ExprKind::Super) return checkSuperCall(e);
  if (const SourceUnit* unit = moduleReceiver(*member.a)) {
    // `geometry.area(...)` or `geometry.Point(...)`: a name of an imported module.
    Namespace& names = namespaces_[unit];
    if (auto it = names.functions.find(name); it != names.functions.end()) {
      e.call = CallKind::Function;
      e.fun = it->second;
      checkCallArguments(e, e.fun, "function " + quoted(member.a->text + "." + name));
      return set(e, e.fun->returnType);
    }
    if (auto it = names.classes.find(name); it != names.classes.end() && !it->second->isInterface) {
      e.call = CallKind::Constructor;
      e.cls = it->second;
      if (constructsEnum(e)) return set(e, types_.error());
      checkCallArguments(e, e.cls->init, "the constructor of " + quoted(e.cls->name));
      return set(e, e.cls->type);
    }
    for (auto& arg : e.args)
      checkExpr(arg);
    error(member.pos,
          "module " + quoted(member.a->text) + " has no function or class " + quoted(name));
    return set(e, types_.error());
  }
  const Type* t = checkExpr(member.a);
  if (t->tag == TypeTag::Error) {
    for (auto& arg : e.args)
      checkExpr(arg);
    return set(e, t);
  }
  if (member.safe && !checkSafeReceiver(member, t)) {
    for (auto& arg : e.args)
      checkExpr(arg);
    return set(e, types_.error());
  }
  // Move the receiver into the argument list: args[0] is the receiver from here on.
  e.args.insert(e.args.begin(), std::move(member.a));
  e.safe = member.safe; // `a?.m(x)`: the code tests args[0] for null
  if (t->tag == TypeTag::Class && !t->cls->methodsByName.count(name) &&
      t->cls->fieldsByName.count(name) &&
      t->cls->fieldsByName[name]->type->tag == TypeTag::Function) {
    // `obj.f(x)` where f is a field holding a function: read the field, then call it.
    e.safe = false; // the member read tests it
    member.a = std::move(e.args.front());
    e.args.erase(e.args.begin());
    member.type = nullptr;
    checkMember(member);
    return closureCall(e, "field " + quoted(name));
  }
  // A List's withIndex() is a function of the prelude: as a method, each List<T> would make
  // List<IndexedValue<T>>, whose method would make the next, without end.
  if (t->tag == TypeTag::Class && name == "withIndex" && t->cls->templateDecl &&
      t->cls->templateDecl == preludeClassTemplate("List")) {
    checkArguments(e, {}, "method `withIndex`", 1);
    if (e.args.size() != 1) return set(e, types_.error());
    ExprPtr call = preludeCall("__listWithIndex", {t->cls->typeArgs[0]}, std::move(e.args));
    e.call = CallKind::Function;
    e.fun = call->fun;
    e.args = std::move(call->args);
    return set(e, call->type);
  }
  if (t->tag == TypeTag::Class) {
    if (const FunDecl* templ = findMethodTemplate(t->cls, name)) {
      std::string what = "method " + quoted(name);
      auto args = typeArgumentsFor(e, templ->typeParams, templ->params, what, 1);
      if (args.empty()) return set(e, types_.error());
      FunSymbol* method = instantiateMethod(t->cls, templ, args, e.a->pos);
      if (!method) return uncheckedCall(e);
      e.call = CallKind::Direct; // generic methods are not virtual
      e.fun = method;
      checkCallArguments(e, method, what, 1);
      return set(e, method->returnType);
    }
  }
  if (t->tag == TypeTag::Class) {
    ClassSymbol* cls = t->cls;
    auto it = cls->methodsByName.find(name);
    if (FunSymbol* method = it == cls->methodsByName.end() ? defaultMethod(cls, name) : nullptr) {
      callDefaultMethod(e, method);
      checkCallArguments(e, method, "method " + quoted(name), 1);
      return set(e, method->returnType);
    }
    if (it == cls->methodsByName.end()) {
      for (size_t i = 1; i < e.args.size(); i++)
        checkExpr(e.args[i]);
      if (cls->fieldsByName.count(name)) {
        error(member.pos,
              quoted(name) + " is a field of class " + quoted(cls->name) + ", not a method");
      } else if (name == "toString") {
        checkArguments(e, {}, "method `toString`", 1);
        e.call = CallKind::Intrinsic;
        e.intrinsic = Intrinsic::ToString;
        return set(e, types_.string());
      } else {
        std::string hint = unstableHint(*e.args[0], name);
        error(member.pos, std::string(cls->isInterface ? "interface " : "class ") +
                              quoted(cls->name) + " has no method " + quoted(name) +
                              (hint.empty() ? didYouMean(name, memberNames(t)) : hint));
      }
      return set(e, types_.error());
    }
    FunSymbol* method = it->second;
    if (method->isPrivate && !canSeePrivate(method->owner)) {
      error(member.pos,
            "method " + quoted(name) + " of class " + quoted(method->owner->name) + " is private");
    } else if (method->isProtected && !canSeeProtected(method->owner)) {
      error(member.pos, "method " + quoted(name) + " of class " + quoted(method->owner->name) +
                            " is protected: only " + quoted(method->owner->name) +
                            " and its subclasses can call it");
    }
    e.call = cls->isInterface ? CallKind::InterfaceMethod : CallKind::Method;
    e.fun = method;
    checkCallArguments(e, method, "method " + quoted(name), 1);
    return set(e, method->returnType);
  }
  // Built-in receivers.
  if ((name == "toString" || name == "join") && textNeedsMethods(t)) {
    bool join = name == "join";
    checkArguments(e, join ? std::vector<const Type*>{types_.string()} : std::vector<const Type*>{},
                   "method " + quoted(name), 1);
    if (e.args.size() != (join ? 2u : 1u)) return set(e, types_.error());
    ExprPtr call = preludeArrayCall(join ? "__arrayJoin" : "__arrayToString", std::move(e.args));
    e.call = CallKind::Function;
    e.fun = call->fun;
    e.args = std::move(call->args);
    return set(e, call->type);
  }
  // `toString()` of a value; an int's `toString(radix)` is a native.
  if (name == "toString" && t->tag != TypeTag::Null && t->tag != TypeTag::StringBuilder &&
      !(t->tag == TypeTag::Int && e.args.size() == 2)) {
    checkArguments(e, {}, "method `toString`", 1);
    e.call = CallKind::Intrinsic;
    e.intrinsic = t->tag == TypeTag::String ? Intrinsic::IdentityString : Intrinsic::ToString;
    return set(e, types_.string());
  }
  if (t->tag == TypeTag::Int && name == "toFloat") {
    checkArguments(e, {}, "method `toFloat`", 1);
    e.call = CallKind::Intrinsic;
    e.intrinsic = Intrinsic::IntToFloat;
    return set(e, types_.floatType());
  }
  if (t->tag == TypeTag::Array && name == "sort") {
    TypeTag element = t->element->tag;
    if (element != TypeTag::Int && element != TypeTag::Float && element != TypeTag::String) {
      for (size_t i = 1; i < e.args.size(); i++)
        checkExpr(e.args[i]);
      error(member.pos, "`sort()` works on int[], float[] and string[], not " + t->name +
                            "; put the elements in a List and use `sort(comparator)`");
      return set(e, types_.error());
    }
  }
  // An array's contains, indexOf, fill and withIndex: generic functions of the prelude.
  if (t->tag == TypeTag::Array) {
    static const std::map<std::string, const char*> kArrayMethods = {
        {"contains", "__arrayContains"},
        {"indexOf", "__arrayIndexOf"},
        {"fill", "__arrayFill"},
        {"withIndex", "__arrayWithIndex"}};
    if (auto method = kArrayMethods.find(name); method != kArrayMethods.end()) {
      std::vector<const Type*> params;
      if (name != "withIndex") params.push_back(t->element);
      checkArguments(e, params, "method " + quoted(name), 1);
      if (e.args.size() != params.size() + 1) return set(e, types_.error());
      ExprPtr call = preludeArrayCall(method->second, std::move(e.args));
      e.call = CallKind::Function;
      e.fun = call->fun;
      e.args = std::move(call->args);
      return set(e, call->type);
    }
  }
  if (t->tag == TypeTag::Array && name == "copy") {
    checkArguments(e, {}, "method `copy`", 1);
    e.call = CallKind::Intrinsic;
    e.intrinsic = Intrinsic::ArrayCopy;
    return set(e, t);
  }
  if (const char* recv = receiverName(t)) {
    int index = -1;
    if (const NativeInfo* n =
            findNativeMember(recv, name, NativeKind::METHOD, &index, e.args.size())) {
      e.call = CallKind::Native;
      e.native = index;
      return checkNativeArguments(e, *n, "method " + quoted(name), 1);
    }
    if (findNativeMember(recv, name, NativeKind::PROPERTY, &index)) {
      for (size_t i = 1; i < e.args.size(); i++)
        checkExpr(e.args[i]);
      error(member.pos, quoted(name) + " is a property; write `." + name + "` without `()`");
      return set(e, types_.error());
    }
  }
  if (t->tag == TypeTag::Array && name == "length") {
    error(member.pos, "`length` is a property; write `.length` without `()`");
    return set(e, types_.error());
  }
  for (size_t i = 1; i < e.args.size(); i++)
    checkExpr(e.args[i]);
  if (t->tag == TypeTag::Null)
    error(member.pos, "`null` has no methods");
  else
    error(member.pos,
          withArticle(t) + " has no method " + quoted(name) + didYouMean(name, memberNames(t)));
  return set(e, types_.error());
}

std::vector<std::string> Checker::memberNames(const Type* t) {
  std::vector<std::string> names;
  if (t->tag == TypeTag::Class) {
    for (const auto& [name, field] : t->cls->fieldsByName)
      names.push_back(name);
    for (const auto& [name, method] : t->cls->methodsByName)
      names.push_back(name);
    names.push_back("toString");
    return names;
  }
  if (const char* recv = receiverName(t)) {
    for (uint32_t i = 0; i < nativeCount(); i++) {
      const NativeInfo& native = nativeInfo(i);
      if (std::string_view(native.receiver) == recv && native.kind != NativeKind::FUNCTION)
        names.push_back(native.member);
    }
    names.push_back("toString");
  }
  if (t->tag == TypeTag::Array) {
    for (const char* name : {"length", "copy", "contains", "indexOf", "fill", "withIndex"})
      names.push_back(name);
  }
  return names;
}

bool Checker::checkSafeReceiver(const Expr& member, const Type* t) {
  if (t->isReference() && t->tag != TypeTag::Null) return true;
  if (t->tag == TypeTag::Null) {
    error(member.pos, "`?.` on `null` is always null");
  } else {
    error(member.pos, "`?.` needs a receiver that can be null, and " + withArticle(t) +
                          " cannot; write `.` instead");
  }
  return false;
}

const Type* Checker::checkSafeChain(Expr& e, bool defaulted) {
  Expr& inner = *e.a;
  if (inner.kind == ExprKind::Assign) { // `a?.b++`
    error(inner.pos, "cannot assign through `?.`; test for null with `if` first");
    checkExpr(inner.a);
    return set(e, types_.error());
  }
  const Type* t = checkExpr(e.a);
  if (t->tag == TypeTag::Error) return set(e, t);
  if (t->tag == TypeTag::Void) {
    if (defaulted) error(e.pos, noValue(inner));
    return set(e, defaulted ? types_.error() : t);
  }
  if (!t->isReference() && !defaulted) {
    error(e.pos, "this `?.` chain is null when its receiver is, which " + withArticle(t) +
                     " cannot hold; give a default with `?:`, e.g. `s?.length ?: 0`");
    return set(e, types_.error());
  }
  return set(e, t);
}

const Type* Checker::checkElvis(Expr& e) {
  bool chain = e.a->kind == ExprKind::SafeChain;
  const Type* ta = chain ? checkSafeChain(*e.a, true) : checkExpr(e.a);
  if (ta->tag == TypeTag::Error) {
    checkExpr(e.b);
    return set(e, ta);
  }
  if (ta->tag == TypeTag::Void) {
    error(e.a->pos, noValue(*e.a));
    checkExpr(e.b);
    return set(e, types_.error());
  }
  if (!chain && !ta->isReference()) {
    error(e.pos, "the left side of `?:` is " + withArticle(ta) +
                     ", which is never null; `?:` needs one that can be");
    checkExpr(e.b);
    return set(e, types_.error());
  }
  const Type* tb = checkExpecting(e.b, ta);
  if (tb->tag == TypeTag::Error) return set(e, tb);
  if (ta->tag == TypeTag::Null) { // `null ?: b` is b
    return set(e, tb);
  }
  if (!coerce(e.b, ta, "the default of `?:`")) return set(e, types_.error());
  return set(e, ta);
}

bool Checker::constructsEnum(Expr& e) {
  // Only the enum itself makes its values: its constants.
  if (!e.cls->decl || !e.cls->decl->isEnum || cls_ == e.cls) return false;
  for (auto& arg : e.args)
    checkExpr(arg);
  const auto& constants = e.cls->decl->enumConstants;
  error(e.pos, "enum " + quoted(e.cls->name) +
                   " cannot be constructed; its values are its "
                   "constants, e.g. `" +
                   e.cls->name + "." + (constants.empty() ? "A" : constants[0]) + "`");
  return true;
}

bool Checker::constructsAbstract(Expr& e) {
  if (!e.cls->isAbstract) return false;
  for (auto& arg : e.args)
    checkExpr(arg);
  error(e.pos, "class " + quoted(e.cls->name) +
                   " is abstract and cannot be constructed; construct a subclass that "
                   "overrides its abstract methods");
  return true;
}

void Checker::callDefaultMethod(Expr& call, FunSymbol* method) {
  wrap(call.args[0], ExprKind::As, method->owner->type);
  call.args[0]->targetType = method->owner->type;
  call.call = CallKind::InterfaceMethod;
  call.fun = method;
}

} // namespace nuri::checking
