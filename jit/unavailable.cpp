// The JIT where this build has none (not x86-64, or NURI_JIT=OFF): everything is interpreted.
#include "jit/jit.h"

namespace nuri::jit {

bool available() { return false; }
CompilerTier* tierFor(const LinkedCode&) { return nullptr; }
JitStats statsOf(const CompilerTier&) { return {}; }

} // namespace nuri::jit
