#pragma once

#include <string>

#include "vm/bytecode/module.h"

namespace nuri {

// A readable listing of a module: globals, classes, and each function with its register types
// and one instruction a line with its source line. Safe on unverified modules.
std::string disassemble(const Module& module);

} // namespace nuri
