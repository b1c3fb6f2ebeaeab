#include "compiler/module_limits.h"

#include <string>

#include "vm/bytecode/limits.h"

namespace nuri {

void checkModuleLimits(const CheckedModule& checked, const Module& module,
                       Diagnostics& diagnostics) {
  // The names of the types, as the verifier bounds them.
  std::vector<uint64_t> nameBytes(module.types.size());
  uint64_t allNames = 0;
  for (size_t i = 0; i < module.types.size(); i++) {
    nameBytes[i] = typeNameBound(module, uint32_t(i), nameBytes);
    allNames += nameBytes[i];
    if (allNames > nbc::kMaxTypeNameBytes) {
      diagnostics.error({1, 1, checked.units.back()->file},
                        "the names of the program's types are longer than " +
                            std::to_string(nbc::kMaxTypeNameBytes) +
                            " bytes in all; use fewer distinct types or shorter class names");
      return;
    }
  }
}

} // namespace nuri
