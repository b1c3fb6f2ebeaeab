// The allocation interface of the VM. Only gc/gc.cpp talks to the collector (Boehm), so a precise
// collector could replace it without touching the rest of the VM.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nuri::gc {

// Initialises the collector. Call once per process, on the main thread, before anything else.
void initialize();

// Memory that holds references: scanned by the collector, zero-filled. Returns null when the
// heap cannot grow.
void* allocate(size_t bytes);

// The same, not zero-filled: the caller clears or fills it, in steps if it likes (clearing a
// large block is slow). Until then the collector may find stale words in it, which at worst
// keep garbage alive.
void* allocateUncleared(size_t bytes);

// Memory that holds no references (string bytes, numeric arrays): never scanned. Zero-filled.
void* allocateAtomic(size_t bytes);
// The same, not zero-filled: for memory the caller fills before anything reads it (clearing a
// large block is slow, and the caller may do it in steps).
void* allocateAtomicUncleared(size_t bytes);

// Free lists of small blocks that hold references, one list per size in 8-byte steps up to
// kSmallBlockBytes, for one allocating thread at a time (an isolate): a block is taken with a
// few instructions, and the collector's lock is taken once per list refill instead of once per
// block. The lists live in scanned root memory, so the blocks on them stay allocated.
constexpr size_t kSmallBlockBytes = 128;
struct SmallBlocks {
  // By size / 8: the next free block of that size, each linked to the next by its first word.
  void* lists[kSmallBlockBytes / 8 + 1];
};
SmallBlocks* newSmallBlocks();
void deleteSmallBlocks(SmallBlocks* blocks); // its blocks become garbage
// Zero-filled memory that holds references, as allocate(), for `bytes` a multiple of 8: from
// `blocks` up to kSmallBlockBytes (outside GC-stress mode), else from allocate().
void* allocateSmall(SmallBlocks* blocks, size_t bytes);

// Memory that is never collected but is scanned: root tables (globals, constants). Freed only
// by freeRoots.
void* allocateRoots(size_t bytes);
void freeRoots(void* block);

// A range [*begin, *end) of words that is scanned at every collection, read at collection time
// so it may move while registered (used for each isolate's VM stack).
struct RootRange {
  void* const* begin;
  void* const* end;
};
void addRootRange(const RootRange* range);
void removeRootRange(const RootRange* range);

// What a block of collected memory occupies, given the start of a block that the collector
// allocated for a request of `requested` bytes: the collector's size for it (the request with
// the collector's extra byte, rounded up to its size classes), or `requested` without it.
size_t blockSize(const void* block, size_t requested);
// Whether `p` is the start of a block the collector allocated (for heap consistency checks;
// always true without the collector).
bool isBlockStart(const void* p);

// The most the collected heap may grow to, in bytes; past it allocations return null. Set at
// initialisation from the machine's physical memory, so that a bug cannot take the machine.
uint64_t maxHeapBytes();

// Forces a full collection.
void collect();

// No collection starts while one of these lives (nestable; process-wide): for work that
// allocates only objects that stay live, such as restoring a snapshot, where collecting as the
// heap grows would mark the same objects again and again. The heap's maximum still holds.
class CollectionPause {
public:
  CollectionPause();
  ~CollectionPause();
  CollectionPause(const CollectionPause&) = delete;
  CollectionPause& operator=(const CollectionPause&) = delete;
};

// Collect at every allocation (GC-stress mode), also enabled by NURI_GC_STRESS=1.
void setStressMode(bool on);
bool stressMode();

struct HeapStats {
  uint64_t heapBytes;      // size of the collected heap
  uint64_t liveBytes;      // bytes in use after the last collection plus allocations since
  uint64_t collections;    // collections so far in this process
  uint64_t totalAllocated; // bytes allocated so far in this process
};
HeapStats heapStats();

// A thread must be attached to the collector while it touches the heap. attachThread()
// attaches the calling thread unless it already is, and says whether it did; then
// detachThread() must follow before the thread goes idle (an attached thread receives the
// collector's signals, which interrupt its system calls) or ends.
bool attachThread();
void detachThread();

// Keeps the calling thread attached for this object's life (nestable).
class ThreadAttachment {
public:
  ThreadAttachment() : attached_(attachThread()) {}
  ~ThreadAttachment() {
    if (attached_) detachThread();
  }
  ThreadAttachment(const ThreadAttachment&) = delete;
  ThreadAttachment& operator=(const ThreadAttachment&) = delete;

private:
  bool attached_;
};

} // namespace nuri::gc
