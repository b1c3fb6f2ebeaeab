// What the commands of `nuri` share: usage errors, reporting errors, loading programs.
#include "cli/commands.h"

#include <cstdio>
#include <iostream>

namespace nuri::cli {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isHelp(const std::string& arg) { return arg == "--help" || arg == "-h"; }

int usage(const std::string& message, const char* help) {
  std::fflush(stdout);
  std::cerr << "nuri: " << message << "\n";
  if (help)
    std::cerr << "\n" << help;
  else
    std::cerr << "Run `nuri --help` for usage.\n";
  return kExitUsage;
}

int report(const Error& error) {
  std::fflush(stdout);
  std::cerr << withOptionHint(error).render();
  std::cerr.flush();
  switch (error.kind) {
  case Error::Kind::Io: return kExitNoInput;
  case Error::Kind::Compile:
  case Error::Kind::Load: return kExitDataError;
  case Error::Kind::Runtime: return kExitRuntimeError;
  case Error::Kind::Usage: return kExitUsage;
  case Error::Kind::Suspended: return kExitSuspended;
  }
  return kExitRuntimeError;
}

// Compiles a .nuri file (with its imports) or loads a .nbc file.
Result<Program> loadProgram(const std::string& path, const std::vector<std::string>& searchPath) {
  if (endsWith(path, ".nbc")) return loadBytecodeFile(path);
  return compileFile(path, {.searchPath = searchPath});
}

// Takes `--path DIR` / `--path=DIR` out of args[i...] for commands other than run.
namespace {

// Takes every `NAME VALUE` / `NAME=VALUE` out of args[i...], appending the values.
std::string takeOption(std::vector<std::string>& args, size_t i, const std::string& name,
                       const char* needs, std::vector<std::string>& values) {
  while (i < args.size()) {
    if (args[i] == name) {
      if (i + 1 >= args.size()) return name + " needs " + needs;
      values.push_back(args[i + 1]);
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
    } else if (args[i].rfind(name + "=", 0) == 0) {
      values.push_back(args[i].substr(name.size() + 1));
      args.erase(args.begin() + long(i));
    } else {
      i++;
    }
  }
  return "";
}

} // namespace

std::string takeSearchPath(std::vector<std::string>& args, size_t i,
                           std::vector<std::string>& searchPath) {
  return takeOption(args, i, "--path", "a folder", searchPath);
}

std::string takeKeyFile(std::vector<std::string>& args, size_t i, std::string& keyFile) {
  std::vector<std::string> files;
  if (std::string error = takeOption(args, i, "--key-file", "a file holding the key", files);
      !error.empty()) {
    return error;
  }
  if (files.size() > 1) return "--key-file is given more than once";
  if (!files.empty()) keyFile = files[0];
  return "";
}

std::string takeInputAndOutput(const std::vector<std::string>& args, size_t i,
                               const std::string& command, std::string& input,
                               std::string& output) {
  for (; i < args.size(); i++) {
    if (args[i] == "-o") {
      if (i + 1 >= args.size()) return "-o needs an output file name";
      output = args[++i];
    } else if (args[i].rfind("-o", 0) == 0 && args[i].size() > 2) {
      output = args[i].substr(2);
    } else if (!args[i].empty() && args[i][0] == '-') {
      return "unknown option `" + args[i] + "`";
    } else if (input.empty()) {
      input = args[i];
    } else {
      return "`" + command + "` takes one program";
    }
  }
  return input.empty() ? "`" + command + "` needs a program" : "";
}

} // namespace nuri::cli
