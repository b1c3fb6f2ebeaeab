// Host modules as the rest of the API sees them: each declared function with its parsed
// signature, for the compiler (to type-check imports) and the linker (to bind them).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nuri/nuri.h"
#include "vm/bytecode/native_signature.h"

namespace nuri {

struct HostFunctionEntry {
  std::string module;
  std::string name;
  std::string qualifiedName;           // `app.add`
  std::vector<std::string> paramNames; // as declared, for messages
  NativeSignature signature;
  std::string declaration; // `fun add(a: int, b: int): int`, canonical
  HostFunction function;
};

struct HostModuleAccess {
  static const std::vector<std::unique_ptr<HostFunctionEntry>>& functions(const HostModule& m) {
    return m.functions_;
  }
  static void markUsed(const HostModule& m) { m.used_.store(true); }
  static int lateDeclarations(const HostModule& m) { return m.lateDeclarations_.load(); }
};

// The functions of `module` named `name`, or null.
const HostFunctionEntry* findHostFunction(const HostModule& module, std::string_view name);

// The first problem with a list of host modules (a null one, errors in one, declarations after
// it was used, two of one name), or an empty string. Marks each as used.
std::string hostModulesProblem(const std::vector<std::shared_ptr<HostModule>>& modules);

} // namespace nuri
