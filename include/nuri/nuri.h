// The Nuri embedding API. The `nuri` command line uses exactly this interface.
//
//   nuri::Runtime runtime;                                  // once per process
//   nuri::IsolateConfig config;                             // limits and output callbacks
//   config.heapLimitBytes = 64 << 20;
//   std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
//   nuri::Result<nuri::Program> program = nuri::compileFile("app.nuri");
//   if (!program) { std::cerr << program.error().render(); return 65; }
//   if (auto loaded = guest->load(*program); !loaded) { ... }
//   nuri::Result<int> status = guest->runMain({"arg1"});
//
// Errors come back as values; nothing here throws a C++ exception for a guest's failure.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace nuri {

struct Module;
class IsolateState;
class Isolate;
struct ValueObject;

// What went wrong, as reported to the embedder.
struct Error {
  enum class Kind {
    Usage,   // bad argument to an API call
    Io,      // a file could not be read or written
    Compile, // the source has errors (see `diagnostics`)
    Load,    // a bytecode file is malformed or fails verification
    Runtime, // an uncaught Nuri error (see `errorClass`, `message`, `trace`)
    // The guest stopped at a suspension point (its fuel or time ran out under
    // IsolateConfig::suspendOnLimit, or the host called requestSuspend): it can be resumed
    // (Isolate::resume) or snapshotted (Isolate::snapshot). `limit` says why.
    Suspended,
  };
  // Which limit of the isolate a Runtime `LimitError` came from. Its message is neutral
  // (`fuel exhausted after 1000 instructions`): a host adds how its users set the limit.
  enum class Limit {
    None,       // not a limit of the isolate (or an impossible size, `string too long`)
    Fuel,       // IsolateConfig::fuel or setFuel
    Time,       // IsolateConfig::timeoutSeconds or setTimeout
    Heap,       // IsolateConfig::heapLimitBytes (catchable by the guest)
    Terminated, // Isolate::terminate or an InterruptHandle
    Requested,  // Suspended by Isolate::requestSuspend or an InterruptHandle
  };
  Kind kind = Kind::Usage;
  Limit limit = Limit::None;
  std::string errorClass;         // Runtime: `IndexError`, `LimitError`, ...
  std::string message;            // one line
  std::vector<std::string> trace; // Runtime: `at main (app.nuri:3)` lines, innermost first
  std::string diagnostics;        // Compile: every error, rendered with source lines and carets

  // The text a command-line tool prints for this error (ends with a newline).
  std::string render() const;
};

// Either a value or an Error.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}
  explicit operator bool() const { return data_.index() == 0; }
  // The value; only when the Result holds one.
  T& operator*() { return std::get<0>(data_); }
  const T& operator*() const { return std::get<0>(data_); }
  T* operator->() { return &std::get<0>(data_); }
  const T* operator->() const { return &std::get<0>(data_); }
  // The error, or an Error with an empty message when the Result holds a value.
  const Error& error() const {
    static const Error none;
    return data_.index() == 1 ? std::get<1>(data_) : none;
  }

private:
  std::variant<T, Error> data_;
};

struct Ok {};
using Status = Result<Ok>;

// A value passed between a host and a guest: null, bool, int, float, string, or an object.
// An object is either a handle to a guest's object (an array, an instance, a function value),
// which keeps it alive while the host holds it and belongs to that guest's isolate, or an array
// the host made (Value::array), which becomes a guest array when it is passed in.
// Default-constructed is null. Copies share the object; a Value may be used, copied and dropped
// on any thread, but a handle's contents are read (asArray, ...) only while its isolate is not
// running on another thread.
class Value {
public:
  enum class Kind { Null, Bool, Int, Float, String, Object };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  // Any integer type is an int (`Value(3)`); an unsigned value past INT64_MAX wraps.
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) : data_(static_cast<int64_t>(i)) {}
  Value(double f) : data_(f) {}
  // Strings are UTF-8; a guest refuses text that is not (Error::Kind::Usage).
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  // An array made by the host, from a vector of anything a Value is made from (`int`,
  // `double`, `bool`, `std::string`, other Values): passed to a guest, it becomes an array of
  // the parameter's type, each element converted as an argument would be. So
  // `call("sum", {xs})` passes the vector xs as one array argument.
  Value(std::vector<Value> elements);
  template <typename T,
            std::enable_if_t<!std::is_same_v<T, Value> && std::is_constructible_v<Value, const T&>,
                             int> = 0>
  Value(const std::vector<T>& elements) : Value(fromVector(elements)) {}
  // The same, spelled out (`Value::array({Value(1), Value("two")})`).
  static Value array(std::vector<Value> elements) { return Value(std::move(elements)); }

  Kind kind() const;
  bool isNull() const { return kind() == Kind::Null; }
  // The value, or nullopt for a value of another kind (no conversions).
  std::optional<bool> asBool() const;
  std::optional<int64_t> asInt() const;
  std::optional<double> asFloat() const;
  std::optional<std::string> asString() const;
  // The elements of an array (made by the host, or a guest's): strings as strings, objects as
  // handles, nullopt when this is not an array. The typed forms are nullopt also when an
  // element is of another kind (a null string element is an error for asStringArray).
  std::optional<std::vector<Value>> asArray() const;
  std::optional<std::vector<int64_t>> asIntArray() const;
  std::optional<std::vector<double>> asFloatArray() const;
  std::optional<std::vector<std::string>> asStringArray() const;
  std::optional<std::vector<bool>> asBoolArray() const;
  // The Nuri type of the value: `int`, `string`, `Point`, `int[]`, `(int) -> int`, `null`.
  std::string typeName() const;

private:
  friend struct ValueAccess;
  template <typename T> static std::vector<Value> fromVector(const std::vector<T>& elements) {
    std::vector<Value> values;
    values.reserve(elements.size());
    for (const auto& e : elements)
      values.emplace_back(static_cast<const T&>(e));
    return values;
  }
  std::variant<std::monostate, bool, int64_t, double, std::string,
               std::shared_ptr<const ValueObject>>
      data_;
};

class HostModule;
struct HostFunctionEntry;

// What a host function is given besides its arguments.
class CallContext {
public:
  // The guest calling; a host function may read its stats or terminate it, but not call into it
  // (Error::Kind::Usage).
  Isolate& isolate() const { return isolate_; }
  // `module.function`, as the guest calls it.
  const std::string& function() const;

private:
  friend struct HostCall;
  CallContext(Isolate& isolate, const HostFunctionEntry& entry)
      : isolate_(isolate), entry_(entry) {}
  Isolate& isolate_;
  const HostFunctionEntry& entry_;
};

// A host function: gets the arguments as the signature declares them (an int parameter is
// always an Int; a string or array one a String, an array made by the host, or null) and
// returns its result (Value() for void), or an Error that the guest receives as a catchable
// HostError with the error's message. A C++ exception it throws becomes a HostError too.
using HostFunction = std::function<Result<Value>(CallContext&, std::span<const Value>)>;

// A module of C++ functions that guests import (`import app.{add}` or `app.add(1, 2)`).
// Declare every function before the module is first used to compile or load a program; after
// that it is only read, from any number of threads, and a later declaration is refused (the
// next compile or load with the module fails with a Usage error saying so).
class HostModule {
public:
  // `name` is how guests import it: a Nuri name (letters, digits, `_`).
  explicit HostModule(std::string name);
  ~HostModule();
  HostModule(const HostModule&) = delete;
  HostModule& operator=(const HostModule&) = delete;

  // Declares a function by its Nuri signature: `fun add(a: int, b: int): int`, with
  // parameter and result types among int, float, bool, string and arrays of those (`int[]`,
  // `string[][]`); no result type means void. A malformed signature or a repeated name is
  // recorded in errors(), and compiling or loading with this module then fails (Usage).
  HostModule& function(std::string_view signature, HostFunction function);

  const std::string& name() const { return name_; }
  // Problems with the name or the declarations, one message each.
  const std::vector<std::string>& errors() const { return errors_; }
  // The declarations, as the guest sees them (`fun add(a: int, b: int): int`).
  std::vector<std::string> declarations() const;

private:
  friend struct HostModuleAccess;
  std::string name_;
  std::vector<std::unique_ptr<HostFunctionEntry>> functions_;
  std::vector<std::string> errors_;
  mutable std::atomic<bool> used_{false}; // used to compile or load: no more declarations
  std::atomic<int> lateDeclarations_{0};  // refused since
};

// A compiled program: one self-contained module holding everything it needs.
class Program {
public:
  Program();
  explicit Program(std::shared_ptr<const Module> module);
  const Module& module() const { return *module_; }
  std::shared_ptr<const Module> shared() const { return module_; }

  // The .nbc encoding of this program.
  std::vector<uint8_t> toBytecode() const;
  // A readable listing: functions, register types, one instruction a line with its source line.
  std::string disassemble() const;

private:
  friend struct ProgramAccess;
  std::shared_ptr<const Module> module_;
  // Made by compileSource or loadBytecode, which verified it: load need not verify it again.
  bool verified_ = false;
  // What every isolate loading this program shares (made by the first load).
  std::shared_ptr<struct ProgramLinkCache> linked_;
};

// maxSourceBytes, compileSource, compileFile and isIncompleteSource below are the compiler's: a
// host that links Nuri::runtime (libnuri-runtime.a, the VM without the compiler) and loads only
// .nbc files does without them.

// The largest source text the compiler accepts (16 MB), for a program and for each module it
// imports; compileFile stops reading a longer file at this size.
uint32_t maxSourceBytes();

// How compile errors name the lines of the text given to compileSource, for a host that
// compiles text stitched together from pieces (an interactive prompt): `location(line)` replaces
// `FILE:LINE` before a message (`:COLUMN` follows), `mention(line)` replaces `line N` inside one
// ("declared at line 3"). Either may be left empty; imported modules keep their own names.
struct SourceLabels {
  std::function<std::string(uint32_t line)> location;
  std::function<std::string(uint32_t line)> mention;
};

// What the compiler may see besides the program's own text.
struct CompileOptions {
  // The source of an imported module, by its dotted name (`import geometry.shapes` asks for
  // "geometry.shapes"), or nullopt when the host has none. Asked before any file is read.
  std::function<std::optional<std::string>(const std::string& module)> importSource = {};
  // Whether compileSource may read imported modules from files: next to `fileName`, then in
  // each folder of searchPath. Off by default, so a script compiled from text reaches no file
  // its host did not give it. compileFile always reads its imports from files.
  bool importFiles = false;
  std::vector<std::string> searchPath = {};
  SourceLabels labels = {};
  // Host modules the program may import; their functions are type-checked like Nuri ones. A
  // host module's name takes precedence over a file of the same name.
  std::vector<std::shared_ptr<HostModule>> hostModules = {};
};

// Compiles Nuri source text. `fileName` names it in diagnostics and stack traces. Several
// threads may compile at once; the class library every program includes is read once per
// process and shared by them all.
Result<Program> compileSource(std::string_view source, std::string fileName,
                              const CompileOptions& options = {});
// Reads and compiles a .nuri file and the modules it imports, from files next to it and in
// options.searchPath (Error::Kind::Io if it cannot be read, Error::Kind::Compile if it is
// larger than maxSourceBytes()).
Result<Program> compileFile(const std::string& path, const CompileOptions& options = {});
// Whether `source` stops in the middle of something (an open bracket or block comment, or an
// operator that cannot end a statement): an interactive prompt should read another line.
bool isIncompleteSource(std::string_view source);
// Decodes and checks a .nbc image. `name` is used in error messages.
Result<Program> loadBytecode(const std::vector<uint8_t>& bytes, std::string name = "<bytecode>");
// Reads a .nbc file (Error::Kind::Io if it cannot be read, Error::Kind::Load if it is larger than
// the 256 MB limit for bytecode; reading stops there).
Result<Program> loadBytecodeFile(const std::string& path);

// Runtime statistics of an isolate. The live objects are counted when stats() is called, by
// walking the guest's object graph from its roots (its globals, the frames of a running call,
// the host's handles): that takes time in proportion to them, about 10 to 50 ns an object.
struct Stats {
  uint64_t instructions = 0;   // bytecode instructions executed
  uint64_t allocations = 0;    // objects allocated by this isolate
  uint64_t allocatedBytes = 0; // bytes allocated by this isolate
  uint64_t liveObjects = 0;    // this guest's objects that are reachable now
  // What those objects occupy in the collected heap (each block as the collector sizes it,
  // StringBuilder buffers included). The heap limit compares this, plus the temporary buffers
  // of running natives and the VM stack, with IsolateConfig::heapLimitBytes.
  uint64_t liveBytes = 0;
  uint64_t heapWalks = 0; // walks of the object graph made for the heap limit
  // Process-wide: collections in the whole process during this isolate's life (every guest's
  // allocations cause them), and the size of the collected heap all guests share.
  uint64_t processCollections = 0;
  uint64_t processHeapBytes = 0;
  // The JIT's work for the program this isolate runs: compiled code belongs to the Program and
  // is shared by the isolates running it with the JIT on, so these count what all of them
  // compiled (all 0 for an isolate with JitMode::Off).
  uint64_t jitFunctions = 0;    // functions compiled
  uint64_t jitInstructions = 0; // bytecode instructions they hold
  uint64_t jitCodeBytes = 0;    // machine code made
  double jitCompileSeconds = 0; // time spent compiling
  uint64_t jitLoopEntries = 0;  // entries into compiled code at a loop (on-stack replacement)
  uint64_t jitDumpedFunctions = 0; // functions written out for IsolateConfig::jitDump
  double seconds = 0; // wall time spent running guest code (calls are timed with a clock of a
                      // few milliseconds' resolution, to keep them cheap)
};

// The live objects of one type (see Isolate::liveObjectsByType).
struct TypeStats {
  std::string type; // `string`, `int[]`, `Node`, `List<string>`
  uint64_t objects = 0;
  uint64_t bytes = 0; // as in Stats::liveBytes
};

// Receives a guest's output: any callable taking the text. One that returns bool says with
// false that the output is gone for good (a closed pipe); the guest then stops as if it called
// System.exit(0), since nothing it prints can be seen any more.
class OutputSink {
public:
  OutputSink() = default;
  OutputSink(std::nullptr_t) {}
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, OutputSink> &&
                                        std::is_invocable_v<std::decay_t<F>&, std::string_view>>>
  OutputSink(F f) {
    if constexpr (std::is_same_v<std::invoke_result_t<std::decay_t<F>&, std::string_view>, bool>) {
      write_ = std::move(f);
    } else {
      write_ = [f = std::move(f)](std::string_view text) mutable {
        f(text);
        return true;
      };
    }
  }
  explicit operator bool() const { return bool(write_); }
  // False once the output is gone.
  bool operator()(std::string_view text) const { return write_(text); }

private:
  std::function<bool(std::string_view)> write_;
};

// When guest code is compiled to machine code (docs/jit.md). The JIT exists on x86-64; elsewhere
// every mode interprets.
enum class JitMode : uint8_t {
  Off,    // interpret only
  Auto,   // compile a function once it has been called, or has looped, jitThreshold times
  Always, // compile each function before it first runs
};

struct IsolateConfig {
  uint64_t heapLimitBytes = 0; // 0 = no limit; over it raises LimitError
  uint64_t fuel = 0;           // instructions; 0 = unlimited
  double timeoutSeconds = 0;   // wall time; 0 = unlimited
  uint32_t stackLimitFrames = 10000;
  // Address space reserved for the VM stack (pages are committed only as they are used).
  // 0: 1 KiB per frame of stackLimitFrames, at least 1 MiB and at most 1 GiB. Deep calls that
  // fill it end with StackOverflowError (`the VM stack of N bytes is full`).
  uint64_t stackBytes = 0;
  // Where the guest's print/println go. Default: standard output, where a closed pipe (EPIPE,
  // as with `| head`) stops the guest as if it called System.exit(0); the process must ignore
  // SIGPIPE for that, as the nuri command does, or the signal ends it first.
  OutputSink output;
  // What a guest reads from outside comes only from these hooks: an embedder that sets none
  // gives its guests none of it. useProcessHooks() sets them all to this process's own (what
  // the nuri command does). Each is called on the thread running the guest.
  //
  // Standard input (readLine): appends up to `maxBytes` bytes to `out`; returns false at the
  // end of the input. It may return true having appended nothing (nothing has arrived yet):
  // the guest then checks its limits (timeout, terminate and suspend requests) and calls it
  // again, so a hook that waits briefly keeps a waiting guest stoppable. None: the input is
  // empty.
  std::function<bool(std::string& out, size_t maxBytes)> input;
  // Standard error (eprint, eprintln). None: what the guest writes there is dropped.
  OutputSink errorOutput;
  // The environment (System.env): a variable's value, or nullopt when it is unset. Setting it
  // grants the guest the environment; none: System.env raises SecurityError.
  std::function<std::optional<std::string>(const std::string& name)> environment;
  // Files (File.read, File.write, ...): the directories the guest may read under (read, lines,
  // exists, list) and write under (write, append, delete), each with everything below it;
  // relative ones are relative to the working directory at each access. A path is resolved
  // beneath its directory, so `..`, symbolic links and /proc's magic links never lead out of it
  // (docs/language.md, "Files"). None: every file operation raises SecurityError.
  std::vector<std::string> readableDirectories;
  std::vector<std::string> writableDirectories;
  // The wall clock in milliseconds since 1970-01-01 UTC (System.time, Date.today). None: 0.
  std::function<int64_t()> wallClock;
  // A clock in seconds that never goes backwards (System.clock). None: it stands at 0.
  std::function<double()> monotonicClock;
  // The seed of each Random.fromSystem(). None: 0.
  std::function<uint64_t()> randomSeed;
  // The host modules this guest may use (default: none). A program that imports a module not
  // granted here, a function it lacks, or one with another signature fails to load
  // (Error::Kind::Load, naming it).
  std::vector<std::shared_ptr<HostModule>> hostModules;

  // Suspension and snapshots (docs/snapshots.md).
  //
  // When fuel or time runs out, suspend the guest at its next suspension point (a call or a
  // backward branch) instead of raising LimitError: runMain, call and resume then return an
  // Error of Kind::Suspended, and the guest can be resumed or snapshotted.
  bool suspendOnLimit = false;
  // For Runtime::restore: give the clone fresh identity hashes (for objects not yet hashed) and
  // fresh seeds, so that clones of one template do not all draw the same numbers.
  bool reseed = false;
  // A key for HMAC-SHA-256: Isolate::snapshot signs with it, and Runtime::restore refuses a
  // snapshot without a valid signature by it. Empty: snapshots are not signed, and restore
  // refuses a signed one (it cannot check it).
  std::string snapshotKey;

  // The JIT. Compiled code is shared by the isolates running one Program (or the clones of one
  // snapshot) and behaves exactly as the interpreter does: the same output, errors, stack
  // traces, instruction counts at suspension points, limits and snapshots. The code, and what
  // the settings below decide, belong to the Program: a function compiled for one isolate runs
  // compiled in all of them, and one refused under one isolate's code limit stays interpreted
  // in all of them (compile the source again for a Program of its own).
  JitMode jit = JitMode::Auto;
  // Calls of a function, or backward branches taken in it, before Auto compiles it (0 is taken
  // as 1). The counts are the Program's, made by all its isolates.
  uint32_t jitThreshold = 1000;
  // Machine code the JIT may make for the program (shared by the isolates running it, freed
  // with it; 0: no limit); functions that would pass it stay interpreted.
  uint64_t jitCodeLimitBytes = 64u << 20;
  // The machine code of each function of this name is written to errorOutput (which must be
  // set, e.g. by useProcessHooks) as it is compiled, beside the bytecode it came from. Names
  // are those of stack traces: `main`, `Vec.add`, `Vec.init`, `<module>` (the top-level code),
  // `main.<lambda>` (every lambda written in main). Stats::jitDumpedFunctions counts them.
  std::string jitDump;
};

// Whether this build of Nuri has the JIT (x86-64, built with NURI_JIT on). Without it every
// JitMode interprets.
bool jitAvailable();

// Sets every input hook of `config` (input, errorOutput, environment, wallClock,
// monotonicClock, randomSeed) to this process's standard input and error, environment, clocks
// and a random device: what the `nuri` command gives its guests.
void useProcessHooks(IsolateConfig& config);

struct InterruptState;

// Stops a guest from any thread, and stays safe to use after the guest is gone (then it does
// nothing). Cheap to copy.
class InterruptHandle {
public:
  // The guest stops at its next limit check (within about 65,000 instructions, inside a long
  // operation of the class library, or as a host function returns) with an uncatchable
  // LimitError (Error::Limit::Terminated); if it is not running, its next load, runMain or call
  // stops so as soon as it starts. One that comes as a run ends, after its last limit check, is
  // dropped with the run.
  void terminate() const;
  // Asks the guest to suspend at its next suspension point (a call or a backward branch, met
  // within about 65,000 instructions or inside a long operation of the class library, which is
  // then abandoned and run again on resume); its runMain, call or resume returns an Error of
  // Kind::Suspended (Limit::Requested). If it is not running, its next runMain, call or resume
  // suspends as it starts. A host function's call is never interrupted: the request is met after
  // it returns.
  void requestSuspend() const;

private:
  friend class Isolate;
  explicit InterruptHandle(std::shared_ptr<InterruptState> state) : state_(std::move(state)) {}
  std::shared_ptr<InterruptState> state_;
};

// One guest: its own globals, stack, limits and statistics. Use from one thread at a time
// (terminate() and interruptHandle() excepted).
class Isolate {
public:
  ~Isolate();
  Isolate(const Isolate&) = delete;
  Isolate& operator=(const Isolate&) = delete;

  // Links the program into this isolate and runs its top-level statements. Once per isolate.
  Status load(const Program& program);
  // Runs `fun main` if the program declares one; returns 0, main's int result (whole, clamped
  // to int's range: a command-line host keeps its low byte as the exit status), or the status
  // given to System.exit (0..255).
  Result<int> runMain(const std::vector<std::string>& args);
  // Calls a top-level function by name (`score`, or `geometry.area` for one of an imported
  // module), its arguments converted to the parameters' types as the language converts them
  // (an int for a float, null for any reference; a Value::array becomes a new guest array).
  // Returns its result (null for void), objects as handles. A wrong name, arity or argument,
  // or a handle of another isolate, is Error::Kind::Usage; an uncaught error of the guest is
  // Error::Kind::Runtime; System.exit(n) ends the guest (Runtime, errorClass `Exit`).
  Result<Value> call(std::string_view name, const std::vector<Value>& args = {});
  // The same with a braced list: `call("score", {3, "abc"})`. A vector inside the braces is one
  // array argument (`call("sum", {xs})`), not the argument list.
  Result<Value> call(std::string_view name, std::initializer_list<Value> args) {
    return call(name, std::vector<Value>(args));
  }

  // Limits from now on, for running a guest in slices: `instructions` more instructions' worth
  // of fuel (0: no limit), and a wall-clock deadline `seconds` from now (0: none). They replace
  // IsolateConfig::fuel and timeoutSeconds, which count from load().
  void setFuel(uint64_t instructions);
  void setTimeout(double seconds);
  // Stops the guest from any thread (see InterruptHandle::terminate).
  void terminate();
  // Suspends the guest from any thread (see InterruptHandle::requestSuspend).
  void requestSuspend();
  InterruptHandle interruptHandle() const;

  // Whether the guest is suspended: runMain, call or load returned Kind::Suspended and it has
  // not been resumed to its end since. A suspended guest takes no other call until resumed.
  bool suspended() const;
  // What a suspended guest was doing: "load" (its top-level code), "main" or "call"; empty
  // when it is not suspended.
  std::string suspendedIn() const;
  // Continues a suspended guest where it stopped. Returns what the interrupted call would have
  // returned: for runMain the exit status as an int, for call its result, for load null (the
  // program is then loaded). It may suspend again (Kind::Suspended). Set fresh fuel or time
  // first (setFuel, setTimeout) if those are what ran out.
  Result<Value> resume();
  // The guest as snapshot bytes (docs/snapshots.md): its program, globals and live objects, and
  // when suspended its frames. Only for a loaded guest that is not running: between calls (a
  // template, when no call was made yet) or suspended. Signed when IsolateConfig::snapshotKey
  // is set. Usage error when the guest is running a host function, has ended (System.exit), or
  // was never loaded.
  Result<std::vector<uint8_t>> snapshot();
  // Data of the host's own that travels with the guest in its snapshots and comes back with
  // restore (at most 1 MB; Usage error past it): what the host needs to carry on with a guest
  // it restores, such as the arguments it meant to give main.
  Status setHostData(std::string data);
  const std::string& hostData() const;
  // Writes snapshot() to `path` atomically: a temporary file next to it, flushed to disk, then
  // renamed over `path`, so a crash leaves the old file intact (Kind::Io on failure).
  Status snapshotToFile(const std::string& path);

  Stats stats() const;
  // This guest's reachable objects by type, those occupying the most bytes first (a walk of its
  // object graph, as stats() makes).
  std::vector<TypeStats> liveObjectsByType() const;
  // The status given to System.exit, once the guest has called it (during load or runMain).
  std::optional<int> exitStatus() const;

private:
  friend class Runtime;
  explicit Isolate(std::unique_ptr<IsolateState> state);
  std::unique_ptr<IsolateState> state_;
};

// Attaches the calling thread to the collector for this object's life (nestable, like JNI's
// AttachCurrentThread): a host thread that calls into Nuri often may hold one to save the cost
// of attaching at every call. A thread calling into Nuri without one is attached for the call
// only, so that between calls it receives none of the collector's signals (which interrupt
// system calls such as select with EINTR).
class ThreadScope {
public:
  ThreadScope();
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

private:
  bool attached_;
};

// What a snapshot holds (Runtime::inspect), as `nuri inspect` shows it.
struct SnapshotSummary {
  std::string formatVersion; // "0.2"
  bool isSigned = false;
  // A suspended guest; otherwise a loaded guest between calls, which is a template when no
  // runMain or call had started since its load.
  bool suspended = false;
  bool isTemplate = false;
  std::string entry;                        // a suspended guest's: "load", "main" or "call"
  Error::Limit reason = Error::Limit::None; // why it suspended: Fuel, Time or Requested
  std::string programFile;                  // the program's source file, as compiled
  uint64_t instructions = 0;                // executed before the snapshot, over all its runs
  // The limits the snapshotted guest ran under (0: none); a restore gives its own.
  uint64_t fuel = 0;
  double timeoutSeconds = 0;
  uint64_t heapLimitBytes = 0;
  // Standard input the guest's input hook had given but the guest had not read yet (carried
  // by the snapshot, read before the restoring host's input), and whether the input had ended.
  uint64_t inputAheadBytes = 0;
  bool inputEnded = false;
  // The host functions the program imports (`app.add(int, int): int`): a host restoring it
  // must grant their modules.
  std::vector<std::string> hostFunctions;
  std::vector<std::string> globals; // `name: type = value`, in declaration order
  uint64_t liveObjects = 0;
  uint64_t liveBytes = 0;
  std::vector<TypeStats> heap; // live objects by type, largest first
  // A suspended guest's frames, `at f (file.nuri:12)`, innermost first.
  std::vector<std::string> trace;
  std::string hostData; // see Isolate::setHostData
};

struct RuntimeState;
// Process-wide services (the collector) and what isolates share: the programs of restored
// snapshots. Create one before any isolate.
class Runtime {
public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  std::unique_ptr<Isolate> newIsolate(const IsolateConfig& config = {});
  // A new guest from snapshot bytes: the snapshot is checked as strictly as bytecode (a
  // malformed, hostile or wrongly signed one is Error::Kind::Load with the reason) and its
  // program linked under `config` (its host modules must be granted again). Restoring the same
  // bytes many times makes independent clones; the program's data are shared between the clones
  // of one Runtime, and bytecode already verified by this Runtime is not verified again. A
  // suspended guest comes back suspended (resume() continues it); a template comes back loaded.
  Result<std::unique_ptr<Isolate>> restore(std::span<const uint8_t> bytes,
                                           const IsolateConfig& config = {});
  // The same from a file (Kind::Io when it cannot be read).
  Result<std::unique_ptr<Isolate>> restoreFile(const std::string& path,
                                               const IsolateConfig& config = {});
  // Checks a snapshot as restore does, without running it or needing its host modules, and
  // describes what it holds. `key` as IsolateConfig::snapshotKey.
  Result<SnapshotSummary> inspect(std::span<const uint8_t> bytes, const std::string& key = {});

private:
  std::shared_ptr<RuntimeState> state_;
};

const char* version();

} // namespace nuri
