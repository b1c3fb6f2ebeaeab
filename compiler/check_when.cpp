// `when`: its subject, its branches' tests, their smart casts, exhaustiveness and its type.
#include "compiler/check_internal.h"
#include "support/assert.h"

namespace nuri::checking {
namespace {

// The subject's hidden variable: a space makes the name one a program cannot write.
constexpr const char* kSubject = " when";

// Where `e` starts: `Color.RED` at `Color`, not at its `.`.
SourcePos startOf(const Expr& e) {
  const Expr* x = &e;
  while ((x->kind == ExprKind::Member || x->kind == ExprKind::Call || x->kind == ExprKind::Index) &&
         x->a)
    x = x->a.get();
  return x->pos;
}

} // namespace

const Type* Checker::commonType(const Type* a, const Type* b) {
  if (a == b) return a;
  if (a->isNumeric() && b->isNumeric()) return types_.floatType();
  if (a->tag == TypeTag::Null && b->isReference()) return b;
  if (b->tag == TypeTag::Null && a->isReference()) return a;
  if (assignable(a, b)) return a;
  if (assignable(b, a)) return b;
  return nullptr;
}

const Type* Checker::checkWhen(Expr& e, WhenUse use, const Type* expected) {
  WhenArms& arms = *e.when;
  pushScope(); // the subject's variable
  const Type* subject = nullptr;
  if (e.a) {
    subject = checkExpr(e.a);
    if (subject->tag == TypeTag::Void) {
      error(e.a->pos, noValue(*e.a));
      subject = types_.error();
    } else if (subject->tag == TypeTag::Null) {
      error(e.a->pos, "the subject of `when` cannot be only `null`");
      subject = types_.error();
    }
    e.var = declareLocal(kSubject, subject, e.pos, true);
    e.var->stable = true;
  }
  ClassSymbol* enumClass =
      subject && subject->tag == TypeTag::Class && subject->cls->decl && subject->cls->decl->isEnum
          ? subject->cls
          : nullptr;
  // Where each enum constant (or `true`, `false`, `null`) is first handled, by line; 0: not yet.
  std::vector<uint32_t> handled(enumClass ? enumClass->decl->enumConstants.size() : 0);
  std::unordered_map<const VarSymbol*, size_t> constantIndex; // the enum's constants' globals
  for (size_t k = 0; k < handled.size(); k++)
    constantIndex[findStaticField(enumClass, enumClass->decl->enumConstants[k])] = k;
  std::unordered_map<std::string, uint32_t> literals; // int and string values listed, by line
  uint32_t handledTrue = 0, handledFalse = 0, handledNull = 0;
  bool hasElse = false;

  bool asValue = use != WhenUse::Statement;
  // A branch without a value makes a lambda's last `when` a statement.
  bool valueless = false;

  for (size_t i = 0; i < arms.branches.size(); i++) {
    WhenBranch& branch = arms.branches[i];
    if (branch.isElse) {
      if (i + 1 != arms.branches.size()) {
        error(branch.pos, "`else` must be the last branch of `when`: the branches after it would "
                          "never run");
      }
      hasElse = true;
    }
    Narrowings narrowings;
    for (ExprPtr& condition : branch.conditions) {
      SourcePos pos = condition->pos;
      if (!subject) {
        checkCondition(condition, "a `when` branch");
        if (branch.conditions.size() == 1) narrowingsOf(*condition, true, narrowings);
        continue;
      }
      auto subjectRef = [&] {
        auto name = std::make_unique<Expr>(ExprKind::Name, pos);
        name->text = kSubject;
        return name;
      };
      if (condition->kind == ExprKind::Is && !condition->a) { // `is T`
        condition->a = subjectRef();
        checkExpr(condition);
        if (branch.conditions.size() == 1 && condition->targetType)
          narrowingOf(*e.a, condition->targetType, narrowings);
        continue;
      }
      if (enumClass && condition->kind == ExprKind::Name && !lookupLocal(condition->text) &&
          !findGlobal(condition->text) && !(cls_ && findStaticField(cls_, condition->text)) &&
          findStaticField(enumClass, condition->text)) {
        error(pos, "unknown name " + quoted(condition->text) +
                       "; a constant is written with its enum: " +
                       quoted(enumClass->name + "." + condition->text));
        condition = std::make_unique<Expr>(ExprKind::BoolLit, pos);
        checkExpr(condition);
        continue;
      }
      const Type* t = checkExpr(condition);
      uint32_t* seen = nullptr;
      std::string shown;
      if (t->tag == TypeTag::Null) {
        seen = &handledNull;
        shown = "`null`";
      } else if (condition->kind == ExprKind::BoolLit) {
        seen = condition->boolValue ? &handledTrue : &handledFalse;
        shown = condition->boolValue ? "`true`" : "`false`";
      } else if (condition->kind == ExprKind::IntLit || condition->kind == ExprKind::StringLit) {
        bool isInt = condition->kind == ExprKind::IntLit;
        shown = isInt ? std::to_string(condition->intValue) : "\"" + brief(condition->text) + "\"";
        seen = &literals[(isInt ? "i" : "s") + (isInt ? shown : condition->text)];
        shown = quoted(shown);
      } else if (enumClass && condition->ref == RefKind::Global) {
        if (auto k = constantIndex.find(condition->var); k != constantIndex.end()) {
          seen = &handled[k->second];
          shown = quoted(enumClass->name + "." + enumClass->decl->enumConstants[k->second]);
        }
      }
      if (seen && *seen) {
        error(startOf(*condition),
              shown + " is already handled by the branch on line " + std::to_string(*seen));
      } else if (seen) {
        *seen = pos.line;
      }
      auto test = std::make_unique<Expr>(ExprKind::Binary, pos);
      test->op = Tok::EqEq;
      test->a = subjectRef();
      test->depth = condition->depth + 1;
      test->b = std::move(condition);
      condition = std::move(test);
      checkExpr(condition); // the comparison: `==`, or a call of `equals`
    }

    auto saved = narrowed_;
    applyNarrowings(narrowings);
    if (!asValue) {
      if (branch.value) { // an expression statement
        branch.block = std::make_unique<Stmt>(StmtKind::Block, branch.value->pos);
        auto statement = std::make_unique<Stmt>(StmtKind::Expr, branch.value->pos);
        statement->expr = std::move(branch.value);
        branch.block->body.push_back(std::move(statement));
      }
      checkBlock(*branch.block);
    } else {
      pushScope();
      if (branch.block) {
        auto& body = branch.block->body;
        // The block's last expression is the branch's value.
        if (!body.empty() && body.back()->kind == StmtKind::Expr &&
            body.back()->expr->kind != ExprKind::Assign) {
          branch.value = std::move(body.back()->expr);
          body.pop_back();
        }
        for (auto& statement : body)
          checkStmt(*statement);
        if (!branch.value && !neverCompletes(*branch.block)) {
          if (use == WhenUse::Value) {
            error(branch.pos, "this branch gives the `when` no value: end its block with an "
                              "expression");
          }
          valueless = true;
        }
      }
      if (branch.value) {
        const Type* t = expected ? checkExpecting(branch.value, expected) : checkExpr(branch.value);
        if (t->tag == TypeTag::Void || branch.value->kind == ExprKind::Assign) {
          if (use == WhenUse::Value) error(branch.value->pos, noValue(*branch.value));
          valueless = true;
        }
      }
      popScope();
    }
    narrowed_ = std::move(saved);
  }

  bool allConstants = enumClass && std::all_of(handled.begin(), handled.end(),
                                               [](uint32_t line) { return line != 0; });
  bool bothBools = handledTrue && handledFalse;
  arms.exhaustive = hasElse || allConstants || bothBools;
  if (arms.exhaustive && !hasElse && allConstants && !handledNull) {
    // Only a null subject can reach past the branches.
    auto nullError = namespaces_[prelude_].classes.find("NullError");
    NURI_ASSERT(nullError != namespaces_[prelude_].classes.end(), "the prelude declares NullError");
    auto construct = std::make_unique<Expr>(ExprKind::Call, e.pos);
    construct->call = CallKind::Constructor;
    construct->cls = nullError->second;
    construct->type = nullError->second->type;
    auto message = std::make_unique<Expr>(ExprKind::StringLit, e.pos);
    message->text = "the subject of `when` is null, and no branch handles null";
    message->type = types_.string();
    construct->args.push_back(std::move(message));
    arms.noMatch = std::make_unique<Stmt>(StmtKind::Throw, e.pos);
    arms.noMatch->expr = std::move(construct);
  }
  popScope();

  if (!asValue) return set(e, types_.voidType());
  if (!arms.exhaustive && use == WhenUse::Value) {
    std::string missing;
    if (enumClass) {
      const auto& constants = enumClass->decl->enumConstants;
      size_t count = 0;
      for (size_t k = 0; k < constants.size(); k++) {
        if (handled[k]) continue;
        if (count == 8) {
          missing += ", ...";
          break;
        }
        missing += std::string(count ? ", " : "") + quoted(enumClass->name + "." + constants[k]);
        count++;
      }
      error(e.pos, "this `when` gives a value, so it must handle every constant of " +
                       quoted(enumClass->name) + " or have an `else`; missing: " + missing);
    } else {
      error(e.pos, "this `when` gives a value, so it needs an `else` branch" +
                       std::string(subject && subject->tag == TypeTag::Bool
                                       ? " (or both `true` and `false`)"
                                       : ""));
    }
    return set(e, types_.error());
  }
  if (valueless) return set(e, use == WhenUse::Value ? types_.error() : types_.voidType());
  // The type of the values: the one they all fit in, else the one expected where they all
  // fit that (`let s: Shape = when ... { ... -> Circle(); else -> Square() }`).
  const Type* type = nullptr;
  const Expr* clash = nullptr; // the first value that fits no common type
  bool fitExpected = expected != nullptr;
  bool broken = false;
  for (WhenBranch& branch : arms.branches) {
    if (!branch.value) continue;
    const Type* t = branch.value->type;
    if (t->tag == TypeTag::Error) {
      broken = true;
      continue;
    }
    fitExpected = fitExpected && (assignable(expected, t) ||
                                  (expected->tag == TypeTag::Float && t->tag == TypeTag::Int));
    if (clash) continue;
    const Type* common = type ? commonType(type, t) : t;
    if (common)
      type = common;
    else
      clash = branch.value.get();
  }
  if (clash && fitExpected) {
    type = expected;
    clash = nullptr;
  }
  if (clash && use == WhenUse::Value) {
    error(clash->pos, "the branches of `when` have different types: " + type->name + " and " +
                          clash->type->name);
  }
  if (broken) return set(e, types_.error());
  if (use == WhenUse::LastOfLambda && (!arms.exhaustive || clash || !type))
    return set(e, types_.voidType()); // a statement: the lambda returns nothing
  if (clash) return set(e, types_.error());
  if (!type) {
    if (expected) return set(e, expected);
    error(e.pos, "no branch of this `when` gives a value");
    return set(e, types_.error());
  }
  for (WhenBranch& branch : arms.branches)
    if (branch.value && !coerce(branch.value, type, "the `when`")) return set(e, types_.error());
  return set(e, type);
}

} // namespace nuri::checking
