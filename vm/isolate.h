// The state of one guest. Everything mutable that belongs to a running program hangs off an
// IsolateState: the linked program, globals, the VM stack, the pending error, limits, statistics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gc/heap.h"
#include "nuri/nuri.h"
#include "vm/errors.h"
#include "vm/frame.h"
#include "vm/handles.h"
#include "vm/input_buffer.h"
#include "vm/objects.h"
#include "vm/tier.h"

namespace nuri {

class IsolateState;
struct HostBinding;

// What another thread may set to stop a guest; shared with interrupt handles, which may
// outlive the isolate.
struct InterruptState {
  std::atomic<bool> terminate{false};
  std::atomic<bool> suspend{false}; // Isolate::requestSuspend
};

// What started the guest's outermost activation, which says what a resumed guest returns.
enum class GuestEntry : uint8_t {
  None, // not running, nor suspended
  Load, // the program's top-level code (Isolate::load)
  Main, // `main` (Isolate::runMain): returns the exit status
  Call, // a function called by the host (Isolate::call): returns its result
};

// Where a limit is checked, which says what may happen when suspension is due (GUESTS.md §3).
enum class CheckSite : uint8_t {
  // A call or a backward branch of the interpreter: the guest suspends here.
  SuspensionPoint,
  // Inside an operation with no visible effect until it completes (a class-library native, an
  // allocation, converting a host function's arguments): it is abandoned, and the guest
  // suspends at the instruction that started it, which runs again on resume.
  Abandonable,
  // As a host function returns: its effects have happened, so the guest does not suspend
  // here; it suspends at its next suspension point.
  AfterHostCall,
};

struct LinkedNative;
using NativeFn = bool (*)(IsolateState& isolate, const LinkedNative& native, Slot* args,
                          Slot* result);

// A native function bound for one module: one of the class library's or a host function.
struct LinkedNative {
  NativeFn function;
  uint32_t id;            // the class library's: its index in the native table (natives.def)
  uint32_t nonNullParams; // bit i: parameter i is a string/array/builder that must not be null
  bool hasResult;
  const HostBinding* host = nullptr; // a host function: what calls it (api/host_call.h)
};

// The part of a linked program that is the same in every isolate: run-time types, classes with
// vtables, functions, handlers, the class library's natives. Immutable once made, and shared by
// every isolate running the program (those that load one Program, the clones of one snapshot).
struct LinkedCode {
  std::shared_ptr<const Module> module;
  std::vector<std::unique_ptr<RuntimeType>> types;
  std::vector<std::unique_ptr<ClassInfo>> classes;
  std::vector<FunctionInfo> functions;
  // Every native the module imports: the class library's bound, host functions left for each
  // isolate to bind to its own grants.
  std::vector<LinkedNative> natives;
  std::vector<std::vector<RuntimeHandler>> handlers; // per function
  // The prelude's error classes by ErrorClass, or all null when the program lacks a usable
  // `Error` class (then errors cannot be caught).
  const ClassInfo* errorClasses[kErrorClassCount] = {};
  std::vector<std::vector<const RuntimeType*>> registerTypes; // per function
  // The functions a host may call by name (Isolate::call): top-level, not private, not the
  // compiler's own (`<module>`, lambdas, generic instances, the prelude's `__` helpers).
  std::unordered_map<std::string, const FunctionInfo*> callable;
  // The JIT's code for this program (jit/), made when an isolate with the JIT on first runs it
  // and freed with the program.
  mutable std::mutex tierMutex;
  mutable std::unique_ptr<CompilerTier> tier;
};

// A program linked into an isolate: the shared code, seen through views for brevity, and what is
// the isolate's own (natives bound to its host functions, globals, string constants).
struct LinkedProgram {
  std::shared_ptr<const LinkedCode> code;
  std::shared_ptr<const Module> module;
  std::span<const std::unique_ptr<RuntimeType>> types;
  std::span<const std::unique_ptr<ClassInfo>> classes;
  std::span<const FunctionInfo> functions;
  const ClassInfo* errorClasses[kErrorClassCount] = {};
  const std::unordered_map<std::string, const FunctionInfo*>* callable = nullptr;
  std::vector<LinkedNative> natives;
  std::vector<std::shared_ptr<const HostBinding>> hostBindings; // what natives' `host` point at
  Slot* globals = nullptr;                                      // GC roots
  StringObject** stringConstants = nullptr;                     // GC roots
};

class IsolateState {
public:
  explicit IsolateState(const IsolateConfig& config);
  ~IsolateState();

  IsolateConfig config;
  LinkedProgram program;
  bool loaded = false;
  Isolate* api = nullptr; // the embedding API's object for this isolate
  // The guest objects its host holds (nuri::Value handles): alive, and roots of the heap walk.
  // Handles may outlive the isolate, which then closes the table.
  std::shared_ptr<HandleTable> handles = std::make_shared<HandleTable>(this);
  bool inHostCall = false; // a host function is running: calls into the guest are refused

  // Built-in types that exist without a program.
  RuntimeType stringType;
  RuntimeType stringBuilderType;
  RuntimeType stringArrayType;

  // Every run-time type by its stable index (see kFirstProgramType): null for kNoType, the
  // built-in types, then the program's once it is linked. Object headers hold these indices. It
  // does not change after linking, so the interpreter keeps its data pointer.
  std::vector<const RuntimeType*> typeTable;
  const RuntimeType* typeOf(const void* object) const { return typeTable[typeIndexOf(object)]; }
  TypeKind kindOf(const void* object) const { return typeOf(object)->kind; }

  // The identity hash of `object` (not null): given on first use from a sequence of this
  // isolate's (never 0; unique for 2^32 objects unless a restore reseeded the sequence, which
  // may then meet hashes given before), so it does not depend on where the object is
  // and survives anything that moves or restores the heap.
  uint32_t identityHash(void* object) {
    auto* header = static_cast<ObjectHeader*>(object);
    if (!header->hash) header->hash = nextIdentityHash();
    return header->hash;
  }
  uint32_t nextIdentityHash() {
    lastIdentityHash += kIdentityHashStep;
    if (!lastIdentityHash) lastIdentityHash += kIdentityHashStep;
    return lastIdentityHash;
  }
  uint32_t lastIdentityHash = 0;
  static constexpr uint32_t kIdentityHashStep = 0x9E3779B9u; // odd: visits every 32-bit value

  // The JIT, when it is on for this isolate (shared by the isolates running one program).
  CompilerTier* tier = nullptr;
  // The VM stack: its slots and frame records (vm/frame.h).
  VmStack stack;
  gc::RootRange stackRoots{};
  // This isolate's free lists of small objects (instances, cells, closures), which compiled
  // code also takes from (jit/context.h).
  gc::SmallBlocks* smallBlocks = nullptr;
  // Called when a call needs the stack up to `end` and a frame more than `frames` holds: raises
  // StackOverflowError past the stack limit, LimitError past the heap limit, or moves the soft
  // limits on. Returns false with the error raised.
  bool extendStack(const Slot* end);
  // Bytes of the VM stack in use (registers and frame records).
  uint64_t stackBytes() const;

  // Errors.
  std::optional<PendingError> pending;
  // Raises a VM error: creates its error object when the program has error classes. Always
  // returns false, for `return raise(...)`.
  bool raise(ErrorClass cls, std::string message);
  // Raises StackOverflowError for a call past the frame limit.
  bool raiseStackOverflow();
  // Raises an error that no handler may catch (fuel or time ran out).
  bool raiseUncatchable(ErrorClass cls, std::string message);
  // Throws an error object (`throw e`).
  void throwObject(InstanceObject* error);
  InstanceObject* pendingObject() const { return static_cast<InstanceObject*>(roots_[0]); }
  void clearPending() {
    pending.reset();
    roots_[0] = nullptr;
  }
  // Ends the program at once with `status`, as System.exit does: no handler or finally runs.
  // Returns false, for a native to return.
  bool exit(int status);
  int exitStatus = 0;
  bool exited = false; // System.exit ran

  // Limits and statistics.
  uint64_t instructions = 0; // retired instructions (flushed by the interpreter)
  uint64_t checkpoint = 0;   // instruction count at which the interpreter checks limits
  std::chrono::steady_clock::time_point startTime;
  std::chrono::steady_clock::time_point deadline;
  bool hasDeadline = false;
  double timeoutSeconds = 0; // as given, for messages
  // Fuel: `fuel` instructions' worth from when it was set (0: none); fuelUsedBefore is what had
  // been spent then (instructions and nativeFuel).
  uint64_t fuel = 0;
  uint64_t fuelUsedBefore = 0;
  void setFuel(uint64_t instructions);
  // Set from any thread: the guest stops at its next limit check (see Isolate::terminate).
  std::shared_ptr<InterruptState> interrupt = std::make_shared<InterruptState>();
  uint64_t allocations = 0;
  uint64_t allocatedBytes = 0;
  uint64_t temporaryBytes = 0; // held by natives outside the collected heap (see reserve)
  uint64_t collectionsAtStart = 0;

  // Heap accounting (GUESTS.md §1). Under a heap limit, what the guest uses is its live objects,
  // found by walking its object graph from its roots (vm/heap_walk.h), plus its temporaries and
  // its VM stack; never the process's heap, which other guests share. A walk takes time in
  // proportion to the live objects, so one is made only once the bytes allocated (and reserved)
  // since the last walk exceed walkBudget = max(limit - used at the last walk, limit / 8).
  uint64_t liveAtLastWalk = 0;     // bytes of live objects the last walk found
  uint64_t allocatedSinceWalk = 0; // bytes allocated and reserved since then
  uint64_t walkBudget = 0;         // 0 until the first walk, and after one that found no room
  uint64_t heapWalks = 0;          // walks made for the heap limit
  // GC-stress mode (gc::stressMode() when the isolate was made): the heap's consistency is
  // checked before every allocation, and at every walk.
  bool heapChecks = false;
  // Whether allocations need more than the collector: a heap limit or heap checks.
  bool accountsAllocations = false;
  double runSeconds = 0;

  // Raises an uncatchable LimitError for `limit`.
  bool raiseLimit(Error::Limit limit, std::string message);
  // Marks a pending LimitError as the heap limit's; returns false.
  bool markHeapLimit();
  // Sets the wall-clock deadline `seconds` from now (none for 0, or for a time so far away that
  // it cannot be represented).
  void setDeadline(double seconds);

  // Called when `instructions` reaches `checkpoint`: checks fuel and time, sets the next
  // checkpoint. Returns false (with an error raised) when a limit is hit, or with a suspension
  // raised (PendingError::suspend) when the guest is to suspend here (see CheckSite); a
  // suspension due where the guest cannot suspend is kept for its next suspension point.
  bool checkLimits(uint64_t executed, CheckSite site = CheckSite::Abandonable);
  // Suspension (GUESTS.md §3). Suspend rather than fail when fuel or time runs out.
  bool suspendOnLimit = false;
  // The guest's frames stand on the VM stack, waiting for resume (the interpreter left them).
  bool suspended = false;
  Error::Limit suspendReason = Error::Limit::None; // Fuel, Time or Requested
  // Set on resume: no suspension until the guest reaches a suspension point, so that every
  // resume makes progress, however little fuel it has (an abandoned native runs again whole).
  bool suspendHold = false;
  GuestEntry entry = GuestEntry::None; // of the running or suspended activation
  bool entered = false; // a runMain or call has started since load (a snapshot is no template)
  std::string hostData; // the host's own, kept in snapshots (Isolate::setHostData)
  static constexpr size_t kMaxHostData = 1u << 20;
  // The program's .nbc encoding, which snapshots hold: made on the first snapshot, or the bytes
  // a restored guest came from (shared by the clones of one Runtime).
  std::shared_ptr<const std::vector<uint8_t>> bytecodeImage;
  // The size and object count of the last snapshot, to size the next one's buffers.
  uint64_t lastSnapshotBytes = 0;
  uint64_t lastSnapshotObjects = 0;
  void resetCheckpoint(uint64_t executed);

  // Work done inside one long operation (a native, building nested arrays, text of an array),
  // in units: a byte read or written, or an element compared. Such operations call
  // nativeProgress as they go; every kUnitsBetweenChecks units it spends fuel (one instruction
  // per kUnitsPerInstruction units) and checks fuel and time. Returns false with LimitError
  // raised when a limit has passed: the operation must stop and fail.
  uint64_t nativeUnits = 0; // since fuel was last spent for them
  uint64_t nativeFuel = 0;  // instructions' worth of fuel spent by long operations
  static constexpr uint64_t kUnitsPerInstruction = 256;
  static constexpr uint64_t kUnitsBetweenChecks = 1u << 20;
  // An operation whose effects are seen as it goes (writing a file) passes
  // CheckSite::AfterHostCall: a suspension due then waits for the next suspension point.
  bool nativeProgress(uint64_t units, CheckSite site = CheckSite::Abandonable) {
    nativeUnits += units;
    return nativeUnits < kUnitsBetweenChecks || spendNativeFuel(site);
  }
  bool spendNativeFuel(CheckSite site = CheckSite::Abandonable);
  // Copies `bytes` bytes in steps of 1 MB, reporting the work (see nativeProgress): copying
  // fresh memory takes about a second per gigabyte. Returns false when a limit stopped it.
  bool copyInSteps(void* to, const void* from, size_t bytes) {
    if (bytes <= kCopyStep) {
      if (bytes) std::memcpy(to, from, bytes); // an empty source may be null
      return true;
    }
    return copyLargeInSteps(to, from, bytes);
  }
  static constexpr size_t kCopyStep = 1u << 20;
  bool copyLargeInSteps(void* to, const void* from, size_t bytes);

  // Bytes handled since the limits were last checked by operations whose time grows with their
  // operands (allocations, copies, string scans and comparisons). Time is checked every
  // kCheckInterval instructions, which is too rarely when each of them handles megabytes: past
  // kWorkBetweenChecks the interpreter checks the limits at the next call or backward branch.
  // These bytes spend fuel as well (one instruction per kUnitsPerInstruction), so a loop of
  // scans of a long string cannot outrun --fuel.
  uint64_t work = 0;
  static constexpr uint64_t kWorkBetweenChecks = 16u << 20;
  void chargeWork(uint64_t bytes) { work += bytes; }
  // Whether the work since the last check calls for one at the next suspension point.
  bool workDueCheck() const { return work >= kWorkBetweenChecks; }

  // Counts `bytes` of temporary data a native holds outside the collected heap (text it builds
  // before copying it into a string, a copy it sorts) towards the heap limit until release().
  // Raises LimitError and returns false if they do not fit.
  bool reserve(uint64_t bytes);
  void release(uint64_t bytes) { temporaryBytes -= bytes; }
  // Checks that `bytes` more may exist beside the live objects, the temporaries and the VM
  // stack, walking the heap when enough has been allocated since the last walk (see
  // walkBudget). Raises LimitError and returns false if they do not fit.
  bool chargeHeap(uint64_t bytes) {
    return !config.heapLimitBytes || heapHasRoom(bytes) || raiseHeapLimit(bytes);
  }
  // The same without raising an error.
  bool heapHasRoom(uint64_t bytes) {
    uint64_t limit = config.heapLimitBytes;
    if (!limit) return true;
    if (bytes > limit) return false;
    allocatedSinceWalk += bytes;
    return allocatedSinceWalk <= walkBudget || walkForLimit(bytes, stackBytes());
  }
  // Walks the heap: whether `bytes` more fit beside the live objects, the temporaries and
  // `stack` bytes of VM stack. Sets when to walk next.
  bool walkForLimit(uint64_t bytes, uint64_t stack);
  bool raiseHeapLimit(uint64_t bytes);
  // "heap limit of 64M exceeded"
  std::string heapLimitMessage() const;

  // Allocation; each returns null with an error raised when a limit is hit.
  void* allocate(size_t bytes, bool holdsReferences);
  // A small object that holds references (see smallBlocks), zero-filled.
  void* allocateSmall(size_t bytes);
  // Memory that the caller fills completely before it is read.
  void* allocateUncleared(size_t bytes, bool holdsReferences);
  StringObject* newString(std::string_view utf8);
  StringObject* newStringWithLength(std::string_view utf8, uint32_t codePoints);
  // A string of `bytes` bytes for the caller to fill (its NUL terminator is set).
  StringObject* newStringBuffer(size_t bytes, uint32_t codePoints);
  ArrayObject* newArray(const RuntimeType* arrayType, int64_t length);
  InstanceObject* newInstance(const ClassInfo* cls);
  StringBuilderObject* newStringBuilder();
  CellObject* newCell(const RuntimeType* cellType);
  ClosureObject* newClosure(const RuntimeType* functionType, const FunctionInfo* function,
                            uint32_t cellCount);

  // Objects that C++ code holds in variables while it allocates more (a native filling a new
  // array): the address of each variable, innermost last (see TemporaryRoot). The collector
  // sees such variables on the C++ stack; the heap walker sees them through this list.
  std::vector<void* const*> temporaryRoots;

  // Collected memory the isolate keeps alive: [0] the pending error object, [1] the LimitError
  // raised when no other error object fits in the heap limit, [2] the string "null" (the text
  // of a `toString` that returned null).
  void** roots_ = nullptr;
  static constexpr size_t kRootCount = 3;
  StringObject* nullText() const { return static_cast<StringObject*>(roots_[2]); }
  // Makes the objects above once the program's error classes are linked.
  bool makeReservedObjects();

  // Standard input read ahead of readLine (from config.input).
  InputBuffer input;

  // Output of print/println, buffered.
  // Returns false once the output is closed: the program has then been stopped (exit 0).
  bool write(std::string_view text);
  void flushOutput();
  std::string outputBuffer;
  bool outputFailed = false; // writing standard output failed (e.g. a full disk)
  std::string outputError;
  bool outputClosed = false; // nobody reads the output any more (a closed pipe)

  // Turns any pending error into an API error.
  Error takeError();
};

// Makes the object in `variable` a root of the heap walker while this object lives (see
// IsolateState::temporaryRoots). Scopes nest: the innermost ends first.
class TemporaryRoot {
public:
  template <typename T>
  TemporaryRoot(IsolateState& isolate, T* const* variable) : isolate_(isolate) {
    isolate.temporaryRoots.push_back(reinterpret_cast<void* const*>(variable));
  }
  ~TemporaryRoot() { isolate_.temporaryRoots.pop_back(); }
  TemporaryRoot(const TemporaryRoot&) = delete;
  TemporaryRoot& operator=(const TemporaryRoot&) = delete;

private:
  IsolateState& isolate_;
};

} // namespace nuri
