// Values crossing between a host and a guest: nuri::Value to a VM slot of a given type, and a
// slot back to a Value.
#pragma once

#include <string>

#include "nuri/nuri.h"
#include "vm/isolate.h"

namespace nuri {

enum class Conversion {
  Ok,
  Mismatch, // the value does not fit the type: `error` says how
  Raised,   // making a guest object raised an error (a limit) in the isolate
};

// Stores `value` as a `type` in `out`, which must be memory the collector scans (the C stack of
// an attached thread, a frame's registers): arrays are filled after they are stored there.
// Follows the language's conversions: an int for a float, null for any reference.
Conversion toSlot(IsolateState& isolate, const Value& value, const RuntimeType* type, Slot& out,
                  std::string& error);

// A slot of kind `kind` as a Value: strings copied, objects (arrays included) held by a handle
// in `handles`. Null when no handle slot could be had.
Value fromSlot(const std::shared_ptr<HandleTable>& handles, Slot slot, TypeKind kind);

// A host function's argument of kind `kind`: strings copied, arrays copied into Value::arrays.
// What the copies occupy counts towards the heap limit as the isolate's temporaries (added to
// `reserved`, for the caller to release once the host function has returned), and copying them
// spends fuel and checks the limits as it goes. False with a LimitError raised when one stops it.
bool hostArgument(IsolateState& isolate, Slot slot, TypeKind kind, Value& out, uint64_t& reserved);

// A handle to `object` (not null) of an isolate whose handles are `handles`.
Value makeHandle(const std::shared_ptr<HandleTable>& handles, void* object);

// `int`, `string`, `a string[]`... for messages about what a Value is.
std::string describeValue(const Value& value);

} // namespace nuri
