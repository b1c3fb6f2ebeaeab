#include "vm/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

namespace nuri {

namespace {

constexpr size_t kPoolSize = 32; // stacks kept at most

std::mutex gMutex;
std::vector<std::pair<void*, size_t>>& pool() {
  static auto* stacks = new std::vector<std::pair<void*, size_t>>(); // outlives exit
  return *stacks;
}

} // namespace

void* reserveStack(size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(gMutex);
    auto& stacks = pool();
    for (size_t i = 0; i < stacks.size(); i++) {
      if (stacks[i].second != bytes) continue;
      void* base = stacks[i].first;
      stacks[i] = stacks.back();
      stacks.pop_back();
      return base;
    }
  }
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return mem == MAP_FAILED ? nullptr : mem;
}

void releaseStack(void* base, size_t bytes) {
  // Another guest must see nothing of this one: the first page, which every guest uses, is
  // cleared and kept; the rest is given back to the system (it reads as zeros when touched).
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  if (bytes > page) {
    std::memset(base, 0, page);
    if (madvise(static_cast<char*>(base) + page, bytes - page, MADV_DONTNEED) == 0) {
      std::lock_guard<std::mutex> lock(gMutex);
      if (pool().size() < kPoolSize) {
        pool().emplace_back(base, bytes);
        return;
      }
    }
  }
  munmap(base, bytes);
}

} // namespace nuri
