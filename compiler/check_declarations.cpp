#include "compiler/check_internal.h"

namespace nuri::checking {

void Checker::claimTopNames() {
  for (auto& unit : m_.units) {
    enterUnit(unit.get());
    if (unit->isPrelude) prelude_ = unit.get();
    claimUnitNames();
  }
}

void Checker::claimUnitNames() {
  if (unit_->library) {
    for (const SharedPrelude::TemplateName& t : unit_->library->templateNames())
      ns_->topNames.emplace(t.name, TopName{t.pos, t.kind});
  }
  for (auto& item : unit_->ast.items) {
    std::string name;
    const char* kind = nullptr;
    SourcePos pos = item->pos;
    if (item->kind == StmtKind::Class) {
      name = item->cls->name;
      kind = item->cls->isInterface ? "an interface" : "a class";
      pos = item->cls->pos;
    } else if (item->kind == StmtKind::Fun) {
      name = item->fun->name;
      kind = "a function";
      pos = item->fun->pos;
    } else if (item->kind == StmtKind::Var) {
      name = item->name;
      kind = "a variable";
    } else {
      continue;
    }
    if (isBuiltinName(name)) {
      error(pos, quoted(name) + " is a built-in name and cannot be redeclared");
      continue;
    }
    if (prelude_ && unit_ != prelude_ && !isPreludeOwnName(name) &&
        namespaces_[prelude_].topNames.count(name)) {
      error(pos, quoted(name) + " is a built-in class and cannot be redeclared");
      continue;
    }
    auto [it, fresh] = ns_->topNames.emplace(name, TopName{pos, kind});
    if (!fresh) {
      error(mentioning(pos, quoted(name) + " is already declared as " + it->second.kind + " at ",
                       it->second.pos));
    }
  }
}

bool Checker::claimTopName(const std::string& name, SourcePos pos, const char*) {
  auto it = ns_->topNames.find(name);
  return it != ns_->topNames.end() && it->second.pos.line == pos.line &&
         it->second.pos.column == pos.column && it->second.pos.file == pos.file;
}

void Checker::declareClasses() {
  for (auto& unit : m_.units) {
    enterUnit(unit.get());
    declareUnitClasses();
  }
}

void Checker::declareUnitClasses() {
  for (auto& item : unit_->ast.items) {
    if (item->kind != StmtKind::Class) continue;
    ClassDecl& decl = *item->cls;
    if (!decl.typeParams.empty()) { // a template: instantiated where it is used
      templateUnit_[&decl] = unit_;
      if (claimTopName(decl.name, decl.pos, "class")) ns_->classTemplates[decl.name] = &decl;
      continue;
    }
    auto* cls = types_.make<ClassSymbol>();
    unitOf_[cls] = unit_;
    cls->name = qualified(decl.name);
    cls->pos = decl.pos;
    cls->decl = &decl;
    cls->isInterface = decl.isInterface;
    cls->isAbstract = decl.isAbstract;
    decl.symbol = cls;
    types_.classType(cls);
    if (claimTopName(decl.name, decl.pos, decl.isInterface ? "interface" : "class")) {
      ns_->classes[decl.name] = cls;
    }
    m_.classes.push_back(cls);
  }
}

ClassSymbol* Checker::lookupClass(const TypeSyntax& t, const char* role) {
  if (!t.args.empty()) { // an instance of a generic class or interface
    const Type* type = resolveType(t);
    return type->tag == TypeTag::Class ? type->cls : nullptr;
  }
  ClassSymbol* cls = t.arrayDepth > 0 || t.isFunction ? nullptr : findClass(t.name);
  if (!cls) error(t.pos, std::string("unknown ") + role + " " + quoted(t.name));
  return cls;
}

void Checker::resolveHierarchy() {
  size_t count = m_.classes.size(); // instances of generic classes resolve their own
  for (size_t i = 0; i < count; i++) {
    ClassSymbol* cls = m_.classes[i];
    enterUnit(unitOf_[cls]);
    resolveSupers(cls);
  }
  breakInheritanceCycles();
  for (ClassSymbol* cls : m_.classes)
    collectInterfaces(cls);
}

void Checker::breakInheritanceCycles() {
  std::unordered_map<ClassSymbol*, size_t> walk; // the walk that reached each class, from 1
  std::unordered_map<ClassSymbol*, size_t> order;
  for (size_t i = 0; i < m_.classes.size(); i++)
    order[m_.classes[i]] = i;
  for (size_t i = 0; i < m_.classes.size(); i++) {
    ClassSymbol* c = m_.classes[i];
    while (c && !walk.count(c)) {
      walk[c] = i + 1;
      c = c->superclass;
    }
    if (!c || walk[c] != i + 1) continue; // ends at a root or joins an earlier walk
    ClassSymbol* first = c; // the cycle through c: find its first class, then break it there
    for (ClassSymbol* k = c->superclass; k != c; k = k->superclass)
      if (order[k] < order[first]) first = k;
    error(first->decl->superclass.pos, "class " + quoted(first->name) +
                                           " inherits from itself through " +
                                           quoted(first->superclass->name));
    first->superclass = nullptr;
  }
}

void Checker::resolveSupers(ClassSymbol* cls) {
  const TypeEnv* savedEnv = env_;
  env_ = cls->typeEnv;
  ClassDecl& decl = *cls->decl;
  if (decl.hasSuperclass) {
    if (ClassSymbol* parent = lookupClass(decl.superclass, "class")) {
      if (parent->isInterface) {
        error(decl.superclass.pos,
              quoted(parent->name) + " is an interface; use `implements " + parent->name + "`");
      } else if (parent == cls) {
        error(decl.superclass.pos, "class " + quoted(cls->name) + " cannot extend itself");
      } else if (parent->decl && parent->decl->isEnum) {
        error(decl.superclass.pos, "enum " + quoted(parent->name) + " cannot be extended");
      } else {
        cls->superclass = parent;
      }
    }
  }
  for (const TypeSyntax& t : decl.interfaces) {
    ClassSymbol* iface = lookupClass(t, "interface");
    if (!iface) continue;
    if (!iface->isInterface) {
      error(t.pos, quoted(iface->name) + " is a class, not an interface; use `extends " +
                       iface->name + "`");
    } else if (std::find(cls->interfaces.begin(), cls->interfaces.end(), iface) !=
               cls->interfaces.end()) {
      error(t.pos, "interface " + quoted(iface->name) + " is listed twice");
    } else {
      cls->interfaces.push_back(iface);
    }
  }
  env_ = savedEnv;
}

void Checker::collectInterfaces(ClassSymbol* cls) {
  for (ClassSymbol* c : pendingChain(cls, &ClassSymbol::interfacesCollected)) {
    if (c->superclass) {
      interfaceCopies_ += c->superclass->allInterfaces.size(); // each is a table entry
      if (interfaceCopies_ > nbc::kMaxMethodTableEntries) reportMethodTables(c);
      if (!memberTotalsReported_) c->allInterfaces = c->superclass->allInterfaces;
    }
    for (ClassSymbol* i : c->interfaces)
      if (!c->implements(i)) c->allInterfaces.push_back(i);
  }
}

std::vector<ClassSymbol*> Checker::pendingChain(ClassSymbol* cls, bool ClassSymbol::*flag) {
  std::vector<ClassSymbol*> chain;
  for (ClassSymbol* c = cls; c && !(c->*flag); c = c->superclass) {
    c->*flag = true;
    chain.push_back(c);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

void Checker::orderClasses() {
  std::vector<ClassSymbol*> ordered;
  std::unordered_set<ClassSymbol*> placed;
  std::vector<ClassSymbol*> pending; // a class, then its superclasses not yet placed
  for (ClassSymbol* cls : m_.classes) {
    for (ClassSymbol* c = cls; c && !placed.count(c); c = c->superclass)
      pending.push_back(c);
    for (; !pending.empty(); pending.pop_back()) {
      placed.insert(pending.back());
      ordered.push_back(pending.back());
    }
  }
  m_.classes = ordered;
  for (size_t i = 0; i < m_.classes.size(); i++)
    m_.classes[i]->index = uint32_t(i);
}

void Checker::checkImportedNames() {
  for (auto& unit : m_.units) {
    for (size_t i = 0; i < unit->imports.size(); i++) {
      const SourceUnit* target = unit->imports[i];
      if (!target) continue;
      for (const auto& [name, pos] : unit->ast.imports[i].names) {
        if (!namespaces_[target].topNames.count(name)) {
          enterUnit(unit.get());
          error(pos, "module " + quoted(target->name) + " has no top-level name " + quoted(name));
        } else if (namespaces_[unit.get()].topNames.count(name)) {
          enterUnit(unit.get());
          error(pos, quoted(name) + " is imported from module " + quoted(target->name) +
                         " and also declared in this file; rename one of them");
        }
      }
    }
  }
}

FunSymbol* Checker::makeFunction(FunDecl& decl, ClassSymbol* owner) {
  auto* fn = types_.make<FunSymbol>();
  fn->name = decl.name;
  fn->traceName = owner ? owner->name + "." + decl.name : decl.name;
  fn->pos = decl.pos;
  fn->decl = &decl;
  fn->owner = owner;
  fn->isPrivate = decl.isPrivate;
  fn->isProtected = decl.isProtected;
  fn->isInit = decl.isInit;
  decl.symbol = fn;
  std::unordered_map<std::string, SourcePos> seen;
  bool sawDefault = false;
  for (Param& p : decl.params) {
    if (p.defaultValue) {
      const Expr& d = *p.defaultValue;
      bool literal = d.kind == ExprKind::IntLit || d.kind == ExprKind::FloatLit ||
                     d.kind == ExprKind::StringLit || d.kind == ExprKind::BoolLit ||
                     d.kind == ExprKind::NullLit ||
                     (d.kind == ExprKind::Unary && d.op == Tok::Minus && d.a &&
                      (d.a->kind == ExprKind::IntLit || d.a->kind == ExprKind::FloatLit));
      if (!literal) error(d.pos, "a default value must be a literal such as `0`, `\"\"` or `null`");
      sawDefault = true;
    } else if (sawDefault) {
      error(p.pos, "parameter " + quoted(p.name) +
                       " needs a default value, because the "
                       "parameters before it have one");
    }
    fn->defaults.push_back(p.defaultValue.get());
    auto* v = types_.make<VarSymbol>();
    // A lambda's `{ a -> ... }`: checkLambda gives it the expected type's.
    v->type = p.typeInferred ? types_.error() : resolveType(p.type);
    if (p.defaultValue && !defaultFits(*p.defaultValue, v->type)) {
      error(p.defaultValue->pos,
            "the default value of " + quoted(p.name) + " must be " + withArticle(v->type));
    }
    v->name = p.name;
    v->pos = p.pos;
    if (!seen.emplace(p.name, p.pos).second) {
      error(p.pos, "parameter " + quoted(p.name) + " is declared twice");
    }
    fn->params.push_back(v);
  }
  fn->returnType = decl.hasReturnType ? resolveType(decl.returnType, true) : types_.voidType();
  if (decl.isInit && decl.hasReturnType) error(decl.pos, "`init` cannot declare a return type");
  if (owner) {
    fn->thisVar = types_.make<VarSymbol>();
    fn->thisVar->name = "this";
    fn->thisVar->type = owner->type;
    fn->thisVar->isLet = true;
  }
  return fn;
}

void Checker::declareFunctions() {
  for (auto& unit : m_.units) {
    enterUnit(unit.get());
    declareUnitFunctions();
  }
}

void Checker::declareUnitFunctions() {
  size_t hostIndex = 0;
  for (auto& item : unit_->ast.items) {
    if (item->kind != StmtKind::Fun) continue;
    if (unit_->host) { // its declarations come from the host module, one per function
      FunSymbol* fn = makeFunction(*item->fun, nullptr);
      fn->traceName = qualified(item->fun->name);
      fn->host = &unit_->host->functions[hostIndex++];
      fn->hostModule = &unit_->host->name;
      unitOf_[fn] = unit_;
      if (claimTopName(item->fun->name, item->fun->pos, "function"))
        ns_->functions[item->fun->name] = fn;
      topFunctions_.push_back(fn);
      continue;
    }
    FunDecl& decl = *item->fun;
    if (!decl.typeParams.empty()) { // a template: instantiated where it is called
      templateUnit_[&decl] = unit_;
      if (claimTopName(decl.name, decl.pos, "function")) ns_->functionTemplates[decl.name] = &decl;
      continue;
    }
    FunSymbol* fn = makeFunction(decl, nullptr);
    fn->traceName = qualified(decl.name);
    unitOf_[fn] = unit_;
    if (claimTopName(decl.name, decl.pos, "function")) ns_->functions[decl.name] = fn;
    topFunctions_.push_back(fn);
    if (decl.name == "main" && unit_ == m_.units.back().get()) {
      m_.main = fn;
      bool paramsOk =
          fn->params.empty() ||
          (fn->params.size() == 1 && fn->params[0]->type == types_.arrayOf(types_.string()));
      bool resultOk = fn->returnType->tag == TypeTag::Void || fn->returnType->tag == TypeTag::Int ||
                      fn->returnType->tag == TypeTag::Error;
      if (!paramsOk || !resultOk) {
        error(decl.pos, "`main` must be declared as `fun main()` or `fun main(args: string[])`,"
                        " returning nothing or an int");
      }
    }
  }
}

bool Checker::sameSignature(const FunSymbol* a, const FunSymbol* b) {
  if (a->params.size() != b->params.size() || a->returnType != b->returnType) return false;
  for (size_t i = 0; i < a->params.size(); i++)
    if (a->params[i]->type != b->params[i]->type) return false;
  return true;
}

std::string Checker::signatureText(const FunSymbol* f) {
  std::string text = f->name + "(";
  for (size_t i = 0; i < f->params.size(); i++)
    text += (i ? ", " : "") + f->params[i]->type->name;
  return text + ")" + (f->returnType->tag == TypeTag::Void ? "" : ": " + f->returnType->name);
}

void Checker::countMembers(ClassSymbol* cls) {
  layoutFields_ += cls->fields.size();
  tableEntries_ += cls->methods.size();
  for (const ClassSymbol* i : cls->allInterfaces)
    tableEntries_ += 1 + i->decl->methods.size();
  if (layoutFields_ > nbc::kMaxLayoutFields) {
    reportMemberTotals(cls, std::to_string(nbc::kMaxLayoutFields) +
                                " fields in all, counting inherited fields in each class");
  } else if (tableEntries_ > nbc::kMaxMethodTableEntries) {
    reportMethodTables(cls);
  }
}

void Checker::reportMethodTables(ClassSymbol* cls) {
  reportMemberTotals(cls, std::to_string(nbc::kMaxMethodTableEntries) +
                              " entries in their method tables in all, counting inherited "
                              "methods and interfaces in each class");
}

void Checker::reportMemberTotals(ClassSymbol* cls, const std::string& what) {
  if (!memberTotalsReported_)
    error(cls->pos, "the classes up to " + quoted(cls->name) + " have more than " + what);
  memberTotalsReported_ = true;
}

void Checker::declareClassMembers(ClassSymbol* cls) {
  for (ClassSymbol* c : pendingChain(cls, &ClassSymbol::membersDeclared)) {
    const SourceUnit* savedUnit = unit_;
    const TypeEnv* savedEnv = env_;
    enterUnit(unitOf_[c]);
    env_ = c->typeEnv;
    declareOwnMembers(c); // inherited members first
    countMembers(c);
    if (savedUnit) enterUnit(savedUnit);
    env_ = savedEnv;
  }
}

void Checker::declareOwnMembers(ClassSymbol* cls) {
  ClassDecl& decl = *cls->decl;
  ClassSymbol* parent = cls->superclass;
  if (parent && !memberTotalsReported_) {
    cls->fields = parent->fields;
    cls->fieldsByName = parent->fieldsByName;
    cls->methods = parent->methods;
    cls->methodsByName = parent->methodsByName;
  }
  std::unordered_map<std::string, SourcePos> names;
  for (FieldDecl& f : decl.fields) {
    if (!names.emplace(f.name, f.pos).second) {
      error(f.pos, "class " + quoted(cls->name) + " already has a member named " + quoted(f.name));
      continue;
    }
    if (f.isPrivateSet && (f.isStatic || f.isLet || f.isPrivate)) {
      error(f.pos, "`private(set)` applies to a public `var` field of objects");
    }
    if (f.isStatic) {
      if (cls->typeEnv) {
        error(f.pos, "a generic class cannot have static fields; use a top-level variable");
        continue;
      }
      declareStaticField(cls, f);
      continue;
    }
    if (cls->fieldsByName.count(f.name)) {
      error(f.pos, "field " + quoted(f.name) + " is already declared in superclass " +
                       quoted(cls->fieldsByName[f.name]->owner->name));
      continue;
    }
    auto* field = types_.make<FieldSymbol>();
    field->name = f.name;
    field->pos = f.pos;
    field->type = resolveType(f.type);
    field->isLet = f.isLet;
    field->isPrivate = f.isPrivate;
    field->isProtected = f.isProtected;
    field->isPrivateSet = f.isPrivateSet;
    field->owner = cls;
    field->decl = &f;
    field->index = uint32_t(cls->fields.size());
    f.symbol = field;
    cls->fields.push_back(field);
    cls->fieldsByName[f.name] = field;
  }
  for (auto& m : decl.methods) {
    if (!names.emplace(m->name, m->pos).second) {
      error(m->pos,
            "class " + quoted(cls->name) + " already has a member named " + quoted(m->name));
      continue;
    }
    if (!m->typeParams.empty()) { // a generic method: instantiated where it is called
      if (m->isOverride || cls->methodsByName.count(m->name)) {
        error(m->pos, "generic method " + quoted(m->name) +
                          " cannot override or hide a "
                          "method of a superclass: generic methods are not virtual");
        continue;
      }
      cls->methodTemplates[m->name] = m.get();
      continue;
    }
    if (m->isStatic && cls->typeEnv) {
      error(m->pos, "a generic class cannot have static methods; use a top-level function");
      continue;
    }
    if (m->isStatic) {
      FunSymbol* fn = makeFunction(*m, nullptr);
      unitOf_[fn] = unit_;
      fn->staticOwner = cls;
      fn->traceName = cls->name + "." + m->name;
      cls->staticMethods[m->name] = fn;
      topFunctions_.push_back(fn);
      continue;
    }
    FunSymbol* method = makeFunction(*m, cls);
    method->isAbstract = cls->isInterface ? !m->body : m->isAbstract;
    if (m->isAbstract && !cls->isAbstract) {
      error(m->pos, "method " + quoted(m->name) + " is abstract, so class " + quoted(cls->name) +
                        " must be declared `abstract class " + cls->decl->name + "`");
    }
    if (cls->fieldsByName.count(m->name)) {
      error(m->pos, quoted(m->name) + " is already a field of class " + quoted(cls->name));
      continue;
    }
    if (m->name == "toString" &&
        (!method->params.empty() || method->returnType != types_.string())) {
      error(m->pos, "`toString` must be declared as `fun toString(): string`");
    }
    // The methods the language calls by name must have the shape it calls them with.
    if (m->name == "equals" &&
        (method->params.size() != 1 || method->returnType != types_.boolType())) {
      error(m->pos, "`equals` must be declared as `fun equals(other: T): bool`");
    }
    if (m->name == "hash" && (!method->params.empty() || method->returnType != types_.intType())) {
      error(m->pos, "`hash` must be declared as `fun hash(): int`");
    }
    if (m->name == "compareTo" &&
        (method->params.size() != 1 || method->returnType != types_.intType())) {
      error(m->pos, "`compareTo` must be declared as `fun compareTo(other: T): int`");
    }
    auto inherited = cls->methodsByName.find(m->name);
    if (inherited != cls->methodsByName.end() && inherited->second->isPrivate && !m->isOverride) {
      inherited = cls->methodsByName.end(); // a parent's private method is not inherited
    }
    if (inherited != cls->methodsByName.end()) {
      FunSymbol* base = inherited->second;
      std::string where = quoted(base->owner->name + "." + m->name);
      if (!m->isOverride) {
        error(m->pos, "method " + quoted(m->name) + " overrides " + where +
                          "; mark it `override fun " + m->name + "`");
      } else if (base->isPrivate) {
        error(m->pos, "cannot override private method " + where);
      } else if (method->isProtected && !base->isProtected) {
        error(m->pos, "method " + quoted(m->name) + " cannot be `protected`: it overrides " +
                          where + ", which is public");
      } else if (!sameSignature(method, base)) {
        error(m->pos, "method " + quoted(m->name) + " must keep the signature of " + where + ": " +
                          signatureText(base));
      }
      method->vtableSlot = base->vtableSlot;
      cls->methods[base->vtableSlot] = method;
    } else {
      // `override` may also mark the method of an interface the class implements.
      bool ofInterface = std::any_of(
          cls->allInterfaces.begin(), cls->allInterfaces.end(),
          [&](const ClassSymbol* iface) { return iface->methodsByName.count(m->name) > 0; });
      if (m->isOverride && !ofInterface) {
        error(m->pos, "method " + quoted(m->name) + " is marked `override` but " +
                          (parent ? "no superclass of " + quoted(cls->name) + " declares it"
                                  : "class " + quoted(cls->name) + " has no superclass") +
                          (cls->allInterfaces.empty() ? "" : " and no interface of it does"));
      }
      method->vtableSlot = uint32_t(cls->methods.size());
      cls->methods.push_back(method);
    }
    cls->methodsByName[m->name] = method;
  }
  if (cls->isInterface) return;
  if (cls->isAbstract) { // its subclasses implement what it leaves out of its interfaces
    for (ClassSymbol* iface : cls->allInterfaces)
      for (FunSymbol* required : iface->methods)
        if (!cls->methodsByName.count(required->name) && !defaultMethod(cls, required->name))
          abstractStandIn(cls, required);
  }
  if (decl.init) {
    cls->init = makeFunction(*decl.init, cls);
  } else {
    cls->init = types_.make<FunSymbol>();
    cls->init->name = "init";
    cls->init->pos = cls->pos;
    cls->init->owner = cls;
    cls->init->isInit = true;
    cls->init->returnType = types_.voidType();
    cls->init->thisVar = types_.make<VarSymbol>();
    cls->init->thisVar->name = "this";
    cls->init->thisVar->type = cls->type;
    cls->init->thisVar->isLet = true;
    if (parent && !parent->init->params.empty()) {
      error(cls->pos, "class " + quoted(cls->name) +
                          " needs an `init` that calls `super.init(...)`"
                          ", because the init of " +
                          quoted(parent->name) + " takes parameters");
    }
  }
  cls->init->traceName = cls->name + ".init";
}

void Checker::declareStaticField(ClassSymbol* cls, FieldDecl& f) {
  auto* v = types_.make<VarSymbol>();
  v->name = cls->name + "." + f.name;
  v->type = resolveType(f.type);
  v->pos = f.pos;
  v->isLet = f.isLet;
  v->isGlobal = true;
  v->index = uint32_t(m_.globals.size());
  m_.globals.push_back(v);
  cls->staticFields[f.name] = v;
  if (f.isLet && !f.init) {
    error(f.pos, "`static let " + f.name + "` needs a value");
  }
  if (f.init) m_.staticInitialisers.push_back({v, &f.init, cls, unit_});
}

FunSymbol* Checker::defaultMethod(const ClassSymbol* cls, const std::string& name) {
  for (ClassSymbol* iface : cls->allInterfaces) {
    auto it = iface->methodsByName.find(name);
    if (it != iface->methodsByName.end() && !it->second->isAbstract) return it->second;
  }
  return nullptr;
}

FunSymbol* Checker::abstractStandIn(ClassSymbol* cls, const FunSymbol* required) {
  auto* fn = types_.make<FunSymbol>();
  fn->name = required->name;
  fn->traceName = cls->name + "." + required->name;
  fn->pos = cls->pos;
  fn->owner = cls;
  fn->isAbstract = true;
  fn->returnType = required->returnType;
  for (const VarSymbol* p : required->params) {
    auto* param = types_.make<VarSymbol>();
    *param = *p;
    fn->params.push_back(param);
    fn->defaults.push_back(nullptr);
  }
  fn->thisVar = types_.make<VarSymbol>();
  fn->thisVar->name = "this";
  fn->thisVar->type = cls->type;
  fn->thisVar->isLet = true;
  fn->vtableSlot = uint32_t(cls->methods.size());
  cls->methods.push_back(fn);
  cls->methodsByName[fn->name] = fn;
  return fn;
}

void Checker::checkInterfacesImplemented(ClassSymbol* cls) {
  // Past the bound on members, classes inherit nothing: what they lack is not their fault.
  if (cls->isInterface || memberTotalsReported_) return;
  for (ClassSymbol* iface : cls->allInterfaces) {
    for (FunSymbol* required : iface->methods) {
      auto it = cls->methodsByName.find(required->name);
      if (it == cls->methodsByName.end()) {
        if (FunSymbol* given = defaultMethod(cls, required->name)) {
          // A body serves its own interface only: another interface's method of that name
          // needs the class's own.
          if (given != required) {
            error(cls->pos, "class " + quoted(cls->name) + " must declare " +
                                quoted(signatureText(required)) + ": interfaces " +
                                quoted(given->owner->name) + " and " + quoted(iface->name) +
                                " both declare it, and " + quoted(given->owner->name) +
                                " gives it a body");
          }
        } else {
          error(cls->pos, "class " + quoted(cls->name) + " does not implement " +
                              quoted(signatureText(required)) + " of interface " +
                              quoted(iface->name));
        }
      } else if (!sameSignature(it->second, required)) {
        error(it->second->pos, "method " + quoted(required->name) + " of class " +
                                   quoted(cls->name) + " must have the signature " +
                                   quoted(signatureText(required)) + " required by interface " +
                                   quoted(iface->name));
      } else if (it->second->isPrivate || it->second->isProtected) {
        error(it->second->pos, "method " + quoted(required->name) + " implements interface " +
                                   quoted(iface->name) + " and cannot be " +
                                   (it->second->isPrivate ? "private" : "protected"));
      }
    }
  }
  if (cls->isAbstract) return;
  std::string missing;
  size_t count = 0;
  const ClassSymbol* parent = cls->superclass;
  for (FunSymbol* method : cls->methods) {
    // One declared here was reported with its declaration, one a concrete superclass lacks
    // with that class.
    if (!method->isAbstract || method->owner == cls) continue;
    if (parent && !parent->isAbstract && method->vtableSlot < parent->methods.size()) continue;
    if (count++ < 8) {
      missing += std::string(missing.empty() ? "" : ", ") +
                 quoted(method->owner->name + "." + signatureText(method));
    }
  }
  if (count > 8) missing += ", ...";
  if (count) {
    error(cls->pos, "class " + quoted(cls->name) + " must override the abstract method" +
                        (count > 1 ? "s " : " ") + missing + ", or be declared `abstract class " +
                        cls->decl->name + "`");
  }
}

} // namespace nuri::checking
