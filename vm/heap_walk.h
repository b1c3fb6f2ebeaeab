// The heap walker: visits every object a guest can reach, once, from the guest's own roots, and
// describes each by its header alone (DESIGN.md §2.4). It serves per-guest heap accounting
// (the heap limit and Stats), heap statistics by type, and the heap consistency check of
// GC-stress mode.
//
// The roots are the isolate's: its globals (by their declared types), its string constants, the
// objects in IsolateState::roots_ (the pending error and the reserved objects), every frame's
// registers up to the frame's register count (by their declared types), the objects C++ code
// holds while it allocates (IsolateState::temporaryRoots) and the host's handles
// (IsolateState::handles). The walk follows references with an explicit worklist, never
// recursion, so chains millions of objects long cost no C++ stack.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "vm/isolate.h"

namespace nuri {

struct TypeUsage {
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

// What a walk found.
struct HeapCensus {
  uint64_t objects = 0;
  // What the live objects occupy in the collector: each block's size as the collector has it
  // (the request with its extra byte, rounded up to its size classes; gc::blockSize), a
  // StringBuilder's buffer included in its builder's.
  uint64_t bytes = 0;
  // By stable type index (IsolateState::typeTable).
  std::vector<TypeUsage> byType;
};

enum class HeapWalk {
  Measure, // count what is live
  Check,   // also check every header, size and reference; abort on a violation (a VM bug)
};

HeapCensus walkHeap(const IsolateState& isolate, HeapWalk mode = HeapWalk::Measure);

// The types with live objects in `census`, those occupying the most bytes first (ties by name).
std::vector<std::pair<const RuntimeType*, TypeUsage>> typesBySize(const IsolateState& isolate,
                                                                  const HeapCensus& census);

} // namespace nuri
