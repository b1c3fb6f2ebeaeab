// The C++ functions compiled code calls. Before calling one, compiled code stores the innermost
// frame's pc and the exact instruction count (docs/jit.md, "Exact counts"); each returns what
// the interpreter would make of the same moment.
#pragma once

#include "jit/context.h"

namespace nuri::jit {

// Runs the instruction at the innermost frame's pc with the interpreter (stepInstruction).
// False: an error or suspension is pending.
bool stepFromCompiled(Context* ctx);
// Runs CALL_NATIVE at the innermost frame's pc as the interpreter does (callNative), without
// the rest of a step. False: an error or suspension is pending.
bool nativeFromCompiled(Context* ctx);
// EQ_STR: whether two strings (either may be null) are equal, the work charged as the
// interpreter charges it. Reads no frame.
uint64_t stringsEqualFromCompiled(Context* ctx, const StringObject* a, const StringObject* b);
// A NURI_JIT_VERIFY build: a home that should hold register `reg` of `function` before the
// call out at `pc` does not. Prints that and aborts.
[[noreturn]] void homeDiffersFromCompiled(Context* ctx, const FunctionInfo* function, uint32_t pc,
                                          uint32_t reg);
// Raises the error of the instruction at the innermost frame's pc, which failed a check made
// inline (raiseInstructionError). Always false.
bool raiseFromCompiled(Context* ctx);
// The limit check of a suspension point (a backward branch, or a callee's first instruction).
// False: a limit was hit or the guest suspends there.
bool checkLimitsFromCompiled(Context* ctx);
// After a step entered a frame: the compiled code to run it from its start (compiled now if it
// has become hot), or null to let the interpreter run it.
const void* entryOfInnermost(Context* ctx);
// The method that CALL_INTERFACE calls: slot `slot` of interface `iface` in the class of
// `receiver` (not null), remembered in the call site's cache word (CallSiteCaches in
// jit/emitter.h).
const FunctionInfo* interfaceMethodCached(Context* ctx, const void* receiver,
                                          const ClassInfo* iface, uint32_t slot,
                                          std::atomic<uint64_t>* cache);

} // namespace nuri::jit
