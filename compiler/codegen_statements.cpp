#include "compiler/codegen_internal.h"

namespace nuri::codegen {

void BodyCompiler::block(const Stmt& s) {
  for (auto& inner : s.body)
    statement(*inner);
}

void BodyCompiler::releaseBlockLocals(const Stmt& s) {
  for (auto& inner : s.body) {
    if (inner->kind == StmtKind::Var && inner->var) {
      auto it = regs_.find(inner->var);
      if (it != regs_.end()) fb_.releaseLocal(it->second);
    }
  }
}

void BodyCompiler::scopedBlock(const Stmt& s) {
  block(s);
  releaseBlockLocals(s);
}

void BodyCompiler::statement(const Stmt& s) {
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

void BodyCompiler::effect(const Expr& e) {
  if (e.kind == ExprKind::Assign)
    assign(e);
  else if (e.kind == ExprKind::Call)
    call(e, /*wantResult=*/false);
  else if (e.kind == ExprKind::SafeChain && e.type->tag == TypeTag::Void)
    safeChain(e, -1, nullptr); // `a?.m()` for its effect
  else
    value(e);
}

uint32_t BodyCompiler::whenExpr(const Expr& e, int64_t dst) {
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

void BodyCompiler::zero(uint32_t r, const Type* t) {
  switch (t->tag) {
  case TypeTag::Int: fb_.emit(Op::LOAD_INT, {r, 0}); break;
  case TypeTag::Float: fb_.emit(Op::LOAD_KFLOAT, {r, mb_.floatConstant(0.0)}); break;
  case TypeTag::Bool: fb_.emit(Op::LOAD_BOOL, {r, 0}); break;
  default: fb_.emit(Op::LOAD_NULL, {r}); break;
  }
}

void BodyCompiler::closeRange(int64_t& open, std::vector<std::pair<uint32_t, uint32_t>>& ranges) {
  if (open >= 0 && pc() > uint32_t(open)) ranges.push_back({uint32_t(open), pc()});
  open = -1;
}

void BodyCompiler::pauseTry(TryContext& t) {
  closeRange(t.bodyOpen, t.bodyRanges);
  closeRange(t.finallyOpen, t.finallyRanges);
}

void BodyCompiler::resumeTry(TryContext& t) {
  if (t.bodyActive) t.bodyOpen = pc();
  if (t.finallyActive) t.finallyOpen = pc();
}

void BodyCompiler::runFinallies(size_t depth) {
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

void BodyCompiler::resumeTries(size_t depth) {
  for (size_t k = depth; k < tries_.size(); k++)
    resumeTry(*tries_[k]);
}

const Type* BodyCompiler::errorType() {
  for (ClassSymbol* cls : mb_.checked().classes)
    if (cls->name == "Error" && cls->decl && cls->decl->isBuiltin) return cls->type;
  NURI_UNREACHABLE();
}

void BodyCompiler::tryStatement(const Stmt& s) {
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

void BodyCompiler::ifStatement(const Stmt& s) {
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

void BodyCompiler::whileStatement(const Stmt& s) {
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

void BodyCompiler::emitMethodCall(const FunSymbol* method, uint32_t dst,
                                  const std::vector<uint32_t>& args) {
  bool viaInterface = method->owner && method->owner->isInterface;
  fb_.emitCall(viaInterface ? Op::CALL_INTERFACE : Op::CALL_VIRTUAL, dst, method->vtableSlot, args);
}

void BodyCompiler::forStatement(const Stmt& s) {
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

void BodyCompiler::loop(const Stmt& s, Label& exit, Label& next) {
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

} // namespace nuri::codegen
