#include "api/errors.h"

#include "support/read_file.h"

namespace nuri {

bool readInput(const std::string& path, uint64_t limit, Error::Kind tooLarge, const char* what,
               std::string& out, Error& error) {
  ReadOutcome read = readFileUpTo(path, limit, out);
  if (read.status == ReadStatus::Ok) return true;
  if (read.status == ReadStatus::Unreadable) {
    error = makeError(Error::Kind::Io, "cannot read " + path + ": " + read.reason);
    return false;
  }
  std::string message =
      path + ": file is larger than the " + describeLimit(limit) + " limit for " + what;
  error = makeError(tooLarge, message);
  if (tooLarge == Error::Kind::Compile) {
    error.message = "1 error";
    error.diagnostics = "error: " + message + "\n";
  }
  return false;
}

} // namespace nuri
