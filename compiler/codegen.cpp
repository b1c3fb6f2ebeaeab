#include "compiler/codegen_internal.h"

namespace nuri::codegen {

void BodyCompiler::compileFunction(FunSymbol* fn) {
  FunctionEntry& out = fb_.out();
  out.name = fn->traceName;
  out.file = mb_.checked().fileOf(fn->pos);
  out.isPrivate = fn->isPrivate;
  out.isProtected = fn->isProtected;
  out.isAbstract = fn->isAbstract;
  out.isStatic = fn->staticOwner != nullptr;
  ClassSymbol* owner = fn->owner ? fn->owner : fn->staticOwner;
  // A lambda written in a method belongs to the method's class, as a static function (it
  // takes no `this` of its own): it may use the private members the method may.
  const FunSymbol* outermost = fn;
  while (outermost->isLambda && outermost->enclosing)
    outermost = outermost->enclosing;
  if (fn->isLambda && !owner) {
    owner = outermost->owner ? outermost->owner : outermost->staticOwner;
    out.isStatic = owner != nullptr;
  }
  out.ownerClass = owner ? owner->index : kNoIndex;
  out.returnType = mb_.typeIndex(fn->returnType);
  returnType_ = fn->returnType;
  fb_.setLine(fn->pos.line);
  for (VarSymbol* captured : fn->captures) { // a lambda's cells come first
    uint32_t r = fb_.newRegister(mb_.cellTypeIndex(captured->type));
    regs_[captured] = r;
    fb_.out().locals.push_back({captured->name, r});
  }
  if (fn->thisVar) bindParam(fn->thisVar);
  for (VarSymbol* p : fn->params)
    bindParam(p);
  out.paramCount = uint32_t(out.registerTypes.size());
  if (out.paramCount > nbc::kMaxParams) {
    mb_.diagnostics().error(fn->pos, "`" + fn->traceName + "` has " +
                                         std::to_string(out.paramCount) +
                                         " parameters, counting `this` and the variables a "
                                         "lambda captures; the limit is " +
                                         std::to_string(nbc::kMaxParams));
  }
  if (fn->isAbstract) return; // a signature only
  if (fn->host) {             // a host function used as a value: calls the host
    std::vector<uint32_t> args;
    for (uint32_t r = 0; r < out.paramCount; r++)
      args.push_back(r);
    bool isVoid = fn->returnType->tag == TypeTag::Void;
    uint32_t r = isVoid ? 0 : fb_.temp(typeOf(fn->returnType));
    fb_.emitCall(Op::CALL_NATIVE, r, mb_.hostIndex(fn), args);
    isVoid ? fb_.emit(Op::RETURN_VOID, {}) : fb_.emit(Op::RETURN, {r});
    return;
  }
  for (const FunSymbol* f = fn; f; f = f->enclosing) {
    if (!f->isLambda) {
      thisVar_ = f->thisVar;
      break;
    }
  }
  inLambda_ = fn->isLambda;
  // Parameters that lambdas capture move into cells.
  if (fn->thisVar && fn->thisVar->captured) moveIntoCell(fn->thisVar);
  for (VarSymbol* p : fn->params)
    if (p->captured) moveIntoCell(p);
  if (fn->decl) hoistConstants_ = containsLoop(*fn->decl->body);
  size_t first = 0;
  if (fn->isInit) {
    // The superclass's init runs first, then this class's field initialisers, then the body.
    if (fn->callsSuperInit) {
      statement(*fn->decl->body->body.front());
      first = 1;
    } else if (ClassSymbol* parent = fn->owner->superclass) {
      fb_.emitCall(Op::CALL, 0, parent->init->index, {0});
    }
    compileFieldInitialisers(fn->owner);
  }
  if (fn->decl) {
    auto& body = fn->decl->body->body;
    for (size_t i = first; i < body.size(); i++) {
      if (fn->decl->valueOfLast && i + 1 == body.size()) { // a short lambda's result
        fb_.setLine(body[i]->pos.line);
        uint32_t v = valueAs(*body[i]->expr, fn->returnType);
        fb_.emit(Op::RETURN, {v});
        continue;
      }
      statement(*body[i]);
    }
  }
  finish(fn->returnType);
  fb_.finishPrologue(fn->pos.line);
  checkRegisters(fn->pos);
}

void BodyCompiler::compileUnitInit(const SourceUnit& unit, const std::vector<uint32_t>& before) {
  FunctionEntry& out = fb_.out();
  out.name = unit.name.empty() ? "<module>" : unit.name + ".<module>";
  out.file = unit.file;
  out.returnType = mb_.typeIndex(mb_.checked().types->voidType());
  fb_.setLine(1);
  for (uint32_t init : before)
    fb_.emitCall(Op::CALL, 0, init, {});
  const std::vector<Stmt*>& statements = unit.topLevel;
  for (Stmt* s : statements)
    hoistConstants_ |= containsLoop(*s);
  for (const StaticInitialiser& init : mb_.checked().staticInitialisers) {
    if (init.unit != &unit) continue;
    size_t mark = fb_.tempMark();
    fb_.setLine(init.var->pos.line);
    uint32_t v = valueAs(**init.value, init.var->type);
    fb_.emit(Op::SET_GLOBAL, {init.var->index, v});
    fb_.releaseTemps(mark);
  }
  for (Stmt* s : statements)
    statement(*s);
  finish(types().voidType());
  fb_.finishPrologue(1);
  checkRegisters({1, 1, unit.file});
}

bool BodyCompiler::containsLoop(const Stmt& s) {
  if (anyWhenBlockOf(s, containsLoop)) return true;
  switch (s.kind) {
  case StmtKind::While:
  case StmtKind::For: return true;
  case StmtKind::Block:
    for (auto& inner : s.body) {
      if (containsLoop(*inner)) return true;
    }
    return false;
  case StmtKind::If: { // an else-if chain in a loop: it can be long
    const Stmt* arm = &s;
    for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get())
      if (containsLoop(*arm->thenBranch)) return true;
    return arm && containsLoop(*arm);
  }
  case StmtKind::Try:
    if (containsLoop(*s.thenBranch) || (s.finallyBody && containsLoop(*s.finallyBody))) {
      return true;
    }
    for (const CatchClause& c : s.catches)
      if (containsLoop(*c.body)) return true;
    return false;
  default: return false;
  }
}

void BodyCompiler::checkRegisters(SourcePos pos) {
  if (registersReported_ || fb_.out().registerTypes.size() <= nbc::kMaxRegisters) return;
  registersReported_ = true;
  mb_.diagnostics().error(pos, "`" + fb_.out().name + "` needs more than " +
                                   std::to_string(nbc::kMaxRegisters) +
                                   " registers for its variables and intermediate values; "
                                   "split it into smaller functions");
}

bool BodyCompiler::hoistable(const Expr& e) const {
  if (e.kind != ExprKind::IntLit && e.kind != ExprKind::FloatLit && e.kind != ExprKind::StringLit) {
    return false;
  }
  if (constantRegisters_.size() + stringRegisters_.size() < kMaxHoistedConstants) return true;
  if (e.kind == ExprKind::StringLit) return stringRegisters_.count(e.text) > 0;
  return constantRegisters_.count(numberKey(e)) > 0;
}

std::pair<int, uint64_t> BodyCompiler::numberKey(const Expr& e) {
  uint64_t bits;
  if (e.kind == ExprKind::IntLit)
    bits = uint64_t(e.intValue);
  else
    std::memcpy(&bits, &e.floatValue, 8);
  return {int(e.kind), bits};
}

uint32_t BodyCompiler::constantRegister(const Expr& e) {
  if (e.kind == ExprKind::StringLit) {
    auto [it, fresh] = stringRegisters_.emplace(e.text, 0);
    if (fresh) {
      it->second = fb_.newRegister(typeOf(types().string()));
      fb_.emitPrologue(Op::LOAD_KSTR, {it->second, mb_.stringConstant(e.text)});
    }
    return it->second;
  }
  auto [it, fresh] = constantRegisters_.emplace(numberKey(e), 0);
  if (fresh) {
    uint32_t r = fb_.newRegister(typeOf(e.type));
    it->second = r;
    if (e.kind == ExprKind::FloatLit) {
      fb_.emitPrologue(Op::LOAD_KFLOAT, {r, mb_.floatConstant(e.floatValue)});
    } else if (e.intValue >= INT32_MIN && e.intValue <= INT32_MAX) {
      fb_.emitPrologue(Op::LOAD_INT, {r, uint32_t(int32_t(e.intValue))});
    } else {
      fb_.emitPrologue(Op::LOAD_KINT, {r, mb_.intConstant(e.intValue)});
    }
  }
  return it->second;
}

void BodyCompiler::moveIntoCell(VarSymbol* v) {
  uint32_t value = regs_.at(v);
  uint32_t cell = fb_.local(mb_.cellTypeIndex(v->type));
  fb_.emit(Op::NEW_CELL, {cell});
  fb_.emit(Op::CELL_SET, {cell, value});
  regs_[v] = cell;
}

uint32_t BodyCompiler::newCellFor(VarSymbol* v, int64_t value) {
  uint32_t cell = fb_.local(mb_.cellTypeIndex(v->type));
  fb_.emit(Op::NEW_CELL, {cell});
  if (value >= 0) fb_.emit(Op::CELL_SET, {cell, uint32_t(value)});
  bindLocal(v, cell);
  return cell;
}

uint32_t BodyCompiler::self() {
  if (!inLambda_) return 0;
  uint32_t r = fb_.temp(typeOf(thisVar_->type));
  fb_.emit(Op::CELL_GET, {r, regs_.at(thisVar_)});
  return r;
}

void BodyCompiler::bindParam(VarSymbol* v) {
  uint32_t r = fb_.newRegister(typeOf(v->type));
  regs_[v] = r;
  fb_.out().locals.push_back({v->name, r});
}

uint32_t BodyCompiler::declareLocal(VarSymbol* v) {
  uint32_t r = fb_.local(typeOf(v->type));
  bindLocal(v, r);
  return r;
}

void BodyCompiler::bindLocal(VarSymbol* v, uint32_t r) {
  regs_[v] = r;
  if (v->name[0] != ' ') fb_.out().locals.push_back({v->name, r});
}

void BodyCompiler::finish(const Type* returnType) {
  if (returnType->tag == TypeTag::Void) {
    fb_.emit(Op::RETURN_VOID, {});
    return;
  }
  uint32_t r = fb_.temp(typeOf(returnType));
  zero(r, returnType);
  fb_.emit(Op::RETURN, {r});
}

void BodyCompiler::compileFieldInitialisers(ClassSymbol* cls) {
  uint32_t self = 0;
  for (FieldSymbol* f : cls->fields) {
    if (f->owner != cls || !f->decl->init) continue;
    size_t mark = fb_.tempMark();
    fb_.setLine(f->pos.line);
    uint32_t v = valueAs(*f->decl->init, f->type);
    fb_.setLine(f->pos.line);
    fb_.emit(Op::SET_FIELD, {self, f->index, v});
    fb_.releaseTemps(mark);
  }
}

} // namespace nuri::codegen

namespace nuri {

using codegen::BodyCompiler;
using codegen::ModuleBuilder;

Module generateCode(CheckedModule& checked, const std::string& sourceFile,
                    Diagnostics& diagnostics) {
  Module module;
  module.sourceFile = sourceFile;
  ModuleBuilder mb(checked, module, diagnostics);
  // Types of classes first, so class i has a stable type entry.
  for (ClassSymbol* cls : checked.classes) {
    ClassEntry entry;
    entry.name = cls->name;
    module.classes.push_back(entry);
  }
  for (ClassSymbol* cls : checked.classes) {
    ClassEntry& entry = module.classes[cls->index];
    entry.isInterface = cls->isInterface;
    entry.isAbstract = cls->isAbstract;
    entry.superclass = cls->superclass ? cls->superclass->index : kNoIndex;
    for (FieldSymbol* f : cls->fields) {
      if (f->owner == cls) {
        entry.fields.push_back({f->name, mb.typeIndex(f->type), f->isPrivate, f->isLet,
                                f->isPrivateSet, f->isProtected});
      }
    }
    for (FunSymbol* m : cls->methods)
      entry.methods.push_back(m->index);
    for (ClassSymbol* iface : cls->allInterfaces) {
      InterfaceImpl impl;
      impl.interfaceClass = iface->index;
      for (FunSymbol* required : iface->methods) {
        auto own = cls->methodsByName.find(required->name);
        impl.functions.push_back(own != cls->methodsByName.end() ? own->second->index
                                                                 : required->index); // its body
      }
      entry.interfaces.push_back(std::move(impl));
    }
    if (cls->init) entry.initializer = cls->init->index;
  }
  for (VarSymbol* g : checked.globals)
    module.globals.push_back({g->name, mb.typeIndex(g->type)});
  module.files = checked.fileNames;
  // One initialiser per unit that has something to run; the program's own comes last.
  std::vector<const SourceUnit*> initialised;
  for (auto& unit : checked.units) {
    bool hasStatics = false;
    for (const StaticInitialiser& init : checked.staticInitialisers)
      hasStatics |= init.unit == unit.get();
    if (hasStatics || !unit->topLevel.empty() || unit == checked.units.back()) {
      initialised.push_back(unit.get());
    }
  }
  module.functions.resize(checked.functions.size() + initialised.size());
  for (FunSymbol* fn : checked.functions) {
    BodyCompiler(mb, module.functions[fn->index]).compileFunction(fn);
  }
  std::vector<uint32_t> before;
  for (size_t i = 0; i < initialised.size(); i++) {
    uint32_t index = uint32_t(checked.functions.size() + i);
    bool last = i + 1 == initialised.size();
    BodyCompiler(mb, module.functions[index])
        .compileUnitInit(*initialised[i], last ? before : std::vector<uint32_t>{});
    before.push_back(index);
  }
  module.initFunction = uint32_t(module.functions.size() - 1);
  module.mainFunction = checked.main ? checked.main->index : kNoIndex;
  return module;
}

} // namespace nuri
