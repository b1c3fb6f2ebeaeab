#include "gc/heap.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include <unistd.h>

#if NURI_USE_BOEHM
#include <gc.h>
#include <gc/gc_mark.h>
#endif

namespace nuri::gc {
namespace {

bool gStress = false;
uint64_t gMaxHeapBytes = 0;

// The cap on the collected heap: the machine's physical memory (NURI_MAX_HEAP_MB overrides it),
// and no less than 256 MB.
uint64_t maxHeapFromMachine() {
  uint64_t bytes = 0;
  if (const char* text = std::getenv("NURI_MAX_HEAP_MB")) {
    bytes = std::strtoull(text, nullptr, 10) << 20;
  } else {
    long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) bytes = uint64_t(pages) * uint64_t(pageSize);
  }
  return bytes ? std::max<uint64_t>(bytes, 256u << 20) : 0;
}

#if NURI_USE_BOEHM
// The registered root ranges. The collector's own state is process-wide, so this registry is too.
std::mutex gRangesMutex;
std::vector<const RootRange*>& ranges() {
  static std::vector<const RootRange*> list;
  return list;
}
GC_push_other_roots_proc gPreviousPusher = nullptr;
// Objects scanned like ordinary ones (the whole object, conservatively) that the collector does
// not clear when it hands them out.
unsigned gUnclearedKind = 0;

// The collector's warnings (e.g. "Repeated allocation of very large block") are about its own
// tuning, not the guest's behaviour: keep them off the guest's standard error.
void ignoreWarning(char*, GC_word) {}

void pushRootRanges() {
  if (gPreviousPusher) gPreviousPusher();
  // Called with the allocation lock held and the world stopped.
  for (const RootRange* range : ranges()) {
    char* lo = static_cast<char*>(const_cast<void*>(static_cast<const void*>(*range->begin)));
    char* hi = static_cast<char*>(const_cast<void*>(static_cast<const void*>(*range->end)));
    if (lo && hi > lo) GC_push_all_eager(lo, hi);
  }
}
#endif

// Makes the thread that initialised the collector leave it when the thread ends.
struct InitialisingThread {
  bool leaveAtExit = false;
  ~InitialisingThread() {
#if NURI_USE_BOEHM
    if (leaveAtExit) GC_unregister_my_thread();
#endif
  }
};

thread_local InitialisingThread tInitialisingThread;

// Whether this thread is attached by initialize() or attachThread(): asking the collector
// takes its lock, which would cost every call into Nuri more than the rest of a short call.
thread_local bool tAttached = false;

} // namespace

void initialize() {
  static bool done = false;
  if (done) return;
  done = true;
  if (const char* stress = std::getenv("NURI_GC_STRESS")) gStress = stress[0] == '1';
#if NURI_USE_BOEHM
  GC_set_warn_proc(ignoreWarning);
  // No collection while initialising: the heap is empty, and that collection would only scan
  // the data of every loaded library (a quarter of a millisecond of a short run's start-up).
  GC_set_dont_precollect(1);
  GC_INIT();
  GC_set_free_space_divisor(2);
  gMaxHeapBytes = maxHeapFromMachine();
  if (gMaxHeapBytes) GC_set_max_heap_size(GC_word(gMaxHeapBytes));
  GC_expand_hp(8u << 20);
  gPreviousPusher = GC_get_push_other_roots();
  GC_set_push_other_roots(pushRootRanges);
  GC_allow_register_threads();
  tAttached = true;
  // The collector treats the thread that initialises it as the process's main thread. If that
  // is another thread, it must leave the collector when it ends, or the next collection
  // signals a thread that is gone and aborts.
  if (gettid() != getpid()) tInitialisingThread.leaveAtExit = true;
  gUnclearedKind = GC_new_kind(GC_new_free_list(), GC_DS_LENGTH, 1, 0);
#endif
}

static void maybeStress() {
#if NURI_USE_BOEHM
  if (gStress) GC_gcollect();
#endif
}

void* allocate(size_t bytes) {
  maybeStress();
#if NURI_USE_BOEHM
  return GC_MALLOC(bytes);
#else
  return std::calloc(1, bytes);
#endif
}

SmallBlocks* newSmallBlocks() {
  return static_cast<SmallBlocks*>(allocateRoots(sizeof(SmallBlocks)));
}

void deleteSmallBlocks(SmallBlocks* blocks) {
  if (blocks) freeRoots(blocks);
}

void* allocateSmall(SmallBlocks* blocks, size_t bytes) {
  if (gStress || bytes > kSmallBlockBytes || bytes % 8 || !bytes) return allocate(bytes);
#if NURI_USE_BOEHM
  void*& next = blocks->lists[bytes / 8];
  if (!next) next = GC_malloc_many(bytes); // the lock, once for a block's worth of them
  if (!next) return nullptr;
  void* block = next;
  next = GC_NEXT(block);
  std::memset(block, 0, bytes); // the link, and whatever the collector left
  return block;
#else
  return allocate(bytes);
#endif
}

void* allocateUncleared(size_t bytes) {
  maybeStress();
#if NURI_USE_BOEHM
  return GC_generic_malloc(bytes, int(gUnclearedKind));
#else
  return std::malloc(bytes ? bytes : 1);
#endif
}

void* allocateAtomic(size_t bytes) {
  void* p = allocateAtomicUncleared(bytes);
  if (p) std::memset(p, 0, bytes);
  return p;
}

void* allocateAtomicUncleared(size_t bytes) {
  maybeStress();
#if NURI_USE_BOEHM
  return GC_MALLOC_ATOMIC(bytes);
#else
  return std::malloc(bytes ? bytes : 1);
#endif
}

void* allocateRoots(size_t bytes) {
#if NURI_USE_BOEHM
  return GC_MALLOC_UNCOLLECTABLE(bytes ? bytes : 1);
#else
  return std::calloc(1, bytes ? bytes : 1);
#endif
}

void freeRoots(void* block) {
#if NURI_USE_BOEHM
  GC_FREE(block);
#else
  std::free(block);
#endif
}

void addRootRange(const RootRange* range) {
#if NURI_USE_BOEHM
  std::lock_guard<std::mutex> lock(gRangesMutex);
  // The pusher runs under the collector's lock; take it too so the list never changes mid-scan.
  GC_disable();
  ranges().push_back(range);
  GC_enable();
#else
  (void)range;
#endif
}

void removeRootRange(const RootRange* range) {
#if NURI_USE_BOEHM
  std::lock_guard<std::mutex> lock(gRangesMutex);
  GC_disable();
  auto& list = ranges();
  list.erase(std::remove(list.begin(), list.end(), range), list.end());
  GC_enable();
#else
  (void)range;
#endif
}

size_t blockSize(const void* block, size_t requested) {
#if NURI_USE_BOEHM
  (void)requested;
  return GC_size(block);
#else
  (void)block;
  return requested;
#endif
}

bool isBlockStart(const void* p) {
#if NURI_USE_BOEHM
  return GC_base(const_cast<void*>(p)) == p;
#else
  (void)p;
  return true;
#endif
}

uint64_t maxHeapBytes() { return gMaxHeapBytes; }

void collect() {
#if NURI_USE_BOEHM
  GC_gcollect();
#endif
}

CollectionPause::CollectionPause() {
#if NURI_USE_BOEHM
  GC_disable();
#endif
}

CollectionPause::~CollectionPause() {
#if NURI_USE_BOEHM
  GC_enable();
#endif
}

void setStressMode(bool on) { gStress = on; }
bool stressMode() { return gStress; }

HeapStats heapStats() {
  HeapStats s{};
#if NURI_USE_BOEHM
  s.heapBytes = GC_get_heap_size();
  s.liveBytes = GC_get_heap_size() - GC_get_free_bytes();
  s.collections = GC_get_gc_no();
  s.totalAllocated = GC_get_total_bytes();
#endif
  return s;
}

bool attachThread() {
#if NURI_USE_BOEHM
  if (tAttached || GC_thread_is_registered()) return false;
  GC_stack_base base;
  GC_get_stack_base(&base);
  tAttached = GC_register_my_thread(&base) == GC_SUCCESS;
  return tAttached;
#else
  return false;
#endif
}

void detachThread() {
#if NURI_USE_BOEHM
  tAttached = false;
  GC_unregister_my_thread();
#endif
}

} // namespace nuri::gc
