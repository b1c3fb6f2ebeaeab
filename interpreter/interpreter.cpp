#include "interpreter/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "classlib/format.h"
#include "classlib/natives.h"
#include "classlib/registry/prelude.h"
#include "interpreter/slow_paths.h"
#include "support/number_format.h"
#include "vm/bytecode/opcodes.h"
#include "vm/stack_trace.h"

namespace nuri {
namespace {

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// The compiled code to run `fn` from its start, when the JIT is on and has some (or makes it now).
inline const void* enterCompiled(IsolateState& I, CompilerTier* tier, const FunctionInfo* fn) {
  const void* code = tier->entries[fn->index].load(std::memory_order_acquire);
  return code ? code : tier->entryOnCall(I, fn);
}

// Runs the innermost frame until the activation's Entry frame returns (false: an error escaped,
// or the guest suspended). With kStep, runs the one instruction at the innermost frame's pc and
// returns (false: an error is pending): compiled code's way to share any instruction's slow path.
template <bool kStep> bool run(IsolateState& I, Slot* result);

} // namespace

bool callFunction(IsolateState& I, const FunctionInfo* fn, const Slot* args, uint32_t argc,
                  Slot* result) {
  Slot* base = I.stack.top;
  if (!base) return I.raiseStackOverflow();
  if (!I.stack.fits(base, fn) && !I.extendStack(base + fn->registerCount)) return false;
  for (uint32_t i = 0; i < fn->paramCount; i++)
    base[i] = i < argc ? args[i] : Slot{};
  I.stack.push(fn, base, 0, FrameKind::Entry);
  Slot ret{};
  bool ok = run<false>(I, &ret);
  if (ok && result) *result = ret;
  return ok;
}

bool resumeFunction(IsolateState& I, Slot* result) {
  Slot ret{};
  bool ok = run<false>(I, &ret);
  if (ok && result) *result = ret;
  return ok;
}

bool stepInstruction(IsolateState& I) { return run<true>(I, nullptr); }

namespace {

template <bool kStep> bool run(IsolateState& I, Slot* result) {
  const LinkedProgram& P = I.program;
  VmStack& S = I.stack;
  CallFrame* frame = &S.frames.back();
  const FunctionInfo* fn = frame->function;
  const uint32_t* pc = frame->pc;
  Slot* R = frame->registers;
  uint64_t count = I.instructions;
  uint64_t checkpoint = I.checkpoint; // changes only in checkLimits
  // Object headers hold type indices into this table, which is fixed once the program is linked.
  const RuntimeType* const* types = I.typeTable.data();
  CompilerTier* const tier = I.tier; // never used by a step
  const void* compiled;              // code that continues the innermost frame (runCompiled)
  Slot value;                        // the result of a frame that returned (returned)
  FrameKind kind;                    // how that frame was entered
  uint32_t dst;                      // its result register in the caller
  bool hasValue;                     // whether it returned a value

#define SAVE_STATE()                                                                               \
  do {                                                                                             \
    frame->pc = pc;                                                                                \
    I.instructions = count;                                                                        \
  } while (0)
// Whether entering `callee` at `newR` passes the stack's soft limits (see extendStack).
#define NEEDS_MORE_STACK() (!S.fits(newR, callee))
// After the innermost frame was popped: continue in the frame below, at its call.
#define RESUME_CALLER()                                                                            \
  do {                                                                                             \
    frame = &S.frames.back();                                                                      \
    fn = frame->function;                                                                          \
    R = frame->registers;                                                                          \
    pc = frame->pc;                                                                                \
  } while (0)
// After an operation that may have spent fuel for its work (IsolateState::nativeProgress).
#define AFTER_LONG_OPERATION() afterLongOperation(I, count, checkpoint)
// The instruction failed a check: its error is made by the slow path (slow_paths.h).
#define FAIL()                                                                                     \
  do {                                                                                             \
    SAVE_STATE();                                                                                  \
    raiseInstructionError(I);                                                                      \
    goto exception;                                                                                \
  } while (0)
// After an instruction that may have handled many bytes (see IsolateState::work): the limits
// are checked at the next call or backward branch.
#define AFTER_WORK()                                                                               \
  do {                                                                                             \
    if (UNLIKELY(I.workDueCheck())) checkpoint = count;                                            \
  } while (0)
// At a suspension point (a call or a backward branch): checks the limits, and may suspend.
#define CHECK_LIMITS()                                                                             \
  do {                                                                                             \
    if (UNLIKELY(count >= checkpoint)) {                                                           \
      SAVE_STATE();                                                                                \
      I.suspendHold = false; /* a resumed guest has made progress */                               \
      if (!I.checkLimits(count, CheckSite::SuspensionPoint)) goto exception;                       \
      checkpoint = I.checkpoint;                                                                   \
    }                                                                                              \
  } while (0)

#if NURI_COMPUTED_GOTO
  static const void* const kLabels[] = {
#define OP(name, flags, a, b, c, d) &&L_##name,
#include "vm/bytecode/opcodes.def"
#undef OP
  };
#define CASE(name) L_##name:
#define DISPATCH_NEXT() goto* kLabels[*pc]
#else
#define CASE(name) case Opcode::name:
#define DISPATCH_NEXT() goto dispatch
#endif
// A step ends after its one instruction.
#define DISPATCH()                                                                                 \
  do {                                                                                             \
    if constexpr (kStep) goto stepDone;                                                            \
    DISPATCH_NEXT();                                                                               \
  } while (0)
#define NEXT(n)                                                                                    \
  do {                                                                                             \
    pc += (n);                                                                                     \
    ++count;                                                                                       \
    DISPATCH();                                                                                    \
  } while (0)
#define BRANCH(offset)                                                                             \
  do {                                                                                             \
    int32_t off_ = int32_t(offset);                                                                \
    pc += off_;                                                                                    \
    ++count;                                                                                       \
    if (off_ <= 0) { /* a branch to itself loops too */                                            \
      CHECK_LIMITS();                                                                              \
      if constexpr (!kStep) {                                                                      \
        if (UNLIKELY(tier) && (compiled = tier->entryOnLoop(I, fn, pc))) goto runCompiled;         \
      }                                                                                            \
    }                                                                                              \
    DISPATCH();                                                                                    \
  } while (0)

// An instruction whose result is a new string (null when allocation failed).
#define STRING_RESULT(expr, length)                                                                \
  do {                                                                                             \
    SAVE_STATE();                                                                                  \
    StringObject* result_ = (expr);                                                                \
    AFTER_LONG_OPERATION();                                                                        \
    if (!result_) goto exception;                                                                  \
    R[A].p = result_;                                                                              \
    NEXT(length);                                                                                  \
  } while (0)

#define A pc[1]
#define B pc[2]
#define C pc[3]
#define INT_BINOP(name, expr)                                                                      \
  CASE(name) {                                                                                     \
    int64_t x = R[B].i, y = R[C].i;                                                                \
    R[A].i = (expr);                                                                               \
    NEXT(4);                                                                                       \
  }
#define FLOAT_BINOP(name, expr)                                                                    \
  CASE(name) {                                                                                     \
    double x = R[B].f, y = R[C].f;                                                                 \
    R[A].f = (expr);                                                                               \
    NEXT(4);                                                                                       \
  }
#define COMPARE(name, field, op)                                                                   \
  CASE(name) {                                                                                     \
    R[A].i = R[B].field op R[C].field;                                                             \
    NEXT(4);                                                                                       \
  }
#define JUMP_IF_INT(name, op)                                                                      \
  CASE(name) {                                                                                     \
    if (R[A].i op R[B].i) BRANCH(C);                                                               \
    NEXT(4);                                                                                       \
  }

  // Where the activation starts or resumes: the first instruction of its function, or where a
  // suspended guest stopped (which does not count as progress for IsolateState::suspendHold).
  if constexpr (!kStep) {
    if (UNLIKELY(count >= checkpoint)) {
      SAVE_STATE();
      if (!I.checkLimits(count, CheckSite::SuspensionPoint)) goto exception;
      checkpoint = I.checkpoint;
    }
    if (UNLIKELY(tier) && pc == fn->code && (compiled = enterCompiled(I, tier, fn))) {
      goto runCompiled;
    }
  }
#if NURI_COMPUTED_GOTO
  DISPATCH_NEXT();
#else
dispatch:
  switch (Opcode(*pc)) {
#endif

  CASE(NOP) NEXT(1);
  CASE(MOVE) {
    R[A] = R[B];
    NEXT(3);
  }
  CASE(LOAD_INT) {
    R[A].i = int32_t(B);
    NEXT(3);
  }
  CASE(LOAD_KINT) {
    R[A].i = P.module->ints[B];
    NEXT(3);
  }
  CASE(LOAD_KFLOAT) {
    R[A].f = P.module->floats[B];
    NEXT(3);
  }
  CASE(LOAD_KSTR) {
    R[A].p = P.stringConstants[B];
    NEXT(3);
  }
  CASE(LOAD_BOOL) {
    R[A].i = B != 0;
    NEXT(3);
  }
  CASE(LOAD_NULL) {
    R[A].p = nullptr;
    NEXT(2);
  }
  CASE(GET_GLOBAL) {
    R[A] = P.globals[B];
    NEXT(3);
  }
  CASE(SET_GLOBAL) {
    P.globals[A] = R[B];
    NEXT(3);
  }

  INT_BINOP(ADD_INT, int64_t(uint64_t(x) + uint64_t(y)))
  INT_BINOP(SUB_INT, int64_t(uint64_t(x) - uint64_t(y)))
  INT_BINOP(MUL_INT, int64_t(uint64_t(x) * uint64_t(y)))
  CASE(DIV_INT) {
    int64_t x = R[B].i, y = R[C].i;
    if (UNLIKELY(y == 0)) FAIL();
    R[A].i = y == -1 ? int64_t(0 - uint64_t(x)) : quotient(x, y);
    NEXT(4);
  }
  CASE(MOD_INT) {
    int64_t x = R[B].i, y = R[C].i;
    if (UNLIKELY(y == 0)) FAIL();
    R[A].i = y == -1 ? 0 : remainder(x, y);
    NEXT(4);
  }
  INT_BINOP(AND_INT, x & y)
  INT_BINOP(OR_INT, x | y)
  INT_BINOP(XOR_INT, x ^ y)
  INT_BINOP(SHL_INT, int64_t(uint64_t(x) << (y & 63)))
  INT_BINOP(SHR_INT, x >> (y & 63))
  INT_BINOP(USHR_INT, int64_t(uint64_t(x) >> (y & 63)))
  CASE(ADD_INT_IMM) {
    R[A].i = int64_t(uint64_t(R[B].i) + uint64_t(int64_t(int32_t(C))));
    NEXT(4);
  }
  CASE(MUL_INT_IMM) {
    R[A].i = int64_t(uint64_t(R[B].i) * uint64_t(int64_t(int32_t(C))));
    NEXT(4);
  }
  CASE(DIV_INT_IMM) {
    int64_t y = int32_t(C);
    if (UNLIKELY(y == 0 || y == -1)) {
      if (y == 0) FAIL();
      R[A].i = int64_t(0 - uint64_t(R[B].i));
    } else {
      R[A].i = quotient(R[B].i, y);
    }
    NEXT(4);
  }
  CASE(MOD_INT_IMM) {
    int64_t y = int32_t(C);
    if (UNLIKELY(y == 0 || y == -1)) {
      if (y == 0) FAIL();
      R[A].i = 0;
    } else {
      R[A].i = remainder(R[B].i, y);
    }
    NEXT(4);
  }
  CASE(NEG_INT) {
    R[A].i = int64_t(0 - uint64_t(R[B].i));
    NEXT(3);
  }
  CASE(NOT_INT) {
    R[A].i = ~R[B].i;
    NEXT(3);
  }

  FLOAT_BINOP(ADD_FLOAT, x + y)
  FLOAT_BINOP(SUB_FLOAT, x - y)
  FLOAT_BINOP(MUL_FLOAT, x * y)
  FLOAT_BINOP(DIV_FLOAT, x / y)
  FLOAT_BINOP(MOD_FLOAT, std::fmod(x, y))
  CASE(NEG_FLOAT) {
    R[A].f = -R[B].f;
    NEXT(3);
  }
  CASE(INT_TO_FLOAT) {
    R[A].f = double(R[B].i);
    NEXT(3);
  }

  COMPARE(EQ_INT, i, ==)
  COMPARE(NE_INT, i, !=)
  COMPARE(LT_INT, i, <)
  COMPARE(LE_INT, i, <=)
  COMPARE(EQ_FLOAT, f, ==)
  COMPARE(NE_FLOAT, f, !=)
  COMPARE(LT_FLOAT, f, <)
  COMPARE(LE_FLOAT, f, <=)
  COMPARE(EQ_BOOL, i, ==)
  COMPARE(NE_BOOL, i, !=)
  COMPARE(EQ_REF, p, ==)
  COMPARE(NE_REF, p, !=)
  CASE(NOT_BOOL) {
    R[A].i = !R[B].i;
    NEXT(3);
  }
  CASE(EQ_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    R[A].i = stringsEqualCharged(I, x, y);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(NE_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    R[A].i = !stringsEqualCharged(I, x, y);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(LT_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    if (UNLIKELY(!x || !y)) FAIL();
    R[A].i = compareStrings(x, y) < 0;
    I.chargeWork(x->byteLength);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(LE_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    if (UNLIKELY(!x || !y)) FAIL();
    R[A].i = compareStrings(x, y) <= 0;
    I.chargeWork(x->byteLength);
    AFTER_WORK();
    NEXT(4);
  }

  CASE(JMP) BRANCH(A);
  CASE(JMP_IF) {
    if (R[A].i) BRANCH(B);
    NEXT(3);
  }
  CASE(JMP_IF_NOT) {
    if (!R[A].i) BRANCH(B);
    NEXT(3);
  }
  JUMP_IF_INT(JLT_INT, <)
  JUMP_IF_INT(JLE_INT, <=)
  JUMP_IF_INT(JGE_INT, >=)
  JUMP_IF_INT(JGT_INT, >)
  JUMP_IF_INT(JEQ_INT, ==)
  JUMP_IF_INT(JNE_INT, !=)
  CASE(LOOP_INT) {
    int64_t next = int64_t(uint64_t(R[A].i) + 1);
    R[A].i = next;
    if (next < R[B].i) BRANCH(C);
    NEXT(4);
  }

  CASE(CONCAT)
  STRING_RESULT(
      concatStrings(I, static_cast<StringObject*>(R[B].p), static_cast<StringObject*>(R[C].p)), 4);
  CASE(TO_STR_INT) STRING_RESULT(I.newString(formatInt(R[B].i)), 3);
  CASE(TO_STR_FLOAT) STRING_RESULT(I.newString(formatFloat(R[B].f)), 3);
  CASE(TO_STR_BOOL) STRING_RESULT(I.newString(R[B].i ? "true" : "false"), 3);

  CASE(NEW_OBJECT) {
    SAVE_STATE();
    InstanceObject* o = I.newInstance(P.types[B]->cls);
    if (!o) goto exception;
    R[A].p = o;
    NEXT(3);
  }
  CASE(GET_FIELD) {
    auto* o = static_cast<InstanceObject*>(R[B].p);
    if (UNLIKELY(!o)) FAIL();
    R[A] = o->fields[C];
    NEXT(4);
  }
  CASE(SET_FIELD) {
    auto* o = static_cast<InstanceObject*>(R[A].p);
    if (UNLIKELY(!o)) FAIL();
    o->fields[B] = R[C];
    NEXT(4);
  }
  CASE(NEW_ARRAY) {
    SAVE_STATE();
    ArrayObject* a = I.newArray(fn->registerTypes[A], R[B].i);
    AFTER_LONG_OPERATION();
    if (!a) goto exception;
    R[A].p = a;
    NEXT(3);
  }
  CASE(NEW_ARRAY_MULTI) {
    SAVE_STATE();
    bool ok = newArrayMulti(I);
    AFTER_LONG_OPERATION();
    if (!ok) goto exception;
    NEXT(3 + B);
  }
  CASE(ARRAY_GET) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    int64_t i = R[C].i;
    if (UNLIKELY(!a || uint64_t(i) >= uint64_t(a->length))) FAIL();
    R[A] = a->elements[i];
    NEXT(4);
  }
  CASE(ARRAY_SET) {
    auto* a = static_cast<ArrayObject*>(R[A].p);
    int64_t i = R[B].i;
    if (UNLIKELY(!a || uint64_t(i) >= uint64_t(a->length))) FAIL();
    a->elements[i] = R[C];
    NEXT(4);
  }
  CASE(ARRAY_LEN) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    if (UNLIKELY(!a)) FAIL();
    R[A].i = a->length;
    NEXT(3);
  }
  CASE(NEW_CELL) {
    SAVE_STATE();
    CellObject* cell = I.newCell(fn->registerTypes[A]);
    if (!cell) goto exception;
    R[A].p = cell;
    NEXT(2);
  }
  CASE(CELL_GET) {
    auto* cell = static_cast<CellObject*>(R[B].p);
    if (UNLIKELY(!cell)) FAIL();
    R[A] = cell->value;
    NEXT(3);
  }
  CASE(CELL_SET) {
    auto* cell = static_cast<CellObject*>(R[A].p);
    if (UNLIKELY(!cell)) FAIL();
    cell->value = R[B];
    NEXT(3);
  }
  CASE(NEW_CLOSURE) {
    SAVE_STATE();
    uint32_t cells = C;
    ClosureObject* closure = I.newClosure(fn->registerTypes[A], &P.functions[B], cells);
    if (!closure) goto exception;
    for (uint32_t i = 0; i < cells; i++)
      closure->cells[i] = static_cast<CellObject*>(R[pc[4 + i]].p);
    R[A].p = closure;
    NEXT(4 + cells);
  }
  CASE(INSTANCE_OF) {
    void* object = R[B].p;
    R[A].i = object && isInstance(types[typeIndexOf(object)], P.types[C].get());
    NEXT(4);
  }
  CASE(CAST) {
    void* object = R[B].p;
    if (object && UNLIKELY(!isInstance(types[typeIndexOf(object)], P.types[C].get()))) FAIL();
    R[A].p = object;
    NEXT(4);
  }
  CASE(ARRAY_COPY) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    if (UNLIKELY(!a)) FAIL();
    SAVE_STATE();
    ArrayObject* copy = copyArray(I, a);
    AFTER_LONG_OPERATION();
    if (!copy) goto exception;
    R[A].p = copy;
    NEXT(3);
  }

  {
    const FunctionInfo* callee;
    Slot* newR;
    FrameKind kind;
    CASE(TO_STR_REF) {
      // An object's `toString` runs as an ordinary call; other values become text here.
      void* object = R[B].p;
      if (object && types[typeIndexOf(object)]->kind == TypeKind::Class) {
        callee = types[typeIndexOf(object)]->cls->toStringMethod;
        if (callee) {
          newR = R + fn->registerCount;
          kind = FrameKind::Text;
          if (UNLIKELY(NEEDS_MORE_STACK())) goto extendStack;
          newR[0].p = object;
          goto enter;
        }
      }
      SAVE_STATE();
      bool ok = valueToString(I);
      AFTER_LONG_OPERATION();
      if (!ok) goto exception;
      NEXT(3);
    }
    CASE(CALL)
    callee = &P.functions[B];
    goto call;
    CASE(CALL_VIRTUAL) {
      auto* receiver = static_cast<InstanceObject*>(R[pc[4]].p);
      if (UNLIKELY(!receiver)) FAIL();
      callee = types[receiver->header.typeIndex]->vtable[B];
      goto call;
    }
    CASE(CALL_INTERFACE) {
      auto* receiver = static_cast<InstanceObject*>(R[pc[4]].p);
      const ClassInfo* iface = fn->registerTypes[pc[4]]->cls;
      if (UNLIKELY(!receiver)) FAIL();
      callee = types[receiver->header.typeIndex]->cls->interfaceTable(iface)->methods[B];
      goto call;
    }
  call : {
    uint32_t argc = C;
    newR = R + fn->registerCount;
    kind = FrameKind::Call;
    if (UNLIKELY(NEEDS_MORE_STACK())) goto extendStack;
    const uint32_t* args = pc + 4;
    for (uint32_t i = 0; i < argc; i++)
      newR[i] = R[args[i]];
    goto enter;
  }
  extendStack:
    // Past the soft limits of the stack: a stack overflow, the heap limit, or room to go on.
    SAVE_STATE();
    if (!I.extendStack(newR + callee->registerCount)) goto exception;
    DISPATCH_NEXT(); // runs the call again (a step too)
    CASE(CALL_CLOSURE) {
      auto* closure = static_cast<ClosureObject*>(R[B].p);
      if (UNLIKELY(!closure)) FAIL();
      callee = closure->function;
      newR = R + fn->registerCount;
      kind = FrameKind::Call;
      if (UNLIKELY(NEEDS_MORE_STACK())) goto extendStack;
      // The callee's first registers are the captured cells, then the arguments.
      uint32_t cells = uint32_t(closure->cellCount);
      for (uint32_t i = 0; i < cells; i++)
        newR[i].p = closure->cells[i];
      uint32_t argc = C;
      for (uint32_t i = 0; i < argc; i++)
        newR[cells + i] = R[pc[4 + i]];
      goto enter;
    }
  enter : {
    frame->pc = pc;
    frame = S.push(callee, newR, A, kind);
    fn = callee;
    R = newR;
    pc = callee->code;
    ++count;
    CHECK_LIMITS();
    if constexpr (!kStep) {
      if (UNLIKELY(tier) && (compiled = enterCompiled(I, tier, fn))) goto runCompiled;
    }
    DISPATCH();
  }
  }
  CASE(CALL_NATIVE) {
    uint32_t argc = C;
    SAVE_STATE();
    bool ok = callNative(I);
    AFTER_LONG_OPERATION();
    if (!ok) goto exception;
    NEXT(4 + argc);
  }
  CASE(RETURN) {
    value = R[A];
    kind = frame->kind;
    dst = frame->resultRegister;
    S.pop();
    ++count;
    if (LIKELY(kind == FrameKind::Call)) { // the common case, without the others' tests
      RESUME_CALLER();
      R[dst] = value;
      pc = returnPoint(pc, FrameKind::Call);
      DISPATCH();
    }
    hasValue = true;
    goto returned;
  }
  CASE(THROW) {
    auto* error = static_cast<InstanceObject*>(R[A].p);
    if (UNLIKELY(!error)) FAIL();
    I.throwObject(error);
    goto exception;
  }
  CASE(RETURN_VOID) {
    // Never the end of a toString (which returns a string): a Call or an Entry frame.
    value.bits = 0;
    hasValue = false;
    goto leave;
  }
leave:
  kind = frame->kind;
  dst = frame->resultRegister;
  S.pop();
  ++count;
returned:
  __attribute__((unused));
  // The innermost frame has returned `value`: continue its caller, or end the activation.
  if (UNLIKELY(kind == FrameKind::Entry)) {
    I.instructions = count;
    if (result) *result = value;
    return true;
  }
  RESUME_CALLER();
  // The end of a toString called by TO_STR_REF: null reads as "null".
  if (UNLIKELY(kind == FrameKind::Text) && !value.p) value.p = I.nullText();
  if (hasValue) R[dst] = value;
  pc = returnPoint(pc, kind);
  DISPATCH();

runCompiled:
  __attribute__((unused));
  // The innermost frame continues in compiled code, from its start or a loop header, until it
  // returns or compiled code stops (vm/tier.h).
  if constexpr (!kStep) {
    kind = frame->kind;
    dst = frame->resultRegister;
    hasValue = fn->returnType->kind != TypeKind::Void;
    SAVE_STATE();
    TierResult outcome = tier->run(I, compiled);
    count = I.instructions;
    checkpoint = I.checkpoint;
    if (outcome.status != kTierStopped) {
      value.bits = outcome.value;
      goto returned;
    }
    RESUME_CALLER();
    if (I.pending) goto exception;
  }
  DISPATCH();

#if !NURI_COMPUTED_GOTO
}
#endif

exception : SAVE_STATE();
if constexpr (kStep) {
  I.checkpoint = checkpoint; // lowered by AFTER_WORK when a check is due, as at stepDone
  return false;
}
if (handlePending(I) != PendingOutcome::Caught) return false;
frame = &S.frames.back();
fn = frame->function;
R = frame->registers;
pc = frame->pc;
DISPATCH();

stepDone : __attribute__((unused));
SAVE_STATE();
I.checkpoint = checkpoint; // lowered by AFTER_WORK when a check is due
return true;
}

} // namespace
} // namespace nuri
