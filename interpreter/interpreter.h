// The bytecode interpreter.
#pragma once

#include "vm/isolate.h"

namespace nuri {

// Calls `function` with `argc` arguments on top of the isolate's VM stack and runs it to
// completion. Its result, if any, is stored in *result. Returns false with the isolate's error
// pending (stack trace captured) if an error escaped it, or with isolate.suspended set and no
// error pending if the guest suspended: its frames then stay on the VM stack.
bool callFunction(IsolateState& isolate, const FunctionInfo* function, const Slot* args,
                  uint32_t argc, Slot* result);

// Continues a suspended guest: runs the frames on the VM stack (the innermost from its saved
// instruction) until the outermost returns, as callFunction does.
bool resumeFunction(IsolateState& isolate, Slot* result);

// Runs the one instruction at the innermost frame's pc as the interpreter does, and leaves the
// frame's pc after it (or, for an instruction that enters a frame, that frame innermost at its
// start): how compiled code runs an instruction it has no machine code for. Returns false with
// an error (or suspension) pending. Not for branches and returns.
bool stepInstruction(IsolateState& isolate);

} // namespace nuri
