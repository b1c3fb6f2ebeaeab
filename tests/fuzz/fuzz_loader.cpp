// libFuzzer target: arbitrary bytes as a .nbc file. Whatever the reader and verifier accept is
// run under tight limits; nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nuri/nuri.h"
#include "tests/fuzz/run_guest.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static nuri::Runtime runtime; // initialises the collector on the main thread
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nuri::Result<nuri::Program> program =
      nuri::loadBytecode(std::vector<uint8_t>(data, data + size), "fuzz.nbc");
  if (!program) return 0;
  runUnderLimits(*program, {"fuzz"});
  return 0;
}
