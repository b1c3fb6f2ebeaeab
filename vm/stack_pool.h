// Address space for isolates' VM stacks. A fresh mapping costs a page fault, and page tables,
// at its first use, which is most of what a new isolate costs; so a released stack is kept,
// cleared, for the next isolate that asks for one of its size.
#pragma once

#include <cstddef>

namespace nuri {

// `bytes` of readable, writable, zeroed address space whose pages are committed as they are
// used, or null when it cannot be had.
void* reserveStack(size_t bytes);
// Gives back a stack from reserveStack: its contents are cleared before another isolate gets it.
void releaseStack(void* base, size_t bytes);

} // namespace nuri
