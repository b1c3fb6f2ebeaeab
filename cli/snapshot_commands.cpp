// The snapshot commands of `nuri` (GUESTS.md §4): running a .nsnap, writing templates,
// inspecting and verifying snapshots, and what --suspend-to does when a guest suspends.
#include <atomic>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string_view>

#include "cli/commands.h"
#include "cli/output.h"
#include "support/read_file.h"

namespace nuri::cli {
namespace {

const char* const kSnapshotHelp =
    R"(Usage: nuri snapshot [OPTIONS] FILE.nuri|FILE.nbc -o OUT.nsnap

Compiles FILE.nuri (or loads FILE.nbc), runs its top-level statements and writes the guest
as a template: `nuri run OUT.nsnap ARGS` then starts at `main(args)` without compiling,
linking or initialising again. Without -o, writes FILE.nsnap next to FILE.

Options (before FILE): those of `nuri run` that apply to the top-level code (--path,
--heap-limit, --fuel, --timeout, --stack-limit), and --key-file=FILE to sign the snapshot
(HMAC-SHA-256) with the key in FILE (its bytes as they are, a final newline included).
)";

const char* const kInspectHelp = R"(Usage: nuri inspect [--key-file=FILE] FILE.nsnap

Checks a snapshot as restoring it would, and prints what it holds: its format version,
whether it is a template or a suspended guest, the program, the instructions executed,
the globals, the live objects and bytes by type (largest first), and for a suspended
guest its stack. Exit status 65 for a corrupt snapshot, 66 for an unreadable one.
)";

// Reads a snapshot file; an exit status other than 0 when it cannot be read.
int readSnapshotFile(const std::string& path, std::string& bytes) {
  constexpr uint64_t kMaxSnapshotBytes = 4ull << 30;
  ReadOutcome read = readFileUpTo(path, kMaxSnapshotBytes, bytes);
  if (read.status == ReadStatus::Unreadable) {
    std::cerr << "error: cannot read " << path << ": " << read.reason << "\n";
    return kExitNoInput;
  }
  if (read.status != ReadStatus::Ok) {
    std::cerr << "error: " << path << ": larger than the 4 GB limit for snapshots\n";
    return kExitDataError;
  }
  return kExitOk;
}

std::span<const uint8_t> asBytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

const char* reasonText(Error::Limit reason) {
  switch (reason) {
  case Error::Limit::Fuel: return "its fuel ran out";
  case Error::Limit::Time: return "its time ran out";
  case Error::Limit::Requested: return "its host asked it to";
  default: return "";
  }
}

// While a guest runs with --suspend-to, SIGINT and SIGTERM ask it to suspend (and be written
// to the file) instead of ending the process: Ctrl-C, or a scheduler's stop, keeps its work.
std::atomic<const InterruptHandle*> signalTarget{nullptr};

extern "C" void suspendOnSignal(int) {
  if (const InterruptHandle* target = signalTarget.load()) target->requestSuspend();
}

// The host data `nuri run` keeps in a guest: the arguments for main, so that a guest suspended
// in its top-level code still gets them. Each is its length, a colon and its bytes.
constexpr std::string_view kArgsTag = "nuri run arguments\n";

} // namespace

std::string encodeArguments(const std::vector<std::string>& args) {
  std::string out(kArgsTag);
  for (const std::string& arg : args)
    out += std::to_string(arg.size()) + ":" + arg;
  return out;
}

std::optional<std::vector<std::string>> decodeArguments(std::string_view data) {
  if (!data.starts_with(kArgsTag)) return std::nullopt;
  data.remove_prefix(kArgsTag.size());
  std::vector<std::string> args;
  while (!data.empty()) {
    size_t colon = data.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
    size_t length = 0;
    for (char c : data.substr(0, colon)) {
      if (c < '0' || c > '9') return std::nullopt;
      length = length * 10 + size_t(c - '0');
    }
    data.remove_prefix(colon + 1);
    if (length > data.size()) return std::nullopt;
    args.emplace_back(data.substr(0, length));
    data.remove_prefix(length);
  }
  return args;
}

SuspendOnSignals::SuspendOnSignals(const RunOptions& options, const Isolate& guest) {
  if (options.suspendTo.empty()) return;
  handle_ = std::make_unique<InterruptHandle>(guest.interruptHandle());
  signalTarget.store(handle_.get());
  struct sigaction action {};
  action.sa_handler = suspendOnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

SuspendOnSignals::~SuspendOnSignals() {
  if (!handle_) return;
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signalTarget.store(nullptr);
}

int suspendGuest(Isolate& guest, const RunOptions& options, const Error& suspended) {
  if (options.suspendTo.empty()) return report(suspended);
  std::fflush(stdout);
  if (Status written = guest.snapshotToFile(options.suspendTo); !written) {
    return report(written.error());
  }
  std::cerr << "suspended: snapshot written to " << options.suspendTo << "\n";
  return kExitSuspended;
}

int runLoaded(Isolate& guest, const std::vector<std::string>& args, const RunOptions& options) {
  Result<int> result = guest.runMain(args);
  if (!result) {
    return result.error().kind == Error::Kind::Suspended
               ? suspendGuest(guest, options, result.error())
               : report(result.error());
  }
  return *result & 0xFF; // a process's exit status is one byte
}

namespace {

// Continues a guest restored from `path` (see runSnapshot).
int continueSnapshot(const std::string& path, const std::vector<std::string>& args,
                     const RunOptions& options, Isolate& guest) {
  SuspendOnSignals signals(options, guest);
  if (!guest.suspended()) return runLoaded(guest, args, options); // a template
  // A guest suspended in its top-level code has not started main yet: it keeps the arguments
  // `nuri run` was given for main, or (written by another host) takes them now.
  std::string in = guest.suspendedIn();
  std::optional<std::vector<std::string>> stored = decodeArguments(guest.hostData());
  if ((in != "load" || stored) && !args.empty()) {
    return usage(path + " holds a suspended guest, which continues where it stopped: it takes "
                        "no arguments");
  }
  const std::vector<std::string>& mainArgs = stored ? *stored : args;
  Result<Value> resumed = guest.resume();
  if (!resumed) {
    return resumed.error().kind == Error::Kind::Suspended
               ? suspendGuest(guest, options, resumed.error())
               : report(resumed.error());
  }
  if (in == "load") return runLoaded(guest, mainArgs, options);
  // Suspended in main: its status. (In a host's call: its result is the host's business.)
  return in == "main" ? int(resumed->asInt().value_or(0)) & 0xFF : kExitOk;
}

} // namespace

int runSnapshot(Runtime& runtime, const std::string& path, const std::vector<std::string>& args,
                const RunOptions& options, std::unique_ptr<Isolate>& guest) {
  Result<std::unique_ptr<Isolate>> restored = runtime.restoreFile(path, options.config);
  if (!restored) return report(restored.error());
  guest = std::move(*restored);
  bool wasSuspended = guest->suspended();
  int status = continueSnapshot(path, args, options, *guest);
  // A suspended guest continued from the file --suspend-to names, and now ended: the file holds
  // a past moment of it, which must not be continued again (a loop that runs the file until it
  // stops suspending ends here).
  if (wasSuspended && status != kExitSuspended && path == options.suspendTo) {
    std::remove(path.c_str());
  }
  return status;
}

int runThroughSnapshots(const Program& program, const std::vector<std::string>& args,
                        const RunOptions& options, uint64_t slice,
                        std::unique_ptr<Isolate>& guest) {
  IsolateConfig config = options.config;
  config.fuel = slice;
  config.suspendOnLimit = true;
  // Moves the suspended guest into a new isolate of a new Runtime through its snapshot.
  auto move = [&]() -> Status {
    Result<std::vector<uint8_t>> bytes = guest->snapshot();
    if (!bytes) return bytes.error();
    Runtime fresh; // verifies the snapshot's program again, as another process would
    Result<std::unique_ptr<Isolate>> restored = fresh.restore(*bytes, config);
    if (!restored) return restored.error();
    guest = std::move(*restored);
    return Ok{};
  };
  // Continues a guest that suspended until it ends; the last error, or null.
  auto finish = [&](Error error, Value& value) -> std::optional<Error> {
    while (error.kind == Error::Kind::Suspended) {
      if (Status moved = move(); !moved) return moved.error();
      Result<Value> resumed = guest->resume();
      if (resumed) {
        value = *resumed;
        return std::nullopt;
      }
      error = resumed.error();
    }
    return error;
  };
  Runtime runtime;
  guest = runtime.newIsolate(config);
  Value value;
  if (Status loaded = guest->load(program); !loaded) {
    if (auto error = finish(loaded.error(), value)) return report(*error);
  }
  Result<int> status = guest->runMain(args);
  if (status) return *status & 0xFF;
  if (auto error = finish(status.error(), value)) return report(*error);
  return int(value.asInt().value_or(0)) & 0xFF;
}

int commandSnapshot(std::vector<std::string> args, size_t i) {
  if (i < args.size() && isHelp(args[i])) {
    std::cout << kSnapshotHelp;
    return kExitOk;
  }
  RunOptions options;
  if (std::string error = parseRunOptions(args, i, options); !error.empty()) {
    return usage(error, kSnapshotHelp);
  }
  if (!options.suspendTo.empty() || options.snapshotCycle) {
    return usage("`snapshot` writes a template: --suspend-to and --snapshot-cycle are for `run`",
                 kSnapshotHelp);
  }
  std::string input, output;
  if (std::string error = takeInputAndOutput(args, i, "snapshot", input, output); !error.empty()) {
    if (error.starts_with("unknown option")) error += " (options go before the program)";
    return usage(error, kSnapshotHelp);
  }
  if (output.empty()) {
    size_t dot = input.rfind('.');
    bool known = endsWith(input, ".nuri") || endsWith(input, ".nbc");
    output = (known ? input.substr(0, dot) : input) + ".nsnap";
  }
  if (int status = loadKeyFile(options.keyFile, options.config.snapshotKey)) return status;
  Runtime runtime;
  Result<Program> program = loadProgram(input, options.searchPath);
  if (!program) return report(program.error());
  std::unique_ptr<Isolate> guest = runtime.newIsolate(options.config);
  if (Status loaded = guest->load(*program); !loaded) return report(loaded.error());
  std::fflush(stdout);
  if (std::optional<int> exited = guest->exitStatus()) {
    std::cerr << "error: " << input << " ended in its top-level code (System.exit(" << *exited
              << ")): there is no guest left to snapshot\n";
    return kExitRuntimeError;
  }
  if (Status written = guest->snapshotToFile(output); !written) return report(written.error());
  return kExitOk;
}

int verifySnapshot(const std::string& path, const std::string& key) {
  std::string bytes;
  if (int status = readSnapshotFile(path, bytes)) return status;
  Runtime runtime;
  Result<SnapshotSummary> summary = runtime.inspect(asBytes(bytes), key);
  if (!summary) {
    std::cout << path << ": " << summary.error().message << "\n";
    return summary.error().kind == Error::Kind::Load ? kExitDataError : kExitRuntimeError;
  }
  std::cout << "ok\n";
  return kExitOk;
}

int commandInspect(std::vector<std::string> args, size_t i) {
  std::string key;
  std::string keyFile;
  if (std::string error = takeKeyFile(args, i, keyFile); !error.empty()) {
    return usage(error, kInspectHelp);
  }
  if (i < args.size() && isHelp(args[i])) {
    std::cout << kInspectHelp;
    return kExitOk;
  }
  for (size_t k = i; k < args.size(); k++) {
    if (args[k].size() > 1 && args[k][0] == '-') {
      return usage("unknown option `" + args[k] + "`", kInspectHelp);
    }
  }
  if (i >= args.size()) return usage("`inspect` needs a snapshot file", kInspectHelp);
  if (i + 1 < args.size()) return usage("`inspect` takes one file", kInspectHelp);
  const std::string& path = args[i];
  if (int status = loadKeyFile(keyFile, key)) return status;
  std::string bytes;
  if (int status = readSnapshotFile(path, bytes)) return status;
  Runtime runtime;
  Result<SnapshotSummary> result = runtime.inspect(asBytes(bytes), key);
  if (!result) {
    std::cerr << "error: " << path << ": " << result.error().message << "\n";
    return result.error().kind == Error::Kind::Load ? kExitDataError : kExitRuntimeError;
  }
  const SnapshotSummary& s = *result;
  std::string out;
  out += "snapshot format " + s.formatVersion + (s.isSigned ? ", signed\n" : ", unsigned\n");
  if (s.suspended) {
    out += "state: suspended in " + s.entry + " (" + reasonText(s.reason) + ")\n";
  } else if (s.isTemplate) {
    out += "state: template (top-level code done, main not started)\n";
  } else {
    out += "state: between calls (main or a call has run; `nuri run` starts main again)\n";
  }
  out += "program: " + s.programFile + "\n";
  if (auto args = decodeArguments(s.hostData)) {
    out += "arguments for main:";
    for (const std::string& arg : *args)
      out += " " + arg;
    out += "\n";
  }
  out += "instructions executed: " + std::to_string(s.instructions) + "\n";
  if (s.fuel || s.timeoutSeconds > 0 || s.heapLimitBytes) {
    char limits[160];
    std::snprintf(limits, sizeof limits,
                  "limits it ran under: fuel %" PRIu64 ", timeout %g s, "
                  "heap limit %" PRIu64 " bytes (0: none)\n",
                  s.fuel, s.timeoutSeconds, s.heapLimitBytes);
    out += limits;
  }
  if (s.inputAheadBytes || s.inputEnded) {
    out += "standard input read ahead: " + std::to_string(s.inputAheadBytes) + " bytes" +
           (s.inputEnded ? ", then its end\n" : "\n");
  }
  if (!s.hostFunctions.empty()) {
    out += "host functions (their modules must be granted): " +
           std::to_string(s.hostFunctions.size()) + "\n";
    for (const std::string& f : s.hostFunctions)
      out += "  " + f + "\n";
  }
  out += "globals: " + std::to_string(s.globals.size()) + "\n";
  for (const std::string& global : s.globals)
    out += "  " + global + "\n";
  out += "live objects: " + std::to_string(s.liveObjects) + " (" + std::to_string(s.liveBytes) +
         " bytes)\n";
  if (!s.heap.empty()) {
    char header[128];
    std::snprintf(header, sizeof header, "  %-24s %10s %12s\n", "type", "objects", "bytes");
    out += header;
  }
  for (const TypeStats& type : s.heap) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-24s %10" PRIu64 " %12" PRIu64 "\n", type.type.c_str(),
                  type.objects, type.bytes);
    out += line;
  }
  if (s.suspended) {
    out += "stack:\n";
    for (const std::string& frame : s.trace)
      out += "  " + frame + "\n";
  }
  writeOutput(out);
  return kExitOk;
}

} // namespace nuri::cli
