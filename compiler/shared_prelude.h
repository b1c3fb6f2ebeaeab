// The prelude (classlib/prelude.nuri) as every compilation in a process shares it: read once
// and never changed afterwards, so that compiling a small program does not mean reading the
// whole prelude again.
//
// The error classes, which the VM raises, are parsed when it is built; each program gets
// copies of them, which its checker annotates and its code generator compiles like the
// program's own. Every other declaration (List, Map, Random, Date, ...) is parsed the first
// time a program uses it and only read from then on: the checker compiles a copy of a generic
// one for each of its instances, and of a non-generic class (Random, Date) once. A program
// that uses none of them never reads them.
//
// Positions in these trees name the file kPreludeFile (compiler/source.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"
#include "compiler/checker.h"
#include "compiler/source.h"

namespace nuri {

class SharedPrelude {
public:
  // The prelude of this process, built by its first caller; safe to use from any thread.
  static const SharedPrelude& get();

  const SourceFile& file() const { return file_; }

  // The prelude as a unit of one program, numbered `file` among its files: copies of the
  // non-generic declarations, and this object for the generic ones.
  std::unique_ptr<SourceUnit> newUnit(uint32_t file) const;

  // A declaration parsed on demand (generic, or a class the VM does not need), named before
  // it is parsed.
  struct TemplateName {
    std::string name;
    const char* kind; // "a class", "an interface" or "a function", as diagnostics say it
    SourcePos pos;    // of its `class`, `interface` or `fun`
  };
  const std::vector<TemplateName>& templateNames() const { return names_; }

  // The generic class or interface `name`, or null if the prelude has none; parsed by the
  // first caller.
  const ClassDecl* classTemplate(std::string_view name) const;
  // The generic function `name`, or null if the prelude has none; parsed by the first caller.
  const FunDecl* functionTemplate(std::string_view name) const;
  // The non-generic class `name` that only the programs using it compile (Random, Date), or
  // null if the prelude has none; parsed by the first caller.
  const ClassDecl* onDemandClass(std::string_view name) const;

  SharedPrelude(const SharedPrelude&) = delete;
  SharedPrelude& operator=(const SharedPrelude&) = delete;

private:
  explicit SharedPrelude(std::string text);

  // One generic declaration: the lines from its `class`/`interface`/`fun` to the next
  // top-level declaration.
  struct Template {
    bool isClass = false;
    bool isGeneric = true;
    size_t begin = 0, end = 0; // bytes of file_.text()
    uint32_t line = 0;         // of `begin`
    mutable std::once_flag parsed;
    mutable ModuleAst ast; // its one item, once parsed
  };

  const Stmt& parsed(const Template& t) const;
  // The class declaration `name` parsed on demand that is generic, or not.
  const ClassDecl* classNamed(std::string_view name, bool generic) const;
  // Parses `end - begin` bytes of the prelude starting at line `line`.
  ModuleAst parseLines(size_t begin, size_t end, uint32_t line) const;

  SourceFile file_;
  std::vector<StmtPtr> declarations_; // the non-generic declarations, in order
  std::vector<TemplateName> names_;
  std::vector<std::unique_ptr<Template>> templates_; // in the order of names_
};

} // namespace nuri
