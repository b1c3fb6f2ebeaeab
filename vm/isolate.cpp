#include "vm/isolate.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nuri {

namespace {
// Address space reserved for each isolate's VM stack; pages are committed as they are touched.
constexpr size_t kStackReserveBytes = 256u << 20;
// How often (in instructions) the interpreter checks the clock when a timeout is set.
constexpr uint64_t kCheckInterval = 1u << 16;
} // namespace

IsolateState::IsolateState(const IsolateConfig& cfg) : config(cfg) {
  stringType.kind = TypeKind::String;
  stringType.name = "string";
  stringBuilderType.kind = TypeKind::StringBuilder;
  stringBuilderType.name = "StringBuilder";
  stringArrayType.kind = TypeKind::Array;
  stringArrayType.name = "string[]";
  stringArrayType.element = &stringType;
  stringArrayType.holdsReferences = true;

  void* mem = mmap(nullptr, kStackReserveBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem != MAP_FAILED) {
    stackBase = static_cast<Slot*>(mem);
    stackEnd = stackBase + kStackReserveBytes / sizeof(Slot);
  }
  stackTop = stackBase;
  stackRoots.begin = reinterpret_cast<void* const*>(&stackBase);
  stackRoots.end = reinterpret_cast<void* const*>(&stackTop);
  gc::addRootRange(&stackRoots);
  roots_ = static_cast<void**>(gc::allocateRoots(sizeof(void*)));
  frames.reserve(size_t(cfg.stackLimitFrames) + 1);
  heapCheckBudget = cfg.heapLimitBytes ? cfg.heapLimitBytes / 4 : 0;
  collectionsAtStart = gc::heapStats().collections;
}

IsolateState::~IsolateState() {
  flushOutput();
  gc::removeRootRange(&stackRoots);
  if (stackBase) munmap(stackBase, kStackReserveBytes);
  if (program.globals) gc::freeRoots(program.globals);
  if (program.stringConstants) gc::freeRoots(program.stringConstants);
  gc::freeRoots(roots_);
}

bool IsolateState::raise(ErrorClass cls, std::string message) {
  if (pending) return false; // the first error wins
  pending = PendingError{};
  pending->cls = cls;
  pending->className = errorClassName(cls);
  pending->message = message;
  const ClassInfo* errorClass = program.errorClasses[int(cls)];
  if (!errorClass) return false;
  // Error objects are made even over the heap limit: the limit's own LimitError needs one.
  auto* object = static_cast<InstanceObject*>(
      gc::allocate(sizeof(InstanceObject) + errorClass->fields.size() * sizeof(Slot)));
  auto* text =
      static_cast<StringObject*>(gc::allocateAtomic(sizeof(StringObject) + message.size() + 1));
  if (!object || !text) return false;
  text->header.type = &stringType;
  text->byteLength = uint32_t(message.size());
  text->codePointLength = countCodePoints(message);
  std::memcpy(text->bytes, message.data(), message.size());
  object->header.type = errorClass->type;
  object->fields[0].p = text;
  roots_[0] = object;
  return false;
}

bool IsolateState::raiseUncatchable(ErrorClass cls, std::string message) {
  raise(cls, std::move(message));
  pending->uncatchable = true;
  return false;
}

void IsolateState::throwObject(InstanceObject* error) {
  pending = PendingError{};
  pending->className = error->header.type->name;
  auto* message = static_cast<StringObject*>(error->fields[0].p);
  pending->message = message ? std::string(message->view()) : "null";
  roots_[0] = error;
}

void IsolateState::resetCheckpoint(uint64_t executed) {
  work = 0;
  uint64_t next = UINT64_MAX;
  if (config.fuel) next = config.fuel;
  if (hasDeadline) next = std::min(next, executed + kCheckInterval);
  checkpoint = next;
}

bool IsolateState::checkLimits(uint64_t executed) {
  if (config.fuel && executed >= config.fuel) {
    return raiseUncatchable(ErrorClass::LimitError, "fuel exhausted: the program ran " +
                                                        std::to_string(config.fuel) +
                                                        " instructions (--fuel)");
  }
  if (hasDeadline && std::chrono::steady_clock::now() >= deadline) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", config.timeoutSeconds);
    return raiseUncatchable(ErrorClass::LimitError, std::string("timeout: the program ran longer "
                                                                "than ") +
                                                        text + " s (--timeout)");
  }
  resetCheckpoint(executed);
  return true;
}

static std::string formatBytes(uint64_t bytes) {
  if (bytes % (1u << 30) == 0) return std::to_string(bytes >> 30) + "G";
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "M";
  if (bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes) + " bytes";
}

bool IsolateState::reserve(uint64_t bytes) {
  uint64_t limit = config.heapLimitBytes;
  if (!limit || bytes <= limit) return true;
  return raise(ErrorClass::LimitError, "heap limit of " + formatBytes(limit) +
                                           " exceeded (building " + std::to_string(bytes) +
                                           " bytes; --heap-limit)");
}

void* IsolateState::allocate(size_t bytes, bool holdsReferences) {
  chargeWork(bytes); // the caller fills or copies them
  uint64_t limit = config.heapLimitBytes;
  if (limit) {
    if (bytes > limit) {
      raise(ErrorClass::LimitError, "heap limit of " + formatBytes(limit) +
                                        " exceeded (an allocation of " + std::to_string(bytes) +
                                        " bytes; --heap-limit)");
      return nullptr;
    }
    bytesSinceHeapCheck += bytes;
    if (bytesSinceHeapCheck >= heapCheckBudget) {
      // Measure what is really live before deciding.
      gc::collect();
      uint64_t live = gc::heapStats().liveBytes;
      if (live + bytes > limit) {
        raise(ErrorClass::LimitError,
              "heap limit of " + formatBytes(limit) + " exceeded (--heap-limit)");
        return nullptr;
      }
      heapCheckBudget = std::max<uint64_t>((limit - live) / 2, 64 * 1024);
      bytesSinceHeapCheck = 0;
    }
  }
  void* p = holdsReferences ? gc::allocate(bytes) : gc::allocateAtomic(bytes);
  if (!p) {
    raise(ErrorClass::LimitError, "out of memory (allocating " + std::to_string(bytes) + " bytes)");
    return nullptr;
  }
  allocations++;
  allocatedBytes += bytes;
  return p;
}

StringObject* IsolateState::newStringBuffer(size_t bytes, uint32_t codePoints) {
  if (bytes >= kMaxStringBytes) {
    raise(ErrorClass::LimitError, "string too long (" + std::to_string(bytes) + " bytes)");
    return nullptr;
  }
  auto* s = static_cast<StringObject*>(allocate(sizeof(StringObject) + bytes + 1, false));
  if (!s) return nullptr;
  s->header.type = &stringType;
  s->byteLength = uint32_t(bytes);
  s->codePointLength = codePoints;
  s->hash = 0;
  s->bytes[bytes] = '\0';
  return s;
}

StringObject* IsolateState::newStringWithLength(std::string_view utf8, uint32_t codePoints) {
  StringObject* s = newStringBuffer(utf8.size(), codePoints);
  if (s && !utf8.empty()) std::memcpy(s->bytes, utf8.data(), utf8.size());
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
  auto* a = static_cast<ArrayObject*>(allocate(bytes, arrayType->holdsReferences));
  if (!a) return nullptr;
  a->header.type = arrayType;
  a->length = length;
  return a;
}

InstanceObject* IsolateState::newInstance(const ClassInfo* cls) {
  size_t bytes = sizeof(InstanceObject) + cls->fields.size() * sizeof(Slot);
  auto* o = static_cast<InstanceObject*>(allocate(bytes, true));
  if (!o) return nullptr;
  o->header.type = cls->type;
  return o;
}

StringBuilderObject* IsolateState::newStringBuilder() {
  auto* b = static_cast<StringBuilderObject*>(allocate(sizeof(StringBuilderObject), true));
  if (!b) return nullptr;
  b->header.type = &stringBuilderType;
  return b;
}

CellObject* IsolateState::newCell(const RuntimeType* cellType) {
  auto* c = static_cast<CellObject*>(allocate(sizeof(CellObject), true));
  if (!c) return nullptr;
  c->header.type = cellType;
  return c;
}

ClosureObject* IsolateState::newClosure(const RuntimeType* functionType,
                                        const FunctionInfo* function, uint32_t cellCount) {
  auto* c = static_cast<ClosureObject*>(
      allocate(sizeof(ClosureObject) + cellCount * sizeof(CellObject*), true));
  if (!c) return nullptr;
  c->header.type = functionType;
  c->function = function;
  c->cellCount = cellCount;
  return c;
}

bool IsolateState::write(std::string_view text) {
  if (!outputClosed) {
    if (config.output) {
      outputClosed = !config.output(text);
    } else {
      outputBuffer.append(text);
      if (outputBuffer.size() >= (64u << 10)) flushOutput();
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
  int error = 0;
  if (!outputBuffer.empty() &&
      std::fwrite(outputBuffer.data(), 1, outputBuffer.size(), stdout) != outputBuffer.size()) {
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
    e.trace = pending->trace;
  }
  clearPending();
  return e;
}

} // namespace nuri
