// The prelude (classlib/prelude.nuri), compiled into the binary and into every program.
#pragma once

namespace nuri {

extern const char* const kPreludeSource;
constexpr const char* kPreludeFileName = "<prelude>";

} // namespace nuri
