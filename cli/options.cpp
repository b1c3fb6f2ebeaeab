#include "cli/options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "support/read_file.h"

namespace nuri::cli {

std::optional<uint64_t> parseSize(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    digits++;
  if (digits == 0 || digits > 15) return std::nullopt;
  uint64_t value = std::stoull(text.substr(0, digits));
  std::string suffix = text.substr(digits);
  uint64_t scale = 1;
  if (suffix == "" || suffix == "B")
    scale = 1;
  else if (suffix == "K" || suffix == "k" || suffix == "KB")
    scale = 1ull << 10;
  else if (suffix == "M" || suffix == "m" || suffix == "MB")
    scale = 1ull << 20;
  else if (suffix == "G" || suffix == "g" || suffix == "GB")
    scale = 1ull << 30;
  else
    return std::nullopt;
  if (value > (UINT64_MAX >> 30)) return std::nullopt;
  return value * scale;
}

namespace {

std::optional<uint64_t> parseCount(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoull(text);
}

} // namespace

namespace {

std::string parseOptions(const std::vector<std::string>& args, size_t& i, RunOptions& out) {
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") return "";
    if (arg == "--") {
      i++;
      return "";
    }
    std::string name = arg, value;
    bool hasValue = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    auto takeValue = [&]() -> bool {
      if (hasValue) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    if (name == "--path") {
      if (!takeValue()) return "--path needs a folder to look for imported modules in";
      out.searchPath.push_back(value);
    } else if (name == "--stats") {
      if (hasValue) return "--stats takes no value";
      out.stats = true;
    } else if (name == "--allow-env") {
      if (hasValue)
        return "--allow-env takes no value: it grants every environment variable, or none";
      out.allowEnvironment = true;
    } else if (name == "--allow-read" || name == "--allow-write") {
      if (!takeValue() || value.empty()) return name + " needs a directory, e.g. " + name + "=data";
      (name == "--allow-read" ? out.config.readableDirectories : out.config.writableDirectories)
          .push_back(value);
    } else if (name == "--jit") {
      if (!takeValue()) return "--jit needs a value: off, auto or always";
      if (value != "off" && value != "auto" && value != "always") {
        return "--jit must be off, auto or always, not `" + value + "`";
      }
      out.config.jit = value == "off"      ? JitMode::Off
                       : value == "always" ? JitMode::Always
                                           : JitMode::Auto;
    } else if (name == "--jit-threshold") {
      if (!takeValue())
        return "--jit-threshold needs a number of calls or loops, e.g. --jit-threshold=100";
      auto n = parseCount(value);
      if (!n || *n == 0 || *n > UINT32_MAX) {
        return "--jit-threshold needs a number from 1 to 4294967295, not `" + value + "`";
      }
      out.config.jitThreshold = uint32_t(*n);
    } else if (name == "--jit-dump") {
      if (!takeValue() || value.empty()) {
        return "--jit-dump needs a function's name, e.g. --jit-dump=main or --jit-dump=Vec.add";
      }
      out.config.jitDump = value;
    } else if (name == "--heap-limit") {
      if (!takeValue()) return "--heap-limit needs a size, e.g. --heap-limit=64M";
      auto size = parseSize(value);
      if (!size || *size == 0) {
        return "--heap-limit needs a size such as 64M, 512K or 1G, not `" + value + "`";
      }
      out.config.heapLimitBytes = *size;
    } else if (name == "--fuel") {
      if (!takeValue()) return "--fuel needs a number of instructions, e.g. --fuel=1000000";
      auto n = parseCount(value);
      if (!n || *n == 0)
        return "--fuel needs a positive number of instructions, not `" + value + "`";
      out.config.fuel = *n;
    } else if (name == "--timeout") {
      if (!takeValue()) return "--timeout needs a number of seconds, e.g. --timeout=2.5";
      char* end = nullptr;
      double seconds = std::strtod(value.c_str(), &end);
      if (value.empty() || *end || !(seconds > 0) || !std::isfinite(seconds)) {
        return "--timeout needs a positive number of seconds, not `" + value + "`";
      }
      out.config.timeoutSeconds = seconds;
    } else if (name == "--suspend-to") {
      if (!takeValue() || value.empty()) {
        return "--suspend-to needs a file for the snapshot, e.g. --suspend-to=app.nsnap";
      }
      out.suspendTo = value;
      out.config.suspendOnLimit = true;
    } else if (name == "--snapshot-cycle") {
      auto n = takeValue() ? parseCount(value) : std::nullopt;
      if (!n || *n == 0) return "--snapshot-cycle needs a positive number of instructions";
      out.snapshotCycle = *n;
    } else if (name == "--key-file") {
      if (!takeValue() || value.empty()) return "--key-file needs a file holding the key";
      out.keyFile = value;
    } else if (name == "--stack-limit") {
      if (!takeValue()) return "--stack-limit needs a number of frames, e.g. --stack-limit=5000";
      auto n = parseCount(value);
      if (!n || *n == 0 || *n > 10000000) {
        return "--stack-limit needs a number of frames from 1 to 10000000, not `" + value + "`";
      }
      out.config.stackLimitFrames = uint32_t(*n);
    } else {
      return "unknown option `" + name + "` (see `nuri run --help`)";
    }
    i++;
  }
  return "";
}

} // namespace

std::string parseRunOptions(const std::vector<std::string>& args, size_t& i, RunOptions& out) {
  std::string error = parseOptions(args, i, out);
  if (!out.allowEnvironment) out.config.environment = nullptr; // System.env raises SecurityError
  return error;
}

int loadKeyFile(const std::string& path, std::string& key) {
  if (path.empty()) return kExitOk;
  ReadOutcome read = readFileUpTo(path, 1u << 16, key);
  std::string problem;
  int status = kExitDataError;
  if (read.status == ReadStatus::Unreadable) {
    problem = "cannot read the key file " + path + ": " + read.reason;
    status = kExitNoInput;
  } else if (read.status != ReadStatus::Ok) {
    problem = "the key file " + path + " is larger than 64 KB";
  } else if (key.empty()) {
    problem = "the key file " + path + " is empty";
  }
  if (problem.empty()) return kExitOk;
  std::fprintf(stderr, "error: %s\n", problem.c_str());
  return status;
}

Error withOptionHint(Error error) {
  if (error.errorClass == "SecurityError") {
    const std::string& m = error.message;
    if (m == "environment access is not granted")
      error.message += " (run with --allow-env)";
    else if (m.starts_with("read access to ") && m.ends_with(" is not granted"))
      error.message += " (run with --allow-read=DIR)";
    else if (m.starts_with("write access to ") && m.ends_with(" is not granted"))
      error.message += " (run with --allow-write=DIR)";
  }
  switch (error.limit) {
  case Error::Limit::Fuel: error.message += " (--fuel)"; break;
  case Error::Limit::Time: error.message += " (--timeout)"; break;
  case Error::Limit::Heap: error.message += " (--heap-limit)"; break;
  case Error::Limit::None:
  case Error::Limit::Terminated:
  case Error::Limit::Requested: break;
  }
  return error;
}

} // namespace nuri::cli
