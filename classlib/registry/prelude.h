// The prelude (classlib/prelude.nuri), compiled into the binary and into every program.
#pragma once

namespace nuri {

// Its source text, generated from classlib/prelude.nuri into the compiler (the only reader), so
// a host that links only the runtime (libnuri-runtime.a) does without it.
extern const char* const kPreludeSource;
// The file name the prelude's functions carry in a module's debug information: stack traces
// and Isolate::call leave out its `__` helpers.
constexpr const char* kPreludeFileName = "<prelude>";

} // namespace nuri
