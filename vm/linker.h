#pragma once

#include <memory>
#include <string>

#include "vm/isolate.h"

namespace nuri {

// Links a verified module into an isolate: builds run-time types, class layouts and vtables,
// binds natives, allocates globals and string constants. Returns false with `error` set if
// the module needs something this VM does not provide, or with a LimitError pending in the
// isolate if its constants do not fit in its heap limit.
bool linkProgram(IsolateState& isolate, std::shared_ptr<const Module> module, std::string& error);

} // namespace nuri
