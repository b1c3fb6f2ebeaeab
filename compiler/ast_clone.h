// Deep copies of syntax trees, without the checker's annotations. Generic classes and
// functions are compiled by instantiation: each instance checks its own copy of the template.
#pragma once

#include <memory>

#include "compiler/ast.h"

namespace nuri {

ExprPtr cloneExpr(const Expr& e);
StmtPtr cloneStmt(const Stmt& s);
std::unique_ptr<FunDecl> cloneFunDecl(const FunDecl& f);
std::unique_ptr<ClassDecl> cloneClassDecl(const ClassDecl& c);

} // namespace nuri
