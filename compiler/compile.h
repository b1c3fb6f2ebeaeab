// The compiler pipeline: source text -> tokens -> syntax tree -> checked tree -> Module.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.h"
#include "vm/bytecode/module.h"

namespace nuri {

struct CompileOutput {
  std::shared_ptr<Module> module; // null when there were errors
  std::string diagnostics;        // rendered errors
  size_t errorCount = 0;
};

// Compiles a program and the modules it imports. Imports are looked up next to the importing
// file, then in each folder of `searchPath`. `labels` name the lines of the program's own file
// in diagnostics.
CompileOutput compileModule(std::string_view source, const std::string& fileName,
                            const std::vector<std::string>& searchPath = {},
                            const LineLabels& labels = {});

} // namespace nuri
