// Host functions at run time: binding a program's imports to the host modules an isolate is
// granted, and the call from CALL_NATIVE into C++ and back.
#pragma once

#include "vm/linker.h"

namespace nuri {

// What the linker needs to bind host imports in isolates made by the embedding API.
const HostLinker& hostLinker();

// A host function the program imports, as a signature: `app.add(int, int): int`.
std::string describeHostImport(const NativeImport& import);

// Binds every host import to nothing, for a guest that is examined but never run (`nuri
// inspect`, `nuri verify`): calling one raises HostError.
const HostLinker& absentHostLinker();

} // namespace nuri
