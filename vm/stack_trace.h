// Stack traces: the frames on a guest's VM stack as `at f (file.nuri:12)` lines, for an error
// being raised and for a suspended guest (`nuri inspect`).
#pragma once

#include <string>
#include <vector>

#include "vm/isolate.h"

namespace nuri {

// The guest's frames, innermost first, one line each; the prelude's own helpers are left out,
// and the middle of a very deep stack is elided.
std::vector<std::string> stackTrace(const IsolateState& isolate);

} // namespace nuri
