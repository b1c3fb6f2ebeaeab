// libFuzzer target: arbitrary bytes as a .nsnap file. The trailing CRC-32C is made right before
// the restore, so that the fuzzer reaches the checks past the checksum; a guest that restores is
// continued (suspended) or started (a template) under tight limits, its output discarded.
// Nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "nuri/nuri.h"
#include "support/crc32c.h"
#include "tests/fuzz/run_guest.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static nuri::Runtime runtime; // initialises the collector on the main thread
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() >= 4) {
    uint32_t crc = nuri::crc32c(bytes.data(), bytes.size() - 4);
    for (int i = 0; i < 4; i++)
      bytes[bytes.size() - 4 + i] = uint8_t(crc >> (8 * i));
  }
  nuri::IsolateConfig config = tightLimits();
  // A Runtime of its own, so that each input's outcome does not depend on the programs earlier
  // inputs left in a Runtime's cache (a finding reproduces alone).
  nuri::Runtime runtime;
  nuri::Result<std::unique_ptr<nuri::Isolate>> guest = runtime.restore(bytes, config);
  if (!guest) return 0;
  if ((*guest)->suspended()) {
    (void)(*guest)->resume();
  } else {
    (void)(*guest)->runMain({});
  }
  return 0;
}
