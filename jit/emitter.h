// Translates one verified function into x86-64 machine code (docs/jit.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <asmjit/x86.h>

#include "vm/bytecode/opcodes.h"
#include "vm/isolate.h"

namespace nuri::jit {

// How compiled code runs an instruction: in machine code, or by calling the interpreter's step
// (stepInstruction) with its frame in memory. Every opcode has one (a switch with no default:
// a new opcode without a case does not compile).
enum class Strategy : uint8_t { Native, Step };
Strategy strategyFor(Opcode op);

// Where a compiled function may be entered: labels whose offsets are known once the code is
// relocated (JitRuntime::add). Each entry expects the frame's registers in rdi and its record
// in rsi (docs/jit.md, "Calling convention").
struct EmittedFunction {
  asmjit::Label start; // the first instruction, limits checked by whoever entered it
  std::vector<std::pair<uint32_t, asmjit::Label>> loops; // (a loop header's pc, entry), by pc
  uint32_t instructionCount = 0;                         // bytecode instructions compiled
};

// Memory that compiled code keeps beside itself, as long as the program's code lives: one word
// per CALL_INTERFACE site, caching the receiver's type index (high half) and the function
// index of its method (low half) last seen there; 0 when empty (no object has type 0). One
// word, so that isolates sharing the code never read a type with another type's method.
class CallSiteCaches {
public:
  std::atomic<uint64_t>* add() { return &words_.emplace_back(0); }

private:
  std::deque<std::atomic<uint64_t>> words_; // stable addresses
};

// Emits `function` into `code` (initialised for the host). With a logger on `code`, the listing
// shows the bytecode each run of machine instructions came from. Returns false when asmjit
// fails, with `error` saying why. `entries` are the program's compiled entries
// (CompilerTier::entries), which direct calls read.
bool emitFunction(const FunctionInfo& function, const LinkedCode& program,
                  const std::atomic<const void*>* entries, CallSiteCaches& caches,
                  asmjit::CodeHolder& code, EmittedFunction& out, std::string& error);

// The trampoline that C++ calls to enter compiled code:
//   TierResult (*)(Context* ctx, const void* code, Slot* registers, CallFrame* frame)
bool emitTrampoline(asmjit::CodeHolder& code, std::string& error);

} // namespace nuri::jit
