// The native-function table, generated from natives.def.
#pragma once

#include <cstdint>
#include <string_view>

#include "vm/isolate.h"

namespace nuri {

enum class NativeKind : uint8_t { FUNCTION, METHOD, PROPERTY };

enum class NativeId : uint32_t {
#define NATIVE(id, receiver, member, kind, result, params) id,
#include "classlib/natives.def"
#undef NATIVE
};

struct NativeInfo {
  const char* linkName; // the name stored in bytecode
  const char* receiver;
  const char* member;
  NativeKind kind;
  char result;
  const char* params;
  NativeFn function;
};

uint32_t nativeCount();
const NativeInfo& nativeInfo(uint32_t index);
// Index of the native with this link name, or -1.
int findNative(std::string_view linkName);

// Converts any value to its string form, as `toString` does; may call Nuri code (toString
// methods) and so may fail. `type` is the static type of the slot.
StringObject* toStringValue(IsolateState& isolate, Slot value, const RuntimeType* type);
// The same for an object whose dynamic type is in its header (null gives "null").
StringObject* toStringObject(IsolateState& isolate, void* object);

} // namespace nuri
