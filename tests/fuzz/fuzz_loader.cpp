// libFuzzer target: arbitrary bytes as a .nbc file. Whatever the reader and verifier accept is
// run under tight limits; nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nuri/nuri.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static nuri::Runtime runtime; // initialises the collector on the main thread
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nuri::Result<nuri::Program> program =
      nuri::loadBytecode(std::vector<uint8_t>(data, data + size), "fuzz.nbc");
  if (!program) return 0;
  nuri::IsolateConfig config;
  config.fuel = 20000;
  config.heapLimitBytes = 16 << 20;
  config.stackLimitFrames = 100;
  config.output = [](std::string_view) {};
  nuri::Runtime runtime;
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  if (guest->load(*program)) (void)guest->runMain({"fuzz"});
  return 0;
}
