// The JIT: compiles a program's hot functions to x86-64 machine code and runs them for the
// interpreter (vm/tier.h). One per program, shared by the isolates running it (docs/jit.md).
#pragma once

#include "vm/isolate.h"

namespace nuri::jit {

// Whether this build compiles to machine code (x86-64); elsewhere every mode interprets.
bool available();

// The JIT of the program `code`, made on first use; null when the JIT is not available.
CompilerTier* tierFor(const LinkedCode& code);

// What the JIT of a program has done (Stats::jit*).
struct JitStats {
  uint64_t functions = 0;
  uint64_t instructions = 0;
  uint64_t codeBytes = 0;
  double compileSeconds = 0;
  uint64_t loopEntries = 0;
  uint64_t dumped = 0; // functions whose code went to IsolateConfig::jitDump's output
};
JitStats statsOf(const CompilerTier& tier);

} // namespace nuri::jit
