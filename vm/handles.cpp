#include "vm/handles.h"

#include "gc/heap.h"

namespace nuri {

HandleTable::~HandleTable() {
  gc::ThreadAttachment attached; // the last handle may be dropped on any thread
  for (void** chunk : chunks_)
    gc::freeRoots(chunk);
}

uint32_t HandleTable::add(void* object) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) {
    auto* chunk = static_cast<void**>(gc::allocateRoots(kChunkSlots * sizeof(void*)));
    if (!chunk) return kNoSlot;
    uint32_t first = uint32_t(chunks_.size()) * kChunkSlots;
    chunks_.push_back(chunk);
    for (uint32_t i = kChunkSlots; i-- > 0;)
      free_.push_back(first + i);
  }
  uint32_t slot = free_.back();
  free_.pop_back();
  chunks_[slot / kChunkSlots][slot % kChunkSlots] = closed_ ? nullptr : object;
  return slot;
}

void HandleTable::release(uint32_t slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  chunks_[slot / kChunkSlots][slot % kChunkSlots] = nullptr;
  free_.push_back(slot);
}

void* HandleTable::get(uint32_t slot) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chunks_[slot / kChunkSlots][slot % kChunkSlots];
}

void HandleTable::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  for (void** chunk : chunks_)
    for (uint32_t i = 0; i < kChunkSlots; i++)
      chunk[i] = nullptr;
}

} // namespace nuri
