// The compiler pipeline: source text -> tokens -> syntax tree -> checked tree -> Module.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vm/bytecode/module.h"

namespace nuri {

struct CompileOutput {
  std::shared_ptr<Module> module; // null when there were errors
  std::string diagnostics;        // rendered errors
  size_t errorCount = 0;
};

CompileOutput compileModule(std::string_view source, const std::string& fileName);

} // namespace nuri
