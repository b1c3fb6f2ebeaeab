#include "compiler/compile.h"

#include "compiler/checker.h"
#include "compiler/codegen.h"
#include "compiler/lexer.h"
#include "compiler/parser.h"

namespace nuri {

CompileOutput compileModule(std::string_view source, const std::string& fileName) {
  SourceFile file(fileName, std::string(source));
  Diagnostics diagnostics(file);
  CompileOutput out;
  std::vector<Token> tokens = tokenize(file, diagnostics);
  CheckedModule checked;
  checked.ast = parse(tokens, diagnostics);
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
