// Checks of the VM's own invariants (not of guest input, which gets proper errors).
#pragma once

#include <cstdio>
#include <cstdlib>

#define NURI_ASSERT(condition, why)                                                                \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "nuri: internal error at %s:%d: %s\n", __FILE__, __LINE__, why);        \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

#define NURI_UNREACHABLE() NURI_ASSERT(false, "unreachable")
