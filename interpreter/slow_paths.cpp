#include "interpreter/slow_paths.h"

#include "classlib/natives.h"
#include "vm/bytecode/opcodes.h"
#include "vm/stack_trace.h"

namespace nuri {
namespace {

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

std::string methodName(const FunctionInfo* f) {
  size_t dot = f->name.rfind('.');
  return dot == std::string::npos ? f->name : f->name.substr(dot + 1);
}

bool raiseNull(IsolateState& I, std::string message) {
  return I.raise(ErrorClass::NullError, std::move(message));
}

// The NullError or IndexError of ARRAY_GET / ARRAY_SET.
bool raiseBadIndex(IsolateState& I, const void* array, int64_t index) {
  if (!array) return raiseNull(I, "cannot index null");
  return I.raise(ErrorClass::IndexError,
                 "index " + std::to_string(index) + " out of bounds for length " +
                     std::to_string(static_cast<const ArrayObject*>(array)->length));
}

// The name of the method that CALL_VIRTUAL or CALL_INTERFACE at `pc` calls.
std::string calledMethodName(const FunctionInfo* fn, const uint32_t* pc) {
  const ClassInfo* receiverClass = fn->registerTypes[pc[4]]->cls;
  return methodName(receiverClass->vtable[pc[2]]);
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

// The handler of `frame` that covers its pc and catches `error`, or null.
const RuntimeHandler* handlerFor(const IsolateState& I, const CallFrame& frame,
                                 const InstanceObject* error) {
  const FunctionInfo* f = frame.function;
  uint32_t offset = uint32_t(frame.pc - f->code);
  for (uint32_t h = 0; h < f->handlerCount; h++) {
    const RuntimeHandler& handler = f->handlers[h];
    if (offset < handler.start || offset >= handler.end) continue;
    if (handler.catchClass && !I.typeOf(error)->cls->isSubclassOf(handler.catchClass)) continue;
    return &handler;
  }
  return nullptr;
}

// Builds nested arrays for `new T[d0][d1]...`.
ArrayObject* buildNestedArrays(IsolateState& I, const RuntimeType* type, const Slot* R,
                               const uint32_t* dims, uint32_t count) {
  int64_t length = R[dims[0]].i;
  ArrayObject* a = I.newArray(type, length);
  if (!a || count == 1) return a;
  TemporaryRoot root(I, &a); // filled as its elements are made
  for (int64_t i = 0; i < length; i++) {
    ArrayObject* inner = buildNestedArrays(I, type->element, R, dims + 1, count - 1);
    if (!inner || !I.nativeProgress(sizeof(ArrayObject) + sizeof(Slot))) return nullptr;
    a->elements[i].p = inner;
  }
  return a;
}

} // namespace

bool raiseInstructionError(IsolateState& I) {
  const CallFrame& frame = I.stack.frames.back();
  const FunctionInfo* fn = frame.function;
  const uint32_t* pc = frame.pc;
  const Slot* R = frame.registers;
  switch (Opcode(*pc)) {
  case Opcode::DIV_INT:
  case Opcode::MOD_INT:
  case Opcode::DIV_INT_IMM:
  case Opcode::MOD_INT_IMM: return I.raise(ErrorClass::ArithmeticError, "division by zero");
  case Opcode::LT_STR:
  case Opcode::LE_STR: return raiseNull(I, "cannot compare null strings");
  case Opcode::GET_FIELD:
    return raiseNull(I, "cannot read field `" + fn->registerTypes[pc[2]]->cls->fields[pc[3]].name +
                            "` of null");
  case Opcode::SET_FIELD:
    return raiseNull(I, "cannot write field `" + fn->registerTypes[pc[1]]->cls->fields[pc[2]].name +
                            "` of null");
  case Opcode::ARRAY_GET: return raiseBadIndex(I, R[pc[2]].p, R[pc[3]].i);
  case Opcode::ARRAY_SET: return raiseBadIndex(I, R[pc[1]].p, R[pc[2]].i);
  case Opcode::ARRAY_LEN: return raiseNull(I, "cannot read `length` of null");
  case Opcode::ARRAY_COPY: return raiseNull(I, "cannot call method `copy` on null");
  case Opcode::CELL_GET:
  case Opcode::CELL_SET: return raiseNull(I, "a captured variable is not initialised");
  case Opcode::CAST:
    return I.raise(ErrorClass::CastError, "cannot cast " + I.typeOf(R[pc[2]].p)->name + " to " +
                                              I.program.types[pc[3]]->name);
  case Opcode::CALL_VIRTUAL:
  case Opcode::CALL_INTERFACE:
    return raiseNull(I, "cannot call method `" + calledMethodName(fn, pc) + "` on null");
  case Opcode::CALL_CLOSURE: return raiseNull(I, "cannot call a null function");
  case Opcode::THROW: return raiseNull(I, "cannot throw null");
  default:
    return I.raise(ErrorClass::Error, std::string("internal error: `") + opcodeInfo(*pc).name +
                                          "` has no failure to report");
  }
}

PendingOutcome handlePending(IsolateState& I) {
  VmStack& S = I.stack;
  if (I.pending && I.pending->suspend) {
    // The frames stay on the stack, the innermost at the instruction to run next (a suspension
    // point, or an operation that was abandoned and runs again).
    I.suspendReason = I.pending->limit;
    I.clearPending();
    I.suspended = true;
    return PendingOutcome::Suspended;
  }
  captureTrace(I);
  if (InstanceObject* error = I.pendingObject(); error && !I.pending->uncatchable) {
    while (true) {
      CallFrame& frame = S.frames.back();
      if (const RuntimeHandler* handler = handlerFor(I, frame, error)) {
        recordTrace(I, error);
        I.clearPending();
        S.top = frame.registers + frame.function->registerCount;
        frame.registers[handler->reg].p = error;
        frame.pc = frame.function->code + handler->target;
        return PendingOutcome::Caught;
      }
      if (frame.entry()) break; // the caller of this activation sees the error
      S.pop();
    }
  }
  while (true) { // unwind this activation's frames
    bool entry = S.frames.back().entry();
    S.pop();
    if (entry) return PendingOutcome::Escaped;
  }
}

bool callNative(IsolateState& I) {
  const CallFrame& frame = I.stack.frames.back();
  const uint32_t* pc = frame.pc;
  Slot* R = frame.registers;
  uint32_t argc = pc[3];
  Slot args[8];
  for (uint32_t i = 0; i < argc && i < 8; i++)
    args[i] = R[pc[4 + i]];
  const LinkedNative& native = I.program.natives[pc[2]];
  for (uint32_t mask = native.nonNullParams; mask; mask &= mask - 1) {
    if (!args[__builtin_ctz(mask)].p) {
      return checkNativeArguments(I, native.id, args); // raises the NullError naming it
    }
  }
  Slot out{};
  if (!native.function(I, native, args, &out)) return false;
  if (native.hasResult) R[pc[1]] = out;
  // A native's time grows with its string, array and StringBuilder arguments (scans, searches,
  // copies, sorts): charge their sizes.
  for (uint32_t mask = native.nonNullParams; mask; mask &= mask - 1)
    I.chargeWork(objectBytes(I, args[__builtin_ctz(mask)].p));
  return true;
}

bool newArrayMulti(IsolateState& I) {
  const CallFrame& frame = I.stack.frames.back();
  const uint32_t* pc = frame.pc;
  Slot* R = frame.registers;
  uint32_t dims = pc[2];
  for (uint32_t i = 0; i < dims; i++) {
    if (int64_t length = R[pc[3 + i]].i; length < 0) {
      return I.raise(ErrorClass::ValueError, "negative array length " + std::to_string(length));
    }
  }
  ArrayObject* a = buildNestedArrays(I, frame.function->registerTypes[pc[1]], R, pc + 3, dims);
  if (!a) return false;
  R[pc[1]].p = a;
  return true;
}

ArrayObject* copyArray(IsolateState& I, const ArrayObject* a) {
  ArrayObject* copy = I.newArray(I.typeOf(a), a->length);
  if (!copy || !I.copyInSteps(copy->elements, a->elements, size_t(a->length) * sizeof(Slot))) {
    return nullptr;
  }
  return copy;
}

bool valueToString(IsolateState& I) {
  const CallFrame& frame = I.stack.frames.back();
  const uint32_t* pc = frame.pc;
  StringObject* text = toStringObject(I, frame.registers[pc[2]].p);
  if (!text) return false;
  frame.registers[pc[1]].p = text;
  return true;
}

} // namespace nuri
