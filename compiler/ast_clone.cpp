#include "compiler/ast_clone.h"

namespace nuri {
namespace {

ExprPtr cloneOptional(const ExprPtr& e) { return e ? cloneExpr(*e) : nullptr; }
StmtPtr cloneOptional(const StmtPtr& s) { return s ? cloneStmt(*s) : nullptr; }

} // namespace

ExprPtr cloneExpr(const Expr& e) {
  auto copy = std::make_unique<Expr>(e.kind, e.pos);
  copy->op = e.op;
  copy->increment = e.increment;
  copy->safe = e.safe;
  copy->intValue = e.intValue;
  copy->floatValue = e.floatValue;
  copy->boolValue = e.boolValue;
  copy->text = e.text;
  copy->a = cloneOptional(e.a);
  copy->b = cloneOptional(e.b);
  copy->c = cloneOptional(e.c);
  for (const ExprPtr& arg : e.args)
    copy->args.push_back(cloneExpr(*arg));
  copy->typeSyntax = e.typeSyntax;
  copy->typeArgs = e.typeArgs;
  copy->depth = e.depth;
  if (e.lambda) copy->lambda = cloneFunDecl(*e.lambda);
  if (e.when) {
    copy->when = std::make_unique<WhenArms>();
    for (const WhenBranch& b : e.when->branches) {
      WhenBranch branch;
      branch.pos = b.pos;
      for (const ExprPtr& condition : b.conditions)
        branch.conditions.push_back(cloneExpr(*condition));
      branch.isElse = b.isElse;
      branch.block = cloneOptional(b.block);
      branch.value = cloneOptional(b.value);
      copy->when->branches.push_back(std::move(branch));
    }
  }
  return copy;
}

namespace {

// A copy of `s` without its else branch (cloneStmt copies else-if chains in a loop).
StmtPtr cloneStmtNode(const Stmt& s) {
  auto copy = std::make_unique<Stmt>(s.kind, s.pos);
  copy->expr = cloneOptional(s.expr);
  copy->rangeEnd = cloneOptional(s.rangeEnd);
  copy->inclusive = s.inclusive;
  copy->name = s.name;
  copy->destructure = s.destructure;
  copy->isLet = s.isLet;
  copy->hasType = s.hasType;
  copy->typeSyntax = s.typeSyntax;
  for (const StmtPtr& inner : s.body)
    copy->body.push_back(cloneStmt(*inner));
  copy->thenBranch = cloneOptional(s.thenBranch);
  copy->loopBody = cloneOptional(s.loopBody);
  if (s.fun) copy->fun = cloneFunDecl(*s.fun);
  if (s.cls) copy->cls = cloneClassDecl(*s.cls);
  for (const CatchClause& c : s.catches) {
    CatchClause clause;
    clause.pos = c.pos;
    clause.name = c.name;
    clause.type = c.type;
    clause.body = cloneStmt(*c.body);
    copy->catches.push_back(std::move(clause));
  }
  copy->finallyBody = cloneOptional(s.finallyBody);
  return copy;
}

} // namespace

StmtPtr cloneStmt(const Stmt& s) {
  StmtPtr head = cloneStmtNode(s);
  Stmt* tail = head.get();
  for (const Stmt* from = s.elseBranch.get(); from; from = from->elseBranch.get()) {
    tail->elseBranch = cloneStmtNode(*from);
    tail = tail->elseBranch.get();
  }
  return head;
}

std::unique_ptr<FunDecl> cloneFunDecl(const FunDecl& f) {
  auto copy = std::make_unique<FunDecl>();
  copy->pos = f.pos;
  copy->name = f.name;
  copy->typeParams = f.typeParams;
  copy->params = f.params;
  copy->hasReturnType = f.hasReturnType;
  copy->returnType = f.returnType;
  copy->body = cloneOptional(f.body);
  copy->isPrivate = f.isPrivate;
  copy->isProtected = f.isProtected;
  copy->isAbstract = f.isAbstract;
  copy->isOverride = f.isOverride;
  copy->isStatic = f.isStatic;
  copy->isInit = f.isInit;
  copy->isLambda = f.isLambda;
  copy->isShortLambda = f.isShortLambda;
  copy->implicitParams = f.implicitParams;
  copy->tokenCount = f.tokenCount;
  return copy;
}

std::unique_ptr<ClassDecl> cloneClassDecl(const ClassDecl& c) {
  auto copy = std::make_unique<ClassDecl>();
  copy->pos = c.pos;
  copy->name = c.name;
  copy->typeParams = c.typeParams;
  copy->isBuiltin = c.isBuiltin;
  copy->isInterface = c.isInterface;
  copy->isAbstract = c.isAbstract;
  copy->isEnum = c.isEnum;
  copy->enumConstants = c.enumConstants;
  copy->hasSuperclass = c.hasSuperclass;
  copy->superclass = c.superclass;
  copy->interfaces = c.interfaces;
  for (const FieldDecl& f : c.fields) {
    FieldDecl field;
    field.pos = f.pos;
    field.name = f.name;
    field.isLet = f.isLet;
    field.isPrivate = f.isPrivate;
    field.isProtected = f.isProtected;
    field.isPrivateSet = f.isPrivateSet;
    field.isStatic = f.isStatic;
    field.type = f.type;
    field.init = cloneOptional(f.init);
    copy->fields.push_back(std::move(field));
  }
  for (const auto& m : c.methods)
    copy->methods.push_back(cloneFunDecl(*m));
  if (c.init) copy->init = cloneFunDecl(*c.init);
  copy->tokenCount = c.tokenCount;
  return copy;
}

} // namespace nuri
