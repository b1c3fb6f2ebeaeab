// The .nbc file format (see docs/bytecode.md): constants shared by the writer and the reader.
#pragma once

#include <cstdint>

#include "vm/bytecode/limits.h"

namespace nuri::nbc {

constexpr uint8_t kMagic[8] = {'N', 'U', 'R', 'I', 'B', 'C', 0x0D, 0x0A};
constexpr uint16_t kVersionMajor = 0;
// 0.3: abstract classes, protected members, interface methods with a body
constexpr uint16_t kVersionMinor = 3;

// Sections appear exactly once each, in this order.
enum class Section : uint32_t {
  Meta = 1, // source file name, init and main function indices
  Types = 2,
  Constants = 3, // ints, floats, strings
  Globals = 4,
  Classes = 5,
  Functions = 6,
  Natives = 7,
};
constexpr uint32_t kSectionCount = 7;

} // namespace nuri::nbc
