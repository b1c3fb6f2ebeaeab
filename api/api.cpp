// The public embedding API (include/nuri/nuri.h) on top of the VM: loading bytecode, isolates,
// running and calling guests. Compiling is in compile_source.cpp.
#include "api/errors.h"
#include "api/host_call.h"
#include "api/host_module.h"
#include "api/jit_attach.h"
#include "api/program_access.h"
#include "api/runtime_state.h"
#include "api/value_conversion.h"
#include "classlib/natives.h"
#include "classlib/registry/native_registry.h"
#include "gc/heap.h"
#include "interpreter/interpreter.h"
#include "nuri/nuri.h"
#include "support/utf8.h"
#include "vm/bytecode/disasm.h"
#include "vm/bytecode/format.h"
#include "vm/bytecode/reader.h"
#include "vm/bytecode/verifier.h"
#include "vm/bytecode/writer.h"
#include "vm/heap_walk.h"
#include "vm/isolate.h"
#include "vm/linker.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <new>
#include <string>
#include <time.h>

namespace nuri {

const char* version() { return NURI_VERSION; }

bool jitAvailable() { return jit::available(); }

std::string Error::render() const {
  switch (kind) {
  case Kind::Compile: return diagnostics;
  case Kind::Runtime: {
    std::string out = "error: " + errorClass + ": " + message + "\n";
    for (const std::string& line : trace)
      out += "  " + line + "\n";
    return out;
  }
  case Kind::Load: return "error: " + message + "\n";
  default: return "error: " + message + "\n";
  }
}

Result<Program> loadBytecodeBytes(const uint8_t* bytes, size_t size, const std::string& name) {
  std::string error;
  std::shared_ptr<Module> module = readBytecode(bytes, size, error);
  if (!module) return makeError(Error::Kind::Load, name + ": " + error);
  if (!verifyModule(*module, error)) return makeError(Error::Kind::Load, name + ": " + error);
  // The class library's natives are this VM's: check them now (host functions bind at load).
  for (const NativeImport& import : module->natives) {
    if (std::string problem = libraryImportProblem(import); !problem.empty()) {
      return makeError(Error::Kind::Load, name + ": " + problem);
    }
  }
  return ProgramAccess::verified(module);
}

Program::Program() = default;
Program::Program(std::shared_ptr<const Module> module)
    : module_(std::move(module)), linked_(std::make_shared<ProgramLinkCache>()) {}

std::shared_ptr<const LinkedCode> ProgramAccess::linkedCode(const Program& program,
                                                            std::string& error) {
  ProgramLinkCache& cache = *program.linked_;
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (!cache.code && cache.error.empty()) {
    cache.code = linkCode(program.module_, nativeFunction, cache.error);
  }
  error = cache.error;
  return cache.code;
}

std::vector<uint8_t> Program::toBytecode() const { return writeBytecode(*module_); }
std::string Program::disassemble() const { return nuri::disassemble(*module_); }

Result<Program> loadBytecode(const std::vector<uint8_t>& bytes, std::string name) {
  return loadBytecodeBytes(bytes.data(), bytes.size(), name);
}

Result<Program> loadBytecodeFile(const std::string& path) {
  std::string bytes;
  Error error;
  if (!readInput(path, nbc::kMaxFileBytes, Error::Kind::Load, "bytecode", bytes, error)) {
    return error;
  }
  return loadBytecodeBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path);
}

// ---- Isolates ----

Runtime::Runtime() : state_(std::make_shared<RuntimeState>()) { gc::initialize(); }
Runtime::~Runtime() = default;

// A thread that calls into Nuri without a ThreadScope is attached to the collector for the
// call only, so that it does not receive the collector's signals while it does other things.
ThreadScope::ThreadScope() : attached_(gc::attachThread()) {}
ThreadScope::~ThreadScope() {
  if (attached_) gc::detachThread();
}

std::unique_ptr<Isolate> Runtime::newIsolate(const IsolateConfig& config) {
  gc::ThreadAttachment attached;
  return std::unique_ptr<Isolate>(new Isolate(std::make_unique<IsolateState>(config)));
}

Isolate::Isolate(std::unique_ptr<IsolateState> state) : state_(std::move(state)) {
  state_->api = this;
}
Isolate::~Isolate() {
  gc::ThreadAttachment attached;
  state_.reset();
}

namespace {

// How a run's time is measured for Stats::seconds: load and runMain to the microsecond; calls,
// which may be very short and very many, with a clock that costs far less to read (a few
// milliseconds' resolution).
enum class Timing { Precise, Coarse };

double secondsNow(Timing timing) {
  timespec now;
  clock_gettime(timing == Timing::Precise ? CLOCK_MONOTONIC : CLOCK_MONOTONIC_COARSE, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

// Runs `fn` as the guest's top-level activation (`entry` says what started it), or with `fn`
// null continues the suspended guest, accounting time and limits. Returns false with an error
// pending, or with I.suspended set.
bool runGuest(IsolateState& I, GuestEntry entry, const FunctionInfo* fn, const Slot* args,
              uint32_t argc, Slot* result, Timing timing = Timing::Precise) {
  // A terminate() made while the guest was idle applies as it starts.
  if (I.interrupt->terminate.exchange(false, std::memory_order_relaxed)) {
    if (!fn) { // a suspended guest that is terminated ends: its frames go
      I.stack.frames.clear();
      I.stack.top = I.stack.base;
      I.suspended = false;
    }
    I.entry = GuestEntry::None;
    return I.raiseLimit(Error::Limit::Terminated, "terminated by the host");
  }
  // So does a requestSuspend(): the first limit check, as the activation starts, meets it.
  if (I.interrupt->suspend.load(std::memory_order_relaxed)) I.checkpoint = I.instructions;
  double start = secondsNow(timing);
  size_t depth = fn ? I.stack.frames.size() : 0;
  Slot* top = fn ? I.stack.top : I.stack.base;
  if (fn) {
    I.entry = entry;
    I.suspendHold = false;
    if (entry != GuestEntry::Load) I.entered = true;
  }
  I.suspended = false;
  bool ok;
  try {
    ok = fn ? callFunction(I, fn, args, argc, result) : resumeFunction(I, result);
  } catch (...) {
    // Nothing thrown inside the VM may reach the host: drop the guest's frames of this run
    // and report it as the guest's error, leaving the isolate usable.
    I.stack.frames.truncate(depth);
    I.stack.top = top;
    I.clearPending();
    I.suspended = false;
    std::string what = "an unknown exception";
    bool memory = false;
    try {
      throw;
    } catch (const std::bad_alloc&) {
      memory = true;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    ok = memory ? I.raise(ErrorClass::LimitError, "out of memory")
                : I.raise(ErrorClass::Error, "internal error: " + what);
  }
  if (!I.suspended) I.entry = GuestEntry::None;
  I.runSeconds += secondsNow(timing) - start;
  // A terminate() or requestSuspend() that came during the run and found no limit check
  // before it ended was meant for this run: it does not stop the next one.
  I.interrupt->terminate.store(false, std::memory_order_relaxed);
  I.interrupt->suspend.store(false, std::memory_order_relaxed);
  I.flushOutput(); // before a suspended guest is snapshotted, so nothing is printed twice
  if (ok && I.outputFailed) {
    return I.raise(ErrorClass::IOError, "cannot write to standard output: " + I.outputError);
  }
  return ok;
}

// The error runMain, call, load and resume return for a guest that suspended.
Error suspendedError(const IsolateState& I) {
  const char* why = I.suspendReason == Error::Limit::Fuel   ? "its fuel ran out"
                    : I.suspendReason == Error::Limit::Time ? "its time ran out"
                                                            : "the host asked it to";
  Error e = makeError(Error::Kind::Suspended, std::string("the guest suspended: ") + why);
  e.limit = I.suspendReason;
  return e;
}

// What load returns once its top-level code has run (or stopped).
Status finishLoad(IsolateState& I, bool ok) {
  if (ok) return Ok{};
  if (I.suspended) return suspendedError(I);
  if (I.pending && I.pending->exit) {
    I.pending.reset();
    I.exited = true;
    return Ok{};
  }
  return I.takeError();
}

// What runMain returns once `main` has run (or stopped).
Result<int> finishMain(IsolateState& I, bool ok, Slot result, const FunctionInfo* main) {
  if (!ok) {
    if (I.suspended) return suspendedError(I);
    if (I.pending && I.pending->exit) {
      I.pending.reset();
      I.exited = true;
      return I.exitStatus;
    }
    return I.takeError();
  }
  if (main->returnType->kind == TypeKind::Int) { // whole, within int's range
    return int(std::clamp<int64_t>(result.i, std::numeric_limits<int>::min(),
                                   std::numeric_limits<int>::max()));
  }
  return 0;
}

// What call returns once the function `fn` has run (or stopped).
Result<Value> finishCall(IsolateState& I, bool ok, Slot result, const FunctionInfo* fn) {
  if (!ok) {
    if (I.suspended) return suspendedError(I);
    if (I.pending && I.pending->exit) {
      I.pending.reset();
      I.exited = true;
      Error e = makeError(Error::Kind::Runtime,
                          "the guest called System.exit(" + std::to_string(I.exitStatus) + ")");
      e.errorClass = "Exit";
      return e;
    }
    return I.takeError();
  }
  Value value = fromSlot(I.handles, result, fn->returnType->kind);
  if (value.isNull() && isReferenceKind(fn->returnType->kind) && result.p) {
    Error e = makeError(Error::Kind::Runtime, "out of memory for a handle to the result");
    e.errorClass = "LimitError";
    return e; // the collector could not give the handle table another block
  }
  return value;
}

} // namespace

Error noStack(const IsolateState& I) {
  Error e =
      makeError(Error::Kind::Runtime, "cannot reserve " + std::to_string(I.stack.reserveBytes) +
                                          " bytes of address space for the VM stack");
  e.errorClass = "LimitError";
  return e;
}

namespace {

// A host function called back into the guest that called it.
Error reentered() {
  return makeError(Error::Kind::Usage,
                   "a host function cannot call into the guest that is calling it");
}

// A suspended guest was asked to start something else.
Error suspendedUsage() {
  return makeError(Error::Kind::Usage,
                   "the guest is suspended: resume() it or snapshot() it before anything else");
}

} // namespace

Status Isolate::load(const Program& program) {
  gc::ThreadAttachment attached; // an isolate may be used from any thread, one at a time
  IsolateState& I = *state_;
  if (I.inHostCall) return reentered();
  if (I.suspended) return suspendedUsage();
  if (I.loaded) return makeError(Error::Kind::Usage, "an isolate can load only one program");
  if (!program.shared()) return makeError(Error::Kind::Usage, "empty program");
  if (std::string problem = hostModulesProblem(I.config.hostModules); !problem.empty()) {
    return makeError(Error::Kind::Usage, problem);
  }
  std::string error;
  // compileSource and loadBytecode verified their programs; one built by hand is verified here.
  if (!ProgramAccess::isVerified(program) && !verifyModule(program.module(), error)) {
    return makeError(Error::Kind::Load, error);
  }
  if (!I.stack.base) return noStack(I);
  std::shared_ptr<const LinkedCode> code = ProgramAccess::linkedCode(program, error);
  if (!code || !linkIsolate(I, code, hostLinker(), error)) {
    if (I.pending) return I.takeError();
    return makeError(Error::Kind::Load, error);
  }
  attachJit(I);
  I.loaded = true;
  I.startTime = std::chrono::steady_clock::now();
  I.setDeadline(I.config.timeoutSeconds);
  I.setFuel(I.config.fuel);
  const FunctionInfo* init = &I.program.functions[program.module().initFunction];
  return finishLoad(I, runGuest(I, GuestEntry::Load, init, nullptr, 0, nullptr));
}

Result<int> Isolate::runMain(const std::vector<std::string>& args) {
  gc::ThreadAttachment attached;
  IsolateState& I = *state_;
  if (I.inHostCall) return reentered();
  if (!I.stack.base) return noStack(I);
  if (!I.loaded) return makeError(Error::Kind::Usage, "load a program before running it");
  if (I.suspended) return suspendedUsage();
  if (I.exited) return I.exitStatus;
  const Module& m = *I.program.module;
  if (m.mainFunction == kNoIndex) return 0;
  const FunctionInfo* main = &I.program.functions[m.mainFunction];
  Slot argv[1]{};
  if (main->paramCount == 1) {
    ArrayObject* array = I.newArray(&I.stringArrayType, int64_t(args.size()));
    if (!array) return I.takeError();
    TemporaryRoot root(I, &array); // filled as its strings are made
    for (size_t i = 0; i < args.size(); i++) {
      StringObject* s = I.newString(isValidUtf8(args[i]) ? args[i] : std::string("?"));
      if (!s) return I.takeError();
      array->elements[i].p = s;
    }
    argv[0].p = array;
  }
  Slot result{};
  bool ok = runGuest(I, GuestEntry::Main, main, argv, main->paramCount, &result);
  return finishMain(I, ok, result, main);
}

Result<Value> Isolate::call(std::string_view name, const std::vector<Value>& args) {
  gc::ThreadAttachment attached;
  IsolateState& I = *state_;
  if (I.inHostCall) return reentered();
  if (!I.stack.base) return noStack(I);
  if (!I.loaded) return makeError(Error::Kind::Usage, "load a program before calling it");
  if (I.suspended) return suspendedUsage();
  if (I.exited) {
    return makeError(Error::Kind::Usage, "the guest has ended (it called System.exit(" +
                                             std::to_string(I.exitStatus) + "))");
  }
  auto it = I.program.callable->find(std::string(name));
  if (it == I.program.callable->end()) {
    std::string generic(name);
    generic += '<';
    for (const FunctionEntry& f : I.program.module->functions) {
      if (f.ownerClass == kNoIndex && f.name.starts_with(generic)) {
        std::string message = "`";
        message.append(name).append("` is generic: a host can call only functions that are not");
        return makeError(Error::Kind::Usage, message);
      }
    }
    return makeError(Error::Kind::Usage,
                     "the program has no top-level function `" + std::string(name) + "` to call");
  }
  const FunctionInfo* fn = it->second;
  if (args.size() != fn->paramCount) {
    return makeError(Error::Kind::Usage,
                     "`" + fn->name + "` takes " + std::to_string(fn->paramCount) + " argument" +
                         (fn->paramCount == 1 ? "" : "s") + ", not " + std::to_string(args.size()));
  }
  // On the C stack, which the collector scans, while strings and arrays are made.
  Slot slots[nbc::kMaxParams];
  for (size_t i = 0; i < args.size(); i++) {
    slots[i].bits = 0;
    std::string error;
    switch (toSlot(I, args[i], fn->registerTypes[i], slots[i], error)) {
    case Conversion::Ok: break;
    case Conversion::Raised: return I.takeError();
    case Conversion::Mismatch:
      return makeError(Error::Kind::Usage,
                       "argument " + std::to_string(i + 1) + " of `" + fn->name + "`: " + error);
    }
  }
  Slot result{};
  bool ok = runGuest(I, GuestEntry::Call, fn, slots, fn->paramCount, &result, Timing::Coarse);
  return finishCall(I, ok, result, fn);
}

Result<Value> Isolate::resume() {
  gc::ThreadAttachment attached;
  IsolateState& I = *state_;
  if (I.inHostCall) return reentered();
  if (!I.suspended || I.stack.frames.empty()) {
    return makeError(Error::Kind::Usage, "the guest is not suspended: there is nothing to resume");
  }
  GuestEntry entry = I.entry;
  const FunctionInfo* outermost = I.stack.frames.front().function;
  // It runs at least to its next suspension point, and no further: the limits are checked as it
  // starts, and while the hold lasts each check keeps the next one at that point.
  I.suspendHold = true;
  I.checkpoint = I.instructions;
  Slot result{};
  bool ok = runGuest(I, entry, nullptr, nullptr, 0, &result);
  switch (entry) {
  case GuestEntry::Load: {
    Status loaded = finishLoad(I, ok);
    if (!loaded) return loaded.error();
    return Value();
  }
  case GuestEntry::Main: {
    Result<int> status = finishMain(I, ok, result, outermost);
    if (!status) return status.error();
    return Value(*status);
  }
  default: return finishCall(I, ok, result, outermost);
  }
}

bool Isolate::suspended() const { return state_->suspended; }

Status Isolate::setHostData(std::string data) {
  if (data.size() > IsolateState::kMaxHostData) {
    return makeError(Error::Kind::Usage, "host data of " + std::to_string(data.size()) +
                                             " bytes: at most 1 MB travels with a guest");
  }
  state_->hostData = std::move(data);
  return Ok{};
}

const std::string& Isolate::hostData() const { return state_->hostData; }

std::string Isolate::suspendedIn() const {
  if (!state_->suspended) return "";
  switch (state_->entry) {
  case GuestEntry::Load: return "load";
  case GuestEntry::Main: return "main";
  default: return "call";
  }
}

void Isolate::requestSuspend() { interruptHandle().requestSuspend(); }

void InterruptHandle::requestSuspend() const {
  if (state_) state_->suspend.store(true, std::memory_order_relaxed);
}

std::optional<int> Isolate::exitStatus() const {
  if (!state_->exited) return std::nullopt;
  return state_->exitStatus;
}

void Isolate::setFuel(uint64_t instructions) { state_->setFuel(instructions); }

void Isolate::setTimeout(double seconds) {
  state_->setDeadline(seconds);
  state_->resetCheckpoint(state_->instructions);
}

void Isolate::terminate() { interruptHandle().terminate(); }

InterruptHandle Isolate::interruptHandle() const { return InterruptHandle(state_->interrupt); }

void InterruptHandle::terminate() const {
  if (state_) state_->terminate.store(true, std::memory_order_relaxed);
}

Stats Isolate::stats() const {
  gc::ThreadAttachment attached;
  const IsolateState& I = *state_;
  Stats s;
  s.instructions = I.instructions;
  s.allocations = I.allocations;
  s.allocatedBytes = I.allocatedBytes;
  HeapCensus census = walkHeap(I);
  s.liveObjects = census.objects;
  s.liveBytes = census.bytes;
  s.heapWalks = I.heapWalks;
  gc::HeapStats heap = gc::heapStats();
  s.processCollections = heap.collections - I.collectionsAtStart;
  s.processHeapBytes = heap.heapBytes;
  s.seconds = I.runSeconds;
  if (I.tier) {
    jit::JitStats j = jit::statsOf(*I.tier);
    s.jitFunctions = j.functions;
    s.jitInstructions = j.instructions;
    s.jitCodeBytes = j.codeBytes;
    s.jitCompileSeconds = j.compileSeconds;
    s.jitLoopEntries = j.loopEntries;
    s.jitDumpedFunctions = j.dumped;
  }
  return s;
}

std::vector<TypeStats> Isolate::liveObjectsByType() const {
  gc::ThreadAttachment attached;
  const IsolateState& I = *state_;
  std::vector<TypeStats> out;
  for (const auto& [type, usage] : typesBySize(I, walkHeap(I)))
    out.push_back({type->name, usage.objects, usage.bytes});
  return out;
}

} // namespace nuri
