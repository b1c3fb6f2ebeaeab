// The parts of instructions that are rare or long: making their errors, finding a handler for a
// pending error, building nested arrays, calling natives, taking a stack trace. The interpreter
// and compiled code both call these, so that every semantic rule is written once.
//
// They take the isolate and the innermost frame as it stands in memory: its pc at the
// instruction concerned and its registers in their slots (compiled code stores what it keeps in
// machine registers before calling one). Plain functions with C-compatible arguments, so that
// generated code can call them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "vm/isolate.h"

namespace nuri {

// Raises the error of the innermost frame's instruction, which failed a check the fast path
// makes: a null operand (the message names the field, method or operation), an index out of
// bounds, a division by zero, a failed cast, a negative array length. Returns false.
bool raiseInstructionError(IsolateState& isolate);

// What becomes of a pending error or suspension once an instruction raised it.
enum class PendingOutcome : uint8_t {
  Suspended, // the guest suspends: its frames stay on the VM stack (isolate.suspended is set)
  Caught,    // a handler of this activation takes it: the innermost frame is the handler's,
             // its pc at the handler and the error in the handler's register
  Escaped,   // nothing in this activation catches it: its frames are gone, the error pending
};
// Called with an error or suspension pending and the innermost frame's pc at the instruction
// that raised it. Takes the stack trace (once per error), then looks for a handler from the
// innermost frame out to the activation's Entry frame.
PendingOutcome handlePending(IsolateState& isolate);

// Runs CALL_NATIVE at the innermost frame's pc: checks the arguments that must not be null,
// calls the native, stores its result and charges the work its arguments mean (see
// IsolateState::chargeWork). Returns false with an error (or suspension) pending.
bool callNative(IsolateState& isolate);

// After an instruction that may have done long work (a native): the instruction count again
// (work spends fuel, IsolateState::nativeProgress) and the checkpoint, lowered to the count
// when the work since the last check is due one at the next suspension point.
inline void afterLongOperation(const IsolateState& isolate, uint64_t& count, uint64_t& checkpoint) {
  count = isolate.instructions;
  checkpoint = isolate.checkpoint;
  if (isolate.workDueCheck()) checkpoint = count;
}

// Runs NEW_ARRAY_MULTI at the innermost frame's pc: `new T[d0][d1]...` with every length
// checked first. Returns false with an error pending.
bool newArrayMulti(IsolateState& isolate);

// Runs TO_STR_REF at the innermost frame's pc for a value whose text needs no guest code: null,
// a string, an array (an object with a toString method is entered as a Text frame instead).
bool valueToString(IsolateState& isolate);

// A shallow copy of array `a` (ARRAY_COPY), made in steps so that limits can stop a huge one.
// Null with an error pending.
ArrayObject* copyArray(IsolateState& isolate, const ArrayObject* a);

// Strings' order and equality (LT_STR, EQ_STR ...). UTF-8 byte order is code-point order.
inline int compareStrings(const StringObject* a, const StringObject* b) {
  size_t n = std::min(a->byteLength, b->byteLength);
  int c = std::memcmp(a->bytes, b->bytes, n);
  if (c != 0) return c;
  return a->byteLength < b->byteLength ? -1 : a->byteLength > b->byteLength ? 1 : 0;
}
// Either may be null: null equals only null.
inline bool stringsEqual(const StringObject* a, const StringObject* b) {
  if (a == b) return true;
  if (!a || !b || a->byteLength != b->byteLength) return false;
  return std::memcmp(a->bytes, b->bytes, a->byteLength) == 0;
}

// EQ_STR and NE_STR: equality, the comparison's work charged (IsolateState::chargeWork).
inline bool stringsEqualCharged(IsolateState& isolate, const StringObject* a,
                                const StringObject* b) {
  if (a) isolate.chargeWork(a->byteLength);
  return stringsEqual(a, b);
}

// Integer division for y other than 0 and -1, which the caller handles. A 64-bit divide takes
// several times as long as a 32-bit one on common x86 cores, and most operands fit in 32 bits.
inline bool fitsInt32(int64_t v) { return int64_t(int32_t(v)) == v; }
inline int64_t quotient(int64_t x, int64_t y) {
  return fitsInt32(x) && fitsInt32(y) ? int32_t(x) / int32_t(y) : x / y;
}
inline int64_t remainder(int64_t x, int64_t y) {
  return fitsInt32(x) && fitsInt32(y) ? int32_t(x) % int32_t(y) : x % y;
}

} // namespace nuri
