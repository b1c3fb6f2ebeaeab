#include "compiler/check_internal.h"
#include "compiler/suggest.h"

namespace nuri::checking {

std::string Checker::typeListName(const std::vector<const Type*>& args) {
  if (args.empty()) return ""; // a class of the prelude made on demand
  std::string text = "<";
  for (size_t i = 0; i < args.size(); i++)
    text += (i ? ", " : "") + args[i]->name;
  return text + ">";
}

const TypeEnv* Checker::makeEnv(const std::vector<std::string>& params,
                                const std::vector<const Type*>& args) {
  auto env = std::make_unique<TypeEnv>();
  for (size_t i = 0; i < params.size(); i++)
    (*env)[params[i]] = args[i];
  envs_.push_back(std::move(env));
  return envs_.back().get();
}

ClassSymbol* Checker::instantiateClass(const ClassDecl* templ, const std::vector<const Type*>& args,
                                       SourcePos pos) {
  auto key = std::make_pair(static_cast<const void*>(templ), args);
  if (auto it = instances_.find(key); it != instances_.end()) {
    return static_cast<ClassSymbol*>(it->second);
  }
  // Named after the module that declares the template, wherever it is first used.
  const SourceUnit* savedUnit = unit_;
  const TypeEnv* savedEnv = env_;
  enterUnit(templateUnit_[templ]);
  std::string name = qualified(templ->name) + typeListName(args);
  if (!admitInstance(name, args, pos, true, templ->tokenCount)) {
    enterUnit(savedUnit);
    return nullptr;
  }
  m_.instanceClasses.push_back(cloneClassDecl(*templ));
  ClassDecl* decl = m_.instanceClasses.back().get();
  auto* cls = types_.make<ClassSymbol>();
  instances_[key] = cls;
  unitOf_[cls] = unit_;
  cls->name = std::move(name);
  cls->pos = decl->pos;
  cls->decl = decl;
  cls->isInterface = decl->isInterface;
  cls->isAbstract = decl->isAbstract;
  cls->templateDecl = templ;
  cls->typeArgs = args;
  cls->typeEnv = args.empty() ? nullptr : makeEnv(templ->typeParams, args); // not generic
  decl->symbol = cls;
  types_.classType(cls);
  m_.classes.push_back(cls);
  resolveSupers(cls);
  collectInterfaces(cls);
  declareClassMembers(cls);
  checkInterfacesImplemented(cls);
  enterUnit(savedUnit);
  env_ = savedEnv;
  return cls;
}

FunSymbol* Checker::instantiateFunction(const FunDecl* templ, const std::vector<const Type*>& args,
                                        SourcePos pos) {
  auto key = std::make_pair(static_cast<const void*>(templ), args);
  if (auto it = instances_.find(key); it != instances_.end()) {
    return static_cast<FunSymbol*>(it->second);
  }
  const SourceUnit* savedUnit = unit_;
  const TypeEnv* savedEnv = env_;
  enterUnit(templateUnit_[templ]);
  std::string name = qualified(templ->name) + typeListName(args);
  if (!admitInstance(name, args, pos, false, templ->tokenCount)) {
    enterUnit(savedUnit);
    return nullptr;
  }
  m_.instanceFunctions.push_back(cloneFunDecl(*templ));
  FunDecl* decl = m_.instanceFunctions.back().get();
  env_ = makeEnv(templ->typeParams, args);
  FunSymbol* fn = makeFunction(*decl, nullptr);
  instances_[key] = fn;
  fn->typeEnv = env_;
  fn->traceName = std::move(name);
  unitOf_[fn] = unit_;
  topFunctions_.push_back(fn);
  enterUnit(savedUnit);
  env_ = savedEnv;
  return fn;
}

bool Checker::admitInstance(const std::string& name, const std::vector<const Type*>& args,
                            SourcePos pos, bool isType, uint32_t cost) {
  uint64_t parts = 1; // what the instance's type would measure
  uint32_t depth = 0;
  for (const Type* a : args) {
    parts += a->parts;
    depth = std::max(depth, a->genericDepth + 1);
  }
  std::string problem;
  if (instanceCount_ >= kMaxGenericInstances) {
    problem = "is one too many: a program has at most " + std::to_string(kMaxGenericInstances) +
              " instances of generic classes, functions and methods";
  } else if (depth > kMaxGenericDepth) {
    problem = "nests type arguments more than " + std::to_string(kMaxGenericDepth) + " deep";
  } else if (instantiatedTokens_ + cost > kMaxInstantiatedTokens) {
    problem = "is one too many: the instances of generics copy at most " +
              std::to_string(kMaxInstantiatedTokens) + " tokens of code in all";
  } else {
    problem = sizeProblem(isType ? parts : 1, name.size()); // a function is not a type
  }
  if (problem.empty()) {
    instanceCount_++;
    instantiatedTokens_ += cost;
    return true;
  }
  // Once: the instances still to be checked would each report it again.
  if (!instanceLimitReported_)
    error(pos, "generic instance " + quoted(brief(name)) + " " + problem);
  instanceLimitReported_ = true;
  return false;
}

const FunDecl* Checker::findMethodTemplate(const ClassSymbol* cls, const std::string& name) {
  for (const ClassSymbol* c = cls; c; c = c->superclass) {
    if (auto it = c->methodTemplates.find(name); it != c->methodTemplates.end()) return it->second;
  }
  return nullptr;
}

FunSymbol* Checker::instantiateMethod(ClassSymbol* cls, const FunDecl* templ,
                                      const std::vector<const Type*>& args, SourcePos pos) {
  std::vector<const Type*> keyTypes = args;
  keyTypes.push_back(cls->type);
  auto key = std::make_pair(static_cast<const void*>(templ), keyTypes);
  if (auto it = instances_.find(key); it != instances_.end()) {
    return static_cast<FunSymbol*>(it->second);
  }
  std::string name = cls->name + "." + templ->name + typeListName(args);
  if (!admitInstance(name, args, pos, false, templ->tokenCount)) return nullptr;
  const SourceUnit* savedUnit = unit_;
  const TypeEnv* savedEnv = env_;
  enterUnit(unitOf_[cls]);
  auto env = std::make_unique<TypeEnv>(cls->typeEnv ? *cls->typeEnv : TypeEnv{});
  for (size_t i = 0; i < templ->typeParams.size(); i++)
    (*env)[templ->typeParams[i]] = args[i];
  envs_.push_back(std::move(env));
  env_ = envs_.back().get();
  m_.instanceFunctions.push_back(cloneFunDecl(*templ));
  FunDecl* decl = m_.instanceFunctions.back().get();
  decl->typeParams.clear();
  FunSymbol* fn = makeFunction(*decl, cls);
  instances_[key] = fn;
  fn->typeEnv = env_;
  fn->traceName = std::move(name);
  unitOf_[fn] = unit_;
  topFunctions_.push_back(fn);
  enterUnit(savedUnit);
  env_ = savedEnv;
  return fn;
}

bool Checker::unify(const TypeSyntax& pattern, const Type* actual,
                    const std::vector<std::string>& params,
                    std::unordered_map<std::string, const Type*>& bound) {
  if (actual->tag == TypeTag::Error || actual->tag == TypeTag::Null) return true;
  if (pattern.arrayDepth > 0) {
    if (actual->tag != TypeTag::Array) return false;
    TypeSyntax inner = pattern;
    inner.arrayDepth--;
    return unify(inner, actual->element, params, bound);
  }
  if (pattern.isFunction) {
    if (actual->tag != TypeTag::Function || actual->params.size() != pattern.params.size()) {
      return false;
    }
    for (size_t i = 0; i < pattern.params.size(); i++)
      if (!unify(pattern.params[i], actual->params[i], params, bound)) return false;
    return unify(*pattern.result, actual->result, params, bound);
  }
  if (std::find(params.begin(), params.end(), pattern.name) != params.end()) {
    auto [it, fresh] = bound.emplace(pattern.name, actual);
    if (!fresh && it->second != actual) {
      // int and float meet at float, as in arithmetic.
      if (it->second->isNumeric() && actual->isNumeric())
        it->second = types_.floatType();
      else
        return false;
    }
    return true;
  }
  if (!pattern.args.empty() && actual->tag == TypeTag::Class && actual->cls->templateDecl &&
      actual->cls->templateDecl->name == pattern.name &&
      actual->cls->typeArgs.size() == pattern.args.size()) {
    for (size_t i = 0; i < pattern.args.size(); i++)
      if (!unify(pattern.args[i], actual->cls->typeArgs[i], params, bound)) return false;
  }
  return true;
}

std::vector<const Type*> Checker::typeArgumentsFor(Expr& call,
                                                   const std::vector<std::string>& typeParams,
                                                   const std::vector<Param>& params,
                                                   const std::string& what, size_t firstArg) {
  std::vector<const Type*> args;
  if (!call.a->typeArgs.empty()) {
    if (call.a->typeArgs.size() != typeParams.size()) {
      error(call.a->pos, what + " takes " + std::to_string(typeParams.size()) + " type argument" +
                             (typeParams.size() == 1 ? "" : "s") + ", not " +
                             std::to_string(call.a->typeArgs.size()));
      return {};
    }
    for (const TypeSyntax& t : call.a->typeArgs) {
      args.push_back(resolveType(t));
      if (args.back()->tag == TypeTag::Error) return {};
    }
    return args;
  }
  std::unordered_map<std::string, const Type*> bound;
  bool brokenArgument = false; // already reported: what it would bind is not inferred either
  // A lambda whose parameter types are left out waits until the other arguments have bound
  // what its parameters' types mention (`map<R>(f: (T) -> R)`); its result then binds more.
  std::vector<size_t> waiting;
  for (size_t i = firstArg; i < call.args.size(); i++) {
    if (!call.args[i]->type) {
      if (needsExpectedType(*call.args[i]) && i - firstArg < params.size() &&
          params[i - firstArg].type.isFunction) {
        waiting.push_back(i);
        continue;
      }
      checkExpr(call.args[i]);
    }
    brokenArgument = brokenArgument || call.args[i]->type->tag == TypeTag::Error;
    if (i - firstArg < params.size()) {
      unify(params[i - firstArg].type, call.args[i]->type, typeParams, bound);
    }
  }
  // A generic method's parameters may mention its class's type parameters (`T` of List<T>):
  // the receiver's instance knows them.
  const TypeEnv* classEnv = nullptr;
  if (firstArg > 0 && call.args[0]->type && call.args[0]->type->tag == TypeTag::Class)
    classEnv = call.args[0]->type->cls->typeEnv;
  for (size_t i : waiting) {
    const TypeSyntax& pattern = params[i - firstArg].type;
    std::vector<const Type*> expected;
    for (const TypeSyntax& p : pattern.params) {
      const Type* t = resolveBound(p, typeParams, bound, classEnv);
      if (!t) break;
      expected.push_back(t);
    }
    const Type* result =
        pattern.result ? resolveBound(*pattern.result, typeParams, bound, classEnv) : nullptr;
    if (expected.size() == pattern.params.size())
      checkLambda(*call.args[i], &expected, result);
    else
      checkLambda(*call.args[i]); // reports the parameters it cannot infer
    brokenArgument = brokenArgument || call.args[i]->type->tag == TypeTag::Error;
    unify(pattern, call.args[i]->type, typeParams, bound);
  }
  for (const std::string& p : typeParams) {
    auto it = bound.find(p);
    if (it == bound.end()) {
      if (!brokenArgument) {
        error(call.a->pos, "cannot infer the type argument `" + p + "` of " + what +
                               "; write it, e.g. `" + call.a->text + "<int>(...)`");
      }
      return {};
    }
    args.push_back(it->second);
  }
  return args;
}

const Type* Checker::resolveType(const TypeSyntax& syntax, bool allowVoid) {
  const Type* t = nullptr;
  const std::string& n = syntax.name;
  if (env_ && !syntax.isFunction && syntax.args.empty()) {
    if (auto it = env_->find(n); it != env_->end()) t = it->second;
  }
  if (t) {
    // a type parameter of the generic being instantiated
  } else if (!syntax.args.empty() || findClassTemplate(n)) {
    const ClassDecl* templ = findClassTemplate(n);
    if (!templ) {
      bool known = findClass(n) || n == "int" || n == "float" || n == "bool" || n == "string" ||
                   n == "StringBuilder" || (env_ && env_->count(n));
      if (!known && isBrokenName(n)) return types_.error();
      error(syntax.pos, known ? "type " + quoted(n) + " is not generic; remove the type arguments"
                              : "unknown type " + quoted(n) + didYouMean(n, typeNames()));
      return types_.error();
    }
    if (syntax.args.size() != templ->typeParams.size()) {
      error(syntax.pos, "class " + quoted(n) + " takes " +
                            std::to_string(templ->typeParams.size()) + " type argument" +
                            (templ->typeParams.size() == 1 ? "" : "s") +
                            (syntax.args.empty() ? ", e.g. `" + n + "<int>`" : ""));
      return types_.error();
    }
    std::vector<const Type*> args;
    for (const TypeSyntax& a : syntax.args) {
      args.push_back(resolveType(a));
      if (args.back()->tag == TypeTag::Error) return args.back();
      if (args.back()->tag == TypeTag::Void) {
        error(a.pos, "`void` cannot be a type argument");
        return types_.error();
      }
    }
    ClassSymbol* instance = instantiateClass(templ, args, syntax.pos);
    if (!instance) return types_.error();
    t = instance->type;
  } else if (syntax.isFunction) {
    std::vector<const Type*> params;
    for (const TypeSyntax& p : syntax.params) {
      params.push_back(resolveType(p));
      if (params.back()->tag == TypeTag::Error) return types_.error();
    }
    const Type* result = resolveType(*syntax.result, true);
    if (result->tag == TypeTag::Error) return result;
    t = types_.functionOf(params, result);
  } else if (n == "int")
    t = types_.intType();
  else if (n == "float")
    t = types_.floatType();
  else if (n == "bool")
    t = types_.boolType();
  else if (n == "string")
    t = types_.string();
  else if (n == "StringBuilder")
    t = types_.stringBuilder();
  else if (n == "void")
    t = types_.voidType();
  else if (ClassSymbol* cls = findClass(n))
    t = cls->type;
  else {
    if (!isBrokenName(n))
      error(syntax.pos, "unknown type " + quoted(n) + didYouMean(n, typeNames()));
    return types_.error();
  }
  if (t->tag == TypeTag::Void && (syntax.arrayDepth > 0 || !allowVoid)) {
    error(syntax.pos, "`void` can only be used as a return type");
    return types_.error();
  }
  for (uint32_t i = 0; i < syntax.arrayDepth; i++)
    t = types_.arrayOf(t);
  return bounded(t, syntax.pos);
}

const Type* Checker::bounded(const Type* t, SourcePos pos) {
  std::string problem = sizeProblem(t->parts, t->name.size());
  if (problem.empty()) return t;
  error(pos, "type " + quoted(brief(t->name)) + " " + problem);
  return types_.error();
}

std::string Checker::sizeProblem(uint64_t parts, size_t nameLength) {
  if (parts > nbc::kMaxTypeParts)
    return "has more than " + std::to_string(nbc::kMaxTypeParts) + " types in it";
  if (nameLength > kMaxTypeNameLength)
    return "has a name longer than " + std::to_string(kMaxTypeNameLength) + " bytes";
  return "";
}

bool Checker::defaultFits(const Expr& d, const Type* t) {
  if (t->tag == TypeTag::Error) return true;
  const Expr& v = d.kind == ExprKind::Unary ? *d.a : d;
  switch (v.kind) {
  case ExprKind::IntLit: return t->tag == TypeTag::Int || t->tag == TypeTag::Float;
  case ExprKind::FloatLit: return t->tag == TypeTag::Float;
  case ExprKind::StringLit: return t->tag == TypeTag::String;
  case ExprKind::BoolLit: return t->tag == TypeTag::Bool;
  case ExprKind::NullLit: return t->isReference();
  default: return true; // reported as not a literal
  }
}

std::vector<std::string> Checker::typeNames() {
  std::vector<std::string> names = {"int", "float", "bool", "string", "StringBuilder"};
  for (const Namespace* names_of : {ns_, prelude_ ? &namespaces_[prelude_] : nullptr}) {
    if (!names_of) continue;
    for (const auto& [name, cls] : names_of->classes)
      names.push_back(name);
    for (const auto& [name, templ] : names_of->classTemplates)
      names.push_back(name);
  }
  if (prelude_ && prelude_->library) {
    for (const SharedPrelude::TemplateName& t : prelude_->library->templateNames())
      if (std::string_view(t.kind) != "a function") names.push_back(t.name);
  }
  return names;
}

bool Checker::needsExpectedType(const Expr& e) {
  if (e.kind != ExprKind::Lambda || !e.lambda->isShortLambda) return false;
  if (e.lambda->implicitParams) return true;
  for (const Param& p : e.lambda->params)
    if (p.typeInferred) return true;
  return false;
}

const Type* Checker::resolveBound(const TypeSyntax& syntax,
                                  const std::vector<std::string>& typeParams,
                                  const std::unordered_map<std::string, const Type*>& bound,
                                  const TypeEnv* classEnv) {
  // Every type parameter it mentions must be bound; others are ordinary types.
  std::function<bool(const TypeSyntax&)> known = [&](const TypeSyntax& t) {
    bool isParam = std::find(typeParams.begin(), typeParams.end(), t.name) != typeParams.end();
    if (isParam && !bound.count(t.name)) return false;
    for (const TypeSyntax& a : t.args)
      if (!known(a)) return false;
    for (const TypeSyntax& p : t.params)
      if (!known(p)) return false;
    return !t.result || known(*t.result);
  };
  if (!known(syntax)) return nullptr;
  TypeEnv env = classEnv ? *classEnv : env_ ? *env_ : TypeEnv();
  for (const auto& [name, type] : bound)
    env[name] = type;
  const TypeEnv* saved = env_;
  env_ = &env;
  const Type* t = resolveType(syntax, true);
  env_ = saved;
  return t->tag == TypeTag::Error ? nullptr : t;
}

} // namespace nuri::checking
