// The compiler pipeline: source text -> tokens -> syntax tree -> checked tree -> Module.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/host_modules.h"
#include "vm/bytecode/module.h"

namespace nuri {

struct CompileOutput {
  std::shared_ptr<Module> module; // null when there were errors
  std::string diagnostics;        // rendered errors
  size_t errorCount = 0;
};

// Where the source of imported modules comes from.
struct ImportSources {
  // Asked first, with the module's dotted name (`geometry.shapes`): its source, or nullopt.
  std::function<std::optional<std::string>(const std::string& module)> provide;
  // Whether files may be read: next to the importing file, then in each folder of searchPath.
  bool readFiles = true;
  std::vector<std::string> searchPath;
  // Modules of host functions, found before any file of the same name.
  std::vector<HostModuleDecl> hostModules;
};

// Compiles a program and the modules it imports. `labels` name the lines of the program's own
// file in diagnostics.
CompileOutput compileModule(std::string_view source, const std::string& fileName,
                            const ImportSources& imports = {}, const LineLabels& labels = {});

} // namespace nuri
