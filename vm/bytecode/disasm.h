#pragma once

#include <string>

#include "vm/bytecode/module.h"

namespace nuri {

// A readable listing of a module: globals, classes, and each function with its register types
// and one instruction a line with its source line. Safe on unverified modules.
std::string disassemble(const Module& module);

// The listing of one function of a module, as disassemble() shows it.
std::string disassembleFunction(const Module& module, uint32_t function);

} // namespace nuri
