// The guest objects a host holds (nuri::Value handles), in slots the collector scans so the
// objects stay alive. Each isolate has one table, shared with its handles: a handle may outlive
// its isolate, which then closes the table (every slot reads null).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace nuri {

class IsolateState;

class HandleTable {
public:
  explicit HandleTable(IsolateState* owner) : owner_(owner) {}
  ~HandleTable();
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  // A slot holding `object`, or kNoSlot when the collector has no memory for more slots. Only
  // on a thread attached to the collector.
  static constexpr uint32_t kNoSlot = 0xFFFFFFFFu;
  uint32_t add(void* object);
  // Frees a slot; any thread.
  void release(uint32_t slot);
  // The object in a slot; null once the table is closed.
  void* get(uint32_t slot) const;
  // The isolate is gone: its objects are no longer held.
  void close();
  // The isolate whose objects the table holds; only while it is open (then get() is not null).
  IsolateState* owner() const { return owner_; }

  // Calls `visit(object)` for every object held (the heap walker's roots).
  template <typename Visit> void forEach(Visit visit) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (void** chunk : chunks_)
      for (uint32_t i = 0; i < kChunkSlots; i++)
        if (chunk[i]) visit(chunk[i]);
  }

private:
  static constexpr uint32_t kChunkSlots = 256;
  IsolateState* owner_;
  mutable std::mutex mutex_;
  // Blocks of kChunkSlots slots in memory the collector scans, never moved, so a collection on
  // another thread may read them at any time.
  std::vector<void**> chunks_;
  std::vector<uint32_t> free_;
  bool closed_ = false;
};

} // namespace nuri
