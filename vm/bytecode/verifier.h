// Checks a decoded module before any of its code runs, so the interpreter can trust it: every
// index is in range, every instruction's operands have the types its entry in opcodes.def
// demands, calls match their callee's signature, branches land on instructions and no path
// falls off the end of a function. See docs/bytecode.md.
#pragma once

#include <string>

#include "vm/bytecode/module.h"

namespace nuri {

// Where verification failed: in function `function` at instruction offset `pc`, or
// `function == kNoIndex` for a problem outside any function's code.
struct VerifyLocation {
  uint32_t function = kNoIndex;
  uint32_t pc = 0;
};

// Returns true if the module is valid; otherwise sets `error` to a message naming the
// function, the instruction offset and the reason, and `where` (if given) to its place.
bool verifyModule(const Module& module, std::string& error, VerifyLocation* where = nullptr);

} // namespace nuri
