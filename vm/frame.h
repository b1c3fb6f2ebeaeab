// The VM stack and the calling convention that the interpreter, the class library's call-backs
// and compiled code share. Frames are windows of 8-byte slots holding a function's registers,
// the arguments in the callee's first registers; each has a fixed-size record on a raw array.
// Compiled code reads and writes these structures at the offsets asserted below, so a field
// that moves here fails the build, not a program.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/objects.h"

namespace nuri {

// How a frame was entered, which says what its return does.
enum class FrameKind : uint8_t {
  Call,  // by a call instruction: the caller resumes after it
  Entry, // the first frame of one activation: its return ends the activation
  Text,  // an object's toString called by TO_STR_REF: a null result reads as "null"
};

// One activation on the VM stack. Its registers are a window of the stack's slots.
struct CallFrame {
  const FunctionInfo* function;
  const uint32_t* pc; // the instruction being executed (saved when calling out)
  Slot* registers;
  uint32_t resultRegister; // in the caller's frame
  FrameKind kind;
  bool entry() const { return kind == FrameKind::Entry; }
};
static_assert(sizeof(CallFrame) == 32);
static_assert(offsetof(CallFrame, function) == 0);
static_assert(offsetof(CallFrame, pc) == 8);
static_assert(offsetof(CallFrame, registers) == 16);
static_assert(offsetof(CallFrame, resultRegister) == 24);
static_assert(offsetof(CallFrame, kind) == 28);

// The frame records, outermost first: an array reserved once for the stack limit, so a record
// never moves while its frame lives.
struct FrameStack {
  CallFrame* base = nullptr;
  CallFrame* top = nullptr;     // one past the innermost frame
  CallFrame* softEnd = nullptr; // a call that would pass it asks IsolateState::extendStack
  CallFrame* reserveEnd = nullptr;

  size_t size() const { return size_t(top - base); }
  bool empty() const { return top == base; }
  CallFrame& back() const { return top[-1]; }
  CallFrame& front() const { return *base; }
  CallFrame& operator[](size_t k) const { return base[k]; }
  CallFrame* begin() const { return base; }
  CallFrame* end() const { return top; }
  // How many frames calls may reach before asking extendStack.
  uint32_t softLimit() const { return uint32_t(softEnd - base); }
  void setSoftLimit(uint64_t frames) { softEnd = base + frames; }
  // Puts a frame record as it is (restoring a snapshot); within the reservation.
  void push(const CallFrame& frame) { *top++ = frame; }
  // Drops frames until `depth` remain.
  void truncate(size_t depth) { top = base + depth; }
  void clear() { top = base; }
};

// One isolate's VM stack: reserved address space for the slots, committed as touched, and the
// frame records beside it.
struct VmStack {
  Slot* base = nullptr; // null when the reservation failed (every run then reports it)
  Slot* end = nullptr;
  // The end of the innermost frame's registers: the collector scans base..top, and a call made
  // by a native or the host starts its frame here.
  Slot* top = nullptr;
  // How far frames may reach before IsolateState::extendStack is asked: the reservation's end,
  // or less under a heap limit (the stack counts towards it, and grows only after a check).
  Slot* softEnd = nullptr;
  FrameStack frames;
  size_t reserveBytes = 0;

  // Whether a frame of `callee` with its registers at `registers` stays within the soft limits;
  // when it does not, extendStack says whether it may go on.
  bool fits(const Slot* registers, const FunctionInfo* callee) const {
    return registers + callee->registerCount <= softEnd && frames.top < frames.softEnd;
  }

  // Enters `callee`: its registers start at `registers`, its parameters already there; every
  // other register starts as zero (null, 0, 0.0, false). References must, and the others would
  // otherwise hold what earlier frames left on the stack (addresses among it), which a snapshot
  // would carry and make differ from run to run. The caller checked fits() (or extended the
  // stack) and saved its own frame's pc.
  CallFrame* push(const FunctionInfo* callee, Slot* registers, uint32_t resultRegister,
                  FrameKind kind) {
    for (uint32_t r = callee->paramCount; r < callee->registerCount; r++)
      registers[r].bits = 0;
    CallFrame* frame = frames.top++;
    *frame = CallFrame{callee, callee->code, registers, resultRegister, kind};
    top = registers + callee->registerCount;
    return frame;
  }

  // Leaves the innermost frame; its registers are free again.
  void pop() {
    --frames.top;
    top = frames.top->registers;
  }
};
static_assert(offsetof(VmStack, top) == 16);
static_assert(offsetof(VmStack, softEnd) == 24);
static_assert(offsetof(VmStack, frames) + offsetof(FrameStack, top) == 40);
static_assert(offsetof(VmStack, frames) + offsetof(FrameStack, softEnd) == 48);

// Where a caller continues once the frame its instruction at `callPc` entered has returned:
// after that instruction. A call's fourth word is its argument count; TO_STR_REF, which enters
// an object's toString as a Text frame, is three words long.
inline const uint32_t* returnPoint(const uint32_t* callPc, FrameKind calleeKind) {
  return callPc + (calleeKind == FrameKind::Text ? 3 : 4 + callPc[3]);
}

} // namespace nuri
