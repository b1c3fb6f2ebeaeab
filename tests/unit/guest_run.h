// Compiling and running a small guest in the unit tests of the class library's host hooks
// (input_test.cpp, files_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "nuri/nuri.h"

namespace nuri::testing_guest {

inline Program compileOk(const char* source) {
  Result<Program> p = compileSource(source, "guest.nuri");
  EXPECT_TRUE(p) << (p ? "" : p.error().render());
  return p ? *p : Program();
}

// Runs main of `source` with `config` (its output collected); the output, or the error's text.
inline std::string run(const char* source, IsolateConfig config) {
  std::string out;
  config.output = [&out](std::string_view text) { out.append(text); };
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  Status loaded = guest->load(compileOk(source));
  if (!loaded) return loaded.error().render();
  Result<int> status = guest->runMain({});
  if (!status) return out + status.error().render();
  return out;
}

} // namespace nuri::testing_guest
