// The `nuri` command: run, build, check, disasm and verify Nuri programs.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/repl.h"
#include "nuri/nuri.h"

using namespace nuri;
using namespace nuri::cli;

namespace {

const char* const kMainHelp = R"(nuri - the Nuri virtual machine

Usage:
  nuri run [OPTIONS] FILE.nuri|FILE.nbc [ARGS...]   compile (or load) and run a program
  nuri FILE [ARGS...]                                short for `nuri run FILE`
  nuri build FILE.nuri -o OUT.nbc                    compile to a bytecode file
  nuri check FILE.nuri                               type-check only
  nuri disasm FILE.nuri|FILE.nbc                     print a readable bytecode listing
  nuri verify FILE.nbc|FILE.nsnap                    check a bytecode or snapshot file
  nuri snapshot FILE.nuri|FILE.nbc -o OUT.nsnap      run the top-level code, write a template
  nuri inspect FILE.nsnap                            describe what a snapshot holds
  nuri repl [OPTIONS]                                interactive prompt

Options:
  --help       show help (also `nuri COMMAND --help`)
  --version    show the version

Exit status: 0 success (or main's result), 64 bad usage, 65 compile error or bad
bytecode or snapshot, 66 unreadable input, 70 uncaught runtime error or a hit limit,
75 suspended (--suspend-to).
)";

const char* const kRunHelp = R"(Usage: nuri run [OPTIONS] FILE [ARGS...]

Compiles FILE.nuri in memory (or loads and verifies FILE.nbc) and runs it: first its
top-level statements, then `fun main` if it declares one. Everything after FILE is passed
to the program as `args`. FILE.nsnap is a snapshot: a template runs `main(args)`; a
suspended guest continues where it stopped (it takes no ARGS).

Options (before FILE):
  --heap-limit=SIZE     stop with LimitError when the heap grows past SIZE (e.g. 64M, 1G)
  --fuel=N              stop with LimitError after about N bytecode instructions
  --timeout=SECONDS     stop with LimitError after SECONDS of wall time
  --stack-limit=FRAMES  deepest call nesting before StackOverflowError (default 10000)
  --jit=off|auto|always compile hot functions to machine code (auto, the default), every
                        function before it first runs (always), or never (off)
  --jit-threshold=N     calls of a function, or loops in it, before auto compiles it
                        (default 1000)
  --jit-dump=FUNCTION   print FUNCTION's machine code beside its bytecode as it is compiled
  --allow-read=DIR      let the program read files under DIR (File.read, lines, exists,
                        list); repeatable. Paths are resolved beneath DIR: `..` and
                        symbolic links never lead out of it
  --allow-write=DIR     let the program write files under DIR (File.write, append,
                        delete); repeatable. Without a grant, File raises SecurityError
  --allow-env           let the program read environment variables (System.env); without
                        it System.env raises SecurityError
  --stats               print instruction, allocation, live-object, GC and JIT statistics
                        to stderr
  --path=DIR            also look for imported modules in DIR (repeatable)
  --suspend-to=FILE     when --fuel or --timeout runs out, or on SIGINT or SIGTERM,
                        suspend the program instead, write its snapshot to FILE and exit
                        with status 75; continue it with `nuri run FILE` (give --fuel
                        again for the next slice). When a guest continued from FILE ends,
                        FILE is removed
  --key-file=FILE       sign snapshots written with --suspend-to with the key in FILE
                        (its bytes as they are), and accept only .nsnap files signed with it
  --snapshot-cycle=N    for testing: every N instructions, suspend the program, snapshot
                        it, restore it in a new isolate and continue; the output must
                        equal an uninterrupted run's
)";

const char* const kBuildHelp = R"(Usage: nuri build [--path=DIR] FILE.nuri -o OUT.nbc

Compiles FILE.nuri and every module it imports to one self-contained bytecode file that
`nuri run OUT.nbc` runs. Without -o, writes FILE.nbc next to FILE.nuri. Imports are looked
up next to the importing file, then in each --path folder.
)";

const char* const kCheckHelp = R"(Usage: nuri check [--path=DIR] FILE.nuri

Type-checks FILE.nuri and the modules it imports, and reports every error; prints nothing
when the program is correct. --path adds a folder to look for imported modules in.
)";

const char* const kDisasmHelp = R"(Usage: nuri disasm [--path=DIR] FILE.nuri|FILE.nbc

Prints the bytecode: globals, classes, and each function with its register types and
one instruction a line (offset, source line, opcode, operands).
)";

const char* const kVerifyHelp = R"(Usage: nuri verify [--key-file=FILE] FILE.nbc|FILE.nsnap

Loads and verifies a bytecode file, or checks a snapshot as restoring it would, without
running it. Prints `ok`, or the first problem found (exit status 65). A signed snapshot
needs --key-file.
)";

const char* const kReplHelp = R"(Usage: nuri repl [OPTIONS]

An interactive prompt: type declarations and statements, and see the value of each
expression. Entries build up one program, so later ones use what earlier ones declared
(each entry runs that program again with the earlier output held back). On a terminal,
lines can be edited (arrows, Home/End, Ctrl-A/E/K/U/W) and Up/Down walk the history, kept in
~/.nuri_history. Type :help at the prompt for its commands; :quit or Ctrl-D leaves.
Input that is not a terminal is read line by line without prompts.

Options: the limits of `nuri run` (--heap-limit, --fuel, --timeout, --stack-limit) apply
to each entry, and so do its --jit options; --path=DIR adds a folder to look for imported
modules in. --allow-read=DIR, --allow-write=DIR and --allow-env grant what they grant to
`nuri run`; since each entry runs the earlier ones again, a File.write or File.append of an
earlier entry is done again too.
)";

std::string humanBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (1u << 20))
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / (1 << 20));
  else if (bytes >= 1024)
    std::snprintf(text, sizeof text, "%.1f KB", double(bytes) / 1024);
  else
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  return text;
}

void printStats(const Isolate& guest, JitMode jit) {
  Stats s = guest.stats();
  std::fprintf(stderr,
               "-- nuri stats --\n"
               "instructions executed  %llu\n"
               "objects allocated      %llu (%s)\n"
               "live objects           %llu (%s)\n"
               "heap walks             %llu\n"
               "collections            %llu\n"
               "heap size              %s\n"
               "run time               %.6f s\n",
               static_cast<unsigned long long>(s.instructions),
               static_cast<unsigned long long>(s.allocations), humanBytes(s.allocatedBytes).c_str(),
               static_cast<unsigned long long>(s.liveObjects), humanBytes(s.liveBytes).c_str(),
               static_cast<unsigned long long>(s.heapWalks),
               static_cast<unsigned long long>(s.processCollections),
               humanBytes(s.processHeapBytes).c_str(), s.seconds);
  if (jit == JitMode::Off) {
    std::fprintf(stderr, "jit                    off (interpreter only)\n");
  } else {
    std::fprintf(stderr,
                 "jit                    %llu functions compiled (%llu instructions, %s of code)"
                 " in %.3f ms, %llu loop entries\n",
                 static_cast<unsigned long long>(s.jitFunctions),
                 static_cast<unsigned long long>(s.jitInstructions),
                 humanBytes(s.jitCodeBytes).c_str(), s.jitCompileSeconds * 1e3,
                 static_cast<unsigned long long>(s.jitLoopEntries));
  }
  // The live objects by type, the largest first: what a guest's memory goes to.
  std::vector<TypeStats> types = guest.liveObjectsByType();
  constexpr size_t kShownTypes = 10;
  if (!types.empty()) std::fprintf(stderr, "live objects by type\n");
  for (size_t i = 0; i < types.size() && i < kShownTypes; i++) {
    std::fprintf(stderr, "  %-20s %10llu  %s\n", types[i].type.c_str(),
                 static_cast<unsigned long long>(types[i].objects),
                 humanBytes(types[i].bytes).c_str());
  }
  if (types.size() > kShownTypes)
    std::fprintf(stderr, "  (%zu more types)\n", types.size() - kShownTypes);
}

// After a run with --jit-dump: a note when no function of that name was compiled, so that a
// misspelt name or a function that never got hot does not look like an empty dump.
void noteJitDump(const Isolate* guest, const RunOptions& options) {
  const std::string& name = options.config.jitDump;
  if (name.empty() || !guest || guest->stats().jitDumpedFunctions) return;
  if (options.config.jit == JitMode::Off || !jitAvailable()) {
    std::fprintf(stderr, "note: --jit-dump=%s: nothing is compiled %s\n", name.c_str(),
                 jitAvailable() ? "with --jit=off" : "(this build has no JIT)");
    return;
  }
  std::fprintf(stderr,
               "note: --jit-dump=%s: no function of that name was compiled in this run (under "
               "--jit=auto only hot ones are, --jit=always compiles each before it runs; names "
               "are those of stack traces: `main`, `Vec.add`, `<module>`, `main.<lambda>`)\n",
               name.c_str());
}

int commandRun(const std::vector<std::string>& args, size_t i) {
  RunOptions options;
  if (i < args.size() && isHelp(args[i])) {
    std::cout << kRunHelp;
    return kExitOk;
  }
  std::string error = parseRunOptions(args, i, options);
  if (!error.empty()) return usage(error, kRunHelp);
  if (i >= args.size()) return usage("`run` needs a file to run", kRunHelp);
  std::string path = args[i++];
  std::vector<std::string> programArgs(args.begin() + long(i), args.end());
  if (int status = loadKeyFile(options.keyFile, options.config.snapshotKey)) return status;

  Runtime runtime;
  std::unique_ptr<Isolate> guest;
  int status = kExitOk;
  if (endsWith(path, ".nsnap")) {
    status = runSnapshot(runtime, path, programArgs, options, guest);
  } else {
    Result<Program> program = loadProgram(path, options.searchPath);
    if (!program) return report(program.error());
    if (options.snapshotCycle) {
      status = runThroughSnapshots(*program, programArgs, options, options.snapshotCycle, guest);
      std::fflush(stdout);
      if (options.stats && guest) printStats(*guest, options.config.jit);
      noteJitDump(guest.get(), options);
      return status;
    }
    guest = runtime.newIsolate(options.config);
    (void)guest->setHostData(encodeArguments(programArgs)); // for a suspension before main
    SuspendOnSignals signals(options, *guest);
    if (Status loaded = guest->load(*program); !loaded) {
      status = loaded.error().kind == Error::Kind::Suspended
                   ? suspendGuest(*guest, options, loaded.error())
                   : report(loaded.error());
    } else {
      status = runLoaded(*guest, programArgs, options);
    }
  }
  std::fflush(stdout);
  if (options.stats && guest) printStats(*guest, options.config.jit);
  noteJitDump(guest.get(), options);
  return status;
}

int commandRepl(const std::vector<std::string>& args, size_t i) {
  RunOptions options;
  if (i < args.size() && isHelp(args[i])) {
    std::cout << kReplHelp;
    return kExitOk;
  }
  std::string error = parseRunOptions(args, i, options);
  if (!error.empty()) return usage(error, kReplHelp);
  if (i < args.size()) return usage("`repl` takes no file; use `nuri run FILE`", kReplHelp);
  return runRepl(options);
}

int commandBuild(std::vector<std::string> args, size_t i) {
  std::string input, output;
  std::vector<std::string> searchPath;
  if (std::string error = takeSearchPath(args, i, searchPath); !error.empty()) {
    return usage(error, kBuildHelp);
  }
  for (size_t k = i; k < args.size(); k++) {
    if (isHelp(args[k])) {
      std::cout << kBuildHelp;
      return kExitOk;
    }
  }
  if (std::string error = takeInputAndOutput(args, i, "build", input, output); !error.empty()) {
    return usage(error, kBuildHelp);
  }
  if (output.empty()) {
    output = (endsWith(input, ".nuri") ? input.substr(0, input.size() - 5) : input) + ".nbc";
  }
  Runtime runtime;
  Result<Program> program = compileFile(input, {.searchPath = searchPath});
  if (!program) return report(program.error());
  std::vector<uint8_t> bytes = program->toBytecode();
  // The compiler keeps within the loader's limits; loading the bytes makes sure of it (and
  // catches the one limit it leaves to the loader: the size of the whole file).
  if (Result<Program> loaded = loadBytecode(bytes, output); !loaded) return report(loaded.error());
  std::ofstream out(output, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << output << "\n";
    return kExitNoInput;
  }
  return kExitOk;
}

int commandSingleFile(const std::string& command, std::vector<std::string> args, size_t i,
                      const char* help) {
  std::vector<std::string> searchPath;
  if (std::string error = takeSearchPath(args, i, searchPath); !error.empty()) {
    return usage(error, help);
  }
  std::string keyFile, key; // verify: of a signed snapshot
  if (command == "verify") {
    if (std::string error = takeKeyFile(args, i, keyFile); !error.empty()) {
      return usage(error, help);
    }
  }
  if (i < args.size() && isHelp(args[i])) {
    std::cout << help;
    return kExitOk;
  }
  if (i >= args.size()) return usage("`" + command + "` needs a file", help);
  if (i + 1 < args.size()) return usage("`" + command + "` takes one file", help);
  const std::string& path = args[i];
  if (!path.empty() && path[0] == '-') return usage("unknown option `" + path + "`", help);
  Runtime runtime;
  if (command == "check") {
    if (endsWith(path, ".nbc")) return usage("`check` takes a .nuri source file", help);
    Result<Program> program = compileFile(path, {.searchPath = searchPath});
    if (!program) return report(program.error());
    return kExitOk;
  }
  if (command == "verify") {
    if (endsWith(path, ".nsnap")) {
      if (int status = loadKeyFile(keyFile, key)) return status;
      return verifySnapshot(path, key);
    }
    Result<Program> program = loadBytecodeFile(path);
    if (!program) {
      if (program.error().kind == Error::Kind::Load) {
        std::cout << program.error().message << "\n";
        return kExitDataError;
      }
      return report(program.error());
    }
    std::cout << "ok\n";
    return kExitOk;
  }
  // disasm
  Result<Program> program = loadProgram(path, searchPath);
  if (!program) return report(program.error());
  writeOutput(program->disassemble());
  return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
  ignoreBrokenPipes();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kMainHelp;
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (isHelp(first) || first == "help") {
    std::cout << kMainHelp;
    return kExitOk;
  }
  if (first == "--version" || first == "-v" || first == "version") {
    std::cout << "nuri " << version() << "\n";
    return kExitOk;
  }
  if (first == "run") return commandRun(args, 1);
  if (first == "build") return commandBuild(args, 1);
  if (first == "check") return commandSingleFile("check", args, 1, kCheckHelp);
  if (first == "disasm") return commandSingleFile("disasm", args, 1, kDisasmHelp);
  if (first == "verify") return commandSingleFile("verify", args, 1, kVerifyHelp);
  if (first == "repl") return commandRepl(args, 1);
  if (first == "snapshot") return commandSnapshot(args, 1);
  if (first == "inspect") return commandInspect(args, 1);
  if (!first.empty() && first[0] == '-') {
    // `nuri --fuel=10 app.nuri` is `nuri run --fuel=10 app.nuri`.
    return commandRun(args, 0);
  }
  if (endsWith(first, ".nuri") || endsWith(first, ".nbc") || endsWith(first, ".nsnap")) {
    return commandRun(args, 0);
  }
  return usage("unknown command `" + first + "`");
}
