#include "compiler/codegen_internal.h"

namespace nuri::codegen {

bool BodyCompiler::isIntComparison(const Expr& e) {
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

void BodyCompiler::condJump(const Expr& cond, bool when, Label& label) {
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

void BodyCompiler::move(uint32_t dst, uint32_t src) {
  if (dst != src) fb_.emit(Op::MOVE, {dst, src});
}

uint32_t BodyCompiler::valueAs(const Expr& e, const Type* as, int64_t dst) {
  if (e.type->tag == TypeTag::Null) {
    uint32_t r = dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(as ? as : types().string()));
    fb_.setLine(e.pos.line);
    fb_.emit(Op::LOAD_NULL, {r});
    return r;
  }
  return value(e, dst);
}

uint32_t BodyCompiler::target(const Expr& e, int64_t dst) {
  return dst >= 0 ? uint32_t(dst) : fb_.temp(typeOf(e.type));
}

uint32_t BodyCompiler::value(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::toStringOf(const Expr& inner, SourcePos pos, int64_t dst) {
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

uint32_t BodyCompiler::interpolation(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::name(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::member(const Expr& e, int64_t dst) {
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

Op BodyCompiler::arithmetic(Tok op, TypeTag operands) {
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

void BodyCompiler::emitArithmetic(Tok op, const Type* operand, uint32_t r, uint32_t a, uint32_t b) {
  fb_.emit(arithmetic(op, operand->tag), {r, a, b});
}

uint32_t BodyCompiler::safeChain(const Expr& e, int64_t dst, Label* whenNull) {
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

void BodyCompiler::jumpIfNull(uint32_t reg, const Type* type) {
  uint32_t null = fb_.temp(typeOf(type));
  fb_.emit(Op::LOAD_NULL, {null});
  uint32_t isNull = fb_.temp(typeOf(types().boolType()));
  fb_.emit(Op::EQ_REF, {isNull, reg, null});
  fb_.emitJump(Op::JMP_IF, {isNull}, *nullExits_.back());
}

uint32_t BodyCompiler::elvis(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::equalsCall(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::binary(const Expr& e, int64_t dst) {
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

uint32_t BodyCompiler::compound(const Expr& e, uint32_t current, int64_t dst) {
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

void BodyCompiler::assign(const Expr& e) {
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

bool BodyCompiler::writesTargetEarly(const Expr& e) {
  return e.kind == ExprKind::Interpolation || e.kind == ExprKind::Logical ||
         e.kind == ExprKind::ArrayLit;
}

std::vector<uint32_t> BodyCompiler::arguments(const Expr& e, const std::vector<const Type*>& params,
                                              size_t first) {
  std::vector<uint32_t> regs;
  for (size_t i = first; i < e.args.size(); i++) {
    const Type* as = i - first < params.size() ? params[i - first] : e.args[i]->type;
    regs.push_back(valueAs(*e.args[i], as));
    // `a?.m(x)`: the receiver is the first argument; x is not evaluated when it is null.
    if (e.safe && i == 0) jumpIfNull(regs.back(), e.args[0]->type);
  }
  return regs;
}

std::vector<const Type*> BodyCompiler::paramTypes(const FunSymbol* fn) {
  std::vector<const Type*> out;
  for (VarSymbol* p : fn->params)
    out.push_back(p->type);
  return out;
}

uint32_t BodyCompiler::resultRegister(const Expr& e, bool wantResult, int64_t dst) {
  if (e.type->tag == TypeTag::Void) return 0;
  if (dst >= 0) return uint32_t(dst);
  return fb_.temp(typeOf(e.type));
}

uint32_t BodyCompiler::call(const Expr& e, bool wantResult, int64_t dst) {
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

} // namespace nuri::codegen
