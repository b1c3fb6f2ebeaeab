// Command-line parsing for the `nuri` command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nuri/nuri.h"

namespace nuri::cli {

enum ExitStatus {
  kExitOk = 0,
  kExitUsage = 64,
  kExitDataError = 65, // compile error or bad bytecode
  kExitNoInput = 66,
  kExitRuntimeError = 70,
};

struct RunOptions {
  RunOptions() { useProcessHooks(config); } // guests of the nuri command read the process's own
  IsolateConfig config;
  std::vector<std::string> searchPath; // --path
  bool stats = false;
  std::string jit = "auto";
};

// Parses `--name=value` or `--name value` run options from args[i...]; stops at the first
// argument that is not an option. Returns an error message, or empty on success.
std::string parseRunOptions(const std::vector<std::string>& args, size_t& i, RunOptions& out);

// The error with the option that set its limit named after the message: `fuel exhausted after
// 1000 instructions (--fuel)`. The VM's messages are neutral, since embedders set limits too.
Error withOptionHint(Error error);

// "64M" -> 67108864. Accepts K, M, G suffixes (powers of 1024) and plain byte counts.
std::optional<uint64_t> parseSize(const std::string& text);

} // namespace nuri::cli
