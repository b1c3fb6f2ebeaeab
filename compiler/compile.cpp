#include "compiler/compile.h"

#include "classlib/prelude.h"
#include "compiler/checker.h"
#include "compiler/codegen.h"
#include "compiler/lexer.h"
#include "compiler/parser.h"
#include "vm/assert.h"

namespace nuri {

namespace {

// Parses the prelude; its declarations come before the program's own.
ModuleAst parsePrelude() {
  SourceFile file(kPreludeFileName, kPreludeSource);
  Diagnostics diagnostics(file);
  ModuleAst ast = parse(tokenize(file, diagnostics), diagnostics);
  NURI_ASSERT(!diagnostics.hasErrors(), "the prelude does not compile");
  for (auto& item : ast.items) {
    if (item->kind == StmtKind::Class) item->cls->isBuiltin = true;
  }
  return ast;
}

} // namespace

CompileOutput compileModule(std::string_view source, const std::string& fileName) {
  SourceFile file(fileName, std::string(source));
  Diagnostics diagnostics(file);
  CompileOutput out;
  std::vector<Token> tokens = tokenize(file, diagnostics);
  CheckedModule checked;
  checked.ast = parsePrelude();
  ModuleAst program = parse(tokens, diagnostics);
  for (auto& item : program.items)
    checked.ast.items.push_back(std::move(item));
  checked.ast.brokenNames = std::move(program.brokenNames);
  tokens.clear();
  // Type-check even after syntax errors (the parser recovers per statement), so one run
  // reports as many errors as possible; skip it only when the lexer rejected the file.
  bool lexable = diagnostics.list().empty() ||
                 diagnostics.list().front().message.find("not valid UTF-8") == std::string::npos;
  if (lexable) check(checked, diagnostics);
  if (diagnostics.hasErrors()) {
    out.diagnostics = diagnostics.render();
    out.errorCount = diagnostics.count();
    return out;
  }
  out.module = std::make_shared<Module>(generateCode(checked, fileName));
  return out;
}

} // namespace nuri
