// A set of object addresses, for walks of the object graph that must visit each object once.
// Open addressing with linear probing: one 8-byte word per entry, grown at half full, so a walk
// of a million objects costs a few tens of milliseconds and about 32 MB at most.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nuri {

class VisitedSet {
public:
  // Adds `p` (not null); returns whether it was not there yet.
  bool insert(const void* p) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    uintptr_t key = reinterpret_cast<uintptr_t>(p);
    for (size_t i = indexOf(key);; i = (i + 1) & mask_) {
      if (slots_[i] == key) return false;
      if (slots_[i] == 0) {
        slots_[i] = key;
        count_++;
        return true;
      }
    }
  }
  size_t size() const { return count_; }

  // The home slot of address `key` in a table of 2^(64 - shift) slots. Objects are 16-byte
  // aligned: the low bits say nothing, Fibonacci hashing spreads the rest.
  static size_t hashOf(uintptr_t key, unsigned shift) {
    return size_t(((key >> 4) * 0x9E3779B97F4A7C15ull) >> shift);
  }

private:
  size_t indexOf(uintptr_t key) const { return hashOf(key, shift_); }
  void grow() {
    std::vector<uintptr_t> old;
    old.swap(slots_);
    size_t capacity = old.empty() ? 1024 : old.size() * 2;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    shift_ = 64 - unsigned(__builtin_ctzll(capacity));
    for (uintptr_t key : old) {
      if (!key) continue;
      size_t i = indexOf(key);
      while (slots_[i])
        i = (i + 1) & mask_;
      slots_[i] = key;
    }
  }

  std::vector<uintptr_t> slots_;
  size_t count_ = 0;
  size_t mask_ = 0;
  unsigned shift_ = 64;
};

} // namespace nuri
