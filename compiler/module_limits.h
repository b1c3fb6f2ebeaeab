// The limits of the bytecode that only a whole compiled program can pass: the checker and the
// code generator bound each type and function, this bounds what they add up to.
#pragma once

#include "compiler/checker.h"
#include "compiler/diagnostics.h"
#include "vm/bytecode/module.h"

namespace nuri {

// Reports where `module`, compiled from `checked`, passes a limit that the loader enforces on a
// whole module (vm/bytecode/limits.h).
void checkModuleLimits(const CheckedModule& checked, const Module& module,
                       Diagnostics& diagnostics);

} // namespace nuri
