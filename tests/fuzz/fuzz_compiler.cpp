// libFuzzer target: arbitrary bytes as Nuri source. The front end must report errors, never
// crash; what compiles is run under tight limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nuri/nuri.h"
#include "tests/fuzz/run_guest.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static nuri::Runtime runtime;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  nuri::Result<nuri::Program> program = nuri::compileSource(source, "fuzz.nuri");
  if (!program) return 0;
  runUnderLimits(*program, {});
  return 0;
}
