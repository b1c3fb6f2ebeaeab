#include "compiler/shared_prelude.h"

#include "classlib/registry/prelude.h"
#include "compiler/ast_clone.h"
#include "compiler/lexer.h"
#include "compiler/parser.h"
#include "support/assert.h"

namespace nuri {
namespace {

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isLetter(c) || (c >= '0' && c <= '9'); }

// The top-level declaration whose first line is `line`: a line that starts with a letter
// (the prelude indents everything inside a declaration). Generic when its name is followed by
// `<`: `class List<T>`, `interface Iterator<T>`, `fun __arrayJoin<T>(`.
struct Header {
  std::string_view keyword, name;
  bool generic = false;
};

Header readHeader(std::string_view line) {
  Header h;
  size_t i = 0;
  while (i < line.size() && isNameChar(line[i]))
    i++;
  h.keyword = line.substr(0, i);
  while (i < line.size() && line[i] == ' ')
    i++;
  size_t start = i;
  while (i < line.size() && isNameChar(line[i]))
    i++;
  h.name = line.substr(start, i - start);
  bool declares = h.keyword == "class" || h.keyword == "interface" || h.keyword == "fun";
  h.generic = declares && !h.name.empty() && i < line.size() && line[i] == '<';
  return h;
}

// Whether the declaration must be in every program: the error classes, which the VM raises
// (`class Error`, `class IndexError extends Error`).
bool isAlwaysCompiled(const Header& h, std::string_view line) {
  if (h.generic) return false;
  if (h.keyword != "class") return true;
  return h.name == "Error" || line.find(" extends Error") != std::string_view::npos;
}

} // namespace

const SharedPrelude& SharedPrelude::get() {
  // Built once, under the guarantee of a static local's initialisation; never destroyed, so
  // that compiling on another thread while the process exits stays safe.
  static const SharedPrelude* const prelude = new SharedPrelude(kPreludeSource);
  return *prelude;
}

SharedPrelude::SharedPrelude(std::string text) : file_(kPreludeFileName, std::move(text)) {
  std::string_view all = file_.text();
  // Each line starting with a letter begins a declaration, which runs to the next one (the
  // comments between them included). Runs of non-generic declarations are read together.
  size_t eagerBegin = 0;
  uint32_t eagerLine = 1;
  bool inEager = true; // the text before the first declaration is read with the first run
  Template* open = nullptr;
  for (uint32_t line = 1; line <= file_.lineCount(); line++) {
    std::string_view text = file_.lineText(line);
    if (text.empty() || !isLetter(text[0])) continue;
    size_t begin = size_t(text.data() - all.data());
    Header header = readHeader(text);
    if (isAlwaysCompiled(header, text)) {
      if (open) open->end = begin;
      open = nullptr;
      if (!inEager) {
        inEager = true;
        eagerBegin = begin;
        eagerLine = line;
      }
      continue;
    }
    if (inEager) {
      for (StmtPtr& item : parseLines(eagerBegin, begin, eagerLine).items)
        declarations_.push_back(std::move(item));
      inEager = false;
    }
    if (open) open->end = begin;
    auto t = std::make_unique<Template>();
    t->isClass = header.keyword != "fun";
    t->isGeneric = header.generic;
    t->begin = begin;
    t->line = line;
    open = t.get();
    templates_.push_back(std::move(t));
    const char* kind = header.keyword == "fun"         ? "a function"
                       : header.keyword == "interface" ? "an interface"
                                                       : "a class";
    names_.push_back({std::string(header.name), kind, {line, 1, kPreludeFile}});
  }
  if (open) open->end = all.size();
  if (inEager) {
    for (StmtPtr& item : parseLines(eagerBegin, all.size(), eagerLine).items)
      declarations_.push_back(std::move(item));
  }
  for (StmtPtr& item : declarations_)
    if (item->kind == StmtKind::Class) item->cls->isBuiltin = true;
}

ModuleAst SharedPrelude::parseLines(size_t begin, size_t end, uint32_t line) const {
  Diagnostics diagnostics(file_);
  std::string_view text = std::string_view(file_.text()).substr(begin, end - begin);
  ModuleAst ast = parse(tokenize(text, kPreludeFile, line, diagnostics), diagnostics);
  NURI_ASSERT(!diagnostics.hasErrors() && ast.imports.empty(), "the prelude does not compile");
  return ast;
}

const Stmt& SharedPrelude::parsed(const Template& t) const {
  std::call_once(t.parsed, [&] {
    t.ast = parseLines(t.begin, t.end, t.line);
    NURI_ASSERT(t.ast.items.size() == 1, "a declaration of the prelude is not alone");
    Stmt& item = *t.ast.items.front();
    if (item.kind == StmtKind::Class) item.cls->isBuiltin = true;
  });
  return *t.ast.items.front();
}

const ClassDecl* SharedPrelude::classNamed(std::string_view name, bool generic) const {
  for (size_t i = 0; i < names_.size(); i++) {
    if (names_[i].name != name || !templates_[i]->isClass || templates_[i]->isGeneric != generic)
      continue;
    const Stmt& item = parsed(*templates_[i]);
    NURI_ASSERT(item.kind == StmtKind::Class && item.cls->name == name, "misread prelude");
    return item.cls.get();
  }
  return nullptr;
}

const ClassDecl* SharedPrelude::classTemplate(std::string_view name) const {
  return classNamed(name, true);
}

const ClassDecl* SharedPrelude::onDemandClass(std::string_view name) const {
  return classNamed(name, false);
}

const FunDecl* SharedPrelude::functionTemplate(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); i++) {
    if (names_[i].name != name || templates_[i]->isClass) continue;
    const Stmt& item = parsed(*templates_[i]);
    NURI_ASSERT(item.kind == StmtKind::Fun && item.fun->name == name, "misread prelude");
    return item.fun.get();
  }
  return nullptr;
}

std::unique_ptr<SourceUnit> SharedPrelude::newUnit(uint32_t file) const {
  auto unit = std::make_unique<SourceUnit>();
  unit->path = kPreludeFileName;
  unit->isPrelude = true;
  unit->file = file;
  unit->library = this;
  unit->ast.items.reserve(declarations_.size());
  for (const StmtPtr& item : declarations_)
    unit->ast.items.push_back(cloneStmt(*item));
  return unit;
}

} // namespace nuri
