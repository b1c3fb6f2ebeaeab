// The bytecode interpreter.
#pragma once

#include "vm/isolate.h"

namespace nuri {

// Calls `function` with `argc` arguments on top of the isolate's VM stack and runs it to
// completion. Its result, if any, is stored in *result. Returns false with the isolate's error
// pending (stack trace captured) if an error escaped it.
bool callFunction(IsolateState& isolate, const FunctionInfo* function, const Slot* args,
                  uint32_t argc, Slot* result);

} // namespace nuri
