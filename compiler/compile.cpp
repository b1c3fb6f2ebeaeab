#include "compiler/compile.h"

#include <algorithm>
#include <map>

#include "classlib/registry/prelude.h"
#include "compiler/checker.h"
#include "compiler/codegen.h"
#include "compiler/lexer.h"
#include "compiler/limits.h"
#include "compiler/module_limits.h"
#include "compiler/parser.h"
#include "compiler/shared_prelude.h"
#include "support/assert.h"
#include "support/read_file.h"
#include "vm/bytecode/verifier.h"

namespace nuri {

namespace {

std::string directoryOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string baseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string tooLargeMessage(const std::string& name) {
  return name + ": file is larger than the " + describeLimit(kMaxSourceBytes) +
         " limit for source files";
}

// Reads a program and, recursively, the modules it imports, in dependency order.
class ModuleLoader {
public:
  ModuleLoader(Diagnostics& diagnostics, CheckedModule& out, const ImportSources& imports)
      : diagnostics_(diagnostics), out_(out), imports_(imports), searchPath_(imports.searchPath) {}

  std::vector<std::unique_ptr<SourceFile>> files;

  // The prelude is read once per process (compiler/shared_prelude.h).
  void loadPrelude() {
    const SharedPrelude& prelude = SharedPrelude::get();
    uint32_t index = diagnostics_.fileIndex(prelude.file());
    if (out_.fileNames.size() <= index) out_.fileNames.resize(index + 1);
    out_.fileNames[index] = baseName(prelude.file().name());
    diagnostics_.setPreludeFile(index);
    out_.units.push_back(prelude.newUnit(index));
  }

  // Returns the index of the program's file in the diagnostics.
  uint32_t loadProgram(std::string_view source, const std::string& fileName) {
    auto unit = parseUnit(fileName, std::string(source), "");
    SourceUnit* raw = unit.get();
    inProgress_.push_back(fileName);
    resolveImports(*raw);
    inProgress_.pop_back();
    out_.units.push_back(std::move(unit));
    return raw->file;
  }

private:
  Diagnostics& diagnostics_;
  CheckedModule& out_;
  const ImportSources& imports_;
  std::vector<std::string> searchPath_;
  std::vector<std::string> inProgress_;       // the chain of imports being read
  std::map<std::string, SourceUnit*> loaded_; // by path

  std::unique_ptr<SourceUnit> parseUnit(const std::string& path, std::string text,
                                        std::string name) {
    files.push_back(std::make_unique<SourceFile>(path, std::move(text)));
    const SourceFile& file = *files.back();
    uint32_t index = diagnostics_.fileIndex(file);
    if (out_.fileNames.size() <= index) out_.fileNames.resize(index + 1);
    out_.fileNames[index] = baseName(path);
    auto unit = std::make_unique<SourceUnit>();
    unit->file = index;
    unit->name = std::move(name);
    unit->path = path;
    if (file.text().size() > kMaxSourceBytes) {
      diagnostics_.error({1, 1, index}, "the file is larger than the " +
                                            describeLimit(kMaxSourceBytes) +
                                            " limit for source files");
      return unit;
    }
    unit->ast = parse(tokenize(file, diagnostics_), diagnostics_);
    return unit;
  }

  void resolveImports(SourceUnit& unit) {
    std::map<std::string, std::string> qualifiers; // name -> path, to catch clashes
    for (const ImportDecl& decl : unit.ast.imports) {
      SourceUnit* target = load(decl, unit.path);
      unit.imports.push_back(target);
      if (!target) { // already reported: uses of its names say nothing more
        unit.ast.brokenNames.insert(decl.path.back());
        for (const auto& name : decl.names)
          unit.ast.brokenNames.insert(name.first);
        continue;
      }
      auto [it, fresh] = qualifiers.emplace(target->name, target->path);
      if (!fresh && it->second != target->path) {
        diagnostics_.error(decl.pos, "two imported modules are named `" + target->name + "` (" +
                                         it->second + " and " + target->path + ")");
      }
    }
  }

  // A host module, read as Nuri declarations of its functions.
  SourceUnit* hostUnit(const HostModuleDecl& host) {
    std::string path = "<host module " + host.name + ">";
    if (auto it = loaded_.find(path); it != loaded_.end()) return it->second;
    auto unit = parseUnit(path, hostModuleSource(host), host.name);
    unit->host = &host;
    SourceUnit* raw = unit.get();
    loaded_[path] = raw;
    out_.units.push_back(std::move(unit));
    return raw;
  }

  SourceUnit* load(const ImportDecl& decl, const std::string& importer) {
    std::string relative, dotted;
    for (size_t i = 0; i < decl.path.size(); i++) {
      relative += (i ? "/" : "") + decl.path[i];
      dotted += (i ? "." : "") + decl.path[i];
    }
    relative += ".nuri";
    if (decl.path.size() == 1) {
      for (const HostModuleDecl& host : imports_.hostModules)
        if (host.name == dotted) return hostUnit(host);
    }
    std::vector<std::string> candidates;
    if (imports_.readFiles) {
      candidates.push_back(directoryOf(importer) + relative);
      for (const std::string& dir : searchPath_)
        candidates.push_back(dir + (dir.empty() || dir.back() == '/' ? "" : "/") + relative);
    }
    std::string path, text;
    if (imports_.provide) {
      if (std::optional<std::string> provided = imports_.provide(dotted)) {
        path = relative; // names the module in stack traces and diagnostics
        text = std::move(*provided);
        candidates.clear();
      }
    }
    for (const std::string& candidate : candidates) {
      ReadOutcome read = readFileUpTo(candidate, kMaxSourceBytes, text);
      if (read.status == ReadStatus::TooLarge) {
        diagnostics_.error(decl.pos,
                           "cannot import `" + dotted + "`: " + tooLargeMessage(candidate));
        return nullptr;
      }
      if (read.status == ReadStatus::Ok) {
        path = candidate;
        break;
      }
    }
    if (path.empty() && !imports_.readFiles) {
      diagnostics_.error(decl.pos, "cannot find module `" + dotted +
                                       "`: its host provides no such module (a program compiled "
                                       "from text reads no files unless its host allows it)");
      return nullptr;
    }
    if (path.empty()) {
      diagnostics_.error(decl.pos, "cannot find module `" + dotted + "`: there is no " + relative +
                                       " next to this file" +
                                       (searchPath_.empty() ? "" : " or in the --path folders") +
                                       " (add folders with --path)");
      return nullptr;
    }
    for (size_t i = 0; i < inProgress_.size(); i++) {
      if (inProgress_[i] == path) {
        std::string cycle;
        for (size_t k = i; k < inProgress_.size(); k++)
          cycle += baseName(inProgress_[k]) + " -> ";
        diagnostics_.error(decl.pos, "cyclic import: " + cycle + baseName(path));
        return nullptr;
      }
    }
    if (auto it = loaded_.find(path); it != loaded_.end()) return it->second;
    // Imports are read recursively, so a chain of them is bounded like other nesting.
    if (inProgress_.size() >= kMaxImportDepth) {
      diagnostics_.error(decl.pos,
                         "imports are nested too deeply: a chain of imports has at most " +
                             std::to_string(kMaxImportDepth) + " modules");
      return nullptr;
    }
    auto unit = parseUnit(path, std::move(text), decl.path.back());
    SourceUnit* raw = unit.get();
    loaded_[path] = raw;
    inProgress_.push_back(path);
    resolveImports(*raw);
    inProgress_.pop_back();
    out_.units.push_back(std::move(unit)); // after the modules it imports
    return raw;
  }
};

} // namespace

CompileOutput compileModule(std::string_view source, const std::string& fileName,
                            const ImportSources& imports, const LineLabels& labels) {
  CompileOutput out;
  if (source.size() > kMaxSourceBytes) {
    out.diagnostics = "error: " + tooLargeMessage(fileName) + "\n";
    out.errorCount = 1;
    return out;
  }
  SourceFile rootPlaceholder(fileName, "");
  Diagnostics diagnostics(rootPlaceholder);
  CheckedModule checked;
  ModuleLoader loader(diagnostics, checked, imports);
  // The program is file 1, its imports follow.
  diagnostics.labelLines(loader.loadProgram(source, fileName), labels);
  // The prelude goes first among the units but is parsed last, so diagnostics number the
  // program's own file before it.
  loader.loadPrelude();
  std::rotate(checked.units.begin(), checked.units.end() - 1, checked.units.end());
  // Type-check even after syntax errors (the parser recovers per statement), so one run
  // reports as many errors as possible; skip it only when the lexer rejected a file.
  bool lexable = true;
  for (const Diagnostic& d : diagnostics.list())
    if (d.message.find("not valid UTF-8") != std::string::npos) lexable = false;
  if (lexable) check(checked, diagnostics);
  if (diagnostics.hasErrors()) {
    out.diagnostics = diagnostics.render();
    out.errorCount = diagnostics.count();
    return out;
  }
  auto module = std::make_shared<Module>(generateCode(checked, fileName, diagnostics));
  if (!diagnostics.hasErrors()) checkModuleLimits(checked, *module, diagnostics);
  if (!diagnostics.hasErrors()) {
    // What the compiler writes must pass the verifier that every loader runs: a failure here
    // is a bug in the compiler, reported at the source line of the instruction.
    std::string error;
    VerifyLocation where;
    if (!verifyModule(*module, error, &where)) {
      SourcePos pos{1, 0, 0};
      if (where.function != kNoIndex) {
        const FunctionEntry& f = module->functions[where.function];
        pos = {module->lineAt(where.function, where.pc), 0, f.file};
      }
      diagnostics.error(pos, "internal compiler error: the compiled code fails verification (" +
                                 error + "); please report this with the program");
    }
  }
  if (diagnostics.hasErrors()) {
    out.diagnostics = diagnostics.render();
    out.errorCount = diagnostics.count();
    return out;
  }
  out.module = std::move(module);
  return out;
}

} // namespace nuri
