// Generates typed register bytecode from a checked syntax tree.
#pragma once

#include "compiler/checker.h"
#include "compiler/diagnostics.h"
#include "vm/bytecode/module.h"

namespace nuri {

// Reports a function that passes a limit of the bytecode (vm/bytecode/limits.h).
Module generateCode(CheckedModule& checked, const std::string& sourceFile,
                    Diagnostics& diagnostics);

} // namespace nuri
