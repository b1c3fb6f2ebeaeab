// The embedding API's snapshots (GUESTS.md §3, docs/snapshots.md): Isolate::snapshot,
// Runtime::restore and Runtime::inspect on top of the snapshot layer.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "api/errors.h"
#include "api/host_call.h"
#include "api/host_module.h"
#include "api/jit_attach.h"
#include "api/program_access.h"
#include "api/runtime_state.h"
#include "classlib/natives.h"
#include "gc/heap.h"
#include "nuri/nuri.h"
#include "snapshot/snapshot.h"
#include "support/number_format.h"
#include "vm/bytecode/format.h"
#include "vm/bytecode/writer.h"
#include "vm/heap_walk.h"
#include "vm/linker.h"
#include "vm/stack_trace.h"

namespace nuri {

std::shared_ptr<const ProgramImage> RuntimeState::program(std::span<const uint8_t> bytecode,
                                                          std::string& error) {
  std::string_view key(reinterpret_cast<const char*>(bytecode.data()), bytecode.size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = programs_.find(key); it != programs_.end()) return it->second;
  }
  // Verified outside the lock: two threads may both verify new bytes; the first keeps its image.
  Result<Program> loaded = loadBytecodeBytes(bytecode.data(), bytecode.size(), "snapshot program");
  if (!loaded) {
    error = loaded.error().message;
    return nullptr;
  }
  auto image = std::make_shared<ProgramImage>();
  image->module = loaded->shared();
  image->code = linkCode(image->module, nativeFunction, error);
  if (!image->code) return nullptr;
  image->bytecode = std::make_shared<const std::vector<uint8_t>>(bytecode.begin(), bytecode.end());
  std::string_view own(reinterpret_cast<const char*>(image->bytecode->data()),
                       image->bytecode->size());
  std::lock_guard<std::mutex> lock(mutex_);
  if (cachedBytes_ + own.size() > kMaxCachedBytes || programs_.size() >= kMaxCachedPrograms) {
    programs_.clear();
    cachedBytes_ = 0;
  }
  auto [it, added] = programs_.emplace(own, image);
  if (added) cachedBytes_ += own.size();
  return it->second;
}

namespace {

// A heap limit hit while the guest is rebuilt says so: it is the snapshot that is too large for
// the limit, not something the guest did.
Error doesNotFit(Error e) {
  if (e.limit == Error::Limit::Heap && !e.message.starts_with("the snapshot's guest"))
    e.message = "the snapshot's guest does not fit: " + e.message;
  return e;
}

// Builds a guest from snapshot bytes into a fresh isolate state (Runtime::restore's work, and
// inspect's with `host` binding nothing).
Result<std::unique_ptr<IsolateState>> rebuild(RuntimeState& runtime, std::span<const uint8_t> bytes,
                                              const IsolateConfig& config, const HostLinker& host,
                                              SnapshotInfo& info) {
  if (std::string problem = hostModulesProblem(config.hostModules); !problem.empty()) {
    return makeError(Error::Kind::Usage, problem);
  }
  std::string error;
  if (!openSnapshot(bytes, config.snapshotKey, info, error)) {
    return makeError(Error::Kind::Load, error);
  }
  std::shared_ptr<const ProgramImage> image = runtime.program(info.bytecode, error);
  if (!image) return makeError(Error::Kind::Load, error);
  auto state = std::make_unique<IsolateState>(config);
  IsolateState& I = *state;
  if (!I.stack.base) return noStack(I);
  if (!linkIsolate(I, image->code, host, error)) {
    if (I.pending) return doesNotFit(I.takeError());
    return makeError(Error::Kind::Load, error);
  }
  attachJit(I);
  I.loaded = true;
  I.bytecodeImage = image->bytecode;
  bool adopted = false;
  if (!restoreGuest(I, info, error, adopted)) {
    if (I.pending) return doesNotFit(I.takeError());
    return makeError(Error::Kind::Load, error);
  }
  // The objects were unreachable while they were made, so no walk has seen them. Under the
  // heap limit the guest had, the accounting it left continues (so a limit is hit exactly where
  // it would have been); under another, the clone's live objects must fit from the start.
  if (config.heapLimitBytes && !adopted && !I.walkForLimit(0, I.stackBytes())) {
    Error e = makeError(Error::Kind::Runtime,
                        "the snapshot's guest does not fit: " + I.heapLimitMessage());
    e.errorClass = "LimitError";
    e.limit = Error::Limit::Heap;
    return e;
  }
  I.instructions = info.instructions;
  I.input.bytes.assign(info.inputAhead);
  I.input.ended = info.inputEnded;
  if (!I.reserve(I.input.bytes.size())) return I.takeError();
  I.input.reserved = I.input.bytes.size();
  I.lastIdentityHash = info.lastIdentityHash;
  if (config.reseed) {
    I.lastIdentityHash = config.randomSeed ? uint32_t(config.randomSeed()) : std::random_device{}();
  }
  I.suspended = info.state == nsnap::State::Suspended;
  I.entered = info.state == nsnap::State::Idle;
  I.entry = I.suspended ? info.entry : GuestEntry::None;
  I.suspendReason = info.reason;
  I.startTime = std::chrono::steady_clock::now();
  I.setDeadline(config.timeoutSeconds);
  I.setFuel(config.fuel);
  return state;
}

// A global's value for `nuri inspect`: `count: int = 3`.
std::string describeGlobal(const IsolateState& I, const GlobalEntry& global, Slot slot) {
  const RuntimeType* type = I.program.types[global.type].get();
  std::string text = global.name + ": " + type->name + " = ";
  switch (type->kind) {
  case TypeKind::Int: return text + formatInt(slot.i);
  case TypeKind::Float: return text + formatFloat(slot.f);
  case TypeKind::Bool: return text + (slot.i ? "true" : "false");
  default: break;
  }
  if (!slot.p) return text + "null";
  const RuntimeType* actual = I.typeOf(slot.p);
  if (actual->kind == TypeKind::String) {
    auto* s = static_cast<const StringObject*>(slot.p);
    constexpr size_t kShown = 60;
    std::string_view view = s->view();
    if (view.size() <= kShown) return text + "\"" + std::string(view) + "\"";
    size_t cut = kShown;
    while (cut > 0 && (uint8_t(view[cut]) & 0xC0) == 0x80) // not inside a character
      cut--;
    return text + "\"" + std::string(view.substr(0, cut)) + "...\" (" +
           std::to_string(s->codePointLength) + " characters)";
  }
  if (actual->kind == TypeKind::Array) {
    return text + actual->name + " of length " +
           std::to_string(static_cast<const ArrayObject*>(slot.p)->length);
  }
  return text + "a " + actual->name;
}

const char* entryName(GuestEntry entry) {
  switch (entry) {
  case GuestEntry::Load: return "load";
  case GuestEntry::Main: return "main";
  case GuestEntry::Call: return "call";
  default: return "";
  }
}

} // namespace

Result<std::unique_ptr<Isolate>> Runtime::restore(std::span<const uint8_t> bytes,
                                                  const IsolateConfig& config) {
  gc::ThreadAttachment attached;
  SnapshotInfo info;
  Result<std::unique_ptr<IsolateState>> state = rebuild(*state_, bytes, config, hostLinker(), info);
  if (!state) return state.error();
  return std::unique_ptr<Isolate>(new Isolate(std::move(*state)));
}

Result<std::unique_ptr<Isolate>> Runtime::restoreFile(const std::string& path,
                                                      const IsolateConfig& config) {
  std::string bytes;
  Error error;
  if (!readInput(path, nsnap::kMaxFileBytes, Error::Kind::Load, "snapshots", bytes, error)) {
    return error;
  }
  auto restored = restore(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      config);
  if (!restored && restored.error().kind == Error::Kind::Load) {
    Error e = restored.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return restored;
}

Result<SnapshotSummary> Runtime::inspect(std::span<const uint8_t> bytes, const std::string& key) {
  gc::ThreadAttachment attached;
  IsolateConfig config;
  config.snapshotKey = key;
  config.stackLimitFrames = 1u << 20; // what any guest may have had (restore checks against it)
  SnapshotInfo info;
  Result<std::unique_ptr<IsolateState>> state =
      rebuild(*state_, bytes, config, absentHostLinker(), info);
  if (!state) return state.error();
  const IsolateState& I = **state;
  SnapshotSummary summary;
  summary.formatVersion =
      std::to_string(info.versionMajor) + "." + std::to_string(info.versionMinor);
  summary.isSigned = info.isSigned;
  summary.suspended = I.suspended;
  summary.isTemplate = info.state == nsnap::State::Template;
  summary.fuel = info.fuel;
  summary.timeoutSeconds = info.timeoutSeconds;
  summary.heapLimitBytes = info.heapLimitBytes;
  summary.inputAheadBytes = info.inputAhead.size();
  summary.inputEnded = info.inputEnded;
  summary.hostData = I.hostData;
  for (const NativeImport& import : I.program.module->natives) {
    if (import.isHost()) summary.hostFunctions.push_back(describeHostImport(import));
  }
  summary.entry = entryName(info.entry);
  summary.reason = info.reason;
  summary.programFile = I.program.module->sourceFile;
  summary.instructions = info.instructions;
  const Module& m = *I.program.module;
  for (size_t i = 0; i < m.globals.size(); i++)
    summary.globals.push_back(describeGlobal(I, m.globals[i], I.program.globals[i]));
  HeapCensus census = walkHeap(I);
  summary.liveObjects = census.objects;
  summary.liveBytes = census.bytes;
  for (const auto& [type, usage] : typesBySize(I, census))
    summary.heap.push_back({type->name, usage.objects, usage.bytes});
  if (I.suspended) summary.trace = stackTrace(I);
  return summary;
}

Result<std::vector<uint8_t>> Isolate::snapshot() {
  gc::ThreadAttachment attached;
  IsolateState& I = *state_;
  if (I.inHostCall) {
    return makeError(Error::Kind::Usage,
                     "the guest is inside a host function's call: snapshot it after the call "
                     "returns (a suspension waits for it)");
  }
  if (!I.loaded) return makeError(Error::Kind::Usage, "load a program before snapshotting it");
  if (I.exited) {
    return makeError(Error::Kind::Usage, "the guest has ended (it called System.exit(" +
                                             std::to_string(I.exitStatus) + "))");
  }
  if (!I.stack.frames.empty() && !I.suspended) {
    return makeError(Error::Kind::Usage, "the guest is running: suspend it first");
  }
  if (!I.bytecodeImage) {
    I.bytecodeImage =
        std::make_shared<const std::vector<uint8_t>>(writeBytecode(*I.program.module));
  }
  std::vector<uint8_t> bytes;
  std::string error;
  if (!writeSnapshot(I, *I.bytecodeImage, I.config.snapshotKey, bytes, error)) {
    return makeError(Error::Kind::Usage, error);
  }
  return bytes;
}

Status Isolate::snapshotToFile(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = snapshot();
  if (!bytes) return bytes.error();
  // Written beside the file and renamed over it once on disk: a crash leaves the old file.
  std::string temporary = path + ".XXXXXX";
  int fd = mkstemp(temporary.data());
  auto failed = [&](const std::string& what) -> Status {
    Error e = makeError(Error::Kind::Io, "cannot write " + path + ": " + what);
    if (fd >= 0) close(fd);
    unlink(temporary.c_str());
    return e;
  };
  if (fd < 0)
    return makeError(Error::Kind::Io, "cannot write " + path + ": " + std::strerror(errno));
  const uint8_t* p = bytes->data();
  size_t left = bytes->size();
  while (left) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failed(std::strerror(errno));
    p += n;
    left -= size_t(n);
  }
  if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) return failed(std::strerror(errno));
  if (close(fd) != 0) {
    fd = -1;
    return failed(std::strerror(errno));
  }
  fd = -1;
  if (rename(temporary.c_str(), path.c_str()) != 0) return failed(std::strerror(errno));
  return Ok{};
}

} // namespace nuri
