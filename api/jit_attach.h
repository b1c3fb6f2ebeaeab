// Turning the JIT on for a guest once its program is linked.
#pragma once

#include "jit/jit.h"

namespace nuri {

// Gives `isolate` its program's JIT unless its config says JitMode::Off (or the build has none).
inline void attachJit(IsolateState& isolate) {
  if (isolate.config.jit != JitMode::Off) isolate.tier = jit::tierFor(*isolate.program.code);
}

} // namespace nuri
