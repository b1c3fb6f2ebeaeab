// The type checker: resolves every name, computes every expression's type, inserts implicit
// conversions (int -> float widening, string conversion), and reports type errors.
#pragma once

#include <memory>
#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/host_modules.h"
#include "compiler/types.h"

namespace nuri {

struct SourceUnit;
class SharedPrelude;

struct StaticInitialiser {
  VarSymbol* var;
  ExprPtr* value;
  ClassSymbol* owner;
  const SourceUnit* unit;
};

// One source file of a program: the prelude, an imported module, or the program itself.
struct SourceUnit {
  std::string name; // how importers qualify its names (`geometry`); empty for the program
  std::string path; // as read (for messages)
  ModuleAst ast;
  std::vector<SourceUnit*> imports; // resolved, one per ast.imports entry
  bool isPrelude = false;
  const HostModuleDecl* host = nullptr; // a host module: its functions, declared in its text
  // The prelude's generic declarations, which are not among ast.items (compiler/shared_prelude.h).
  const SharedPrelude* library = nullptr;
  uint32_t file = 0;           // SourcePos::file of its positions (see also kPreludeFile)
  std::vector<Stmt*> topLevel; // its top-level statements, in order (filled by the checker)
};

struct CheckedModule {
  // The prelude first, then every imported module after the modules it imports, then the
  // program itself.
  std::vector<std::unique_ptr<SourceUnit>> units;
  std::vector<std::string> fileNames; // by SourcePos::file, as shown in stack traces
  // Copies of generic declarations, one per instance (checked and compiled like the others).
  std::vector<std::unique_ptr<ClassDecl>> instanceClasses;
  std::vector<std::unique_ptr<FunDecl>> instanceFunctions;
  std::unique_ptr<TypeTable> types = std::make_unique<TypeTable>();
  std::vector<ClassSymbol*> classes;
  std::vector<FunSymbol*> functions; // top-level functions, then each class's init and methods
  std::vector<VarSymbol*> globals;
  std::vector<FunSymbol*> lambdas;                   // in the order they were found
  std::vector<StaticInitialiser> staticInitialisers; // each runs first in its unit's initialiser
  FunSymbol* main = nullptr;

  // The index of the file of `pos` among fileNames.
  uint32_t fileOf(SourcePos pos) const {
    return pos.file == kPreludeFile ? units.front()->file : pos.file;
  }
};

void check(CheckedModule& module, Diagnostics& diagnostics);

} // namespace nuri
