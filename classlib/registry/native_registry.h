// The class library's native functions as data: names, receivers and signatures, read from
// natives.def beside this file. The compiler type-checks calls with it and the linker binds
// imports by it; it knows nothing of isolates (their C++ implementations are in
// classlib/natives.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "vm/bytecode/module.h"

namespace nuri {

enum class NativeKind : uint8_t { FUNCTION, METHOD, PROPERTY };

enum class NativeId : uint32_t {
#define NATIVE(id, receiver, member, kind, result, params) id,
#include "classlib/registry/natives.def"
#undef NATIVE
};

struct NativeInfo {
  const char* linkName; // the name stored in bytecode
  const char* receiver;
  const char* member;
  NativeKind kind;
  NativeSignature signature;
};

uint32_t nativeCount();
const NativeInfo& nativeInfo(uint32_t index);
// Index of the native with this link name, or -1.
int findNative(std::string_view linkName);

// Why the class library's native that `import` names cannot be bound (it does not exist, or has
// another signature), or an empty string when it can. Host functions are not its concern.
std::string libraryImportProblem(const NativeImport& import);

} // namespace nuri
