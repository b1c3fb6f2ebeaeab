#include "vm/root_slots.h"

#include <cstring>
#include <new>

#include "gc/heap.h"

namespace nuri {

RootSlots::~RootSlots() {
  if (slots_) gc::freeRoots(slots_);
}

uint32_t RootSlots::add(void* object) {
  if (free_.empty()) {
    uint32_t capacity = capacity_ ? capacity_ * 2 : 16;
    auto* grown = static_cast<void**>(gc::allocateRoots(capacity * sizeof(void*)));
    if (!grown) throw std::bad_alloc();
    if (slots_) {
      std::memcpy(grown, slots_, capacity_ * sizeof(void*));
      gc::freeRoots(slots_);
    }
    slots_ = grown;
    for (uint32_t i = capacity; i > capacity_; i--)
      free_.push_back(i - 1); // the lowest index is used first
    capacity_ = capacity;
  }
  uint32_t index = free_.back();
  free_.pop_back();
  slots_[index] = object;
  return index;
}

void RootSlots::remove(uint32_t index) {
  slots_[index] = nullptr;
  free_.push_back(index);
}

} // namespace nuri
