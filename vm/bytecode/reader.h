#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vm/bytecode/module.h"

namespace nuri {

// Decodes a .nbc image, checking its structure: magic, version, section order and bounds,
// counts against the bytes available, UTF-8 of every string, and every table index. Code is
// checked by the verifier (vm/bytecode/verifier.h). On failure returns null and sets `error`.
std::shared_ptr<Module> readBytecode(const uint8_t* data, size_t size, std::string& error);

} // namespace nuri
