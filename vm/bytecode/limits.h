// The sizes a bytecode module may reach. The reader and the verifier reject a module beyond
// them, whatever it claims; the compiler reports a program that would need more, so it never
// writes a file the loader refuses. docs/language.md ("Limits") lists them.
#pragma once

#include <cstdint>

namespace nuri::nbc {

// A whole .nbc file.
constexpr uint64_t kMaxFileBytes = 256u << 20;
// Registers of one function: parameters, variables and temporaries.
constexpr uint32_t kMaxRegisters = 65535;
// Parameters of one function, `this` included.
constexpr uint32_t kMaxParams = 255;
// One string constant or name, in UTF-8 bytes.
constexpr uint32_t kMaxStringBytes = 16u << 20;
// Types nested in one type, itself included (`int[][]` has 3): types are compared and named
// recursively, so each is kept small.
constexpr uint32_t kMaxTypeParts = 1024;
// The names of all the types of a module together, in bytes (the linker names every type).
constexpr uint64_t kMaxTypeNameBytes = 64u << 20;
// The fields of every class's full layout together, inherited fields counted again in each
// subclass (each class's layout repeats its superclass's).
constexpr uint64_t kMaxLayoutFields = 1u << 22;
// The entries of every class's method tables together: its vtable (inherited methods counted
// again in each subclass), and for each interface it implements, one and its methods.
constexpr uint64_t kMaxMethodTableEntries = 1u << 22;

} // namespace nuri::nbc
