// Standard input that the guest has not read yet: what the isolate's input hook gave beyond the
// lines readLine has returned. Snapshots carry it, so that a guest moved to another process
// reads on from the same place (docs/snapshots.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nuri {

struct InputBuffer {
  std::string bytes; // bytes[start..] are unread
  size_t start = 0;
  bool ended = false;    // the hook has reported the end of the input
  uint64_t reserved = 0; // bytes counted towards the heap limit (IsolateState::reserve)

  std::string_view unread() const { return std::string_view(bytes).substr(start); }
  void consume(size_t count) { start += count; }
  // Drops what has been read, before more is appended.
  void compact() {
    bytes.erase(0, start);
    start = 0;
  }
};

} // namespace nuri
