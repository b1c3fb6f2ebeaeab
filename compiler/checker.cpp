#include "compiler/check_internal.h"

namespace nuri {
namespace checking {

void Checker::run() {
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
      checkClassBodies(m_.classes[classesDone]);
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

std::unordered_map<const void*, const SourceUnit*> unitOf_; // classes and functions

void Checker::enterUnit(const SourceUnit* unit) {
  unit_ = unit;
  ns_ = &namespaces_[unit];
}

std::string Checker::qualified(const std::string& name) const {
  return unit_->name.empty() || unit_->isPrelude ? name : unit_->name + "." + name;
}

bool Checker::isPreludeOwnName(const std::string& name) { return name.starts_with("__"); }

ClassSymbol* Checker::findClass(const std::string& name) {
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

FunSymbol* Checker::findFunction(const std::string& name) {
  return findTop(name, &Namespace::functions);
}

const ClassDecl* Checker::findClassTemplate(const std::string& name) {
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

const FunDecl* Checker::findFunctionTemplate(const std::string& name) {
  if (const FunDecl* found = findTop(name, &Namespace::functionTemplates)) return found;
  return seesPrelude(name) ? preludeFunctionTemplate(name) : nullptr;
}

bool Checker::seesPrelude(const std::string& name) const {
  return prelude_ && (unit_ == prelude_ || !isPreludeOwnName(name));
}

const ClassDecl* Checker::preludeClassTemplate(const std::string& name) {
  const ClassDecl* decl = prelude_->library ? prelude_->library->classTemplate(name) : nullptr;
  if (decl) templateUnit_[decl] = prelude_;
  return decl;
}

ClassSymbol* Checker::preludeOnDemandClass(const std::string& name) {
  const ClassDecl* decl = prelude_->library ? prelude_->library->onDemandClass(name) : nullptr;
  if (!decl) return nullptr;
  templateUnit_[decl] = prelude_;
  return instantiateClass(decl, {}, decl->pos);
}

const FunDecl* Checker::preludeFunctionTemplate(const std::string& name) {
  const FunDecl* decl = prelude_->library ? prelude_->library->functionTemplate(name) : nullptr;
  if (decl) templateUnit_[decl] = prelude_;
  return decl;
}

VarSymbol* Checker::findGlobal(const std::string& name) {
  return findTop(name, &Namespace::globals);
}

const SourceUnit* Checker::moduleReceiver(const Expr& e) {
  if (e.kind != ExprKind::Name || lookupLocal(e.text) || findGlobal(e.text)) return nullptr;
  return moduleNamed(e.text);
}

const SourceUnit* Checker::moduleNamed(const std::string& name) {
  for (const SourceUnit* target : unit_->imports)
    if (target && target->name == name) return target;
  return nullptr;
}

bool Checker::isBrokenName(const std::string& name) const {
  return unit_->ast.brokenNames.count(name) != 0;
}

void Checker::error(SourcePos pos, std::string message) {
  error(Diagnostic{pos, std::move(message), {}, 0});
}

void Checker::error(Diagnostic diagnostic) {
  if (!instance_.empty()) diagnostic.message += " (in " + brief(instance_) + ")";
  diags_.error(std::move(diagnostic));
}

} // namespace checking

void check(CheckedModule& module, Diagnostics& diagnostics) {
  checking::Checker(module, diagnostics).run();
}

} // namespace nuri
