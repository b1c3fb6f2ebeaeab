#pragma once

#include <cstdint>
#include <vector>

#include "vm/bytecode/module.h"

namespace nuri {

// Encodes a module as a .nbc image.
std::vector<uint8_t> writeBytecode(const Module& module);

} // namespace nuri
