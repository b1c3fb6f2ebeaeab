// Generates typed register bytecode from a checked syntax tree.
#pragma once

#include "compiler/checker.h"
#include "vm/bytecode/module.h"

namespace nuri {

Module generateCode(CheckedModule& checked, const std::string& sourceFile);

} // namespace nuri
