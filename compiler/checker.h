// The type checker: resolves every name, computes every expression's type, inserts implicit
// conversions (int -> float widening, string conversion), and reports type errors.
#pragma once

#include <memory>
#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/types.h"

namespace nuri {

struct StaticInitialiser {
  VarSymbol* var;
  ExprPtr* value;
  ClassSymbol* owner;
};

struct CheckedModule {
  ModuleAst ast;
  std::unique_ptr<TypeTable> types = std::make_unique<TypeTable>();
  std::vector<ClassSymbol*> classes;
  std::vector<FunSymbol*> functions; // top-level functions, then each class's init and methods
  std::vector<VarSymbol*> globals;
  std::vector<FunSymbol*> lambdas; // in the order they were found
  std::vector<Stmt*> topLevel;     // the statements of the module initialiser, in order
  std::vector<StaticInitialiser> staticInitialisers; // run before the top-level statements
  FunSymbol* main = nullptr;
};

void check(CheckedModule& module, Diagnostics& diagnostics);

} // namespace nuri
