// The syntax tree built by the parser and annotated by the checker (types, resolved names).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "compiler/source.h"
#include "compiler/token.h"

namespace nuri {

struct Type;
struct VarSymbol;
struct FunSymbol;
struct ClassSymbol;
struct FieldSymbol;

// A type as written: `int`, `Vec`, `string[][]`.
// A type as written: `int`, `Vec`, `string[][]`, `(int, int) -> bool`, `(() -> int)[]`.
struct TypeSyntax {
  SourcePos pos;
  std::string name;             // empty for a function type
  std::vector<TypeSyntax> args; // `Box<int>`: the type arguments
  bool isFunction = false;
  std::vector<TypeSyntax> params;     // function types
  std::shared_ptr<TypeSyntax> result; // function types
  uint32_t arrayDepth = 0;
};

enum class ExprKind : uint8_t {
  IntLit,
  FloatLit,
  BoolLit,
  NullLit,
  StringLit,
  Interpolation,
  Name,
  This,
  Unary,
  Binary,
  Logical,
  Conditional,
  Assign,
  Call,
  Member,
  Index,
  ArrayLit,
  NewArray,
  Lambda, // `fun(a: int): int { ... }` or `{ a: int -> a + 1 }`; `lambda` holds it
  Is,     // `x is T`
  As,     // `x as T`
  Elvis,  // `a ?: b`
  // A member chain holding a `?.` (`a?.b.c`, `a?.m()`): null as soon as a `?.` meets null.
  SafeChain,
  Super, // `super`, only as the receiver of a call
  // `when (x) { ... }` or `when { ... }`: a = the subject (may be null), `when` the branches.
  When,
  // Inserted by the checker:
  Widen,    // int -> float
  ToString, // any value -> string
};

// How the checker resolved a call.
enum class CallKind : uint8_t {
  Unresolved,
  Function,        // a top-level or static function
  Method,          // virtual call through the receiver's class
  InterfaceMethod, // call through an interface
  Direct,          // a method called without dispatch (`super.m()`, `super.init()`)
  Constructor,
  Native,
  Intrinsic,
  Closure, // a call through a function value
};

// Built-in operations the code generator expands inline instead of calling a native.
enum class Intrinsic : uint8_t { None, IntToFloat, ToString, ArrayCopy, IdentityString };

// What a Name or Member expression refers to.
enum class RefKind : uint8_t {
  None,
  Local,
  Global,
  Function,
  Class,
  Field,
  Namespace,
  Constant,
  NativeProperty,
  ArrayLength
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct FunDecl;
struct WhenArms;

struct Expr {
  ExprKind kind;
  SourcePos pos;
  Tok op = Tok::Eof;         // Unary, Binary, Logical, Assign (Eq or a compound operator)
  bool increment = false;    // Assign written `x++` or `x--` (op PlusEq or MinusEq, b 1)
  bool safe = false;         // Member written `a?.b` (inside a SafeChain)
  bool narrowed = false;     // Name whose type a smart cast narrowed (the code casts it)
  int64_t intValue = 0;      // IntLit; NewArray: number of trailing `[]`
  double floatValue = 0;     // FloatLit
  bool boolValue = false;    // BoolLit
  std::string text;          // StringLit contents, Name, Member name
  ExprPtr a, b, c;           // operands / callee / object / condition
  std::vector<ExprPtr> args; // call arguments, array elements, interpolation parts, dimensions
  TypeSyntax typeSyntax;     // NewArray element type
  std::vector<TypeSyntax> typeArgs; // Name: `Box<int>(...)`, `first<int>(...)`
  uint32_t depth = 1;               // nesting depth of this subtree

  // Filled in by the checker.
  const Type* type = nullptr;
  RefKind ref = RefKind::None;
  CallKind call = CallKind::Unresolved;
  Intrinsic intrinsic = Intrinsic::None;
  VarSymbol* var = nullptr;
  FunSymbol* fun = nullptr;
  ClassSymbol* cls = nullptr;
  FieldSymbol* field = nullptr;
  int native = -1;                  // index into the native table
  const Type* targetType = nullptr; // Is, As: the type tested for
  std::shared_ptr<FunDecl> lambda;  // Lambda
  std::unique_ptr<WhenArms> when;   // When; `var` is the variable holding its subject

  Expr(ExprKind k, SourcePos p);
  ~Expr();
};

enum class StmtKind : uint8_t {
  Expr,
  Var,
  Block,
  If,
  While,
  For,
  Break,
  Continue,
  Return,
  Fun,
  Class,
  Throw, // expr is the error
  Try,   // body; catches; finallyBody (may be null)
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
struct FunDecl;
struct ClassDecl;

struct CatchClause {
  SourcePos pos;
  std::string name;
  TypeSyntax type;
  StmtPtr body;
  VarSymbol* var = nullptr; // filled in by the checker
};

struct Stmt {
  StmtKind kind;
  SourcePos pos;
  ExprPtr expr;           // Expr, Var initialiser, If/While condition, For iterable, Return
  ExprPtr rangeEnd;       // For over a range
  bool inclusive = false; // For: `..=`
  std::string name;       // Var, For variable
  // For: `for ((k, v) in map)` names the parts of each element (then `name` is hidden).
  std::vector<std::pair<std::string, SourcePos>> destructure;
  bool isLet = false;        // Var
  bool isLoopPart = false;   // Var: a name of `for ((k, v) in map)`, which cannot be assigned
  bool hasType = false;      // Var
  TypeSyntax typeSyntax;     // Var
  std::vector<StmtPtr> body; // Block
  StmtPtr thenBranch, elseBranch, loopBody;
  std::unique_ptr<FunDecl> fun;
  std::unique_ptr<ClassDecl> cls;
  std::vector<CatchClause> catches; // Try
  StmtPtr finallyBody;              // Try

  // Filled in by the checker.
  VarSymbol* var = nullptr;     // Var, For variable
  VarSymbol* hiddenA = nullptr; // For: the range end / the array / the string
  VarSymbol* hiddenB = nullptr; // For: the index
  FunSymbol* iteration[3] = {}; // For over an object: iterator(), hasNext(), next()
  Stmt(StmtKind k, SourcePos p) : kind(k), pos(p) {}
  // An else-if chain is freed link by link: it can be far longer than the nesting limit.
  ~Stmt() {
    for (StmtPtr next = std::move(elseBranch); next;)
      next = std::move(next->elseBranch);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
};

// One branch of a `when`: `a, b -> value`, `is T -> { ... }`, `else -> value`.
struct WhenBranch {
  SourcePos pos;
  // Values compared with the subject, or `is T` tests of it (an Is without an operand), or,
  // in a `when` without a subject, conditions. The checker turns each into a bool test.
  std::vector<ExprPtr> conditions;
  bool isElse = false;
  StmtPtr block; // a `{ }` branch; for a `when` used as a value, the checker moves the block's
                 // last expression into `value`
  ExprPtr value; // the branch's expression
};

struct WhenArms {
  std::vector<WhenBranch> branches;
  // Filled in by the checker.
  bool exhaustive = false; // an `else`, or every constant of an enum subject (or both bools)
  StmtPtr noMatch;         // run when no branch matches an exhaustive `when` without `else`:
                           // throws NullError (the subject was null)
};

inline Expr::Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
inline Expr::~Expr() = default;

// Whether `f` holds for a `{ }` branch of a `when` in `e`, at any depth but outside lambdas:
// statements in an expression are there only. (A `when` used as a statement has its values
// in such blocks too.)
template <typename F> bool anyWhenBlock(const Expr& e, const F& f) {
  for (const ExprPtr* inner : {&e.a, &e.b, &e.c})
    if (*inner && anyWhenBlock(**inner, f)) return true;
  for (const ExprPtr& arg : e.args)
    if (anyWhenBlock(*arg, f)) return true;
  if (!e.when) return false;
  for (const WhenBranch& branch : e.when->branches) {
    for (const ExprPtr& condition : branch.conditions)
      if (anyWhenBlock(*condition, f)) return true;
    if (branch.block && f(*branch.block)) return true;
    if (branch.value && anyWhenBlock(*branch.value, f)) return true;
  }
  return false;
}

// The same for the expressions a statement holds itself (not those of its nested statements).
template <typename F> bool anyWhenBlockOf(const Stmt& s, const F& f) {
  for (const ExprPtr* e : {&s.expr, &s.rangeEnd})
    if (*e && anyWhenBlock(**e, f)) return true;
  return false;
}

struct Param {
  SourcePos pos;
  std::string name;
  TypeSyntax type;
  std::shared_ptr<Expr> defaultValue; // `cmp: (T, T) -> int = null`: a literal
  bool typeInferred = false;          // a lambda's `{ a, b -> ... }`: from the expected type
};

struct FunDecl {
  SourcePos pos;
  std::string name;
  std::vector<std::string> typeParams; // `fun first<T>(...)`
  std::vector<Param> params;
  bool hasReturnType = false;
  TypeSyntax returnType;
  StmtPtr body; // a Block
  bool isPrivate = false;
  bool isProtected = false; // visible in its class and the subclasses
  bool isAbstract = false;  // `abstract fun` of an abstract class: no body
  bool isOverride = false;
  bool isStatic = false;
  bool isInit = false;
  bool isLambda = false;
  bool isShortLambda = false;  // `{ a: int -> expr }`
  bool implicitParams = false; // a short lambda without `->`: none, or one called `it`
  bool valueOfLast = false;    // short lambda whose last expression is its result
  uint32_t tokenCount = 0;     // the tokens it was read from: what an instance of it copies
  FunSymbol* symbol = nullptr;
};

struct FieldDecl {
  SourcePos pos;
  std::string name;
  bool isLet = false;
  bool isPrivate = false;
  bool isProtected = false;
  bool isPrivateSet = false; // `private(set)`
  bool isStatic = false;
  TypeSyntax type;
  ExprPtr init;
  FieldSymbol* symbol = nullptr;
};

struct ClassDecl {
  SourcePos pos;
  std::string name;
  std::vector<std::string> typeParams; // `class Box<T>`
  bool isBuiltin = false;              // declared by the prelude
  bool isInterface = false;
  bool isAbstract = false; // `abstract class`: cannot be constructed, may have abstract methods
  bool isEnum = false;     // `enum Color { RED, GREEN }`: a class whose values are its constants
  std::vector<std::string> enumConstants;
  bool hasSuperclass = false;
  TypeSyntax superclass;
  std::vector<TypeSyntax> interfaces;
  std::vector<FieldDecl> fields;
  std::vector<std::unique_ptr<FunDecl>> methods;
  std::unique_ptr<FunDecl> init;
  uint32_t tokenCount = 0; // the tokens it was read from: what an instance of it copies
  ClassSymbol* symbol = nullptr;
};

// `import a.b` or `import a.b.{x, y}`.
struct ImportDecl {
  SourcePos pos;
  std::vector<std::string> path;                        // {"a", "b"}
  std::vector<std::pair<std::string, SourcePos>> names; // brought in unqualified
};

struct ModuleAst {
  std::vector<ImportDecl> imports;
  std::vector<StmtPtr> items;
  // Names whose declaration had a syntax error: uses of them report nothing more.
  std::unordered_set<std::string> brokenNames;
};

} // namespace nuri
