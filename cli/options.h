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
  kExitSuspended = 75, // the guest suspended and its snapshot was written (--suspend-to)
};

struct RunOptions {
  RunOptions() { useProcessHooks(config); } // guests of the nuri command read the process's own
  IsolateConfig config;
  std::vector<std::string> searchPath; // --path
  bool stats = false;
  std::string suspendTo;         // --suspend-to: where a suspended guest's snapshot goes
  uint64_t snapshotCycle = 0;    // --snapshot-cycle: move the guest through a snapshot this often
  std::string keyFile;           // --key-file: the snapshot key's file, read by loadKeyFile
  bool allowEnvironment = false; // --allow-env (parseRunOptions drops the hook without it)
};

// Reads the key of --key-file (its bytes as they are, a final newline included) into `key`.
// Returns 0, or the exit status after printing the problem: 66 unreadable, 65 empty or over
// 64 KB. An empty path is no key.
int loadKeyFile(const std::string& path, std::string& key);

// Parses `--name=value` or `--name value` run options from args[i...]; stops at the first
// argument that is not an option. Returns an error message, or empty on success.
std::string parseRunOptions(const std::vector<std::string>& args, size_t& i, RunOptions& out);

// The error with the option that set its limit named after the message: `fuel exhausted after
// 1000 instructions (--fuel)`. The VM's messages are neutral, since embedders set limits too.
Error withOptionHint(Error error);

// "64M" -> 67108864. Accepts K, M, G suffixes (powers of 1024) and plain byte counts.
std::optional<uint64_t> parseSize(const std::string& text);

} // namespace nuri::cli
