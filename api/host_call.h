// Host functions at run time: binding a program's imports to the host modules an isolate is
// granted, and the call from CALL_NATIVE into C++ and back.
#pragma once

#include "vm/linker.h"

namespace nuri {

// What the linker needs to bind host imports in isolates made by the embedding API.
const HostLinker& hostLinker();

} // namespace nuri
