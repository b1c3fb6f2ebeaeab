// The errors the embedding API reports (nuri::Error), shared by its runtime part (api.cpp) and
// its compiler part (compile_source.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "nuri/nuri.h"

namespace nuri {

inline Error makeError(Error::Kind kind, std::string message) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

class IsolateState;

// The error of an isolate whose VM stack could not be reserved (say, under `ulimit -v`).
Error noStack(const IsolateState& isolate);

// Reads an input file of at most `limit` bytes. Too large is an error of the file's contents,
// reported like the compiler or the loader reports it, not an unreadable file.
bool readInput(const std::string& path, uint64_t limit, Error::Kind tooLarge, const char* what,
               std::string& out, Error& error);

} // namespace nuri
