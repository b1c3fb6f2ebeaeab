// The code generator's shared parts: the builders of functions and modules, and BodyCompiler,
// which compiles the body of one function. Its parts are defined in
//   codegen.cpp              functions, variables, and generateCode
//   codegen_statements.cpp   statements and exceptions
//   codegen_expressions.cpp  conditions and expressions
#pragma once

#include "compiler/codegen.h"

#include <cstring>
#include <map>
#include <unordered_map>

#include "classlib/registry/native_registry.h"
#include "support/assert.h"
#include "vm/bytecode/limits.h"
#include "vm/bytecode/opcodes.h"

namespace nuri::codegen {

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

  void compileFunction(FunSymbol* fn);

  // The initialiser of one source unit: its static fields, then its top-level statements.
  // The program's own initialiser first calls those of the modules it imports, in
  // dependency order (`before`).
  void compileUnitInit(const SourceUnit& unit, const std::vector<uint32_t>& before);

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

  static bool containsLoop(const Stmt& s);

  // The bytecode bounds a function's registers. Reported once per function: at the first
  // statement that passes the limit, or else at the function.
  void checkRegisters(SourcePos pos);
  bool registersReported_ = false;

  // Constants hoisted into registers, at most: more would crowd out the registers that
  // variables need, so further constants are loaded where they are used.
  static constexpr size_t kMaxHoistedConstants = 1024;
  bool hoistable(const Expr& e) const;

  // An int or float literal's key in constantRegisters_.
  static std::pair<int, uint64_t> numberKey(const Expr& e);

  // A read-only register holding a constant, loaded in the prologue.
  uint32_t constantRegister(const Expr& e);

  TypeTable& types() { return *mb_.checked().types; }
  uint32_t typeOf(const Type* t) { return mb_.typeIndex(t); }

  // ---- Variables (a variable captured by a lambda lives in a cell) ----

  void moveIntoCell(VarSymbol* v);

  // A new cell register for a captured local, holding `value` (or zero).
  uint32_t newCellFor(VarSymbol* v, int64_t value);

  // `this` of the enclosing method, in a register.
  uint32_t self();

  void bindParam(VarSymbol* v);

  uint32_t declareLocal(VarSymbol* v);

  void bindLocal(VarSymbol* v, uint32_t r);

  // Ends the function. A void function may fall off its end; a non-void one was checked to
  // return on every path, but a branch may still target the end, so it gets a (dead) return of
  // a zero value to keep every path ending in a return.
  void finish(const Type* returnType);

  void compileFieldInitialisers(ClassSymbol* cls);

  // ---- Statements ----

  void block(const Stmt& s);

  void releaseBlockLocals(const Stmt& s);

  void scopedBlock(const Stmt& s);

  void statement(const Stmt& s);

  // Evaluates `e` for its effect alone.
  void effect(const Expr& e);

  // `when`: the subject into its variable, then each branch's tests in order. Used as a
  // value, the branch leaves its value in the result register.
  uint32_t whenExpr(const Expr& e, int64_t dst);

  void zero(uint32_t r, const Type* t);

  // ---- Exceptions ----

  uint32_t pc() { return uint32_t(fb_.out().code.size()); }

  void closeRange(int64_t& open, std::vector<std::pair<uint32_t, uint32_t>>& ranges);
  void pauseTry(TryContext& t);
  void resumeTry(TryContext& t);

  // Before leaving the try statements tries_[depth..] by return, break or continue: runs
  // their `finally` blocks, innermost first. Each block runs outside its own try (and the
  // inner ones), so what it throws goes to the enclosing handlers.
  void runFinallies(size_t depth);
  void resumeTries(size_t depth);

  const Type* errorType();

  void tryStatement(const Stmt& s);

  // An else-if chain is compiled in a loop: it can be long.
  void ifStatement(const Stmt& s);

  void whileStatement(const Stmt& s);

  // A call of a method without dispatch knowledge: virtual, or through an interface.
  void emitMethodCall(const FunSymbol* method, uint32_t dst, const std::vector<uint32_t>& args);

  void forStatement(const Stmt& s);

  void loop(const Stmt& s, Label& exit, Label& next);

  // ---- Conditions ----

  static bool isIntComparison(const Expr& e);

  // Jumps to `label` when `cond` evaluates to `when`; falls through otherwise.
  void condJump(const Expr& cond, bool when, Label& label);

  // ---- Expressions ----

  void move(uint32_t dst, uint32_t src);

  // Evaluates `e` as a value of type `as` (which differs from e.type only for `null`).
  uint32_t valueAs(const Expr& e, const Type* as, int64_t dst = -1);

  uint32_t target(const Expr& e, int64_t dst);

  // Evaluates `e`; the result is in `dst` if given, else in the returned register (which may
  // be a local's own register: do not write to it).
  uint32_t value(const Expr& e, int64_t dst = -1);

  uint32_t toStringOf(const Expr& inner, SourcePos pos, int64_t dst);

  uint32_t interpolation(const Expr& e, int64_t dst);

  uint32_t name(const Expr& e, int64_t dst);

  uint32_t member(const Expr& e, int64_t dst);

  Op arithmetic(Tok op, TypeTag operands);

  // Emits `r := a op b` where a and b have (after conversions) the same type `operand`.
  void emitArithmetic(Tok op, const Type* operand, uint32_t r, uint32_t a, uint32_t b);

  // A member chain with `?.` (`a?.b.c`): its value, or null (or, under `?:`, a jump to
  // `whenNull`) as soon as a `?.` meets null. A void chain (`a?.m()`) is run for its effect.
  uint32_t safeChain(const Expr& e, int64_t dst, Label* whenNull);

  // Where a `?.` whose receiver is in `reg` goes when it is null: the innermost chain's exit.
  void jumpIfNull(uint32_t reg, const Type* type);

  // `a ?: b`: a, unless it is null (or a `?.` in it met null); then b, evaluated only then.
  uint32_t elvis(const Expr& e, int64_t dst);
  std::vector<Label*> nullExits_; // of the `?.` chains being generated, innermost last

  // `a == b` with a user `equals`: a null `a` equals only a null `b`; otherwise a.equals(b).
  uint32_t equalsCall(const Expr& e, int64_t dst);

  uint32_t binary(const Expr& e, int64_t dst);

  // For `x op= v`: computes the new value from the current one in `current`.
  uint32_t compound(const Expr& e, uint32_t current, int64_t dst);

  void assign(const Expr& e);

  // Whether evaluating `e` into a register writes it before reading all of e's operands.
  static bool writesTargetEarly(const Expr& e);

  std::vector<uint32_t> arguments(const Expr& e, const std::vector<const Type*>& params,
                                  size_t first = 0);

  static std::vector<const Type*> paramTypes(const FunSymbol* fn);

  uint32_t resultRegister(const Expr& e, bool wantResult, int64_t dst);

  uint32_t call(const Expr& e, bool wantResult, int64_t dst = -1);
};

} // namespace nuri::codegen
