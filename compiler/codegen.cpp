#include "compiler/codegen.h"

#include <cstring>
#include <map>
#include <unordered_map>

#include "classlib/registry/native_registry.h"
#include "support/assert.h"
#include "vm/bytecode/limits.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

using Op = Opcode;

// A jump target that may be bound after the jumps to it are emitted.
struct Label {
  int64_t target = -1;
  std::vector<std::pair<size_t, size_t>> uses; // (instruction start, operand word)
};

class ModuleBuilder;

class FunctionBuilder {
public:
  FunctionBuilder(ModuleBuilder& module, FunctionEntry& out) : mb_(module), out_(out) {}

  uint32_t newRegister(uint32_t type) {
    out_.registerTypes.push_back(type);
    return uint32_t(out_.registerTypes.size() - 1);
  }

  // A register of `type` for the rest of the current statement.
  uint32_t temp(uint32_t type) {
    auto& pool = free_[type];
    uint32_t r;
    if (!pool.empty()) {
      r = pool.back();
      pool.pop_back();
    } else {
      r = newRegister(type);
    }
    statementTemps_.push_back(r);
    return r;
  }
  // A register of `type` until releaseLocal.
  uint32_t local(uint32_t type) {
    auto& pool = free_[type];
    if (!pool.empty()) {
      uint32_t r = pool.back();
      pool.pop_back();
      return r;
    }
    return newRegister(type);
  }
  void releaseLocal(uint32_t reg) { free_[out_.registerTypes[reg]].push_back(reg); }
  size_t tempMark() const { return statementTemps_.size(); }
  void releaseTemps(size_t mark) {
    while (statementTemps_.size() > mark) {
      releaseLocal(statementTemps_.back());
      statementTemps_.pop_back();
    }
  }

  void setLine(uint32_t line) { line_ = line; }

  size_t emit(Op op, std::initializer_list<uint32_t> operands) {
    return emitVector(op, std::vector<uint32_t>(operands));
  }
  size_t emitCall(Op op, uint32_t dst, uint32_t target, const std::vector<uint32_t>& args) {
    size_t at = emit(op, {dst, target, uint32_t(args.size())});
    for (uint32_t a : args)
      out_.code.push_back(a);
    return at;
  }

  // Emits a branch whose JMP operand is at `operandIndex` (1-based word after the opcode).
  void emitJump(Op op, std::initializer_list<uint32_t> before, Label& label) {
    std::vector<uint32_t> ops(before);
    ops.push_back(0);
    size_t at = out_.code.size();
    size_t operandWord = at + ops.size();
    emitVector(op, ops);
    if (label.target >= 0) {
      out_.code[operandWord] = uint32_t(int32_t(label.target - int64_t(at)));
    } else {
      label.uses.push_back({at, operandWord});
    }
  }
  void bind(Label& label) {
    label.target = int64_t(out_.code.size());
    for (auto [at, word] : label.uses)
      out_.code[word] = uint32_t(int32_t(label.target - int64_t(at)));
    label.uses.clear();
  }

  // Instructions run once on entry, before the body (constants hoisted out of loops).
  void emitPrologue(Op op, std::initializer_list<uint32_t> operands) {
    checkOperandCount(op, operands.size());
    prologue_.push_back(uint32_t(op));
    for (uint32_t v : operands)
      prologue_.push_back(v);
  }
  // Puts the prologue in front of the body. Branches are relative, so only the line table and
  // the exception handlers move.
  void finishPrologue(uint32_t line) {
    if (prologue_.empty()) return;
    uint32_t shift = uint32_t(prologue_.size());
    out_.code.insert(out_.code.begin(), prologue_.begin(), prologue_.end());
    for (LineEntry& l : out_.lines)
      l.pc += shift;
    for (HandlerEntry& h : out_.handlers) {
      h.start += shift;
      h.end += shift;
      h.target += shift;
    }
    out_.lines.insert(out_.lines.begin(), {0, line});
    prologue_.clear();
  }

  FunctionEntry& out() { return out_; }
  ModuleBuilder& mb() { return mb_; }

private:
  // Appends an instruction, recording its source line when the line changes.
  // Every instruction is emitted with the operands opcodes.def gives it (an ARGS operand is its
  // count here; emitCall appends the registers).
  static void checkOperandCount(Op op, size_t count) {
    NURI_ASSERT(count == opcodeInfo(op).fixedOperandCount,
                "an instruction emitted with the wrong number of operands");
  }

  size_t emitVector(Op op, const std::vector<uint32_t>& ops) {
    checkOperandCount(op, ops.size());
    size_t at = out_.code.size();
    if (out_.lines.empty() || out_.lines.back().line != line_) {
      if (!out_.lines.empty() && out_.lines.back().pc == at)
        out_.lines.back().line = line_;
      else
        out_.lines.push_back({uint32_t(at), line_});
    }
    out_.code.push_back(uint32_t(op));
    for (uint32_t v : ops)
      out_.code.push_back(v);
    return at;
  }

  ModuleBuilder& mb_;
  FunctionEntry& out_;
  std::map<uint32_t, std::vector<uint32_t>> free_;
  std::vector<uint32_t> statementTemps_;
  std::vector<uint32_t> prologue_;
  uint32_t line_ = 0;
};

class ModuleBuilder {
public:
  ModuleBuilder(CheckedModule& checked, Module& out, Diagnostics& diagnostics)
      : checked_(checked), out_(out), diagnostics_(diagnostics) {}

  uint32_t typeIndex(const Type* t) {
    TypeEntry entry;
    switch (t->tag) {
    case TypeTag::Void: entry.kind = TypeKind::Void; break;
    case TypeTag::Int: entry.kind = TypeKind::Int; break;
    case TypeTag::Float: entry.kind = TypeKind::Float; break;
    case TypeTag::Bool: entry.kind = TypeKind::Bool; break;
    case TypeTag::String: entry.kind = TypeKind::String; break;
    case TypeTag::StringBuilder: entry.kind = TypeKind::StringBuilder; break;
    case TypeTag::Array:
      entry.kind = TypeKind::Array;
      entry.element = typeIndex(t->element);
      break;
    case TypeTag::Class:
      entry.kind = TypeKind::Class;
      entry.classIndex = t->cls->index;
      break;
    case TypeTag::Function:
      entry.kind = TypeKind::Function;
      for (const Type* p : t->params)
        entry.params.push_back(typeIndex(p));
      entry.element = typeIndex(t->result);
      break;
    case TypeTag::Null:
    case TypeTag::Error:
      entry.kind = TypeKind::String; // unreachable in a checked program
      break;
    }
    return intern(entry);
  }

  // The type of a cell holding a variable of type `t`.
  uint32_t cellTypeIndex(const Type* t) {
    TypeEntry entry;
    entry.kind = TypeKind::Cell;
    entry.element = typeIndex(t);
    return intern(entry);
  }

  uint32_t intern(const TypeEntry& entry) {
    auto [it, fresh] = typeIndices_.emplace(typeKey(entry), uint32_t(out_.types.size()));
    if (fresh) out_.types.push_back(entry);
    return it->second;
  }

  uint32_t intConstant(int64_t v) {
    auto [it, fresh] = ints_.emplace(v, uint32_t(out_.ints.size()));
    if (fresh) out_.ints.push_back(v);
    return it->second;
  }
  uint32_t floatConstant(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    auto [it, fresh] = floats_.emplace(bits, uint32_t(out_.floats.size()));
    if (fresh) out_.floats.push_back(v);
    return it->second;
  }
  uint32_t stringConstant(const std::string& s) {
    auto [it, fresh] = strings_.emplace(s, uint32_t(out_.strings.size()));
    if (fresh) out_.strings.push_back(s);
    return it->second;
  }
  uint32_t nativeIndex(int native) {
    const NativeInfo& info = nativeInfo(uint32_t(native));
    return nativeImport(NativeImport{"", info.linkName, info.signature});
  }
  // A host function's import, `module.name`.
  uint32_t hostIndex(const FunSymbol* fn) {
    return nativeImport(NativeImport{*fn->hostModule, fn->host->name, fn->host->signature});
  }
  uint32_t nativeIndex(NativeId id) { return nativeIndex(int(id)); }

  CheckedModule& checked() { return checked_; }
  Module& out() { return out_; }
  Diagnostics& diagnostics() { return diagnostics_; }

private:
  CheckedModule& checked_;
  Module& out_;
  Diagnostics& diagnostics_;
  static std::vector<uint32_t> typeKey(const TypeEntry& e) {
    std::vector<uint32_t> key{uint32_t(e.kind), e.element, e.classIndex};
    key.insert(key.end(), e.params.begin(), e.params.end());
    return key;
  }
  std::map<std::vector<uint32_t>, uint32_t> typeIndices_;
  std::map<int64_t, uint32_t> ints_;
  std::map<uint64_t, uint32_t> floats_;
  std::map<std::string, uint32_t> strings_;
  std::map<std::string, uint32_t> natives_; // by qualified name

  uint32_t nativeImport(NativeImport import) {
    auto [it, fresh] = natives_.emplace(import.qualifiedName(), uint32_t(out_.natives.size()));
    if (fresh) out_.natives.push_back(std::move(import));
    return it->second;
  }
};

struct LoopLabels {
  Label* breakLabel;
  Label* continueLabel;
  size_t tryDepth; // try statements open when the loop began
};

// A try statement being compiled: the code ranges its handlers cover. A range is closed while
// code that the handlers must not see is emitted (the inlined `finally` of an exit).
struct TryContext {
  const Stmt* stmt;
  bool bodyActive = false;    // the try body is being compiled (catch clauses cover it)
  bool finallyActive = false; // the try body or a catch body is (the finally handler covers it)
  int64_t bodyOpen = -1, finallyOpen = -1;
  std::vector<std::pair<uint32_t, uint32_t>> bodyRanges, finallyRanges;
};

// Compiles the body of one function.
class BodyCompiler {
public:
  BodyCompiler(ModuleBuilder& mb, FunctionEntry& out) : mb_(mb), fb_(mb, out) {}

  void compileFunction(FunSymbol* fn) {
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

  // The initialiser of one source unit: its static fields, then its top-level statements.
  // The program's own initialiser first calls those of the modules it imports, in
  // dependency order (`before`).
  void compileUnitInit(const SourceUnit& unit, const std::vector<uint32_t>& before) {
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

private:
  ModuleBuilder& mb_;
  FunctionBuilder fb_;
  std::unordered_map<const VarSymbol*, uint32_t> regs_;
  std::vector<LoopLabels> loops_;
  std::vector<TryContext*> tries_; // enclosing try statements, innermost last
  const Type* returnType_ = nullptr;
  const VarSymbol* thisVar_ = nullptr; // `this` of the enclosing method
  bool inLambda_ = false;
  // In functions with loops, constants live in registers loaded once in the prologue.
  bool hoistConstants_ = false;
  std::map<std::pair<int, uint64_t>, uint32_t> constantRegisters_;
  std::map<std::string, uint32_t> stringRegisters_;

  static bool containsLoop(const Stmt& s) {
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

  // The bytecode bounds a function's registers. Reported once per function: at the first
  // statement that passes the limit, or else at the function.
  void checkRegisters(SourcePos pos) {
    if (registersReported_ || fb_.out().registerTypes.size() <= nbc::kMaxRegisters) return;
    registersReported_ = true;
    mb_.diagnostics().error(pos, "`" + fb_.out().name + "` needs more than " +
                                     std::to_string(nbc::kMaxRegisters) +
                                     " registers for its variables and intermediate values; "
                                     "split it into smaller functions");
  }
  bool registersReported_ = false;

  // Constants hoisted into registers, at most: more would crowd out the registers that
  // variables need, so further constants are loaded where they are used.
  static constexpr size_t kMaxHoistedConstants = 1024;
  bool hoistable(const Expr& e) const {
    if (e.kind != ExprKind::IntLit && e.kind != ExprKind::FloatLit &&
        e.kind != ExprKind::StringLit) {
      return false;
    }
    if (constantRegisters_.size() + stringRegisters_.size() < kMaxHoistedConstants) return true;
    if (e.kind == ExprKind::StringLit) return stringRegisters_.count(e.text) > 0;
    return constantRegisters_.count(numberKey(e)) > 0;
  }

  // An int or float literal's key in constantRegisters_.
  static std::pair<int, uint64_t> numberKey(const Expr& e) {
    uint64_t bits;
    if (e.kind == ExprKind::IntLit)
      bits = uint64_t(e.intValue);
    else
      std::memcpy(&bits, &e.floatValue, 8);
    return {int(e.kind), bits};
  }

  // A read-only register holding a constant, loaded in the prologue.
  uint32_t constantRegister(const Expr& e) {
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

  TypeTable& types() { return *mb_.checked().types; }
  uint32_t typeOf(const Type* t) { return mb_.typeIndex(t); }

  // ---- Variables (a variable captured by a lambda lives in a cell) ----

  void moveIntoCell(VarSymbol* v) {
    uint32_t value = regs_.at(v);
    uint32_t cell = fb_.local(mb_.cellTypeIndex(v->type));
    fb_.emit(Op::NEW_CELL, {cell});
    fb_.emit(Op::CELL_SET, {cell, value});
    regs_[v] = cell;
  }

  // A new cell register for a captured local, holding `value` (or zero).
  uint32_t newCellFor(VarSymbol* v, int64_t value) {
    uint32_t cell = fb_.local(mb_.cellTypeIndex(v->type));
    fb_.emit(Op::NEW_CELL, {cell});
    if (value >= 0) fb_.emit(Op::CELL_SET, {cell, uint32_t(value)});
    bindLocal(v, cell);
    return cell;
  }

  // `this` of the enclosing method, in a register.
  uint32_t self() {
    if (!inLambda_) return 0;
    uint32_t r = fb_.temp(typeOf(thisVar_->type));
    fb_.emit(Op::CELL_GET, {r, regs_.at(thisVar_)});
    return r;
  }

  void bindParam(VarSymbol* v) {
    uint32_t r = fb_.newRegister(typeOf(v->type));
    regs_[v] = r;
    fb_.out().locals.push_back({v->name, r});
  }

  uint32_t declareLocal(VarSymbol* v) {
    uint32_t r = fb_.local(typeOf(v->type));
    bindLocal(v, r);
    return r;
  }

  void bindLocal(VarSymbol* v, uint32_t r) {
    regs_[v] = r;
    if (v->name[0] != ' ') fb_.out().locals.push_back({v->name, r});
  }

  // Ends the function. A void function may fall off its end; a non-void one was checked to
  // return on every path, but a branch may still target the end, so it gets a (dead) return of
  // a zero value to keep every path ending in a return.
  void finish(const Type* returnType) {
    if (returnType->tag == TypeTag::Void) {
      fb_.emit(Op::RETURN_VOID, {});
      return;
    }
    uint32_t r = fb_.temp(typeOf(returnType));
    zero(r, returnType);
    fb_.emit(Op::RETURN, {r});
  }

  void compileFieldInitialisers(ClassSymbol* cls) {
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

  // ---- Statements ----

  void block(const Stmt& s) {
    for (auto& inner : s.body)
      statement(*inner);
  }

  void releaseBlockLocals(const Stmt& s) {
    for (auto& inner : s.body) {
      if (inner->kind == StmtKind::Var && inner->var) {
        auto it = regs_.find(inner->var);
        if (it != regs_.end()) fb_.releaseLocal(it->second);
      }
    }
  }

  void scopedBlock(const Stmt& s) {
    block(s);
    releaseBlockLocals(s);
  }

  void statement(const Stmt& s) {
    fb_.setLine(s.pos.line);
    size_t mark = fb_.tempMark();
    switch (s.kind) {
    case StmtKind::Expr: effect(*s.expr); break;
    case StmtKind::Var: {
      if (s.var->isGlobal) {
        if (s.expr) {
          uint32_t v = valueAs(*s.expr, s.var->type);
          fb_.setLine(s.pos.line);
          fb_.emit(Op::SET_GLOBAL, {s.var->index, v});
        }
      } else {
        uint32_t r;
        if (s.var->captured) {
          newCellFor(s.var, s.expr ? int64_t(valueAs(*s.expr, s.var->type)) : -1);
        } else if (s.expr) {
          // The new register is free, so nothing the initialiser reads lives in it.
          r = fb_.local(typeOf(s.var->type));
          valueAs(*s.expr, s.var->type, r);
          bindLocal(s.var, r);
        } else {
          r = declareLocal(s.var);
          zero(r, s.var->type);
        }
      }
      break;
    }
    case StmtKind::Block: scopedBlock(s); break;
    case StmtKind::If: ifStatement(s); break;
    case StmtKind::While: whileStatement(s); break;
    case StmtKind::For: forStatement(s); break;
    case StmtKind::Break:
      runFinallies(loops_.back().tryDepth);
      fb_.setLine(s.pos.line);
      fb_.emitJump(Op::JMP, {}, *loops_.back().breakLabel);
      resumeTries(loops_.back().tryDepth);
      break;
    case StmtKind::Continue:
      runFinallies(loops_.back().tryDepth);
      fb_.setLine(s.pos.line);
      fb_.emitJump(Op::JMP, {}, *loops_.back().continueLabel);
      resumeTries(loops_.back().tryDepth);
      break;
    case StmtKind::Return:
      if (s.expr) {
        uint32_t v = valueAs(*s.expr, returnType_);
        if (!tries_.empty()) { // the value is computed before any `finally` runs
          uint32_t saved = fb_.temp(typeOf(returnType_));
          move(saved, v);
          v = saved;
        }
        runFinallies(0);
        fb_.setLine(s.pos.line);
        fb_.emit(Op::RETURN, {v});
      } else {
        runFinallies(0);
        fb_.setLine(s.pos.line);
        fb_.emit(Op::RETURN_VOID, {});
      }
      resumeTries(0);
      break;
    case StmtKind::Throw: {
      uint32_t v = value(*s.expr);
      fb_.setLine(s.pos.line);
      fb_.emit(Op::THROW, {v});
      break;
    }
    case StmtKind::Try: tryStatement(s); break;
    case StmtKind::Fun:
    case StmtKind::Class: break;
    }
    fb_.releaseTemps(mark);
    checkRegisters(s.pos);
  }

  // Evaluates `e` for its effect alone.
  void effect(const Expr& e) {
    if (e.kind == ExprKind::Assign)
      assign(e);
    else if (e.kind == ExprKind::Call)
      call(e, /*wantResult=*/false);
    else if (e.kind == ExprKind::SafeChain && e.type->tag == TypeTag::Void)
      safeChain(e, -1, nullptr); // `a?.m()` for its effect
    else
      value(e);
  }

  // `when`: the subject into its variable, then each branch's tests in order. Used as a
  // value, the branch leaves its value in the result register.
  uint32_t whenExpr(const Expr& e, int64_t dst) {
    const WhenArms& arms = *e.when;
    bool asValue = e.type->tag != TypeTag::Void;
    uint32_t r = asValue ? target(e, dst) : 0;
    uint32_t subject = 0;
    if (e.a) {
      subject = declareLocal(e.var);
      valueAs(*e.a, e.var->type, subject);
    }
    Label end;
    for (const WhenBranch& branch : arms.branches) {
      size_t mark = fb_.tempMark();
      fb_.setLine(branch.pos.line);
      Label next, matched;
      if (branch.conditions.size() == 1) {
        condJump(*branch.conditions[0], false, next);
      } else if (!branch.isElse) {
        for (const ExprPtr& condition : branch.conditions)
          condJump(*condition, true, matched);
        fb_.emitJump(Op::JMP, {}, next);
      }
      fb_.bind(matched);
      if (branch.block) block(*branch.block);
      if (branch.value) {
        if (asValue)
          valueAs(*branch.value, e.type, r);
        else
          effect(*branch.value); // the last statement of a lambda that returns nothing
      }
      if (branch.block) releaseBlockLocals(*branch.block);
      fb_.emitJump(Op::JMP, {}, end);
      fb_.bind(next);
      fb_.releaseTemps(mark);
    }
    if (arms.noMatch) {
      statement(*arms.noMatch);
    } else if (asValue && !arms.branches.empty() && !arms.branches.back().isElse) {
      zero(r, e.type); // every case is handled above: not reached
    }
    fb_.bind(end);
    if (e.a) fb_.releaseLocal(subject);
    return r;
  }

  void zero(uint32_t r, const Type* t) {
    switch (t->tag) {
    case TypeTag::Int: fb_.emit(Op::LOAD_INT, {r, 0}); break;
    case TypeTag::Float: fb_.emit(Op::LOAD_KFLOAT, {r, mb_.floatConstant(0.0)}); break;
    case TypeTag::Bool: fb_.emit(Op::LOAD_BOOL, {r, 0}); break;
    default: fb_.emit(Op::LOAD_NULL, {r}); break;
    }
  }

  // ---- Exceptions ----

  uint32_t pc() { return uint32_t(fb_.out().code.size()); }

  void closeRange(int64_t& open, std::vector<std::pair<uint32_t, uint32_t>>& ranges) {
    if (open >= 0 && pc() > uint32_t(open)) ranges.push_back({uint32_t(open), pc()});
    open = -1;
  }
  void pauseTry(TryContext& t) {
    closeRange(t.bodyOpen, t.bodyRanges);
    closeRange(t.finallyOpen, t.finallyRanges);
  }
  void resumeTry(TryContext& t) {
    if (t.bodyActive) t.bodyOpen = pc();
    if (t.finallyActive) t.finallyOpen = pc();
  }

  // Before leaving the try statements tries_[depth..] by return, break or continue: runs
  // their `finally` blocks, innermost first. Each block runs outside its own try (and the
  // inner ones), so what it throws goes to the enclosing handlers.
  void runFinallies(size_t depth) {
    for (size_t k = tries_.size(); k-- > depth;) {
      TryContext* t = tries_[k];
      pauseTry(*t);
      if (!t->stmt->finallyBody) continue;
      std::vector<TryContext*> saved(tries_.begin() + long(k), tries_.end());
      tries_.resize(k);
      scopedBlock(*t->stmt->finallyBody);
      tries_.insert(tries_.end(), saved.begin(), saved.end());
    }
  }
  void resumeTries(size_t depth) {
    for (size_t k = depth; k < tries_.size(); k++)
      resumeTry(*tries_[k]);
  }

  const Type* errorType() {
    for (ClassSymbol* cls : mb_.checked().classes)
      if (cls->name == "Error" && cls->decl && cls->decl->isBuiltin) return cls->type;
    NURI_UNREACHABLE();
  }

  void tryStatement(const Stmt& s) {
    TryContext t;
    t.stmt = &s;
    t.bodyActive = !s.catches.empty();
    t.finallyActive = s.finallyBody != nullptr;
    resumeTry(t);
    tries_.push_back(&t);
    scopedBlock(*s.thenBranch);
    tries_.pop_back();
    t.bodyActive = false;
    pauseTry(t);
    Label end;
    if (s.finallyBody) scopedBlock(*s.finallyBody);
    fb_.emitJump(Op::JMP, {}, end);

    std::vector<HandlerEntry> handlers;
    for (const CatchClause& clause : s.catches) {
      uint32_t target = pc();
      uint32_t reg = declareLocal(clause.var);
      if (clause.var->captured) moveIntoCell(clause.var);
      for (auto [start, stop] : t.bodyRanges) {
        handlers.push_back({start, stop, target, clause.var->type->cls->index, reg});
      }
      resumeTry(t);
      tries_.push_back(&t);
      scopedBlock(*clause.body);
      tries_.pop_back();
      pauseTry(t);
      fb_.releaseLocal(reg);
      if (s.finallyBody) scopedBlock(*s.finallyBody);
      fb_.emitJump(Op::JMP, {}, end);
    }
    if (s.finallyBody) {
      // Any error from the try or a catch body: run the finally block, then throw it again.
      uint32_t target = pc();
      uint32_t reg = fb_.local(typeOf(errorType()));
      for (auto [start, stop] : t.finallyRanges)
        handlers.push_back({start, stop, target, kNoIndex, reg});
      scopedBlock(*s.finallyBody);
      fb_.setLine(s.pos.line);
      fb_.emit(Op::THROW, {reg});
      fb_.releaseLocal(reg);
    }
    auto& all = fb_.out().handlers;
    all.insert(all.end(), handlers.begin(), handlers.end());
    fb_.bind(end);
  }

  // An else-if chain is compiled in a loop: it can be long.
  void ifStatement(const Stmt& s) {
    Label end;
    const Stmt* arm = &s;
    for (; arm && arm->kind == StmtKind::If; arm = arm->elseBranch.get()) {
      fb_.setLine(arm->pos.line);
      size_t mark = fb_.tempMark();
      Label next;
      condJump(*arm->expr, false, next);
      scopedBlock(*arm->thenBranch);
      if (arm->elseBranch) fb_.emitJump(Op::JMP, {}, end);
      fb_.bind(next);
      fb_.releaseTemps(mark);
    }
    if (arm) scopedBlock(*arm);
    fb_.bind(end);
  }

  void whileStatement(const Stmt& s) {
    Label body, check, exit;
    bool forever = s.expr->kind == ExprKind::BoolLit && s.expr->boolValue;
    if (!forever) fb_.emitJump(Op::JMP, {}, check); // `while (true)` starts in its body
    fb_.bind(body);
    loops_.push_back({&exit, &check, tries_.size()});
    scopedBlock(*s.loopBody);
    loops_.pop_back();
    fb_.bind(check);
    fb_.setLine(s.pos.line);
    condJump(*s.expr, true, body);
    fb_.bind(exit);
  }

  // A call of a method without dispatch knowledge: virtual, or through an interface.
  void emitMethodCall(const FunSymbol* method, uint32_t dst, const std::vector<uint32_t>& args) {
    bool viaInterface = method->owner && method->owner->isInterface;
    fb_.emitCall(viaInterface ? Op::CALL_INTERFACE : Op::CALL_VIRTUAL, dst, method->vtableSlot,
                 args);
  }

  void forStatement(const Stmt& s) {
    Label body, next, exit;
    uint32_t var = declareLocal(s.var);
    std::vector<uint32_t> hidden;
    if (s.iteration[0]) { // the iterator protocol
      uint32_t iterable = value(*s.expr);
      uint32_t iterator = declareLocal(s.hiddenA);
      uint32_t more = fb_.local(typeOf(types().boolType()));
      hidden = {iterator, more};
      fb_.setLine(s.pos.line);
      emitMethodCall(s.iteration[0], iterator, {iterable});
      fb_.emitJump(Op::JMP, {}, next);
      fb_.bind(body);
      emitMethodCall(s.iteration[2], var, {iterator});
      loop(s, exit, next);
      fb_.bind(next);
      fb_.setLine(s.pos.line);
      emitMethodCall(s.iteration[1], more, {iterator});
      fb_.emitJump(Op::JMP_IF, {more}, body);
    } else if (s.rangeEnd) {
      value(*s.expr, var);
      uint32_t end = declareLocal(s.hiddenA);
      value(*s.rangeEnd, end);
      hidden = {end};
      if (s.inclusive) {
        fb_.emitJump(Op::JGT_INT, {var, end}, exit);
        fb_.bind(body);
        loop(s, exit, next);
        fb_.bind(next);
        fb_.setLine(s.pos.line);
        fb_.emitJump(Op::JEQ_INT, {var, end}, exit);
        fb_.emit(Op::ADD_INT_IMM, {var, var, 1});
        fb_.emitJump(Op::JMP, {}, body);
      } else {
        fb_.emitJump(Op::JGE_INT, {var, end}, exit);
        fb_.bind(body);
        loop(s, exit, next);
        fb_.bind(next);
        fb_.setLine(s.pos.line);
        fb_.emitJump(Op::LOOP_INT, {var, end}, body);
      }
    } else {
      uint32_t seq = declareLocal(s.hiddenA);
      value(*s.expr, seq);
      uint32_t index = declareLocal(s.hiddenB);
      uint32_t length = fb_.local(typeOf(types().intType()));
      hidden = {seq, index, length};
      fb_.emit(Op::LOAD_INT, {index, 0});
      bool isString = s.hiddenA->type->tag == TypeTag::String;
      if (isString) {
        fb_.emitCall(Op::CALL_NATIVE, length, mb_.nativeIndex(NativeId::string_length), {seq});
      } else {
        fb_.emit(Op::ARRAY_LEN, {length, seq});
      }
      fb_.emitJump(Op::JGE_INT, {index, length}, exit);
      fb_.bind(body);
      if (isString) {
        fb_.emitCall(Op::CALL_NATIVE, var, mb_.nativeIndex(NativeId::string_charAt), {seq, index});
      } else {
        fb_.emit(Op::ARRAY_GET, {var, seq, index});
      }
      loop(s, exit, next);
      fb_.bind(next);
      fb_.setLine(s.pos.line);
      fb_.emitJump(Op::LOOP_INT, {index, length}, body);
    }
    fb_.bind(exit);
    fb_.releaseLocal(var);
    for (uint32_t h : hidden)
      fb_.releaseLocal(h);
  }

  void loop(const Stmt& s, Label& exit, Label& next) {
    if (s.var->captured) {
      // Each iteration has its own variable, so lambdas made in different iterations see
      // different values. The loop keeps counting in the plain register.
      uint32_t value = regs_.at(s.var);
      uint32_t cell = fb_.temp(mb_.cellTypeIndex(s.var->type));
      fb_.emit(Op::NEW_CELL, {cell});
      fb_.emit(Op::CELL_SET, {cell, value});
      regs_[s.var] = cell;
      loops_.push_back({&exit, &next, tries_.size()});
      scopedBlock(*s.loopBody);
      loops_.pop_back();
      regs_[s.var] = value;
      return;
    }
    loops_.push_back({&exit, &next, tries_.size()});
    scopedBlock(*s.loopBody);
    loops_.pop_back();
  }

  // ---- Conditions ----

  static bool isIntComparison(const Expr& e) {
    if (e.kind != ExprKind::Binary) return false;
    switch (e.op) {
    case Tok::Less:
    case Tok::LessEq:
    case Tok::Greater:
    case Tok::GreaterEq:
    case Tok::EqEq:
    case Tok::BangEq: return e.a->type->tag == TypeTag::Int && e.b->type->tag == TypeTag::Int;
    default: return false;
    }
  }

  // Jumps to `label` when `cond` evaluates to `when`; falls through otherwise.
  void condJump(const Expr& cond, bool when, Label& label) {
    if (cond.kind == ExprKind::Unary && cond.op == Tok::Bang) {
      condJump(*cond.a, !when, label);
      return;
    }
    if (cond.kind == ExprKind::Logical) {
      bool isAnd = cond.op == Tok::AmpAmp;
      if (isAnd != when) {
        // (a && b) false -> a false or b false; (a || b) true -> a true or b true.
        condJump(*cond.a, when, label);
        condJump(*cond.b, when, label);
      } else {
        Label skip;
        condJump(*cond.a, !when, skip);
        condJump(*cond.b, when, label);
        fb_.bind(skip);
      }
      return;
    }
    if (cond.kind == ExprKind::BoolLit) {
      if (cond.boolValue == when) fb_.emitJump(Op::JMP, {}, label);
      return;
    }
    if (isIntComparison(cond)) {
      uint32_t a = value(*cond.a);
      uint32_t b = value(*cond.b);
      fb_.setLine(cond.pos.line);
      Tok op = cond.op;
      if (!when) {
        switch (op) {
        case Tok::Less: op = Tok::GreaterEq; break;
        case Tok::LessEq: op = Tok::Greater; break;
        case Tok::Greater: op = Tok::LessEq; break;
        case Tok::GreaterEq: op = Tok::Less; break;
        case Tok::EqEq: op = Tok::BangEq; break;
        default: op = Tok::EqEq; break;
        }
      }
      Op jump = op == Tok::Less        ? Op::JLT_INT
                : op == Tok::LessEq    ? Op::JLE_INT
                : op == Tok::Greater   ? Op::JGT_INT
                : op == Tok::GreaterEq ? Op::JGE_INT
                : op == Tok::EqEq      ? Op::JEQ_INT
                                       : Op::JNE_INT;
      fb_.emitJump(jump, {a, b}, label);
      return;
    }
    uint32_t r = value(cond);
    fb_.setLine(cond.pos.line);
    fb_.emitJump(when ? Op::JMP_IF : Op::JMP_IF_NOT, {r}, label);
  }

  // ---- Expressions ----

  void move(uint32_t dst, uint32_t src) {
    if (dst != src) fb_.emit(Op::MOVE, {dst, src});
  }

  // Evaluates `e` as a value of type `as` (which differs from e.type only for `null`).
  uint32_t valueAs(const Expr& e, const Type* as, int64_t dst = -1) {
    if (e.type->tag == TypeTag::Null) {
      uint32_t r = dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(as ? as : types().string()));
      fb_.setLine(e.pos.line);
      fb_.emit(Op::LOAD_NULL, {r});
      return r;
    }
    return value(e, dst);
  }

  uint32_t target(const Expr& e, int64_t dst) {
    return dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(e.type));
  }

  // Evaluates `e`; the result is in `dst` if given, else in the returned register (which may
  // be a local's own register: do not write to it).
  uint32_t value(const Expr& e, int64_t dst = -1) {
    if (hoistConstants_ && dst < 0 && hoistable(e)) return constantRegister(e);
    switch (e.kind) {
    case ExprKind::IntLit: {
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      if (e.intValue >= INT32_MIN && e.intValue <= INT32_MAX) {
        fb_.emit(Op::LOAD_INT, {r, uint32_t(int32_t(e.intValue))});
      } else {
        fb_.emit(Op::LOAD_KINT, {r, mb_.intConstant(e.intValue)});
      }
      return r;
    }
    case ExprKind::FloatLit: {
      uint32_t r = target(e, dst);
      fb_.emit(Op::LOAD_KFLOAT, {r, mb_.floatConstant(e.floatValue)});
      return r;
    }
    case ExprKind::BoolLit: {
      uint32_t r = target(e, dst);
      fb_.emit(Op::LOAD_BOOL, {r, e.boolValue ? 1u : 0u});
      return r;
    }
    case ExprKind::NullLit: return valueAs(e, nullptr, dst);
    case ExprKind::StringLit: {
      uint32_t r = target(e, dst);
      fb_.emit(Op::LOAD_KSTR, {r, mb_.stringConstant(e.text)});
      return r;
    }
    case ExprKind::Interpolation: return interpolation(e, dst);
    case ExprKind::Name:
    case ExprKind::This: return name(e, dst);
    case ExprKind::Unary: {
      uint32_t a = value(*e.a);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      Op op = e.op == Tok::Bang               ? Op::NOT_BOOL
              : e.op == Tok::Tilde            ? Op::NOT_INT
              : e.type->tag == TypeTag::Float ? Op::NEG_FLOAT
                                              : Op::NEG_INT;
      fb_.emit(op, {r, a});
      return r;
    }
    case ExprKind::Binary: return binary(e, dst);
    case ExprKind::Logical: {
      uint32_t r = target(e, dst);
      Label end;
      value(*e.a, r);
      fb_.setLine(e.pos.line);
      fb_.emitJump(e.op == Tok::AmpAmp ? Op::JMP_IF_NOT : Op::JMP_IF, {r}, end);
      value(*e.b, r);
      fb_.bind(end);
      return r;
    }
    case ExprKind::Conditional: {
      uint32_t r = target(e, dst);
      Label elseLabel, end;
      condJump(*e.a, false, elseLabel);
      valueAs(*e.b, e.type, r);
      fb_.emitJump(Op::JMP, {}, end);
      fb_.bind(elseLabel);
      valueAs(*e.c, e.type, r);
      fb_.bind(end);
      return r;
    }
    case ExprKind::Assign: assign(e); return 0;
    case ExprKind::SafeChain: return safeChain(e, dst, nullptr);
    case ExprKind::Elvis: return elvis(e, dst);
    case ExprKind::Call: return call(e, true, dst);
    case ExprKind::Member: return member(e, dst);
    case ExprKind::Index: {
      uint32_t a = value(*e.a);
      uint32_t i = value(*e.b);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(Op::ARRAY_GET, {r, a, i});
      return r;
    }
    case ExprKind::ArrayLit: {
      uint32_t r = target(e, dst);
      uint32_t len = fb_.temp(typeOf(types().intType()));
      fb_.setLine(e.pos.line);
      fb_.emit(Op::LOAD_INT, {len, uint32_t(e.args.size())});
      fb_.emit(Op::NEW_ARRAY, {r, len});
      uint32_t index = fb_.temp(typeOf(types().intType()));
      for (size_t i = 0; i < e.args.size(); i++) {
        size_t mark = fb_.tempMark(); // each element's registers serve the next one too
        uint32_t v = valueAs(*e.args[i], e.type->element);
        fb_.emit(Op::LOAD_INT, {index, uint32_t(i)});
        fb_.emit(Op::ARRAY_SET, {r, index, v});
        fb_.releaseTemps(mark);
      }
      return r;
    }
    case ExprKind::NewArray: {
      std::vector<uint32_t> dims;
      for (auto& d : e.args)
        dims.push_back(value(*d));
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      if (dims.size() == 1)
        fb_.emit(Op::NEW_ARRAY, {r, dims[0]});
      else {
        size_t at = fb_.emit(Op::NEW_ARRAY_MULTI, {r, uint32_t(dims.size())});
        (void)at;
        for (uint32_t d : dims)
          fb_.out().code.push_back(d);
      }
      return r;
    }
    case ExprKind::Widen: {
      uint32_t a = value(*e.a);
      uint32_t r = target(e, dst);
      fb_.emit(Op::INT_TO_FLOAT, {r, a});
      return r;
    }
    case ExprKind::ToString: return toStringOf(*e.a, e.pos, dst);
    case ExprKind::Is:
    case ExprKind::As: {
      uint32_t a = valueAs(*e.a, e.targetType);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(e.kind == ExprKind::Is ? Op::INSTANCE_OF : Op::CAST, {r, a, typeOf(e.targetType)});
      return r;
    }
    case ExprKind::Super: return 0;
    case ExprKind::When: return whenExpr(e, dst);
    case ExprKind::Lambda: {
      std::vector<uint32_t> cells;
      for (VarSymbol* captured : e.fun->captures)
        cells.push_back(regs_.at(captured));
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::NEW_CLOSURE, r, e.fun->index, cells);
      return r;
    }
    }
    return 0;
  }

  uint32_t toStringOf(const Expr& inner, SourcePos pos, int64_t dst) {
    uint32_t r = dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(types().string()));
    if (inner.type->tag == TypeTag::Null) {
      fb_.emit(Op::LOAD_KSTR, {r, mb_.stringConstant("null")});
      return r;
    }
    uint32_t a = value(inner);
    fb_.setLine(pos.line);
    switch (inner.type->tag) {
    case TypeTag::Int: fb_.emit(Op::TO_STR_INT, {r, a}); break;
    case TypeTag::Float: fb_.emit(Op::TO_STR_FLOAT, {r, a}); break;
    case TypeTag::Bool: fb_.emit(Op::TO_STR_BOOL, {r, a}); break;
    case TypeTag::String: move(r, a); break;
    default: fb_.emit(Op::TO_STR_REF, {r, a}); break;
    }
    return r;
  }

  uint32_t interpolation(const Expr& e, int64_t dst) {
    uint32_t r = target(e, dst);
    bool first = true;
    for (auto& part : e.args) {
      if (part->kind == ExprKind::StringLit && part->text.empty() &&
          !(first && &part == &e.args.back())) {
        continue;
      }
      if (first) {
        value(*part, r);
        first = false;
      } else {
        size_t mark = fb_.tempMark(); // each part's registers serve the next one too
        uint32_t p = value(*part);
        fb_.setLine(e.pos.line);
        fb_.emit(Op::CONCAT, {r, r, p});
        fb_.releaseTemps(mark);
      }
    }
    if (first) fb_.emit(Op::LOAD_KSTR, {r, mb_.stringConstant("")});
    return r;
  }

  uint32_t name(const Expr& e, int64_t dst) {
    switch (e.ref) {
    case RefKind::Local: {
      if (e.narrowed) { // a smart cast: a CAST that cannot fail, into a register of its type
        Expr declared(ExprKind::Name, e.pos);
        declared.ref = RefKind::Local;
        declared.var = e.var;
        declared.type = e.var->type;
        uint32_t v = name(declared, -1);
        uint32_t r = target(e, dst);
        fb_.emit(Op::CAST, {r, v, typeOf(e.type)});
        return r;
      }
      // In its method `this` stays in register 0 (where self() finds it); when lambdas capture
      // it, they alone read it from its cell.
      bool methodThis = e.var == thisVar_ && !inLambda_;
      uint32_t reg = methodThis ? 0 : regs_.at(e.var);
      if (e.var->captured && !methodThis) {
        uint32_t r = target(e, dst);
        fb_.emit(Op::CELL_GET, {r, reg});
        return r;
      }
      if (dst >= 0) {
        move(uint32_t(dst), reg);
        return uint32_t(dst);
      }
      return reg;
    }
    case RefKind::Global: {
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(Op::GET_GLOBAL, {r, e.var->index});
      return r;
    }
    case RefKind::Function: { // a named function used as a value
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::NEW_CLOSURE, r, e.fun->index, {});
      return r;
    }
    case RefKind::Field: {
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(Op::GET_FIELD, {r, self(), e.field->index});
      return r;
    }
    default: return 0;
    }
  }

  uint32_t member(const Expr& e, int64_t dst) {
    switch (e.ref) {
    case RefKind::Constant: {
      uint32_t r = target(e, dst);
      fb_.emit(Op::LOAD_KFLOAT, {r, mb_.floatConstant(e.floatValue)});
      return r;
    }
    case RefKind::Global:   // a static field `Class.name`, or `module.name`
    case RefKind::Function: // `module.function` as a value
      return name(e, dst);
    case RefKind::Field: {
      uint32_t obj = value(*e.a);
      if (e.safe) jumpIfNull(obj, e.a->type);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(Op::GET_FIELD, {r, obj, e.field->index});
      return r;
    }
    case RefKind::ArrayLength: {
      uint32_t a = value(*e.a);
      if (e.safe) jumpIfNull(a, e.a->type);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emit(Op::ARRAY_LEN, {r, a});
      return r;
    }
    case RefKind::NativeProperty: {
      uint32_t a = value(*e.a);
      if (e.safe) jumpIfNull(a, e.a->type);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::CALL_NATIVE, r, mb_.nativeIndex(e.native), {a});
      return r;
    }
    default: return 0;
    }
  }

  Op arithmetic(Tok op, TypeTag operands) {
    if (operands == TypeTag::Float) {
      switch (op) {
      case Tok::Plus: return Op::ADD_FLOAT;
      case Tok::Minus: return Op::SUB_FLOAT;
      case Tok::Star: return Op::MUL_FLOAT;
      case Tok::Slash: return Op::DIV_FLOAT;
      default: return Op::MOD_FLOAT;
      }
    }
    if (operands == TypeTag::String) return Op::CONCAT;
    switch (op) {
    case Tok::Plus: return Op::ADD_INT;
    case Tok::Minus: return Op::SUB_INT;
    case Tok::Star: return Op::MUL_INT;
    case Tok::Slash: return Op::DIV_INT;
    case Tok::Percent: return Op::MOD_INT;
    case Tok::Amp: return Op::AND_INT;
    case Tok::Pipe: return Op::OR_INT;
    case Tok::Caret: return Op::XOR_INT;
    case Tok::Shl: return Op::SHL_INT;
    case Tok::Shr: return Op::SHR_INT;
    default: return Op::USHR_INT;
    }
  }

  // Emits `r := a op b` where a and b have (after conversions) the same type `operand`.
  void emitArithmetic(Tok op, const Type* operand, uint32_t r, uint32_t a, uint32_t b) {
    fb_.emit(arithmetic(op, operand->tag), {r, a, b});
  }

  // A member chain with `?.` (`a?.b.c`): its value, or null (or, under `?:`, a jump to
  // `whenNull`) as soon as a `?.` meets null. A void chain (`a?.m()`) is run for its effect.
  uint32_t safeChain(const Expr& e, int64_t dst, Label* whenNull) {
    Label nullExit, end;
    nullExits_.push_back(whenNull ? whenNull : &nullExit);
    uint32_t r = 0;
    if (e.type->tag == TypeTag::Void) {
      call(*e.a, /*wantResult=*/false);
    } else {
      r = target(e, dst);
      valueAs(*e.a, e.type, r);
    }
    nullExits_.pop_back();
    if (whenNull) return r;
    fb_.emitJump(Op::JMP, {}, end);
    fb_.bind(nullExit);
    if (e.type->tag != TypeTag::Void) fb_.emit(Op::LOAD_NULL, {r});
    fb_.bind(end);
    return r;
  }

  // Where a `?.` whose receiver is in `reg` goes when it is null: the innermost chain's exit.
  void jumpIfNull(uint32_t reg, const Type* type) {
    uint32_t null = fb_.temp(typeOf(type));
    fb_.emit(Op::LOAD_NULL, {null});
    uint32_t isNull = fb_.temp(typeOf(types().boolType()));
    fb_.emit(Op::EQ_REF, {isNull, reg, null});
    fb_.emitJump(Op::JMP_IF, {isNull}, *nullExits_.back());
  }

  // `a ?: b`: a, unless it is null (or a `?.` in it met null); then b, evaluated only then.
  uint32_t elvis(const Expr& e, int64_t dst) {
    uint32_t r = target(e, dst);
    Label useDefault, end;
    if (e.a->kind == ExprKind::SafeChain)
      safeChain(*e.a, r, &useDefault);
    else
      valueAs(*e.a, e.type, r);
    if (e.type->isReference()) {
      fb_.setLine(e.pos.line);
      nullExits_.push_back(&useDefault);
      jumpIfNull(r, e.type);
      nullExits_.pop_back();
    }
    fb_.emitJump(Op::JMP, {}, end);
    fb_.bind(useDefault);
    valueAs(*e.b, e.type, r);
    fb_.bind(end);
    return r;
  }
  std::vector<Label*> nullExits_; // of the `?.` chains being generated, innermost last

  // `a == b` with a user `equals`: a null `a` equals only a null `b`; otherwise a.equals(b).
  uint32_t equalsCall(const Expr& e, int64_t dst) {
    uint32_t a = value(*e.a);
    uint32_t b = value(*e.b);
    uint32_t r = target(e, dst);
    fb_.setLine(e.pos.line);
    uint32_t nullA = fb_.temp(typeOf(e.a->type));
    fb_.emit(Op::LOAD_NULL, {nullA});
    uint32_t isNull = fb_.temp(typeOf(types().boolType()));
    fb_.emit(Op::EQ_REF, {isNull, a, nullA});
    Label nullCase, end;
    fb_.emitJump(Op::JMP_IF, {isNull}, nullCase);
    fb_.emitCall(Op::CALL_VIRTUAL, r, e.fun->vtableSlot, {a, b});
    fb_.emitJump(Op::JMP, {}, end);
    fb_.bind(nullCase);
    uint32_t nullB = fb_.temp(typeOf(e.b->type));
    fb_.emit(Op::LOAD_NULL, {nullB});
    fb_.emit(Op::EQ_REF, {r, b, nullB});
    fb_.bind(end);
    if (e.op == Tok::BangEq) fb_.emit(Op::NOT_BOOL, {r, r});
    return r;
  }

  uint32_t binary(const Expr& e, int64_t dst) {
    const Type* left = e.a->type;
    const Type* right = e.b->type;
    bool comparison = e.op == Tok::Less || e.op == Tok::LessEq || e.op == Tok::Greater ||
                      e.op == Tok::GreaterEq || e.op == Tok::EqEq || e.op == Tok::BangEq;
    if (!comparison) {
      // i + 1, i - 1: an immediate operand.
      if (left->tag == TypeTag::Int && e.b->kind == ExprKind::IntLit &&
          (e.op == Tok::Plus || e.op == Tok::Minus) && e.b->intValue > INT32_MIN + 1 &&
          e.b->intValue < INT32_MAX) {
        uint32_t a = value(*e.a);
        uint32_t r = target(e, dst);
        int64_t k = e.op == Tok::Plus ? e.b->intValue : -e.b->intValue;
        fb_.setLine(e.pos.line);
        fb_.emit(Op::ADD_INT_IMM, {r, a, uint32_t(int32_t(k))});
        return r;
      }
      // x * k, x / k, x % k with a constant k: an immediate operand.
      if (left->tag == TypeTag::Int && e.b->kind == ExprKind::IntLit &&
          (e.op == Tok::Star || e.op == Tok::Slash || e.op == Tok::Percent) &&
          e.b->intValue >= INT32_MIN && e.b->intValue <= INT32_MAX) {
        uint32_t a = value(*e.a);
        uint32_t r = target(e, dst);
        fb_.setLine(e.pos.line);
        Op op = e.op == Tok::Star    ? Op::MUL_INT_IMM
                : e.op == Tok::Slash ? Op::DIV_INT_IMM
                                     : Op::MOD_INT_IMM;
        fb_.emit(op, {r, a, uint32_t(int32_t(e.b->intValue))});
        return r;
      }
      uint32_t a = value(*e.a);
      uint32_t b = value(*e.b);
      uint32_t r = target(e, dst);
      fb_.setLine(e.pos.line);
      emitArithmetic(e.op, e.type->tag == TypeTag::String ? types().string() : left, r, a, b);
      return r;
    }
    if (e.fun) return equalsCall(e, dst);
    // Comparisons.
    const Type* operand = left->tag == TypeTag::Null ? right : left;
    uint32_t a = valueAs(*e.a, operand);
    uint32_t b = valueAs(*e.b, operand);
    uint32_t r = target(e, dst);
    fb_.setLine(e.pos.line);
    bool swap = e.op == Tok::Greater || e.op == Tok::GreaterEq;
    Tok op = e.op == Tok::Greater ? Tok::Less : e.op == Tok::GreaterEq ? Tok::LessEq : e.op;
    Op code;
    switch (operand->tag) {
    case TypeTag::Int:
      code = op == Tok::Less ? Op::LT_INT : op == Tok::LessEq ? Op::LT_INT : Op::EQ_INT;
      code = op == Tok::Less     ? Op::LT_INT
             : op == Tok::LessEq ? Op::LE_INT
             : op == Tok::EqEq   ? Op::EQ_INT
                                 : Op::NE_INT;
      break;
    case TypeTag::Float:
      code = op == Tok::Less     ? Op::LT_FLOAT
             : op == Tok::LessEq ? Op::LE_FLOAT
             : op == Tok::EqEq   ? Op::EQ_FLOAT
                                 : Op::NE_FLOAT;
      break;
    case TypeTag::Bool: code = op == Tok::EqEq ? Op::EQ_BOOL : Op::NE_BOOL; break;
    case TypeTag::String:
      code = op == Tok::Less     ? Op::LT_STR
             : op == Tok::LessEq ? Op::LE_STR
             : op == Tok::EqEq   ? Op::EQ_STR
                                 : Op::NE_STR;
      break;
    default: code = op == Tok::EqEq ? Op::EQ_REF : Op::NE_REF; break;
    }
    if (swap)
      fb_.emit(code, {r, b, a});
    else
      fb_.emit(code, {r, a, b});
    return r;
  }

  // For `x op= v`: computes the new value from the current one in `current`.
  uint32_t compound(const Expr& e, uint32_t current, int64_t dst) {
    const Type* t = e.a->type;
    Tok op = compoundOperator(e.op);
    if (t->tag == TypeTag::Int && e.b->kind == ExprKind::IntLit &&
        (op == Tok::Plus || op == Tok::Minus) && e.b->intValue > INT32_MIN + 1 &&
        e.b->intValue < INT32_MAX) {
      uint32_t r = dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(t));
      int64_t k = op == Tok::Plus ? e.b->intValue : -e.b->intValue;
      fb_.setLine(e.pos.line);
      fb_.emit(Op::ADD_INT_IMM, {r, current, uint32_t(int32_t(k))});
      return r;
    }
    uint32_t v = value(*e.b);
    uint32_t r = dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(t));
    fb_.setLine(e.pos.line);
    emitArithmetic(op, t, r, current, v);
    return r;
  }

  void assign(const Expr& e) {
    const Expr& t = *e.a;
    bool isCompound = e.op != Tok::Eq;
    if (t.kind == ExprKind::Name && t.ref == RefKind::Local && t.var->captured) {
      uint32_t cell = regs_.at(t.var);
      uint32_t v;
      if (isCompound) {
        uint32_t cur = fb_.temp(typeOf(t.type));
        fb_.emit(Op::CELL_GET, {cur, cell});
        v = compound(e, cur, cur);
      } else {
        v = valueAs(*e.b, t.type);
      }
      fb_.setLine(e.pos.line);
      fb_.emit(Op::CELL_SET, {cell, v});
      return;
    }
    if ((t.kind == ExprKind::Name) && t.ref == RefKind::Local) {
      uint32_t reg = regs_.at(t.var);
      if (isCompound) {
        compound(e, reg, reg);
      } else if (writesTargetEarly(*e.b)) {
        move(reg, valueAs(*e.b, t.type)); // `s = "${s}!"` reads s after the first write
      } else {
        valueAs(*e.b, t.type, reg);
      }
      return;
    }
    if (t.ref == RefKind::Global) { // a global, or a static field `Class.name`
      uint32_t v;
      if (isCompound) {
        uint32_t cur = fb_.temp(typeOf(t.type));
        fb_.setLine(e.pos.line);
        fb_.emit(Op::GET_GLOBAL, {cur, t.var->index});
        v = compound(e, cur, cur);
      } else {
        v = valueAs(*e.b, t.type);
      }
      fb_.setLine(e.pos.line);
      fb_.emit(Op::SET_GLOBAL, {t.var->index, v});
      return;
    }
    if (t.ref == RefKind::Field) {
      uint32_t obj = t.kind == ExprKind::Name ? self() : value(*t.a);
      uint32_t v;
      if (isCompound) {
        uint32_t cur = fb_.temp(typeOf(t.type));
        fb_.setLine(t.pos.line);
        fb_.emit(Op::GET_FIELD, {cur, obj, t.field->index});
        v = compound(e, cur, cur);
      } else {
        v = valueAs(*e.b, t.type);
      }
      fb_.setLine(e.pos.line);
      fb_.emit(Op::SET_FIELD, {obj, t.field->index, v});
      return;
    }
    if (t.kind == ExprKind::Index) {
      uint32_t arr = value(*t.a);
      uint32_t idx = value(*t.b);
      uint32_t v;
      if (isCompound) {
        uint32_t cur = fb_.temp(typeOf(t.type));
        fb_.setLine(t.pos.line);
        fb_.emit(Op::ARRAY_GET, {cur, arr, idx});
        v = compound(e, cur, cur);
      } else {
        v = valueAs(*e.b, t.type);
      }
      fb_.setLine(e.pos.line);
      fb_.emit(Op::ARRAY_SET, {arr, idx, v});
    }
  }

  // Whether evaluating `e` into a register writes it before reading all of e's operands.
  static bool writesTargetEarly(const Expr& e) {
    return e.kind == ExprKind::Interpolation || e.kind == ExprKind::Logical ||
           e.kind == ExprKind::ArrayLit;
  }

  std::vector<uint32_t> arguments(const Expr& e, const std::vector<const Type*>& params,
                                  size_t first = 0) {
    std::vector<uint32_t> regs;
    for (size_t i = first; i < e.args.size(); i++) {
      const Type* as = i - first < params.size() ? params[i - first] : e.args[i]->type;
      regs.push_back(valueAs(*e.args[i], as));
      // `a?.m(x)`: the receiver is the first argument; x is not evaluated when it is null.
      if (e.safe && i == 0) jumpIfNull(regs.back(), e.args[0]->type);
    }
    return regs;
  }

  static std::vector<const Type*> paramTypes(const FunSymbol* fn) {
    std::vector<const Type*> out;
    for (VarSymbol* p : fn->params)
      out.push_back(p->type);
    return out;
  }

  uint32_t resultRegister(const Expr& e, bool wantResult, int64_t dst) {
    if (e.type->tag == TypeTag::Void) return 0;
    if (dst >= 0) return uint32_t(dst);
    return fb_.temp(typeOf(e.type));
  }

  uint32_t call(const Expr& e, bool wantResult, int64_t dst = -1) {
    switch (e.call) {
    case CallKind::Function: {
      auto args = arguments(e, paramTypes(e.fun));
      uint32_t r = resultRegister(e, wantResult, dst);
      fb_.setLine(e.pos.line);
      if (e.fun->host)
        fb_.emitCall(Op::CALL_NATIVE, r, mb_.hostIndex(e.fun), args);
      else
        fb_.emitCall(Op::CALL, r, e.fun->index, args);
      return r;
    }
    case CallKind::Method: {
      std::vector<const Type*> params{e.fun->owner->type};
      for (VarSymbol* p : e.fun->params)
        params.push_back(p->type);
      auto args = arguments(e, params);
      uint32_t r = resultRegister(e, wantResult, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::CALL_VIRTUAL, r, e.fun->vtableSlot, args);
      return r;
    }
    case CallKind::InterfaceMethod:
    case CallKind::Direct: {
      std::vector<const Type*> params{e.args[0]->type};
      for (VarSymbol* p : e.fun->params)
        params.push_back(p->type);
      auto args = arguments(e, params);
      uint32_t r = resultRegister(e, wantResult, dst);
      fb_.setLine(e.pos.line);
      if (e.call == CallKind::Direct)
        fb_.emitCall(Op::CALL, r, e.fun->index, args);
      else
        fb_.emitCall(Op::CALL_INTERFACE, r, e.fun->vtableSlot, args);
      return r;
    }
    case CallKind::Constructor: {
      auto args = arguments(e, paramTypes(e.cls->init));
      // The object is made before init runs, so build it in a fresh register: `x = P(x)`
      // must pass the old x.
      uint32_t r = fb_.temp(typeOf(e.type));
      fb_.setLine(e.pos.line);
      fb_.emit(Op::NEW_OBJECT, {r, typeOf(e.cls->type)});
      args.insert(args.begin(), r);
      fb_.emitCall(Op::CALL, 0, e.cls->init->index, args);
      if (dst >= 0) {
        move(uint32_t(dst), r);
        return uint32_t(dst);
      }
      return r;
    }
    case CallKind::Native: {
      std::vector<uint32_t> args;
      if (e.args.empty() && std::string(nativeInfo(uint32_t(e.native)).member) == "println") {
        uint32_t empty = fb_.temp(typeOf(types().string()));
        fb_.emit(Op::LOAD_KSTR, {empty, mb_.stringConstant("")});
        args.push_back(empty);
      } else {
        args = arguments(e, {});
      }
      uint32_t r = resultRegister(e, wantResult, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::CALL_NATIVE, r, mb_.nativeIndex(e.native), args);
      return r;
    }
    case CallKind::Intrinsic: {
      const Expr& receiver = *e.args[0];
      switch (e.intrinsic) {
      case Intrinsic::IntToFloat: {
        uint32_t a = value(receiver);
        uint32_t r = target(e, dst);
        fb_.emit(Op::INT_TO_FLOAT, {r, a});
        return r;
      }
      case Intrinsic::ToString: return toStringOf(receiver, e.pos, dst);
      case Intrinsic::IdentityString: return value(receiver, dst);
      case Intrinsic::ArrayCopy: {
        uint32_t a = value(receiver);
        uint32_t r = target(e, dst);
        fb_.setLine(e.pos.line);
        fb_.emit(Op::ARRAY_COPY, {r, a});
        return r;
      }
      default: return 0;
      }
    }
    case CallKind::Closure: {
      uint32_t callee = value(*e.a);
      auto args = arguments(e, e.a->type->params);
      uint32_t r = resultRegister(e, wantResult, dst);
      fb_.setLine(e.pos.line);
      fb_.emitCall(Op::CALL_CLOSURE, r, callee, args);
      return r;
    }
    case CallKind::Unresolved: return 0;
    }
    return 0;
  }
};

} // namespace

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
