// A table of object references that the collector scans and the heap walker visits, for
// references held outside the guest's own roots. Its slots live in memory the collector scans
// (gc::allocateRoots), so an object stored in one stays alive until the slot is cleared.
#pragma once

#include <cstdint>
#include <vector>

namespace nuri {

class RootSlots {
public:
  RootSlots() = default;
  ~RootSlots();
  RootSlots(const RootSlots&) = delete;
  RootSlots& operator=(const RootSlots&) = delete;

  // Stores `object` in a free slot and returns the slot's index (a freed one is used again).
  uint32_t add(void* object);
  // Clears slot `index` and makes it free.
  void remove(uint32_t index);
  void* get(uint32_t index) const { return slots_[index]; }
  void set(uint32_t index, void* object) { slots_[index] = object; }

  // Every slot, free ones (null) included.
  void* const* begin() const { return slots_; }
  void* const* end() const { return slots_ + capacity_; }
  uint32_t used() const { return capacity_ - uint32_t(free_.size()); }

private:
  void** slots_ = nullptr;
  uint32_t capacity_ = 0;
  std::vector<uint32_t> free_; // indices of null slots
};

} // namespace nuri
