#include "compiler/checker.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "classlib/registry/native_registry.h"
#include "compiler/ast_clone.h"
#include "compiler/limits.h"
#include "compiler/shared_prelude.h"

namespace nuri {
namespace {

// "a string", "an int": for messages such as "cannot assign a string to `x` of type int".
std::string withArticle(const Type* t) {
  const std::string& n = t->name;
  if (t->tag == TypeTag::Null) return "null";
  bool vowel = !n.empty() && std::strchr("aeiouAEIOU", n[0]) != nullptr;
  return (vowel ? "an " : "a ") + n;
}

std::string quoted(const std::string& s) { return "`" + s + "`"; }

// A name to show in a message: its start, when it is too long to read.
std::string brief(const std::string& name) {
  constexpr size_t kShown = 160;
  return name.size() <= kShown ? name : name.substr(0, kShown) + "...";
}

bool isBuiltinNamespace(const std::string& name) {
  return name == "Math" || name == "String" || name == "System" || name == "Text" || name == "File";
}

class Checker {
public:
  Checker(CheckedModule& m, Diagnostics& d) : m_(m), diags_(d), types_(*m.types) {}

  void run() {
    claimTopNames();
    declareClasses();
    resolveHierarchy();
    declareFunctions();
    for (size_t i = 0; i < m_.classes.size(); i++)
      declareClassMembers(m_.classes[i]);
    for (size_t i = 0; i < m_.classes.size(); i++)
      checkInterfacesImplemented(m_.classes[i]);
    checkImportedNames();
    checkTopLevel();
    // Bodies; instantiating a generic class or function adds more, checked in turn.
    size_t classesDone = 0, functionsDone = 0;
    while (classesDone < m_.classes.size() || functionsDone < topFunctions_.size()) {
      for (; classesDone < m_.classes.size(); classesDone++) {
        ClassSymbol* cls = m_.classes[classesDone];
        if (!cls->isInterface) checkClassBodies(cls);
      }
      for (; functionsDone < topFunctions_.size(); functionsDone++)
        checkFunctionBody(topFunctions_[functionsDone]);
    }
    orderClasses();
    // A host function is called with CALL_NATIVE; it has a function of its own (which calls
    // the host) only when it is used as a value.
    for (FunSymbol* fn : topFunctions_)
      if (!fn->host || fn->usedAsValue) m_.functions.push_back(fn);
    for (ClassSymbol* cls : m_.classes) {
      if (!cls->isInterface) m_.functions.push_back(cls->init);
      for (FunSymbol* method : cls->methods)
        if (method->owner == cls) m_.functions.push_back(method);
    }
    for (FunSymbol* lambda : m_.lambdas)
      m_.functions.push_back(lambda);
    for (size_t i = 0; i < m_.functions.size(); i++)
      m_.functions[i]->index = uint32_t(i);
  }

private:
  CheckedModule& m_;
  Diagnostics& diags_;
  TypeTable& types_;

  struct TopName {
    SourcePos pos;
    const char* kind;
  };
  // The top-level names of one source unit.
  struct Namespace {
    std::unordered_map<std::string, ClassSymbol*> classes;
    std::unordered_map<std::string, FunSymbol*> functions;
    std::unordered_map<std::string, VarSymbol*> globals;
    std::unordered_map<std::string, TopName> topNames; // the first declaration of each name
    std::unordered_map<std::string, const ClassDecl*> classTemplates;
    std::unordered_map<std::string, const FunDecl*> functionTemplates;
  };
  const TypeEnv* env_ = nullptr; // type parameters of the generic instance being checked
  std::deque<std::unique_ptr<TypeEnv>> envs_;
  std::map<std::pair<const void*, std::vector<const Type*>>, void*> instances_;
  std::unordered_map<const void*, const SourceUnit*> templateUnit_;

  std::unordered_map<const SourceUnit*, Namespace> namespaces_;
  const SourceUnit* unit_ = nullptr; // the unit being checked
  Namespace* ns_ = nullptr;          // its names
  const SourceUnit* prelude_ = nullptr;
  std::vector<FunSymbol*> topFunctions_;
  std::unordered_map<const void*, const SourceUnit*> unitOf_; // classes and functions

  void enterUnit(const SourceUnit* unit) {
    unit_ = unit;
    ns_ = &namespaces_[unit];
  }

  // The name a declaration gets in the program: qualified by its module unless it is in the
  // program itself or the prelude.
  std::string qualified(const std::string& name) const {
    return unit_->name.empty() || unit_->isPrelude ? name : unit_->name + "." + name;
  }

  // Looks a top-level name up: this unit, then names imported with `import m.{name}`, then
  // the prelude.
  template <typename Member>
  auto findTop(const std::string& name, Member member) -> decltype((ns_->*member).begin()->second) {
    if (auto it = (ns_->*member).find(name); it != (ns_->*member).end()) return it->second;
    for (size_t i = 0; i < unit_->imports.size(); i++) {
      const SourceUnit* target = unit_->imports[i];
      if (!target) continue;
      for (const auto& imported : unit_->ast.imports[i].names) {
        if (imported.first != name) continue;
        auto& names = namespaces_[target].*member;
        if (auto it = names.find(name); it != names.end()) return it->second;
      }
    }
    if (prelude_ && unit_ != prelude_ && !isPreludeOwnName(name)) {
      auto& names = namespaces_[prelude_].*member;
      if (auto it = names.find(name); it != names.end()) return it->second;
    }
    return nullptr;
  }
  // Prelude names starting with `__` are for the compiler's use, invisible to programs.
  static bool isPreludeOwnName(const std::string& name) { return name.starts_with("__"); }
  ClassSymbol* findClass(const std::string& name) {
    if (size_t dot = name.find('.'); dot != std::string::npos) {
      const SourceUnit* unit = moduleNamed(name.substr(0, dot));
      if (!unit) return nullptr;
      auto& names = namespaces_[unit].classes;
      auto it = names.find(name.substr(dot + 1));
      return it == names.end() ? nullptr : it->second;
    }
    if (ClassSymbol* found = findTop(name, &Namespace::classes)) return found;
    return seesPrelude(name) ? preludeOnDemandClass(name) : nullptr;
  }
  FunSymbol* findFunction(const std::string& name) { return findTop(name, &Namespace::functions); }
  const ClassDecl* findClassTemplate(const std::string& name) {
    if (name.find('.') != std::string::npos) {
      size_t dot = name.find('.');
      const SourceUnit* unit = moduleNamed(name.substr(0, dot));
      if (!unit) return nullptr;
      auto& names = namespaces_[unit].classTemplates;
      auto it = names.find(name.substr(dot + 1));
      return it == names.end() ? nullptr : it->second;
    }
    if (const ClassDecl* found = findTop(name, &Namespace::classTemplates)) return found;
    return seesPrelude(name) ? preludeClassTemplate(name) : nullptr;
  }
  const FunDecl* findFunctionTemplate(const std::string& name) {
    if (const FunDecl* found = findTop(name, &Namespace::functionTemplates)) return found;
    return seesPrelude(name) ? preludeFunctionTemplate(name) : nullptr;
  }
  // Whether the unit being checked sees the prelude's name `name` (findTop looks there last).
  bool seesPrelude(const std::string& name) const {
    return prelude_ && (unit_ == prelude_ || !isPreludeOwnName(name));
  }
  // The prelude's generic declarations, which the shared prelude reads when a program first
  // uses them.
  const ClassDecl* preludeClassTemplate(const std::string& name) {
    const ClassDecl* decl = prelude_->library ? prelude_->library->classTemplate(name) : nullptr;
    if (decl) templateUnit_[decl] = prelude_;
    return decl;
  }
  // A class of the prelude compiled only for programs that use it (Random, Date): made at the
  // first use, as an instance without type arguments.
  ClassSymbol* preludeOnDemandClass(const std::string& name) {
    const ClassDecl* decl = prelude_->library ? prelude_->library->onDemandClass(name) : nullptr;
    if (!decl) return nullptr;
    templateUnit_[decl] = prelude_;
    return instantiateClass(decl, {}, decl->pos);
  }
  const FunDecl* preludeFunctionTemplate(const std::string& name) {
    const FunDecl* decl = prelude_->library ? prelude_->library->functionTemplate(name) : nullptr;
    if (decl) templateUnit_[decl] = prelude_;
    return decl;
  }
  VarSymbol* findGlobal(const std::string& name) { return findTop(name, &Namespace::globals); }

  // A Name naming an imported module (not shadowed by a variable).
  const SourceUnit* moduleReceiver(const Expr& e) {
    if (e.kind != ExprKind::Name || lookupLocal(e.text) || findGlobal(e.text)) return nullptr;
    return moduleNamed(e.text);
  }

  // An imported module by the name its importer uses for it.
  const SourceUnit* moduleNamed(const std::string& name) {
    for (const SourceUnit* target : unit_->imports)
      if (target && target->name == name) return target;
    return nullptr;
  }

  bool isBrokenName(const std::string& name) const {
    return unit_->ast.brokenNames.count(name) != 0;
  }

  // The function being checked.
  FunSymbol* fn_ = nullptr;
  ClassSymbol* cls_ = nullptr;
  int moduleContext_ = 0;             // the identity of the module initialiser's context
  std::vector<const void*> contexts_; // lambdas being checked, innermost last
  bool topLevel_ = false;             // checking the module initialiser
  int loopDepth_ = 0;
  std::vector<std::unordered_map<std::string, VarSymbol*>> scopes_;

  // Errors inside an instance of a generic name the instance (`in Box<string>`).
  void error(SourcePos pos, std::string message) {
    error(Diagnostic{pos, std::move(message), {}, 0});
  }
  void error(Diagnostic diagnostic) {
    if (!instance_.empty()) diagnostic.message += " (in " + brief(instance_) + ")";
    diags_.error(std::move(diagnostic));
  }
  std::string instance_; // the generic instance whose body is being checked

  // ---- Declarations ----

  // The class library's global functions (natives.def: every native without a receiver), the
  // built-ins the compiler makes itself, the namespaces and the type names.
  static bool isBuiltinName(const std::string& name) {
    if (name == "hashOf" || name == "compareOf" || isBuiltinNamespace(name) || name == "string" ||
        name == "int" || name == "float" || name == "bool" || name == "void")
      return true;
    for (uint32_t i = 0; i < nativeCount(); i++) {
      const NativeInfo& native = nativeInfo(i);
      if (!*native.receiver && name == native.member) return true;
    }
    return false;
  }

  // Records the top-level names in source order, reporting duplicates against the first.
  void claimTopNames() {
    for (auto& unit : m_.units) {
      enterUnit(unit.get());
      if (unit->isPrelude) prelude_ = unit.get();
      claimUnitNames();
    }
  }

  void claimUnitNames() {
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

  // Whether the declaration at `pos` is the one that owns its top-level name.
  bool claimTopName(const std::string& name, SourcePos pos, const char*) {
    auto it = ns_->topNames.find(name);
    return it != ns_->topNames.end() && it->second.pos.line == pos.line &&
           it->second.pos.column == pos.column && it->second.pos.file == pos.file;
  }

  void declareClasses() {
    for (auto& unit : m_.units) {
      enterUnit(unit.get());
      declareUnitClasses();
    }
  }

  void declareUnitClasses() {
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
      decl.symbol = cls;
      types_.classType(cls);
      if (claimTopName(decl.name, decl.pos, decl.isInterface ? "interface" : "class")) {
        ns_->classes[decl.name] = cls;
      }
      m_.classes.push_back(cls);
    }
  }

  ClassSymbol* lookupClass(const TypeSyntax& t, const char* role) {
    if (!t.args.empty()) { // an instance of a generic class or interface
      const Type* type = resolveType(t);
      return type->tag == TypeTag::Class ? type->cls : nullptr;
    }
    ClassSymbol* cls = t.arrayDepth > 0 || t.isFunction ? nullptr : findClass(t.name);
    if (!cls) error(t.pos, std::string("unknown ") + role + " " + quoted(t.name));
    return cls;
  }

  // Resolves `extends` and `implements` of every class and rejects cycles.
  void resolveHierarchy() {
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

  // Breaks each cycle (A extends B extends A) at its first class in declaration order,
  // reporting it there once. Each class is walked over once, so long chains stay linear.
  void breakInheritanceCycles() {
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

  void resolveSupers(ClassSymbol* cls) {
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

  // Superclasses first, in a loop: inheritance chains can be long.
  uint64_t interfaceCopies_ = 0;
  void collectInterfaces(ClassSymbol* cls) {
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

  // `cls` and those of its superclasses whose `flag` is not set yet, root first; sets the flag
  // of each, so that a class is processed once.
  static std::vector<ClassSymbol*> pendingChain(ClassSymbol* cls, bool ClassSymbol::*flag) {
    std::vector<ClassSymbol*> chain;
    for (ClassSymbol* c = cls; c && !(c->*flag); c = c->superclass) {
      c->*flag = true;
      chain.push_back(c);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  // Puts every class after its superclass (the bytecode requires it) and numbers them. In
  // linear time and without recursion: inheritance chains can be long.
  void orderClasses() {
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

  // `import m.{x}`: x must be a top-level name of m.
  void checkImportedNames() {
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

  // ---- Generics: instantiation ----

  std::string typeListName(const std::vector<const Type*>& args) {
    if (args.empty()) return ""; // a class of the prelude made on demand
    std::string text = "<";
    for (size_t i = 0; i < args.size(); i++)
      text += (i ? ", " : "") + args[i]->name;
    return text + ">";
  }

  const TypeEnv* makeEnv(const std::vector<std::string>& params,
                         const std::vector<const Type*>& args) {
    auto env = std::make_unique<TypeEnv>();
    for (size_t i = 0; i < params.size(); i++)
      (*env)[params[i]] = args[i];
    envs_.push_back(std::move(env));
    return envs_.back().get();
  }

  // The class `template<args>`, made (once) from a copy of the template's declaration.
  // Null, reported at `pos`, when the instance would pass a limit.
  ClassSymbol* instantiateClass(const ClassDecl* templ, const std::vector<const Type*>& args,
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

  // The function `template<args>`, made (once) from a copy of the template's declaration.
  // Null, reported at `pos`, when the instance would pass a limit.
  FunSymbol* instantiateFunction(const FunDecl* templ, const std::vector<const Type*>& args,
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

  // Whether one more instance of a generic, `name`, stays within the limits; reports it at `pos`
  // otherwise. Without them, instantiation can go on forever (`f<T>` calling `f<Box<T>>`, a
  // field `Node<Box<T>>` in `Node<T>`) or double the size of a type at each step.
  // `cost` is the size of the template, which the instance copies.
  bool admitInstance(const std::string& name, const std::vector<const Type*>& args, SourcePos pos,
                     bool isType, uint32_t cost) {
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
  uint32_t instanceCount_ = 0;
  uint64_t instantiatedTokens_ = 0;
  bool instanceLimitReported_ = false;

  static const FunDecl* findMethodTemplate(const ClassSymbol* cls, const std::string& name) {
    for (const ClassSymbol* c = cls; c; c = c->superclass) {
      if (auto it = c->methodTemplates.find(name); it != c->methodTemplates.end())
        return it->second;
    }
    return nullptr;
  }

  // The generic method `templ<args>` of `cls` (a direct call: such methods are not virtual).
  // Null, reported at `pos`, when the instance would pass a limit.
  FunSymbol* instantiateMethod(ClassSymbol* cls, const FunDecl* templ,
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

  // Binds the type parameters in `pattern` so that it matches `actual`. Returns false when
  // they cannot match.
  bool unify(const TypeSyntax& pattern, const Type* actual, const std::vector<std::string>& params,
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

  // Type arguments for calling a generic `callee`: written (`first<int>(...)`) or inferred
  // from the arguments, which are checked here. Empty on failure (reported).
  std::vector<const Type*> typeArgumentsFor(Expr& call, const std::vector<std::string>& typeParams,
                                            const std::vector<Param>& params,
                                            const std::string& what, size_t firstArg = 0) {
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
    for (size_t i = firstArg; i < call.args.size(); i++) {
      if (!call.args[i]->type) checkExpr(call.args[i]);
      brokenArgument = brokenArgument || call.args[i]->type->tag == TypeTag::Error;
      if (i - firstArg < params.size()) {
        unify(params[i - firstArg].type, call.args[i]->type, typeParams, bound);
      }
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

  const Type* resolveType(const TypeSyntax& syntax, bool allowVoid = false) {
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
                                : "unknown type " + quoted(n));
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
      std::string hint;
      if (n == "String")
        hint = " (did you mean `string`?)";
      else if (n == "Int" || n == "Long")
        hint = " (did you mean `int`?)";
      else if (n == "Double" || n == "Float")
        hint = " (did you mean `float`?)";
      else if (n == "Boolean")
        hint = " (did you mean `bool`?)";
      if (!isBrokenName(n)) error(syntax.pos, "unknown type " + quoted(n) + hint);
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

  // `t` if its size is within the limits; otherwise the error type, reported at `pos`.
  const Type* bounded(const Type* t, SourcePos pos) {
    std::string problem = sizeProblem(t->parts, t->name.size());
    if (problem.empty()) return t;
    error(pos, "type " + quoted(brief(t->name)) + " " + problem);
    return types_.error();
  }

  // What is wrong with the size of a type of `parts` parts and a name of `nameLength` bytes.
  static std::string sizeProblem(uint64_t parts, size_t nameLength) {
    if (parts > nbc::kMaxTypeParts)
      return "has more than " + std::to_string(nbc::kMaxTypeParts) + " types in it";
    if (nameLength > kMaxTypeNameLength)
      return "has a name longer than " + std::to_string(kMaxTypeNameLength) + " bytes";
    return "";
  }

  // Whether a literal default value can be stored in a parameter of type `t`.
  static bool defaultFits(const Expr& d, const Type* t) {
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

  FunSymbol* makeFunction(FunDecl& decl, ClassSymbol* owner) {
    auto* fn = types_.make<FunSymbol>();
    fn->name = decl.name;
    fn->traceName = owner ? owner->name + "." + decl.name : decl.name;
    fn->pos = decl.pos;
    fn->decl = &decl;
    fn->owner = owner;
    fn->isPrivate = decl.isPrivate;
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
        if (!literal)
          error(d.pos, "a default value must be a literal such as `0`, `\"\"` or `null`");
        sawDefault = true;
      } else if (sawDefault) {
        error(p.pos, "parameter " + quoted(p.name) +
                         " needs a default value, because the "
                         "parameters before it have one");
      }
      fn->defaults.push_back(p.defaultValue.get());
      auto* v = types_.make<VarSymbol>();
      v->type = resolveType(p.type);
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

  void declareFunctions() {
    for (auto& unit : m_.units) {
      enterUnit(unit.get());
      declareUnitFunctions();
    }
  }

  void declareUnitFunctions() {
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
        if (claimTopName(decl.name, decl.pos, "function"))
          ns_->functionTemplates[decl.name] = &decl;
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
        bool resultOk = fn->returnType->tag == TypeTag::Void ||
                        fn->returnType->tag == TypeTag::Int ||
                        fn->returnType->tag == TypeTag::Error;
        if (!paramsOk || !resultOk) {
          error(decl.pos, "`main` must be declared as `fun main()` or `fun main(args: string[])`,"
                          " returning nothing or an int");
        }
      }
    }
  }

  static bool sameSignature(const FunSymbol* a, const FunSymbol* b) {
    if (a->params.size() != b->params.size() || a->returnType != b->returnType) return false;
    for (size_t i = 0; i < a->params.size(); i++)
      if (a->params[i]->type != b->params[i]->type) return false;
    return true;
  }

  static std::string signatureText(const FunSymbol* f) {
    std::string text = f->name + "(";
    for (size_t i = 0; i < f->params.size(); i++)
      text += (i ? ", " : "") + f->params[i]->type->name;
    return text + ")" + (f->returnType->tag == TypeTag::Void ? "" : ": " + f->returnType->name);
  }

  // Each class repeats its superclass's fields and methods, as the layouts and method tables of
  // the bytecode do, so their totals are bounded as the verifier bounds them: a long chain of
  // classes cannot take quadratic time and memory. Reported once, at the first class that
  // passes a bound; later classes then inherit nothing.
  void countMembers(ClassSymbol* cls) {
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
  void reportMethodTables(ClassSymbol* cls) {
    reportMemberTotals(cls, std::to_string(nbc::kMaxMethodTableEntries) +
                                " entries in their method tables in all, counting inherited "
                                "methods and interfaces in each class");
  }
  void reportMemberTotals(ClassSymbol* cls, const std::string& what) {
    if (!memberTotalsReported_)
      error(cls->pos, "the classes up to " + quoted(cls->name) + " have more than " + what);
    memberTotalsReported_ = true;
  }
  uint64_t layoutFields_ = 0, tableEntries_ = 0;
  bool memberTotalsReported_ = false;

  // Declares fields, methods and init of `cls`; classes come after their superclass.
  void declareClassMembers(ClassSymbol* cls) {
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

  void declareOwnMembers(ClassSymbol* cls) {
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
        error(f.pos,
              "class " + quoted(cls->name) + " already has a member named " + quoted(f.name));
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
      method->isAbstract = cls->isInterface;
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
      if (m->name == "hash" &&
          (!method->params.empty() || method->returnType != types_.intType())) {
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
        } else if (!sameSignature(method, base)) {
          error(m->pos, "method " + quoted(m->name) + " must keep the signature of " + where +
                            ": " + signatureText(base));
        }
        method->vtableSlot = base->vtableSlot;
        cls->methods[base->vtableSlot] = method;
      } else {
        if (m->isOverride) {
          error(m->pos, "method " + quoted(m->name) + " is marked `override` but " +
                            (parent ? "no superclass of " + quoted(cls->name) + " declares it"
                                    : "class " + quoted(cls->name) + " has no superclass"));
        }
        method->vtableSlot = uint32_t(cls->methods.size());
        cls->methods.push_back(method);
      }
      cls->methodsByName[m->name] = method;
    }
    if (cls->isInterface) return;
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

  void declareStaticField(ClassSymbol* cls, FieldDecl& f) {
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

  void checkInterfacesImplemented(ClassSymbol* cls) {
    // Past the bound on members, classes inherit nothing: what they lack is not their fault.
    if (cls->isInterface || memberTotalsReported_) return;
    for (ClassSymbol* iface : cls->allInterfaces) {
      for (FunSymbol* required : iface->methods) {
        auto it = cls->methodsByName.find(required->name);
        if (it == cls->methodsByName.end()) {
          error(cls->pos, "class " + quoted(cls->name) + " does not implement " +
                              quoted(signatureText(required)) + " of interface " +
                              quoted(iface->name));
        } else if (!sameSignature(it->second, required)) {
          error(it->second->pos, "method " + quoted(required->name) + " of class " +
                                     quoted(cls->name) + " must have the signature " +
                                     quoted(signatureText(required)) + " required by interface " +
                                     quoted(iface->name));
        } else if (it->second->isPrivate) {
          error(it->second->pos, "method " + quoted(required->name) + " implements interface " +
                                     quoted(iface->name) + " and cannot be private");
        }
      }
    }
  }

  // ---- Scopes ----

  void pushScope() { scopes_.emplace_back(); }
  void popScope() { scopes_.pop_back(); }

  // The function whose body is being checked (a lambda is one), or the module initialiser.
  const void* context() const { return fn_ ? static_cast<const void*>(fn_) : &moduleContext_; }

  // A variable of an enclosing function used inside a lambda: it lives in a cell shared by
  // the function and every lambda between it and the use.
  void noteUse(VarSymbol* v) {
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

  // `this` of the method being checked (also inside its lambdas), or null.
  VarSymbol* thisVariable() {
    for (const FunSymbol* f = fn_; f; f = f->enclosing) {
      if (!f->isLambda) {
        noteUse(f->thisVar);
        return f->thisVar;
      }
    }
    return nullptr;
  }

  VarSymbol* declareLocal(const std::string& name, const Type* type, SourcePos pos, bool isLet) {
    auto& scope = scopes_.back();
    if (auto it = scope.find(name); it != scope.end()) {
      error(mentioning(pos, quoted(name) + " is already declared in this scope (at ",
                       it->second->pos, ")"));
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

  VarSymbol* lookupLocal(const std::string& name) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (auto found = it->find(name); found != it->end()) return found->second;
    }
    return nullptr;
  }

  // ---- Bodies ----

  void checkTopLevel() {
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

  void checkGlobalDecl(Stmt& s) {
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

  const Type* inferredType(ExprPtr& init, const Type* t, const std::string& name) {
    if (t->tag == TypeTag::Null) {
      error(init->pos, "cannot infer the type of " + quoted(name) +
                           " from `null`; write its "
                           "type, e.g. `var " +
                           name + ": Vec = null`");
      return types_.error();
    }
    if (t->tag == TypeTag::Void) {
      error(init->pos, noValue(*init));
      return types_.error();
    }
    return t;
  }

  void checkClassBodies(ClassSymbol* cls) {
    enterUnit(unitOf_[cls]);
    env_ = cls->typeEnv;
    instance_ = cls->typeEnv ? cls->name : std::string();
    cls_ = cls;
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
    for (FunSymbol* method : cls->methods)
      if (method->owner == cls) checkFunctionBody(method);
    cls_ = nullptr;
    fn_ = nullptr;
  }

  void checkFunctionBody(FunSymbol* fn) {
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
    if (fn->isInit) checkSuperInit(fn);
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
      error(fn->pos, "function " + quoted(fn->name) + " must return " +
                         withArticle(fn->returnType) + " on every path");
    }
    fn_ = nullptr;
  }

  static bool isSuperInitCall(const Stmt& s) {
    return s.kind == StmtKind::Expr && s.expr->kind == ExprKind::Call &&
           s.expr->a->kind == ExprKind::Member && s.expr->a->a->kind == ExprKind::Super &&
           s.expr->a->text == "init";
  }

  // An init of a subclass starts by calling the superclass's init, explicitly or implicitly.
  void checkSuperInit(FunSymbol* fn) {
    ClassSymbol* parent = fn->owner->superclass;
    auto& body = fn->decl->body->body;
    fn->callsSuperInit = !body.empty() && isSuperInitCall(*body.front());
    if (parent && !fn->callsSuperInit && !parent->init->params.empty()) {
      error(fn->pos, "the init of " + quoted(fn->owner->name) +
                         " must start with `super.init(...)`, because the init of " +
                         quoted(parent->name) + " takes parameters");
    }
  }

  static bool containsBreak(const Stmt& s) {
    switch (s.kind) {
    case StmtKind::Break: return true;
    case StmtKind::Block:
      return std::any_of(s.body.begin(), s.body.end(), [](auto& c) { return containsBreak(*c); });
    case StmtKind::If: { // an else-if chain in a loop: it can be long
      const Stmt* arm = &s;
      for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get())
        if (containsBreak(*arm->thenBranch)) return true;
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

  // Whether control never reaches the end of `s` (it returns or throws on every path).
  static bool alwaysReturns(const Stmt& s) {
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
    default: return false;
    }
  }

  void checkBlock(Stmt& block) {
    pushScope();
    for (auto& s : block.body)
      checkStmt(*s);
    popScope();
  }

  // Why an expression of type void cannot be used as a value.
  static std::string noValue(const Expr& e) {
    if (e.kind == ExprKind::Assign) return "an assignment has no value (did you mean `==`?)";
    return "cannot use the result of a function that returns nothing as a value";
  }

  void checkCondition(ExprPtr& e, const char* what) {
    const Type* t = checkExpr(e);
    if (t->tag == TypeTag::Void) {
      error(e->pos, noValue(*e));
    } else if (t->tag != TypeTag::Bool && t->tag != TypeTag::Error) {
      error(e->pos,
            std::string("the condition of ") + what + " must be a bool, not " + withArticle(t));
    }
  }

  void checkStmt(Stmt& s) {
    switch (s.kind) {
    case StmtKind::Expr: {
      const Type* t = checkExpr(s.expr);
      (void)t;
      ExprKind k = s.expr->kind;
      if (k != ExprKind::Call && k != ExprKind::Assign && t->tag != TypeTag::Error) {
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
      return;
    }
    case StmtKind::Block: checkBlock(s); return;
    case StmtKind::If: { // an else-if chain in a loop: it can be long
      Stmt* arm = &s;
      for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get()) {
        checkCondition(arm->expr, "`if`");
        checkBlock(*arm->thenBranch);
      }
      if (arm) checkBlock(*arm);
      return;
    }
    case StmtKind::While:
      checkCondition(s.expr, "`while`");
      loopDepth_++;
      checkBlock(*s.loopBody);
      loopDepth_--;
      return;
    case StmtKind::For: checkFor(s); return;
    case StmtKind::Break:
    case StmtKind::Continue:
      if (loopDepth_ == 0) {
        error(s.pos, std::string("`") + (s.kind == StmtKind::Break ? "break" : "continue") +
                         "` can only be used inside a loop");
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

  bool isErrorType(const Type* t) {
    ClassSymbol* base = findClass("Error");
    return t->tag == TypeTag::Class && base && t->cls->isSubclassOf(base);
  }

  void checkTry(Stmt& s) {
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

  void checkReturn(Stmt& s) {
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

  // `for (x in obj)`: obj.iterator() gives an object with hasNext(): bool and next(): T.
  // Returns the element type, the error type for a malformed iterator (reported here), or
  // null when obj has no iterator() at all.
  const Type* iteratorProtocol(Stmt& s, const Type* t) {
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

  void checkFor(Stmt& s) {
    pushScope();
    const Type* t = checkExpr(s.expr);
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
    loopDepth_++;
    checkBlock(*s.loopBody);
    loopDepth_--;
    popScope();
    popScope();
  }

  // ---- Conversions ----

  // Checks that `e` (already checked) can be stored where `target` is expected, inserting an
  // int -> float widening when needed.
  bool coerce(ExprPtr& e, const Type* target, const std::string& what) {
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

  void wrap(ExprPtr& e, ExprKind kind, const Type* type) {
    auto w = std::make_unique<Expr>(kind, e->pos);
    w->a = std::move(e);
    w->type = type;
    w->depth = w->a->depth + 1;
    e = std::move(w);
  }

  // Wraps `e` so it yields a string (for `+` and interpolation).
  void toStringConversion(ExprPtr& e) {
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

  // Whether the text of a value of type `t` is made by Nuri code in the prelude: an array with
  // objects in it, at any depth, whose `toString` methods must run as ordinary calls (no native
  // calls Nuri code). An object's own text is TO_STR_REF's business.
  static bool textNeedsMethods(const Type* t) {
    if (t->tag != TypeTag::Array) return false;
    while (t->tag == TypeTag::Array)
      t = t->element;
    return t->tag == TypeTag::Class;
  }

  // A checked call of the prelude's generic function `name` for the element type of args[0]
  // (an array), with `args` as its arguments.
  ExprPtr preludeArrayCall(const char* name, std::vector<ExprPtr> args) {
    const Type* element = args[0]->type->element;
    return preludeCall(name, {element}, std::move(args));
  }
  // A call of the prelude's generic function `name` with these type arguments.
  ExprPtr preludeCall(const char* name, std::vector<const Type*> typeArgs,
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

  // ---- Expressions ----

  // Every expression's type is bounded here, so types inferred by doubling (`[a, a]`,
  // `Pair(a, a)`) are too.
  const Type* set(Expr& e, const Type* t) {
    e.type = bounded(t, e.pos);
    return e.type;
  }

  const Type* checkExpr(ExprPtr& ep) {
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
      const Type* b = checkExpr(e.b);
      const char* op = e.op == Tok::AmpAmp ? "&&" : "||";
      for (auto* side : {&e.a, &e.b}) {
        const Type* t = side == &e.a ? a : b;
        if (t->tag != TypeTag::Bool && t->tag != TypeTag::Error) {
          error((*side)->pos,
                std::string("`") + op + "` needs bool operands, not " + withArticle(t));
        }
      }
      return set(e, types_.boolType());
    }
    case ExprKind::Conditional: return checkConditional(e);
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
    case ExprKind::Super:
      error(e.pos, "`super` can only be used to call a method: `super.name(...)`");
      return set(e, types_.error());
    case ExprKind::Widen:
    case ExprKind::ToString: return e.type;
    }
    return set(e, types_.error());
  }

  std::vector<const Type*> paramTypesOf(const FunSymbol* fn) {
    std::vector<const Type*> out;
    for (VarSymbol* p : fn->params)
      out.push_back(p->type);
    return out;
  }

  // A lambda is checked as a function nested in the current one; the enclosing variables it
  // uses become its captures.
  const Type* checkLambda(Expr& e) {
    FunDecl& d = *e.lambda;
    FunSymbol* lambda = makeFunction(d, nullptr);
    lambda->isLambda = true;
    lambda->enclosing = fn_;
    lambda->traceName = (fn_ ? fn_->traceName : std::string("<module>")) + ".<lambda>";
    e.fun = lambda;
    m_.lambdas.push_back(lambda);
    FunSymbol* savedFn = fn_;
    int savedLoops = loopDepth_;
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
      bool valueOfLast = d.isShortLambda && i + 1 == body.size() &&
                         body[i]->kind == StmtKind::Expr && body[i]->expr->kind != ExprKind::Assign;
      if (valueOfLast) {
        const Type* t = checkExpr(body[i]->expr);
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
    if (!d.isShortLambda && lambda->returnType->tag != TypeTag::Void &&
        lambda->returnType->tag != TypeTag::Error && !alwaysReturns(*d.body)) {
      error(d.pos, "the lambda must return " + withArticle(lambda->returnType) + " on every path");
    }
    return set(e, types_.functionOf(paramTypesOf(lambda), lambda->returnType));
  }

  // A call through a function value; the callee (e.a) has been checked.
  const Type* closureCall(Expr& e, const std::string& what) {
    const Type* f = e.a->type;
    e.call = CallKind::Closure;
    checkArguments(e, f->params, what);
    return set(e, f->result);
  }

  // Whether a value of static type `from` can have dynamic type `to` (so `is`/`as` make sense).
  static bool mayBe(const Type* from, const Type* to) {
    if (assignable(to, from) || assignable(from, to)) return true;
    // An interface may be implemented by a subclass of any class that is not final.
    return from->tag == TypeTag::Class && to->tag == TypeTag::Class &&
           (from->cls->isInterface || to->cls->isInterface);
  }

  const Type* checkTypeTest(Expr& e) {
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
    if (from->tag != TypeTag::Null && !mayBe(from, to)) {
      error(e.pos, "a value of type " + from->name + " can never be " + withArticle(to));
      return set(e, types_.error());
    }
    return set(e, result);
  }

  static VarSymbol* findStaticField(ClassSymbol* cls, const std::string& name) {
    for (ClassSymbol* c = cls; c; c = c->superclass) {
      if (auto it = c->staticFields.find(name); it != c->staticFields.end()) return it->second;
    }
    return nullptr;
  }
  static FunSymbol* findStaticMethod(ClassSymbol* cls, const std::string& name) {
    for (ClassSymbol* c = cls; c; c = c->superclass) {
      if (auto it = c->staticMethods.find(name); it != c->staticMethods.end()) return it->second;
    }
    return nullptr;
  }

  // A Name naming a class (not shadowed by a variable): the receiver of a static access.
  // `Point` or `geometry.Point` in a position that names a class, e.g. before a static member.
  ClassSymbol* classNamed(const Expr& e) {
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

  // Private members are visible inside the body of the class that declares them.
  bool canSeePrivate(const ClassSymbol* owner) const { return cls_ == owner; }

  const Type* checkName(Expr& e) {
    if (VarSymbol* v = lookupLocal(e.text)) {
      noteUse(v);
      e.var = v;
      e.ref = RefKind::Local;
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
      error(mentioning(e.pos, quoted(e.text) + " is used before its declaration at ",
                       it->second.pos));
      return set(e, types_.error());
    }
    if (moduleNamed(e.text)) {
      error(e.pos,
            quoted(e.text) + " is a module; use one of its names, e.g. `" + e.text + ".name`");
      return set(e, types_.error());
    }
    if (!isBrokenName(e.text)) error(e.pos, "unknown name " + quoted(e.text));
    return set(e, types_.error());
  }

  const Type* checkUnary(Expr& e) {
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

  // Types `a op b` for arithmetic, bitwise and comparison operators; used by Binary and by
  // compound assignment. Inserts conversions into a and b.
  const Type* binaryResult(Tok op, ExprPtr& a, ExprPtr& b, SourcePos pos) {
    const Type* ta = a->type;
    const Type* tb = b->type;
    if (ta->tag == TypeTag::Error || tb->tag == TypeTag::Error) return types_.error();
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

  const Type* checkBinary(ExprPtr& ep) {
    Expr& e = *ep;
    checkExpr(e.a);
    checkExpr(e.b);
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

  const Type* checkConditional(Expr& e) {
    checkCondition(e.a, "`?:`");
    const Type* tb = checkExpr(e.b);
    const Type* tc = checkExpr(e.c);
    if (tb->tag == TypeTag::Error || tc->tag == TypeTag::Error) return set(e, types_.error());
    if (tb == tc) return set(e, tb);
    if (tb->isNumeric() && tc->isNumeric()) {
      if (tb->tag == TypeTag::Int) wrap(e.b, ExprKind::Widen, types_.floatType());
      if (tc->tag == TypeTag::Int) wrap(e.c, ExprKind::Widen, types_.floatType());
      return set(e, types_.floatType());
    }
    if (tb->tag == TypeTag::Null && tc->isReference()) return set(e, tc);
    if (tc->tag == TypeTag::Null && tb->isReference()) return set(e, tb);
    if (assignable(tb, tc)) return set(e, tb);
    if (assignable(tc, tb)) return set(e, tc);
    error(e.pos, "the two branches of `?:` have different types: " + tb->name + " and " + tc->name);
    return set(e, types_.error());
  }

  // `obj[k]` is `obj.at(k)`; `obj[k] = v` is `obj.put(k, v)`. ep is an Index (receiver
  // checked) or, for put, the Assign whose target is that Index; `value` the value to store.
  const Type* indexCall(ExprPtr& ep, const char* method, ExprPtr* value) {
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

  // A side-effect free expression that may be evaluated twice (for `obj[k] += v`).
  static bool isSimple(const Expr& e) {
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

  const Type* indexAssignment(ExprPtr& ep) {
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

  const Type* checkAssign(Expr& e) {
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

  void checkFieldWrite(Expr& target, FieldSymbol* field) {
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

  const Type* checkArrayLiteral(Expr& e) {
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

  // Checks `e` where a value of type `expected` is wanted: an empty `[]` takes that type.
  const Type* checkExpecting(ExprPtr& e, const Type* expected) {
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
    return checkExpr(e);
  }

  const Type* checkNewArray(Expr& e) {
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

  // ---- Members and calls ----

  // The native `receiver.member` of this kind. Natives may share a name with different numbers
  // of parameters (`indexOf(s)`, `indexOf(s, from)`): the one taking `params` (the receiver
  // included) when there is one, else the first.
  const NativeInfo* findNativeMember(const char* receiver, const std::string& member,
                                     NativeKind kind, int* index, size_t params = SIZE_MAX) {
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
  // How many arguments (after `receiverCount` receivers) the natives named as `n` take, for a
  // message: "1", or "1 or 2" when several share its name.
  static std::string nativeArities(const NativeInfo& n, size_t receiverCount) {
    std::set<size_t> counts;
    for (uint32_t i = 0; i < nativeCount(); i++) {
      const NativeInfo& other = nativeInfo(i);
      if (std::strcmp(other.receiver, n.receiver) == 0 &&
          std::strcmp(other.member, n.member) == 0 && other.kind == n.kind)
        counts.insert(other.signature.params.size() - receiverCount);
    }
    std::string text;
    for (size_t c : counts)
      text += (text.empty() ? "" : c == *counts.rbegin() ? " or " : ", ") + std::to_string(c);
    return text;
  }

  static const char* receiverName(const Type* t) {
    switch (t->tag) {
    case TypeTag::Int: return "int";
    case TypeTag::Float: return "float";
    case TypeTag::String: return "string";
    case TypeTag::StringBuilder: return "StringBuilder";
    case TypeTag::Array: return "array";
    default: return nullptr;
    }
  }

  bool isNamespaceExpr(const Expr& e) {
    return e.kind == ExprKind::Name && isBuiltinNamespace(e.text) && !lookupLocal(e.text) &&
           !findGlobal(e.text);
  }

  const Type* checkMember(Expr& e) {
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
      error(e.pos,
            "module " + quoted(e.a->text) + " has no variable or function " + quoted(e.text));
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
        error(e.pos, "field " + quoted(e.text) + " belongs to each object of " +
                         quoted(owner->name) + "; read it from an object, not from the class");
      } else {
        error(e.pos, "class " + quoted(owner->name) + " has no static member " + quoted(e.text));
      }
      return set(e, types_.error());
    }
    if (e.a->kind == ExprKind::Super) {
      error(e.pos, "`super` can only be used to call a method: `super." + e.text + "(...)`");
      return set(e, types_.error());
    }
    const Type* t = checkExpr(e.a);
    if (t->tag == TypeTag::Error) return set(e, t);
    if (t->tag == TypeTag::Class) {
      ClassSymbol* cls = t->cls;
      if (auto it = cls->fieldsByName.find(e.text); it != cls->fieldsByName.end()) {
        FieldSymbol* f = it->second;
        if (f->isPrivate && !canSeePrivate(f->owner)) {
          error(e.pos,
                "field " + quoted(e.text) + " of class " + quoted(f->owner->name) + " is private");
        }
        e.field = f;
        e.ref = RefKind::Field;
        return set(e, f->type);
      }
      if (cls->methodsByName.count(e.text)) {
        error(e.pos, "method " + quoted(e.text) + " must be called, e.g. `." + e.text + "()`");
        return set(e, types_.error());
      }
      error(e.pos, "class " + quoted(cls->name) + " has no field " + quoted(e.text));
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
    error(e.pos, withArticle(t) + " has no member " + quoted(e.text));
    return set(e, types_.error());
  }

  // The Nuri type of a native's parameter or result. The class library's pseudo-types (any
  // value, any array, any reference) have none: calls that use them are checked by hand.
  const Type* nativeType(const NativeType& t) {
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

  // Checks the arguments of a call against parameter types.
  void checkArguments(Expr& call, const std::vector<const Type*>& params,
                      const std::string& calleeName, size_t firstArg = 0) {
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

  // Checks a call of `fn`, filling in default values for missing trailing arguments.
  void checkCallArguments(Expr& call, const FunSymbol* fn, const std::string& calleeName,
                          size_t firstArg = 0) {
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

  static std::vector<const Type*> paramTypes(const FunSymbol* fn) {
    std::vector<const Type*> out;
    for (VarSymbol* p : fn->params)
      out.push_back(p->type);
    return out;
  }

  // A call that cannot be made: its arguments not checked yet are, for their own errors.
  const Type* uncheckedCall(Expr& e) {
    for (auto& arg : e.args)
      if (!arg->type) checkExpr(arg);
    return set(e, types_.error());
  }

  const Type* checkCall(Expr& e) {
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

  // hashOf(x) and compareOf(a, b) work on any type, so generic code can hash and order its
  // values: numbers, bools and strings by value; objects with `fun hash(): int` /
  // `fun compareTo(other: T): int` through those; other objects by identity (hash) or not at
  // all (compareOf raises ValueError).
  const Type* checkHashOrCompare(Expr& e, bool isHash) {
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

  const Type* checkNamedCall(Expr& e) {
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
        e.call = CallKind::Method;
        e.fun = method;
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
      error(e.a->pos, "unknown function " + quoted(name));
    return set(e, types_.error());
  }

  // Checks the arguments of a native; args[0..firstParam) are already the receiver.
  const Type* checkNativeArguments(Expr& e, const NativeInfo& n, const std::string& name,
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

  // `super.init(...)` (first statement of init) or `super.method(...)`: calls the
  // superclass's version directly, without virtual dispatch.
  const Type* checkSuperCall(Expr& e) {
    Expr& member = *e.a;
    const std::string& name = member.text;
    ClassSymbol* parent = cls_ ? cls_->superclass : nullptr;
    if (!fn_ || !thisVariable() || !parent) {
      for (auto& arg : e.args)
        checkExpr(arg);
      error(member.a->pos, !cls_ || !fn_ ? "`super` can only be used inside a class"
                           : !thisVariable()
                               ? "`super` cannot be used in a static method"
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
        error(member.pos, "method " + quoted(name) + " of class " + quoted(target->owner->name) +
                              " is private");
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

  const Type* checkMethodCall(Expr& e) {
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
                              quoted(owner->name) +
                              "; call it on an object, or declare it `static`");
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
      if (auto it = names.classes.find(name);
          it != names.classes.end() && !it->second->isInterface) {
        e.call = CallKind::Constructor;
        e.cls = it->second;
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
    // Move the receiver into the argument list: args[0] is the receiver from here on.
    e.args.insert(e.args.begin(), std::move(member.a));
    if (t->tag == TypeTag::Class && !t->cls->methodsByName.count(name) &&
        t->cls->fieldsByName.count(name) &&
        t->cls->fieldsByName[name]->type->tag == TypeTag::Function) {
      // `obj.f(x)` where f is a field holding a function: read the field, then call it.
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
          error(member.pos, "class " + quoted(cls->name) + " has no method " + quoted(name));
        }
        return set(e, types_.error());
      }
      FunSymbol* method = it->second;
      if (method->isPrivate && !canSeePrivate(method->owner)) {
        error(member.pos, "method " + quoted(name) + " of class " + quoted(method->owner->name) +
                              " is private");
      }
      e.call = cls->isInterface ? CallKind::InterfaceMethod : CallKind::Method;
      e.fun = method;
      checkCallArguments(e, method, "method " + quoted(name), 1);
      return set(e, method->returnType);
    }
    // Built-in receivers.
    if ((name == "toString" || name == "join") && textNeedsMethods(t)) {
      bool join = name == "join";
      checkArguments(e,
                     join ? std::vector<const Type*>{types_.string()} : std::vector<const Type*>{},
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
      error(member.pos, withArticle(t) + " has no method " + quoted(name));
    return set(e, types_.error());
  }
};

} // namespace

void check(CheckedModule& module, Diagnostics& diagnostics) { Checker(module, diagnostics).run(); }

} // namespace nuri
