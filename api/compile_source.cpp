// The embedding API's compiler: compileSource, compileFile and maxSourceBytes. The only part of
// the API that uses compiler/, kept apart so that a host linking the runtime alone
// (Nuri::runtime, libnuri-runtime.a) needs none of it.
#include "api/errors.h"
#include "api/host_module.h"
#include "api/program_access.h"
#include "compiler/compile.h"
#include "compiler/source.h"
#include "nuri/nuri.h"

#include <string>
#include <vector>

namespace nuri {

uint32_t maxSourceBytes() { return kMaxSourceBytes; }

namespace {

// The compiler's view of host modules: names and signatures.
std::vector<HostModuleDecl>
hostModuleDecls(const std::vector<std::shared_ptr<HostModule>>& modules) {
  std::vector<HostModuleDecl> decls;
  for (const auto& module : modules) {
    HostModuleDecl decl{module->name(), {}};
    for (const auto& f : HostModuleAccess::functions(*module))
      decl.functions.push_back({f->name, f->paramNames, f->signature});
    decls.push_back(std::move(decl));
  }
  return decls;
}

std::string baseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

Result<Program> compileSource(std::string_view source, std::string fileName,
                              const CompileOptions& options) {
  if (std::string problem = hostModulesProblem(options.hostModules); !problem.empty()) {
    return makeError(Error::Kind::Usage, problem);
  }
  ImportSources imports{options.importSource, options.importFiles, options.searchPath,
                        hostModuleDecls(options.hostModules)};
  CompileOutput out = compileModule(source, fileName, imports,
                                    LineLabels{options.labels.location, options.labels.mention});
  if (!out.module) {
    Error e = makeError(Error::Kind::Compile, std::to_string(out.errorCount) + " error" +
                                                  (out.errorCount == 1 ? "" : "s"));
    e.diagnostics = out.diagnostics;
    return e;
  }
  // Stack traces name the file, not the folder it was compiled in.
  out.module->sourceFile = baseName(fileName);
  return ProgramAccess::verified(out.module);
}

Result<Program> compileFile(const std::string& path, const CompileOptions& options) {
  std::string text;
  Error error;
  if (!readInput(path, kMaxSourceBytes, Error::Kind::Compile, "source files", text, error)) {
    return error;
  }
  CompileOptions fromFiles = options;
  fromFiles.importFiles = true;
  return compileSource(text, path, fromFiles);
}

} // namespace nuri
