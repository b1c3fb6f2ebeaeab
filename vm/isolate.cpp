#include "vm/isolate.h"

#include "vm/stack_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>

#include "support/utf8.h"
#include "vm/heap_walk.h"

namespace nuri {

namespace {
// Address space reserved for each isolate's VM stack; pages are committed as they are touched.

// The VM stack's size: as configured, or 1 KiB a frame (at least 1 MiB, at most 1 GiB).
size_t stackReserveBytes(const IsolateConfig& config) {
  if (config.stackBytes) return size_t(std::max<uint64_t>(config.stackBytes, 64u << 10));
  return size_t(std::clamp<uint64_t>(uint64_t(config.stackLimitFrames) << 10, 1u << 20, 1u << 30));
}
// How often (in instructions) the interpreter checks the clock when a timeout is set.
constexpr uint64_t kCheckInterval = 1u << 16;
} // namespace

IsolateState::IsolateState(const IsolateConfig& cfg)
    : config(cfg), suspendOnLimit(cfg.suspendOnLimit) {
  stringType.kind = TypeKind::String;
  stringType.index = kStringType;
  stringType.name = "string";
  stringBuilderType.kind = TypeKind::StringBuilder;
  stringBuilderType.index = kStringBuilderType;
  stringBuilderType.name = "StringBuilder";
  stringArrayType.kind = TypeKind::Array;
  stringArrayType.index = kStringArrayType;
  stringArrayType.name = "string[]";
  stringArrayType.element = &stringType;
  stringArrayType.holdsReferences = true;
  typeTable = {nullptr, &stringType, &stringBuilderType, &stringArrayType};

  stack.reserveBytes = stackReserveBytes(cfg);
  void* mem = reserveStack(stack.reserveBytes);
  if (mem) {
    stack.base = static_cast<Slot*>(mem);
    stack.end = stack.base + stack.reserveBytes / sizeof(Slot);
  }
  stack.top = stack.base;
  stackRoots.begin = reinterpret_cast<void* const*>(&stack.base);
  stackRoots.end = reinterpret_cast<void* const*>(&stack.top);
  gc::addRootRange(&stackRoots);
  roots_ = static_cast<void**>(gc::allocateRoots(kRootCount * sizeof(void*)));
  smallBlocks = gc::newSmallBlocks();
  // Frame records for the stack limit; pages of a large reservation are committed as touched.
  size_t frameCapacity = size_t(cfg.stackLimitFrames) + 1;
  stack.frames.base = static_cast<CallFrame*>(std::malloc(frameCapacity * sizeof(CallFrame)));
  if (!stack.frames.base) throw std::bad_alloc();
  stack.frames.top = stack.frames.base;
  stack.frames.reserveEnd = stack.frames.base + frameCapacity;
  temporaryRoots.reserve(16);
  heapChecks = gc::stressMode();
  accountsAllocations = cfg.heapLimitBytes || heapChecks;
  stack.softEnd = stack.end;
  stack.frames.setSoftLimit(cfg.stackLimitFrames);
  if (cfg.heapLimitBytes && stack.base) { // the stack grows in steps under a heap limit
    uint64_t room = cfg.heapLimitBytes / 16;
    stack.softEnd = stack.base + std::min<uint64_t>(room / sizeof(Slot), stack.end - stack.base);
    stack.frames.setSoftLimit(std::min<uint64_t>(room / sizeof(CallFrame), cfg.stackLimitFrames));
  }
  collectionsAtStart = gc::heapStats().collections;
}

IsolateState::~IsolateState() {
  flushOutput();
  handles->close();
  gc::removeRootRange(&stackRoots);
  if (stack.base) releaseStack(stack.base, stack.reserveBytes);
  std::free(stack.frames.base);
  if (program.globals) gc::freeRoots(program.globals);
  if (program.stringConstants) gc::freeRoots(program.stringConstants);
  gc::freeRoots(roots_);
  gc::deleteSmallBlocks(smallBlocks);
}

namespace {

std::string formatBytes(uint64_t bytes) {
  if (bytes % (1u << 30) == 0) return std::to_string(bytes >> 30) + "G";
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "M";
  if (bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes) + " bytes";
}

// An error object of class `cls` with `message`, made outside the heap limit's accounting.
InstanceObject* makeErrorObject(IsolateState& I, const ClassInfo* cls, std::string_view message) {
  auto* object = static_cast<InstanceObject*>(
      gc::allocate(sizeof(InstanceObject) + cls->fields.size() * sizeof(Slot)));
  auto* text =
      static_cast<StringObject*>(gc::allocateAtomic(sizeof(StringObject) + message.size() + 1));
  if (!object || !text) return nullptr;
  text->header = headerFor(&I.stringType);
  text->byteLength = uint32_t(message.size());
  text->codePointLength = countCodePoints(message);
  std::memcpy(text->bytes, message.data(), message.size());
  object->header = headerFor(cls->type);
  object->fields[0].p = text;
  return object;
}

} // namespace

std::string IsolateState::heapLimitMessage() const {
  return "heap limit of " + formatBytes(config.heapLimitBytes) + " exceeded";
}

bool IsolateState::raise(ErrorClass cls, std::string message) {
  if (pending) return false; // the first error wins
  pending = PendingError{};
  pending->cls = cls;
  pending->className = errorClassName(cls);
  pending->message = message;
  const ClassInfo* errorClass = program.errorClasses[int(cls)];
  if (!errorClass) return false;
  // An error object counts towards the heap limit like any other. One that does not fit is
  // replaced by the LimitError made in advance, so that even a storm of errors kept alive, or
  // the heap limit's own error, cannot take the heap past its limit.
  uint64_t bytes = sizeof(InstanceObject) + errorClass->fields.size() * sizeof(Slot) +
                   sizeof(StringObject) + message.size() + 1;
  InstanceObject* object = nullptr;
  if (heapHasRoom(bytes)) object = makeErrorObject(*this, errorClass, message);
  if (!object) {
    object = static_cast<InstanceObject*>(roots_[1]);
    if (!object) return false;
    object->fields[1].p = nullptr; // the trace of this raise, not an earlier one
    pending->cls = ErrorClass::LimitError;
    pending->className = errorClassName(ErrorClass::LimitError);
    pending->message = heapLimitMessage();
    pending->limit = Error::Limit::Heap;
  }
  roots_[0] = object;
  return false;
}

bool IsolateState::makeReservedObjects() {
  if (const ClassInfo* limitError = program.errorClasses[int(ErrorClass::LimitError)]) {
    roots_[1] = makeErrorObject(*this, limitError, heapLimitMessage());
    if (!roots_[1]) return raise(ErrorClass::LimitError, "out of memory");
  }
  StringObject* null = newString("null");
  if (!null) return false;
  roots_[2] = null;
  return true;
}

bool IsolateState::raiseStackOverflow() {
  return raise(ErrorClass::StackOverflowError, "call depth exceeded the limit of " +
                                                   std::to_string(config.stackLimitFrames) +
                                                   " frames");
}

uint64_t IsolateState::stackBytes() const {
  return uint64_t(stack.top - stack.base) * sizeof(Slot) + stack.frames.size() * sizeof(CallFrame);
}

bool IsolateState::extendStack(const Slot* end) {
  if (!stack.base || stack.frames.size() >= config.stackLimitFrames) return raiseStackOverflow();
  if (end > stack.end) {
    return raise(ErrorClass::StackOverflowError,
                 "the VM stack of " + std::to_string(stack.reserveBytes) + " bytes is full");
  }
  // Under a heap limit: check the room left (walking the heap when what was live at the last
  // walk and everything allocated since may not leave enough), then let the stack grow by a
  // quarter of it.
  uint64_t limit = config.heapLimitBytes;
  uint64_t needed =
      uint64_t(end - stack.base) * sizeof(Slot) + (stack.frames.size() + 1) * sizeof(CallFrame);
  auto bound = [&] { return liveAtLastWalk + allocatedSinceWalk + temporaryBytes + needed; };
  if (bound() > limit && !walkForLimit(0, needed)) {
    raise(ErrorClass::LimitError, "heap limit of " + formatBytes(limit) +
                                      " exceeded by the VM stack, which needs " +
                                      std::to_string(needed) + " bytes");
    return markHeapLimit();
  }
  uint64_t room = std::max<uint64_t>((limit - std::min(bound(), limit)) / 4, 4096);
  stack.softEnd = std::min(stack.end, const_cast<Slot*>(end) + room / sizeof(Slot));
  stack.frames.setSoftLimit(std::min<uint64_t>(config.stackLimitFrames,
                                               stack.frames.size() + 1 + room / sizeof(CallFrame)));
  return true;
}
bool IsolateState::raiseUncatchable(ErrorClass cls, std::string message) {
  raise(cls, std::move(message));
  pending->uncatchable = true;
  return false;
}

void IsolateState::throwObject(InstanceObject* error) {
  pending = PendingError{};
  pending->className = typeOf(error)->name;
  auto* message = static_cast<StringObject*>(error->fields[0].p);
  pending->message = message ? std::string(message->view()) : "null";
  roots_[0] = error;
}

void IsolateState::setFuel(uint64_t instructions) {
  fuel = instructions;
  fuelUsedBefore = this->instructions + nativeFuel;
  resetCheckpoint(this->instructions);
}

void IsolateState::setDeadline(double seconds) {
  hasDeadline = false;
  timeoutSeconds = seconds;
  // Past about a century a deadline is none: the clock's range ends at 292 years.
  if (!(seconds > 0) || !(seconds < 3.2e9)) return;
  hasDeadline = true;
  deadline = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(seconds));
}

void IsolateState::resetCheckpoint(uint64_t executed) {
  work = 0;
  // Every kCheckInterval instructions at least, for the clock and for terminate().
  uint64_t next = executed + kCheckInterval;
  if (fuel) {
    uint64_t end = fuelUsedBefore + fuel; // fuel is spent by instructions and nativeFuel
    next = std::min(next, end > nativeFuel ? end - nativeFuel : 0);
  }
  checkpoint = next;
}

bool IsolateState::checkLimits(uint64_t executed, CheckSite site) {
  // Bytes handled by instructions and natives since the last check spend fuel too.
  nativeFuel += work / kUnitsPerInstruction;
  if (interrupt->terminate.load(std::memory_order_relaxed) &&
      interrupt->terminate.exchange(false, std::memory_order_relaxed)) {
    return raiseLimit(Error::Limit::Terminated, "terminated by the host");
  }
  bool fuelOut = fuel && executed + nativeFuel >= fuelUsedBefore + fuel;
  bool timeOut = !fuelOut && hasDeadline && std::chrono::steady_clock::now() >= deadline;
  Error::Limit reason = fuelOut   ? Error::Limit::Fuel
                        : timeOut ? Error::Limit::Time
                                  : Error::Limit::None;
  if ((reason != Error::Limit::None && suspendOnLimit) ||
      interrupt->suspend.load(std::memory_order_relaxed)) {
    // Only a running guest suspends, and only where it can (see CheckSite); otherwise the
    // interpreter checks again at its next suspension point.
    if (site == CheckSite::AfterHostCall || suspendHold || stack.frames.empty()) {
      checkpoint = executed;
      return true;
    }
    if (reason == Error::Limit::None) {
      reason = Error::Limit::Requested;
      interrupt->suspend.store(false, std::memory_order_relaxed);
    }
    if (pending) return false;
    pending = PendingError{};
    pending->suspend = true;
    pending->uncatchable = true;
    pending->limit = reason;
    return false;
  }
  if (fuelOut) {
    return raiseLimit(Error::Limit::Fuel, "fuel exhausted after " + std::to_string(fuel) +
                                              (fuel == 1 ? " instruction" : " instructions"));
  }
  if (timeOut) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", timeoutSeconds);
    return raiseLimit(Error::Limit::Time, std::string("timed out after ") + text + " s");
  }
  resetCheckpoint(executed);
  // A resumed guest checks again at its next suspension point, where its hold ends.
  if (suspendHold) checkpoint = executed;
  return true;
}

bool IsolateState::raiseLimit(Error::Limit limit, std::string message) {
  raiseUncatchable(ErrorClass::LimitError, std::move(message));
  if (pending->cls == ErrorClass::LimitError) pending->limit = limit;
  return false;
}

bool IsolateState::copyLargeInSteps(void* to, const void* from, size_t bytes) {
  for (size_t done = 0; done < bytes; done += kCopyStep) {
    size_t n = std::min(kCopyStep, bytes - done);
    std::memcpy(static_cast<char*>(to) + done, static_cast<const char*>(from) + done, n);
    if (n == kCopyStep && !nativeProgress(n)) return false;
  }
  return true;
}

bool IsolateState::spendNativeFuel(CheckSite site) {
  nativeFuel += nativeUnits / kUnitsPerInstruction;
  nativeUnits %= kUnitsPerInstruction;
  return checkLimits(instructions, site);
}

bool IsolateState::walkForLimit(uint64_t bytes, uint64_t stack) {
  uint64_t limit = config.heapLimitBytes;
  liveAtLastWalk = walkHeap(*this, heapChecks ? HeapWalk::Check : HeapWalk::Measure).bytes;
  heapWalks++;
  uint64_t used = liveAtLastWalk + temporaryBytes + stack;
  if (used > limit || bytes > limit - used) {
    // No room: walk again at the next allocation (which may come after the guest let go of
    // enough to fit).
    allocatedSinceWalk = 0;
    walkBudget = 0;
    return false;
  }
  // The allocation being made comes after the walk.
  allocatedSinceWalk = bytes;
  walkBudget = std::max(limit - used, limit / 8);
  return true;
}

bool IsolateState::raiseHeapLimit(uint64_t bytes) {
  if (bytes > config.heapLimitBytes) {
    raise(ErrorClass::LimitError, "heap limit of " + formatBytes(config.heapLimitBytes) +
                                      " exceeded by an allocation of " + std::to_string(bytes) +
                                      " bytes");
    return markHeapLimit();
  }
  raise(ErrorClass::LimitError, heapLimitMessage());
  return markHeapLimit();
}

bool IsolateState::markHeapLimit() {
  if (pending && pending->cls == ErrorClass::LimitError) pending->limit = Error::Limit::Heap;
  return false;
}

bool IsolateState::reserve(uint64_t bytes) {
  if (!chargeHeap(bytes)) return false;
  temporaryBytes += bytes;
  return true;
}

namespace {
enum class Memory { References, Atomic, ReferencesUncleared, AtomicUncleared, Small };
} // namespace

static inline __attribute__((always_inline)) void* allocateMemory(IsolateState& I, size_t bytes,
                                                                  Memory kind) {
  I.chargeWork(bytes); // the caller fills or copies them
  if (__builtin_expect(I.accountsAllocations, 0)) {
    if (I.heapChecks) walkHeap(I, HeapWalk::Check);
    if (!I.chargeHeap(bytes)) return nullptr;
  }
  void* p = kind == Memory::Small                 ? gc::allocateSmall(I.smallBlocks, bytes)
            : kind == Memory::References          ? gc::allocate(bytes)
            : kind == Memory::Atomic              ? gc::allocateAtomic(bytes)
            : kind == Memory::ReferencesUncleared ? gc::allocateUncleared(bytes)
                                                  : gc::allocateAtomicUncleared(bytes);
  if (!p) {
    I.raise(ErrorClass::LimitError,
            "out of memory (allocating " + std::to_string(bytes) + " bytes)");
    return nullptr;
  }
  I.allocations++;
  I.allocatedBytes += bytes;
  return p;
}

void* IsolateState::allocate(size_t bytes, bool holdsReferences) {
  return allocateMemory(*this, bytes, holdsReferences ? Memory::References : Memory::Atomic);
}

void* IsolateState::allocateSmall(size_t bytes) {
  return allocateMemory(*this, bytes, Memory::Small);
}

void* IsolateState::allocateUncleared(size_t bytes, bool holdsReferences) {
  return allocateMemory(*this, bytes,
                        holdsReferences ? Memory::ReferencesUncleared : Memory::AtomicUncleared);
}

StringObject* IsolateState::newStringBuffer(size_t bytes, uint32_t codePoints) {
  if (bytes >= kMaxStringBytes) {
    raise(ErrorClass::LimitError, "string too long (" + std::to_string(bytes) + " bytes)");
    return nullptr;
  }
  auto* s = static_cast<StringObject*>(allocateUncleared(sizeof(StringObject) + bytes + 1, false));
  if (!s) return nullptr;
  s->header = headerFor(&stringType);
  s->byteLength = uint32_t(bytes);
  s->codePointLength = codePoints;
  s->hash = 0;
  s->bytes[bytes] = '\0';
  return s;
}

StringObject* IsolateState::newStringWithLength(std::string_view utf8, uint32_t codePoints) {
  StringObject* s = newStringBuffer(utf8.size(), codePoints);
  if (s && !copyInSteps(s->bytes, utf8.data(), utf8.size())) return nullptr;
  return s;
}

StringObject* IsolateState::newString(std::string_view utf8) {
  return newStringWithLength(utf8, countCodePoints(utf8));
}

ArrayObject* IsolateState::newArray(const RuntimeType* arrayType, int64_t length) {
  if (length < 0) {
    raise(ErrorClass::ValueError, "negative array length " + std::to_string(length));
    return nullptr;
  }
  if (length > kMaxArrayLength) {
    raise(ErrorClass::LimitError, "array length " + std::to_string(length) + " is too large");
    return nullptr;
  }
  size_t bytes = sizeof(ArrayObject) + size_t(length) * sizeof(Slot);
  constexpr size_t kStep = 1u << 20;
  ArrayObject* a;
  if (bytes < kStep) {
    a = static_cast<ArrayObject*>(allocate(bytes, arrayType->holdsReferences));
    if (!a) return nullptr;
  } else {
    // Cleared here in steps, so that a limit can stop the clearing of a huge array (touching
    // fresh memory takes about a second per gigabyte).
    a = static_cast<ArrayObject*>(allocateUncleared(bytes, arrayType->holdsReferences));
    if (!a) return nullptr;
    for (size_t done = 0; done < bytes; done += kStep) {
      size_t n = std::min(kStep, bytes - done);
      std::memset(reinterpret_cast<char*>(a) + done, 0, n);
      if (!nativeProgress(n)) return nullptr;
    }
  }
  a->header = headerFor(arrayType);
  a->length = length;
  return a;
}

InstanceObject* IsolateState::newInstance(const ClassInfo* cls) {
  size_t bytes = sizeof(InstanceObject) + cls->fields.size() * sizeof(Slot);
  auto* o = static_cast<InstanceObject*>(allocateSmall(bytes));
  if (!o) return nullptr;
  o->header = ObjectHeader{cls->typeIndex, 0};
  return o;
}

StringBuilderObject* IsolateState::newStringBuilder() {
  auto* b = static_cast<StringBuilderObject*>(allocate(sizeof(StringBuilderObject), true));
  if (!b) return nullptr;
  b->header = headerFor(&stringBuilderType);
  return b;
}

CellObject* IsolateState::newCell(const RuntimeType* cellType) {
  auto* c = static_cast<CellObject*>(allocateSmall(sizeof(CellObject)));
  if (!c) return nullptr;
  c->header = headerFor(cellType);
  return c;
}

ClosureObject* IsolateState::newClosure(const RuntimeType* functionType,
                                        const FunctionInfo* function, uint32_t cellCount) {
  auto* c = static_cast<ClosureObject*>(
      allocateSmall(sizeof(ClosureObject) + cellCount * sizeof(CellObject*)));
  if (!c) return nullptr;
  c->header = headerFor(functionType);
  c->function = function;
  c->cellCount = cellCount;
  return c;
}

bool IsolateState::write(std::string_view text) {
  if (!outputClosed) {
    if (config.output) {
      // The host's callback: an exception stops at this boundary and becomes the guest's
      // IOError, which unwinds its frames like any other error.
      try {
        outputClosed = !config.output(text);
      } catch (const std::exception& e) {
        return raise(ErrorClass::IOError, std::string("the host's output failed: ") + e.what());
      } catch (...) {
        return raise(ErrorClass::IOError, "the host's output failed");
      }
    } else {
      outputBuffer.append(text);
      if (outputBuffer.size() >= (64u << 10)) {
        flushOutput();
        // A full disk: stop the program where it writes, rather than let it print on in vain
        // (it may catch the error; every later flush that fails raises it again).
        if (outputFailed) {
          return raise(ErrorClass::IOError, "cannot write to standard output: " + outputError);
        }
      }
    }
  }
  // Whatever the program would print next is lost: end it quietly, like `cat` or `grep`.
  if (outputClosed) return exit(0);
  return true;
}

void IsolateState::flushOutput() {
  if (outputClosed) {
    outputBuffer.clear();
    return;
  }
  if (outputBuffer.empty()) return; // a flush that emptied it has flushed stdout too
  int error = 0;
  if (std::fwrite(outputBuffer.data(), 1, outputBuffer.size(), stdout) != outputBuffer.size()) {
    error = errno;
  }
  outputBuffer.clear();
  if (std::fflush(stdout) != 0 && !error) error = errno;
  if (!error) return;
  if (error == EPIPE) {
    outputClosed = true;
  } else if (!outputFailed) {
    outputFailed = true;
    outputError = std::strerror(error);
  }
}

bool IsolateState::exit(int status) {
  exitStatus = status & 0xFF;
  raiseUncatchable(ErrorClass::Error, "exit");
  pending->exit = true;
  return false;
}

Error IsolateState::takeError() {
  Error e;
  e.kind = Error::Kind::Runtime;
  if (pending) {
    e.errorClass = pending->className;
    e.message = pending->message;
    e.limit = pending->limit;
    e.trace = pending->trace;
    // An error thrown again keeps the trace stored in it (see captureTrace).
    const InstanceObject* error = pendingObject();
    auto* stored = error ? static_cast<const StringObject*>(error->fields[1].p) : nullptr;
    if (e.trace.empty() && stored) {
      std::string_view text = stored->view();
      while (!text.empty()) {
        size_t end = std::min(text.find('\n'), text.size());
        e.trace.emplace_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
      }
    }
  }
  clearPending();
  return e;
}

} // namespace nuri
