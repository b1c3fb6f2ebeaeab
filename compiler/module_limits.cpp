#include "compiler/module_limits.h"

#include <string>

#include "vm/bytecode/limits.h"

namespace nuri {

void checkModuleLimits(const CheckedModule& checked, const Module& module,
                       Diagnostics& diagnostics) {
  // Each class's layout repeats its superclass's: a long chain of classes with fields adds up.
  uint64_t fields = 0;
  for (const ClassSymbol* cls : checked.classes) {
    fields += cls->fields.size(); // its whole layout, inherited fields first
    if (fields > nbc::kMaxLayoutFields) {
      diagnostics.error(cls->pos, "the classes up to `" + cls->name + "` have more than " +
                                      std::to_string(nbc::kMaxLayoutFields) +
                                      " fields in all, counting inherited fields in each class");
      return;
    }
  }
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
