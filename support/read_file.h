// Reading a whole input file (a program, a module, a bytecode file, the prompt's history) with
// an upper bound on its size, enforced while reading: a pipe, a FIFO or a device such as
// /dev/zero may never end, and its length cannot be known in advance.
#pragma once

#include <cstdint>
#include <string>

namespace nuri {

enum class ReadStatus {
  Ok,
  TooLarge,   // the input is longer than the limit; `out` holds nothing useful
  Unreadable, // it does not exist, is a directory, or reading failed
};

struct ReadOutcome {
  ReadStatus status = ReadStatus::Ok;
  std::string reason; // Unreadable: why, e.g. "No such file or directory", "it is a directory"
};

// Reads the file at `path` into `out`, stopping as soon as more than `limit` bytes have been
// read.
ReadOutcome readFileUpTo(const std::string& path, uint64_t limit, std::string& out);

// "64 MB" for a limit that is a whole number of megabytes (or KB, or bytes).
std::string describeLimit(uint64_t bytes);

} // namespace nuri
