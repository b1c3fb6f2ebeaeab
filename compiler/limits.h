// The bounds the compiler puts on a program, so that a small hostile source cannot exhaust the
// C++ stack, memory or time before an error is reported. The bytecode's own limits
// (vm/bytecode/limits.h) apply too. docs/language.md ("Limits") lists them all.
#pragma once

#include <cstdint>

#include "vm/bytecode/limits.h"

namespace nuri {

// One source file is at most kMaxSourceBytes (compiler/source.h): that bounds the work and
// memory of everything after reading it, together with the bounds below on what instantiating
// generics multiplies.
// Brackets, blocks, lambdas, parentheses and types nested in one another; expression trees
// are bounded in depth the same way. The parser, the checker and the code generator recurse
// that deep.
constexpr uint32_t kMaxNesting = 500;
// Dimensions of an array type: `int[]` has one, and each is a part of the type.
constexpr uint32_t kMaxArrayDimensions = nbc::kMaxTypeParts - 1;
// Type arguments nested in one another, written or made by instantiating generics
// (`Box<Box<int>>` nests 2).
constexpr uint32_t kMaxGenericDepth = 100;
// Instances of generic classes, functions and methods in one program.
constexpr uint32_t kMaxGenericInstances = 10000;
// The tokens copied by instantiating generics, in all: each instance copies its template
// (its class, or its function or method), so this bounds the work and memory instances take.
constexpr uint64_t kMaxInstantiatedTokens = 1000000;
// The length of a type's name (`Pair<Pair<int, int>, Pair<int, int>>`), in bytes.
constexpr uint32_t kMaxTypeNameLength = 1u << 16;
// The length of a name (an identifier), in bytes: names are stored in the bytecode, joined
// (`Shape.area`, `Box<Shape>`).
constexpr uint32_t kMaxNameLength = 1u << 16;
// Modules in one chain of imports (a imports b imports c ...).
constexpr uint32_t kMaxImportDepth = 200;

} // namespace nuri
