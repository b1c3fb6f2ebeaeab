// Text forms of values, shared by the interpreter and the natives.
#pragma once

#include <cstdint>
#include <string>

#include "vm/isolate.h"

namespace nuri {

std::string formatInt(int64_t value);
// Shortest text that reads back as the same double, formatted as Python's repr(float).
std::string formatFloat(double value);
// Concatenation; a null operand reads as "null".
StringObject* concatStrings(IsolateState& isolate, StringObject* a, StringObject* b);

// Checks the reference arguments of native `id` for null, raising NullError with the member's
// name. Returns false if one is null.
bool checkNativeArguments(IsolateState& isolate, uint32_t id, const Slot* args);

} // namespace nuri
