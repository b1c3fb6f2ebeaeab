// What the commands of `nuri` share: usage errors, reporting errors, loading programs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "nuri/nuri.h"

namespace nuri::cli {

bool endsWith(const std::string& s, const std::string& suffix);
bool isHelp(const std::string& arg);

// Prints `nuri: MESSAGE` and the command's help (or a pointer to `nuri --help`) on standard
// error; returns the usage exit status.
int usage(const std::string& message, const char* help = nullptr);

// Prints an error of the API on standard error; returns the exit status for its kind.
int report(const Error& error);

// Compiles a .nuri file (with its imports) or loads a .nbc file.
Result<Program> loadProgram(const std::string& path, const std::vector<std::string>& searchPath);

// Takes `--path DIR` / `--path=DIR` out of args[i...] for commands other than run.
std::string takeSearchPath(std::vector<std::string>& args, size_t i,
                           std::vector<std::string>& searchPath);

// Takes `--key-file FILE` / `--key-file=FILE` out of args[i...] (see loadKeyFile).
std::string takeKeyFile(std::vector<std::string>& args, size_t i, std::string& keyFile);

// The program and `-o OUT` of a command that writes a file (build, snapshot) from args[i...].
// Returns an error message, or empty.
std::string takeInputAndOutput(const std::vector<std::string>& args, size_t i,
                               const std::string& command, std::string& input, std::string& output);

// The snapshot commands (snapshot_commands.cpp).
int commandSnapshot(std::vector<std::string> args, size_t i);
int commandInspect(std::vector<std::string> args, size_t i);
int verifySnapshot(const std::string& path, const std::string& key);
// Runs a guest restored from a .nsnap file: a template's main, or a suspended guest onwards.
int runSnapshot(Runtime& runtime, const std::string& path, const std::vector<std::string>& args,
                const RunOptions& options, std::unique_ptr<Isolate>& guest);
// After the guest suspended: writes its snapshot where --suspend-to says (exit 75), or reports.
int suspendGuest(Isolate& guest, const RunOptions& options, const Error& suspended);
// --snapshot-cycle=N (for testing exactness): runs the program in slices of N instructions'
// fuel, moving it after each slice through a snapshot into a new isolate of a new Runtime.
int runThroughSnapshots(const Program& program, const std::vector<std::string>& args,
                        const RunOptions& options, uint64_t slice, std::unique_ptr<Isolate>& guest);
// With --suspend-to, SIGINT and SIGTERM suspend `guest` (which is then written to the file)
// for this object's life, instead of ending the process.
class SuspendOnSignals {
public:
  SuspendOnSignals(const RunOptions& options, const Isolate& guest);
  ~SuspendOnSignals();
  SuspendOnSignals(const SuspendOnSignals&) = delete;
  SuspendOnSignals& operator=(const SuspendOnSignals&) = delete;

private:
  std::unique_ptr<InterruptHandle> handle_;
};

// The arguments for main as `nuri run` keeps them in a guest's host data (a guest suspended in
// its top-level code gets them when it continues), and back; nullopt for other host data.
std::string encodeArguments(const std::vector<std::string>& args);
std::optional<std::vector<std::string>> decodeArguments(std::string_view data);

// Runs `main` of a loaded guest; the exit status.
int runLoaded(Isolate& guest, const std::vector<std::string>& args, const RunOptions& options);

} // namespace nuri::cli
