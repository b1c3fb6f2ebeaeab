// gc/heap.h: zeroed allocation, roots registered with addRootRange and allocateRoots, collection
// statistics and GC-stress mode.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "gc/heap.h"
#include "vm/stack_pool.h"

namespace nuri {
namespace {

constexpr size_t kObjectBytes = 48;
constexpr uintptr_t kHide = 0x5A5A5A5A5A5A5A5Au; // keeps addresses we only compare invisible

bool allZero(const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; i++) {
    if (b[i]) return false;
  }
  return true;
}

// Restores the stress mode a test changed.
class GcTest : public ::testing::Test {
protected:
  void SetUp() override { savedStress = gc::stressMode(); }
  void TearDown() override { gc::setStressMode(savedStress); }
  bool savedStress = false;
};

// Allocates and dirties blocks, then drops them, so the next allocations may reuse memory.
__attribute__((noinline)) void churn(bool atomic, size_t bytes, int count) {
  for (int i = 0; i < count; i++) {
    void* p = atomic ? gc::allocateAtomic(bytes) : gc::allocate(bytes);
    ASSERT_NE(p, nullptr);
    std::memset(p, 0xAB, bytes);
  }
}

TEST_F(GcTest, AllocateIsZeroFilledEvenWhenMemoryIsReused) {
  gc::setStressMode(false);
  for (size_t bytes :
       {size_t(8), size_t(24), kObjectBytes, size_t(200), size_t(4096), size_t(100000)}) {
    churn(false, bytes, 200);
    gc::collect();
    for (int i = 0; i < 200; i++) {
      void* p = gc::allocate(bytes);
      ASSERT_NE(p, nullptr);
      ASSERT_TRUE(allZero(p, bytes)) << bytes << " bytes, allocation " << i;
      std::memset(p, 0xCD, bytes);
    }
  }
}

TEST_F(GcTest, AllocateAtomicIsZeroFilledEvenWhenMemoryIsReused) {
  gc::setStressMode(false);
  for (size_t bytes :
       {size_t(8), size_t(24), kObjectBytes, size_t(200), size_t(4096), size_t(100000)}) {
    churn(true, bytes, 200);
    gc::collect();
    for (int i = 0; i < 200; i++) {
      void* p = gc::allocateAtomic(bytes);
      ASSERT_NE(p, nullptr);
      ASSERT_TRUE(allZero(p, bytes)) << bytes << " bytes, allocation " << i;
      std::memset(p, 0xEF, bytes);
    }
  }
}

// A table of references that lives outside the collected heap (malloc memory is not scanned),
// registered as a root range whose bounds are read at each collection.
struct RootTable {
  void** slots = nullptr;
  void** begin = nullptr;
  void** end = nullptr;
  gc::RootRange range{};
};

constexpr size_t kBigObject = 1000;

// Fills `table` with `count` objects of `bytes` bytes, each stamped with its index.
__attribute__((noinline)) void fillTable(void** slots, size_t count, size_t bytes) {
  for (size_t i = 0; i < count; i++) {
    auto* object = static_cast<uint64_t*>(gc::allocate(bytes));
    ASSERT_NE(object, nullptr);
    for (size_t w = 0; w < bytes / 8; w++)
      object[w] = 0x1000 + i;
    slots[i] = object;
  }
}

// Checks the stamps fillTable wrote (a freed and reused object would be zeroed or overwritten).
void expectStamped(void* const* slots, size_t count, size_t bytes) {
  for (size_t i = 0; i < count; i++) {
    auto* object = static_cast<const uint64_t*>(slots[i]);
    for (size_t w = 0; w < bytes / 8; w++)
      ASSERT_EQ(object[w], 0x1000 + i) << "object " << i << " word " << w << " was overwritten";
  }
}

// Clears the stack area that earlier calls used, so no stale copy of an address keeps it alive.
__attribute__((noinline)) void scrubStack() {
  volatile char area[32768];
  for (size_t i = 0; i < sizeof area; i++)
    area[i] = 0;
}

__attribute__((noinline)) uint64_t liveAfterCollecting() {
  scrubStack();
  gc::collect();
  // Churn a little so freed objects would be reused and overwritten.
  churn(false, kBigObject, 2000);
  gc::collect();
  return gc::heapStats().liveBytes;
}

TEST_F(GcTest, ObjectsReachableOnlyFromARootRangeSurvive) {
  gc::setStressMode(false);
  constexpr size_t kCount = 4000; // about 4 MB
  const uint64_t total = kCount * kBigObject;
  RootTable table;
  table.slots = static_cast<void**>(std::calloc(kCount, sizeof(void*)));
  table.begin = table.slots;
  table.end = table.slots + kCount;
  table.range.begin = reinterpret_cast<void* const*>(&table.begin);
  table.range.end = reinterpret_cast<void* const*>(&table.end);
  gc::addRootRange(&table.range);

  uint64_t liveBefore = liveAfterCollecting();
  fillTable(table.slots, kCount, kBigObject);
  uint64_t liveRooted = liveAfterCollecting();
  expectStamped(table.slots, kCount, kBigObject);
  EXPECT_GE(liveRooted, liveBefore + total * 9 / 10);

  // The bounds are read at collection time: move the table and its objects stay alive.
  void** moved = static_cast<void**>(std::calloc(kCount, sizeof(void*)));
  std::memcpy(moved, table.slots, kCount * sizeof(void*));
  std::memset(table.slots, 0, kCount * sizeof(void*));
  std::free(table.slots);
  table.slots = table.begin = moved;
  table.end = moved + kCount;
  uint64_t liveMoved = liveAfterCollecting();
  expectStamped(table.slots, kCount, kBigObject);
  EXPECT_GE(liveMoved, liveBefore + total * 9 / 10);

  // Once the range is removed, nothing keeps the objects alive.
  gc::removeRootRange(&table.range);
  std::memset(table.slots, 0, kCount * sizeof(void*));
  std::free(table.slots);
  table = RootTable{};
  uint64_t liveAfter = liveAfterCollecting();
  EXPECT_LE(liveAfter + total * 9 / 10, liveMoved)
      << "live bytes: before " << liveBefore << ", rooted " << liveRooted << ", moved " << liveMoved
      << ", unrooted " << liveAfter;
}

TEST_F(GcTest, AllocateRootsKeepsReferencedObjectsAlive) {
  gc::setStressMode(false);
  constexpr size_t kCount = 4000;
  const uint64_t total = kCount * kBigObject;
  auto** roots = static_cast<void**>(gc::allocateRoots(kCount * sizeof(void*)));
  ASSERT_NE(roots, nullptr);
  EXPECT_TRUE(allZero(roots, kCount * sizeof(void*)));
  uint64_t liveBefore = liveAfterCollecting();
  fillTable(roots, kCount, kBigObject);
  uint64_t liveRooted = liveAfterCollecting();
  expectStamped(roots, kCount, kBigObject);
  EXPECT_GE(liveRooted, liveBefore + total * 9 / 10);
  std::memset(roots, 0, kCount * sizeof(void*));
  gc::freeRoots(roots);
  EXPECT_LE(liveAfterCollecting() + total * 9 / 10, liveRooted);
}

TEST_F(GcTest, HeapStatsCountCollections) {
  gc::setStressMode(false);
  gc::HeapStats before = gc::heapStats();
  gc::collect();
  gc::HeapStats after = gc::heapStats();
  EXPECT_EQ(after.collections, before.collections + 1);
  gc::collect();
  gc::collect();
  EXPECT_EQ(gc::heapStats().collections, before.collections + 3);

  EXPECT_GT(after.heapBytes, 0u);
  EXPECT_LE(after.liveBytes, after.heapBytes);
  uint64_t allocatedBefore = gc::heapStats().totalAllocated;
  churn(false, 1000, 100);
  EXPECT_GE(gc::heapStats().totalAllocated, allocatedBefore + 100 * 1000);
}

TEST_F(GcTest, StressModeCollectsAtEveryAllocation) {
  gc::setStressMode(true);
  EXPECT_TRUE(gc::stressMode());
  uint64_t before = gc::heapStats().collections;
  for (int i = 0; i < 5; i++)
    ASSERT_NE(gc::allocate(16), nullptr);
  ASSERT_NE(gc::allocateAtomic(16), nullptr);
  EXPECT_EQ(gc::heapStats().collections, before + 6);

  gc::setStressMode(false);
  EXPECT_FALSE(gc::stressMode());
  gc::collect();
  before = gc::heapStats().collections;
  for (int i = 0; i < 5; i++)
    ASSERT_NE(gc::allocate(16), nullptr);
  EXPECT_EQ(gc::heapStats().collections, before);
}

} // namespace
} // namespace nuri

namespace nuri {
namespace {

TEST(StackPool, AReleasedStackComesBackCleared) {
  size_t bytes = 1u << 20;
  auto* first = static_cast<unsigned char*>(reserveStack(bytes));
  ASSERT_NE(first, nullptr);
  std::memset(first, 0xAB, 64 << 10); // a guest's frames, past the first page too
  first[bytes - 1] = 0xCD;
  releaseStack(first, bytes);
  auto* second = static_cast<unsigned char*>(reserveStack(bytes));
  ASSERT_NE(second, nullptr);
  for (size_t i : {size_t(0), size_t(100), size_t(5000), size_t(60000), bytes - 1})
    EXPECT_EQ(second[i], 0) << i; // whether it is the same mapping or not
  releaseStack(second, bytes);
}

} // namespace
} // namespace nuri
