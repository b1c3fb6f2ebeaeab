#include "interpreter/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "classlib/format.h"
#include "classlib/natives.h"
#include "classlib/registry/prelude.h"
#include "support/number_format.h"
#include "vm/bytecode/opcodes.h"
#include "vm/stack_trace.h"

namespace nuri {
namespace {

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// The size in bytes of a string, array or StringBuilder (what a native may scan or copy).
uint64_t objectBytes(const IsolateState& I, const void* object) {
  switch (I.kindOf(object)) {
  case TypeKind::String: return static_cast<const StringObject*>(object)->byteLength;
  case TypeKind::Array:
    return uint64_t(static_cast<const ArrayObject*>(object)->length) * sizeof(Slot);
  case TypeKind::StringBuilder: return static_cast<const StringBuilderObject*>(object)->length;
  default: return 0;
  }
}

// Integer division for y other than 0 and -1. A 64-bit divide takes several times as long as a
// 32-bit one on common x86 cores, and most operands fit in 32 bits.
inline bool fitsInt32(int64_t v) { return int64_t(int32_t(v)) == v; }
inline int64_t quotient(int64_t x, int64_t y) {
  return fitsInt32(x) && fitsInt32(y) ? int32_t(x) / int32_t(y) : x / y;
}
inline int64_t remainder(int64_t x, int64_t y) {
  return fitsInt32(x) && fitsInt32(y) ? int32_t(x) % int32_t(y) : x % y;
}

// Records the stack trace of the pending error from the frames on the stack. An error object
// thrown again keeps the trace of where it was first thrown, stored in its `trace` field when
// it was first caught: that text is read only if the error ends the activation (takeError), so
// throwing an error with a long trace again and again costs no more than throwing it once.
void captureTrace(IsolateState& I) {
  if (!I.pending || I.pending->traced || I.pending->exit) return;
  I.pending->traced = true;
  if (InstanceObject* error = I.pendingObject()) {
    auto* stored = static_cast<const StringObject*>(error->fields[1].p);
    if (stored && stored->byteLength) return;
  }
  I.pending->trace = stackTrace(I);
}

// Stores the pending trace in the error object being caught, for `e.stackTrace()`.
void recordTrace(IsolateState& I, InstanceObject* error) {
  if (error->fields[1].p) return;
  std::string text;
  for (const std::string& line : I.pending->trace)
    text += (text.empty() ? "" : "\n") + line;
  error->fields[1].p = I.newString(text); // stays null over the heap limit: an empty trace
}

std::string methodName(const FunctionInfo* f) {
  size_t dot = f->name.rfind('.');
  return dot == std::string::npos ? f->name : f->name.substr(dot + 1);
}

int compareStrings(const StringObject* a, const StringObject* b) {
  size_t n = std::min(a->byteLength, b->byteLength);
  int c = std::memcmp(a->bytes, b->bytes, n); // UTF-8 byte order is code-point order
  if (c != 0) return c;
  return a->byteLength < b->byteLength ? -1 : a->byteLength > b->byteLength ? 1 : 0;
}

bool stringsEqual(const StringObject* a, const StringObject* b) {
  if (a == b) return true;
  if (!a || !b || a->byteLength != b->byteLength) return false;
  return std::memcmp(a->bytes, b->bytes, a->byteLength) == 0;
}

// Builds nested arrays for `new T[d0][d1]...`.
ArrayObject* newMultiArray(IsolateState& I, const RuntimeType* type, const Slot* R,
                           const uint32_t* dims, uint32_t count) {
  int64_t length = R[dims[0]].i;
  ArrayObject* a = I.newArray(type, length);
  if (!a || count == 1) return a;
  TemporaryRoot root(I, &a); // filled as its elements are made
  for (int64_t i = 0; i < length; i++) {
    ArrayObject* inner = newMultiArray(I, type->element, R, dims + 1, count - 1);
    if (!inner || !I.nativeProgress(sizeof(ArrayObject) + sizeof(Slot))) return nullptr;
    a->elements[i].p = inner;
  }
  return a;
}

// A shallow copy of `a`, made in steps so that limits can stop a huge one.
ArrayObject* copyArray(IsolateState& I, const ArrayObject* a) {
  ArrayObject* copy = I.newArray(I.typeOf(a), a->length);
  if (!copy || !I.copyInSteps(copy->elements, a->elements, size_t(a->length) * sizeof(Slot))) {
    return nullptr;
  }
  return copy;
}

bool run(IsolateState& I, Slot* result);

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
  bool ok = run(I, &ret);
  if (ok && result) *result = ret;
  return ok;
}

bool resumeFunction(IsolateState& I, Slot* result) {
  Slot ret{};
  bool ok = run(I, &ret);
  if (ok && result) *result = ret;
  return ok;
}

namespace {

bool run(IsolateState& I, Slot* result) {
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
#define RESTORE_COUNT() (count = I.instructions)
// After an operation that may have spent fuel for its work (IsolateState::nativeProgress).
#define AFTER_LONG_OPERATION()                                                                     \
  do {                                                                                             \
    RESTORE_COUNT();                                                                               \
    checkpoint = I.checkpoint;                                                                     \
    AFTER_WORK();                                                                                  \
  } while (0)
#define THROW(cls, msg)                                                                            \
  do {                                                                                             \
    I.raise(cls, msg);                                                                             \
    goto exception;                                                                                \
  } while (0)
// After an instruction that may have handled many bytes (see IsolateState::work): the limits
// are checked at the next call or backward branch.
#define AFTER_WORK()                                                                               \
  do {                                                                                             \
    if (UNLIKELY(I.work >= IsolateState::kWorkBetweenChecks)) checkpoint = count;                  \
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
#define DISPATCH() goto* kLabels[*pc]
#else
#define CASE(name) case Opcode::name:
#define DISPATCH() goto dispatch
#endif
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
    if (off_ <= 0) CHECK_LIMITS(); /* a branch to itself loops too */                              \
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
  if (UNLIKELY(count >= checkpoint)) {
    SAVE_STATE();
    if (!I.checkLimits(count, CheckSite::SuspensionPoint)) goto exception;
    checkpoint = I.checkpoint;
  }
#if NURI_COMPUTED_GOTO
  DISPATCH();
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
    if (UNLIKELY(y == 0)) THROW(ErrorClass::ArithmeticError, "division by zero");
    R[A].i = y == -1 ? int64_t(0 - uint64_t(x)) : quotient(x, y);
    NEXT(4);
  }
  CASE(MOD_INT) {
    int64_t x = R[B].i, y = R[C].i;
    if (UNLIKELY(y == 0)) THROW(ErrorClass::ArithmeticError, "division by zero");
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
      if (y == 0) THROW(ErrorClass::ArithmeticError, "division by zero");
      R[A].i = int64_t(0 - uint64_t(R[B].i));
    } else {
      R[A].i = quotient(R[B].i, y);
    }
    NEXT(4);
  }
  CASE(MOD_INT_IMM) {
    int64_t y = int32_t(C);
    if (UNLIKELY(y == 0 || y == -1)) {
      if (y == 0) THROW(ErrorClass::ArithmeticError, "division by zero");
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
    R[A].i = stringsEqual(x, y);
    if (x) I.chargeWork(x->byteLength);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(NE_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    R[A].i = !stringsEqual(x, y);
    if (x) I.chargeWork(x->byteLength);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(LT_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    if (UNLIKELY(!x || !y)) THROW(ErrorClass::NullError, "cannot compare null strings");
    R[A].i = compareStrings(x, y) < 0;
    I.chargeWork(x->byteLength);
    AFTER_WORK();
    NEXT(4);
  }
  CASE(LE_STR) {
    auto *x = static_cast<StringObject*>(R[B].p), *y = static_cast<StringObject*>(R[C].p);
    if (UNLIKELY(!x || !y)) THROW(ErrorClass::NullError, "cannot compare null strings");
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
    if (UNLIKELY(!o)) {
      THROW(ErrorClass::NullError,
            "cannot read field `" + fn->registerTypes[B]->cls->fields[C].name + "` of null");
    }
    R[A] = o->fields[C];
    NEXT(4);
  }
  CASE(SET_FIELD) {
    auto* o = static_cast<InstanceObject*>(R[A].p);
    if (UNLIKELY(!o)) {
      THROW(ErrorClass::NullError,
            "cannot write field `" + fn->registerTypes[A]->cls->fields[B].name + "` of null");
    }
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
    uint32_t dims = B;
    for (uint32_t i = 0; i < dims; i++) {
      if (R[pc[3 + i]].i < 0) {
        THROW(ErrorClass::ValueError, "negative array length " + std::to_string(R[pc[3 + i]].i));
      }
    }
    ArrayObject* a = newMultiArray(I, fn->registerTypes[A], R, pc + 3, dims);
    AFTER_LONG_OPERATION();
    if (!a) goto exception;
    R[A].p = a;
    NEXT(3 + dims);
  }
  CASE(ARRAY_GET) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    int64_t i = R[C].i;
    if (UNLIKELY(!a)) THROW(ErrorClass::NullError, "cannot index null");
    if (UNLIKELY(uint64_t(i) >= uint64_t(a->length))) {
      THROW(ErrorClass::IndexError, "index " + std::to_string(i) + " out of bounds for length " +
                                        std::to_string(a->length));
    }
    R[A] = a->elements[i];
    NEXT(4);
  }
  CASE(ARRAY_SET) {
    auto* a = static_cast<ArrayObject*>(R[A].p);
    int64_t i = R[B].i;
    if (UNLIKELY(!a)) THROW(ErrorClass::NullError, "cannot index null");
    if (UNLIKELY(uint64_t(i) >= uint64_t(a->length))) {
      THROW(ErrorClass::IndexError, "index " + std::to_string(i) + " out of bounds for length " +
                                        std::to_string(a->length));
    }
    a->elements[i] = R[C];
    NEXT(4);
  }
  CASE(ARRAY_LEN) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    if (UNLIKELY(!a)) THROW(ErrorClass::NullError, "cannot read `length` of null");
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
    if (UNLIKELY(!cell)) THROW(ErrorClass::NullError, "a captured variable is not initialised");
    R[A] = cell->value;
    NEXT(3);
  }
  CASE(CELL_SET) {
    auto* cell = static_cast<CellObject*>(R[A].p);
    if (UNLIKELY(!cell)) THROW(ErrorClass::NullError, "a captured variable is not initialised");
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
    if (object && UNLIKELY(!isInstance(types[typeIndexOf(object)], P.types[C].get()))) {
      THROW(ErrorClass::CastError,
            "cannot cast " + types[typeIndexOf(object)]->name + " to " + P.types[C]->name);
    }
    R[A].p = object;
    NEXT(4);
  }
  CASE(ARRAY_COPY) {
    auto* a = static_cast<ArrayObject*>(R[B].p);
    if (UNLIKELY(!a)) THROW(ErrorClass::NullError, "cannot call method `copy` on null");
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
      StringObject* s = toStringObject(I, object);
      AFTER_LONG_OPERATION();
      if (!s) goto exception;
      R[A].p = s;
      NEXT(3);
    }
    CASE(CALL)
    callee = &P.functions[B];
    goto call;
    CASE(CALL_VIRTUAL) {
      auto* receiver = static_cast<InstanceObject*>(R[pc[4]].p);
      if (UNLIKELY(!receiver)) {
        const FunctionInfo* target = fn->registerTypes[pc[4]]->cls->vtable[B];
        THROW(ErrorClass::NullError, "cannot call method `" + methodName(target) + "` on null");
      }
      callee = types[receiver->header.typeIndex]->vtable[B];
      goto call;
    }
    CASE(CALL_INTERFACE) {
      auto* receiver = static_cast<InstanceObject*>(R[pc[4]].p);
      const ClassInfo* iface = fn->registerTypes[pc[4]]->cls;
      if (UNLIKELY(!receiver)) {
        THROW(ErrorClass::NullError,
              "cannot call method `" + methodName(iface->vtable[B]) + "` on null");
      }
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
    DISPATCH(); // runs the call again
    CASE(CALL_CLOSURE) {
      auto* closure = static_cast<ClosureObject*>(R[B].p);
      if (UNLIKELY(!closure)) THROW(ErrorClass::NullError, "cannot call a null function");
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
    DISPATCH();
  }
  }
  CASE(CALL_NATIVE) {
    uint32_t argc = C;
    Slot args[8];
    for (uint32_t i = 0; i < argc && i < 8; i++)
      args[i] = R[pc[4 + i]];
    SAVE_STATE();
    const LinkedNative& native = P.natives[B];
    for (uint32_t mask = native.nonNullParams; mask; mask &= mask - 1) {
      if (UNLIKELY(!args[__builtin_ctz(mask)].p)) {
        checkNativeArguments(I, native.id, args); // raises the NullError naming the argument
        goto exception;
      }
    }
    Slot out{};
    if (!native.function(I, native, args, &out)) {
      RESTORE_COUNT();
      goto exception;
    }
    if (native.hasResult) R[A] = out;
    // A native's time grows with its string, array and StringBuilder arguments (scans, searches,
    // copies, sorts): charge their sizes.
    for (uint32_t mask = native.nonNullParams; mask; mask &= mask - 1)
      I.chargeWork(objectBytes(I, args[__builtin_ctz(mask)].p));
    AFTER_LONG_OPERATION();
    NEXT(4 + argc);
  }
  CASE(RETURN) {
    Slot value = R[A];
    FrameKind kind = frame->kind;
    uint32_t dst = frame->resultRegister;
    S.pop();
    if (UNLIKELY(kind == FrameKind::Entry)) {
      I.instructions = count + 1;
      *result = value;
      return true;
    }
    RESUME_CALLER();
    // The end of a toString called by TO_STR_REF: null reads as "null".
    if (UNLIKELY(kind == FrameKind::Text) && !value.p) value.p = I.nullText();
    R[dst] = value;
    pc = returnPoint(pc, kind);
    ++count;
    DISPATCH();
  }
  CASE(THROW) {
    auto* error = static_cast<InstanceObject*>(R[A].p);
    if (UNLIKELY(!error)) THROW(ErrorClass::NullError, "cannot throw null");
    I.throwObject(error);
    goto exception;
  }
  CASE(RETURN_VOID) {
    // Never the end of a toString (which returns a string): a Call or an Entry frame.
    bool entry = frame->entry();
    S.pop();
    if (entry) {
      I.instructions = count + 1;
      return true;
    }
    RESUME_CALLER();
    pc = returnPoint(pc, FrameKind::Call);
    ++count;
    DISPATCH();
  }

#if !NURI_COMPUTED_GOTO
}
#endif

exception : frame->pc = pc;
I.instructions = count;
if (I.pending && I.pending->suspend) {
  // Suspend: the frames stay on the stack, the innermost at the instruction to run next (a
  // suspension point, or an operation that was abandoned and runs again).
  I.suspendReason = I.pending->limit;
  I.clearPending();
  I.suspended = true;
  return false;
}
captureTrace(I);
if (InstanceObject* error = I.pendingObject(); error && !I.pending->uncatchable) {
  // Find a handler, from the innermost frame of this activation outwards.
  while (true) {
    const FunctionInfo* f = frame->function;
    uint32_t offset = uint32_t(frame->pc - f->code);
    for (uint32_t h = 0; h < f->handlerCount; h++) {
      const RuntimeHandler& handler = f->handlers[h];
      if (offset < handler.start || offset >= handler.end) continue;
      if (handler.catchClass && !types[typeIndexOf(error)]->cls->isSubclassOf(handler.catchClass)) {
        continue;
      }
      recordTrace(I, error);
      I.clearPending();
      fn = f;
      R = frame->registers;
      S.top = R + fn->registerCount;
      R[handler.reg].p = error;
      pc = f->code + handler.target;
      DISPATCH();
    }
    if (frame->entry()) break; // the caller of this activation sees the error
    S.pop();
    frame = &S.frames.back();
  }
}
// Unwind this activation's frames.
while (true) {
  bool entry = S.frames.back().entry();
  S.pop();
  if (entry) break;
}
return false;
}

} // namespace
} // namespace nuri
