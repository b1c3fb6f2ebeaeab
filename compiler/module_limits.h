// The limit of the bytecode that only the whole compiled program shows: the names of all its
// types together, as the verifier bounds them (the checker bounds each type's name).
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
