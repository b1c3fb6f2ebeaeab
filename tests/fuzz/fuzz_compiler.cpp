// libFuzzer target: arbitrary bytes as Nuri source. The front end must report errors, never
// crash; what compiles is run under tight limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nuri/nuri.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static nuri::Runtime runtime;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  nuri::Result<nuri::Program> program = nuri::compileSource(source, "fuzz.nuri");
  if (!program) return 0;
  nuri::IsolateConfig config;
  config.fuel = 20000;
  config.heapLimitBytes = 16 << 20;
  config.stackLimitFrames = 100;
  config.output = [](std::string_view) {};
  nuri::Runtime runtime;
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  if (guest->load(*program)) (void)guest->runMain({});
  return 0;
}
