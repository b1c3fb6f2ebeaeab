#include "compiler/host_modules.h"

namespace nuri {

std::string hostModuleSource(const HostModuleDecl& module) {
  std::string text;
  for (const HostFunctionDecl& f : module.functions) {
    text += "fun " + f.name + "(";
    for (size_t i = 0; i < f.paramNames.size(); i++)
      text += (i ? ", " : "") + f.paramNames[i] + ": " + nuriTypeName(f.signature.params[i]);
    text += ")";
    if (f.signature.result.code != 'V') text += ": " + nuriTypeName(f.signature.result);
    text += " {}\n";
  }
  return text;
}

} // namespace nuri
