// Host modules as the compiler sees them: the name a program imports and each function's Nuri
// signature. A call to one compiles to CALL_NATIVE of a native import `module.function`.
#pragma once

#include <string>
#include <vector>

#include "vm/bytecode/native_signature.h"

namespace nuri {

struct HostFunctionDecl {
  std::string name;
  std::vector<std::string> paramNames;
  NativeSignature signature;
};

struct HostModuleDecl {
  std::string name;
  std::vector<HostFunctionDecl> functions;
};

// The module as Nuri declarations (`fun add(a: int, b: int): int {}`, one a line), which the
// compiler reads like any module; the checker knows their bodies are the host's.
std::string hostModuleSource(const HostModuleDecl& module);

} // namespace nuri
