// What the interpreter asks of a compiler tier (the JIT in jit/), so that the interpreter needs
// no knowledge of machine code: which functions have compiled code, when a function or a loop
// has become hot enough to compile, and running compiled code for the innermost frame.
#pragma once

#include <atomic>
#include <cstdint>

#include "vm/frame.h"

namespace nuri {

class IsolateState;

// What compiled code returns to whoever entered it (two 64-bit words, in rax:rdx).
struct TierResult {
  uint64_t value; // Returned: the result's bits (0 for a void function)
  uint64_t status;
};
enum : uint64_t {
  // The frame it was entered for returned: it is popped, its result in `value`.
  kTierReturned = 0,
  // The same for a function without a result.
  kTierReturnedVoid = 2,
  // Compiled code stopped with its frames left as the interpreter expects them (pc saved, every
  // register in its slot), the innermost at an instruction to run next: an error or suspension
  // is pending, or the interpreter is to continue (a callee without compiled code, a native
  // stack that grew deep).
  kTierStopped = 1,
};

class CompilerTier {
public:
  virtual ~CompilerTier() = default;

  // Compiled entries by function index (start of the function, its limits checked), null
  // until compiled. Shared by the isolates running one program; written once per function.
  const std::atomic<const void*>* entries = nullptr;

  // Called as the interpreter enters `function` that has no compiled code: counts the call, and
  // returns its entry once the function is compiled (now, if it has become hot), else null.
  virtual const void* entryOnCall(IsolateState& isolate, const FunctionInfo* function) = 0;
  // Called at a backward branch of the interpreter to `target`, limits checked: returns code
  // that continues `function` there (on-stack replacement), or null to go on interpreting.
  virtual const void* entryOnLoop(IsolateState& isolate, const FunctionInfo* function,
                                  const uint32_t* target) = 0;
  // Runs compiled `code` for the innermost frame, whose pc and registers stand in memory and
  // whose instruction count is in isolate.instructions (updated when it returns).
  virtual TierResult run(IsolateState& isolate, const void* code) = 0;
};

} // namespace nuri
