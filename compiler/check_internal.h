// The type checker's one class, Checker, shared by the files that define its parts:
//   checker.cpp              the passes in order, and finding names
//   check_declarations.cpp   top-level names, classes, hierarchy, functions and members
//   check_types.cpp          type syntax, and instances of generics
//   check_statements.cpp     scopes, bodies and statements
//   check_expressions.cpp    conversions and expressions
//   check_calls.cpp          members and calls
//   check_when.cpp           `when`
// Only these files include it; the rest of the compiler calls check() (compiler/checker.h).
#pragma once

#include "compiler/checker.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "classlib/registry/native_registry.h"
#include "compiler/ast_clone.h"
#include "compiler/limits.h"
#include "compiler/shared_prelude.h"

namespace nuri::checking {

// "a string", "an int": for messages such as "cannot assign a string to `x` of type int".
inline std::string withArticle(const Type* t) {
  const std::string& n = t->name;
  if (t->tag == TypeTag::Null) return "null";
  bool vowel = !n.empty() && std::strchr("aeiouAEIOU", n[0]) != nullptr;
  return (vowel ? "an " : "a ") + n;
}

inline std::string quoted(const std::string& s) { return "`" + s + "`"; }

// A name to show in a message: its start, when it is too long to read.
inline std::string brief(const std::string& name) {
  constexpr size_t kShown = 160;
  return name.size() <= kShown ? name : name.substr(0, kShown) + "...";
}

inline bool isBuiltinNamespace(const std::string& name) {
  return name == "Math" || name == "String" || name == "System" || name == "Text" || name == "File";
}

class Checker {
public:
  Checker(CheckedModule& m, Diagnostics& d) : m_(m), diags_(d), types_(*m.types) {}

  void run();

private:
  CheckedModule& m_;
  Diagnostics& diags_;
  TypeTable& types_;

  struct TopName {
    SourcePos pos;
    const char* kind;
  };
  // The top-level names of one source unit.
  struct Namespace {
    std::unordered_map<std::string, ClassSymbol*> classes;
    std::unordered_map<std::string, FunSymbol*> functions;
    std::unordered_map<std::string, VarSymbol*> globals;
    std::unordered_map<std::string, TopName> topNames; // the first declaration of each name
    std::unordered_map<std::string, const ClassDecl*> classTemplates;
    std::unordered_map<std::string, const FunDecl*> functionTemplates;
  };
  const TypeEnv* env_ = nullptr; // type parameters of the generic instance being checked
  std::deque<std::unique_ptr<TypeEnv>> envs_;
  std::map<std::pair<const void*, std::vector<const Type*>>, void*> instances_;
  std::unordered_map<const void*, const SourceUnit*> templateUnit_;

  std::unordered_map<const SourceUnit*, Namespace> namespaces_;
  const SourceUnit* unit_ = nullptr; // the unit being checked
  Namespace* ns_ = nullptr;          // its names
  const SourceUnit* prelude_ = nullptr;
  std::vector<FunSymbol*> topFunctions_;
  std::unordered_map<const void*, const SourceUnit*> unitOf_; // classes and functions

  void enterUnit(const SourceUnit* unit);

  // The name a declaration gets in the program: qualified by its module unless it is in the
  // program itself or the prelude.
  std::string qualified(const std::string& name) const;

  // Looks a top-level name up: this unit, then names imported with `import m.{name}`, then
  // the prelude.
  template <typename Member>
  auto findTop(const std::string& name, Member member) -> decltype((ns_->*member).begin()->second) {
    if (auto it = (ns_->*member).find(name); it != (ns_->*member).end()) return it->second;
    for (size_t i = 0; i < unit_->imports.size(); i++) {
      const SourceUnit* target = unit_->imports[i];
      if (!target) continue;
      for (const auto& imported : unit_->ast.imports[i].names) {
        if (imported.first != name) continue;
        auto& names = namespaces_[target].*member;
        if (auto it = names.find(name); it != names.end()) return it->second;
      }
    }
    if (prelude_ && unit_ != prelude_ && !isPreludeOwnName(name)) {
      auto& names = namespaces_[prelude_].*member;
      if (auto it = names.find(name); it != names.end()) return it->second;
    }
    return nullptr;
  }
  // Prelude names starting with `__` are for the compiler's use, invisible to programs.
  static bool isPreludeOwnName(const std::string& name);
  ClassSymbol* findClass(const std::string& name);
  FunSymbol* findFunction(const std::string& name);
  const ClassDecl* findClassTemplate(const std::string& name);
  const FunDecl* findFunctionTemplate(const std::string& name);
  // Whether the unit being checked sees the prelude's name `name` (findTop looks there last).
  bool seesPrelude(const std::string& name) const;
  // The prelude's generic declarations, which the shared prelude reads when a program first
  // uses them.
  const ClassDecl* preludeClassTemplate(const std::string& name);
  // A class of the prelude compiled only for programs that use it (Random, Date): made at the
  // first use, as an instance without type arguments.
  ClassSymbol* preludeOnDemandClass(const std::string& name);
  const FunDecl* preludeFunctionTemplate(const std::string& name);
  VarSymbol* findGlobal(const std::string& name);

  // A Name naming an imported module (not shadowed by a variable).
  const SourceUnit* moduleReceiver(const Expr& e);

  // An imported module by the name its importer uses for it.
  const SourceUnit* moduleNamed(const std::string& name);

  bool isBrokenName(const std::string& name) const;

  // The function being checked.
  FunSymbol* fn_ = nullptr;
  ClassSymbol* cls_ = nullptr;
  int moduleContext_ = 0;             // the identity of the module initialiser's context
  std::vector<const void*> contexts_; // lambdas being checked, innermost last
  bool topLevel_ = false;             // checking the module initialiser
  int loopDepth_ = 0;
  bool loopAroundLambda_ = false; // a lambda being checked is written inside a loop
  std::vector<std::unordered_map<std::string, VarSymbol*>> scopes_;

  // Errors inside an instance of a generic name the instance (`in Box<string>`).
  void error(SourcePos pos, std::string message);
  void error(Diagnostic diagnostic);
  std::string instance_; // the generic instance whose body is being checked

  // ---- Declarations ----

  // The class library's global functions (natives.def: every native without a receiver), the
  // built-ins the compiler makes itself, the namespaces and the type names.
  // Smart casts: where `x is T` is known to hold, a stable variable x has type T.
  using Narrowings = std::vector<std::pair<VarSymbol*, const Type*>>;
  std::unordered_map<VarSymbol*, const Type*> narrowed_; // in force where checking is
  // `is` tests of what cannot be narrowed (a `var`, a field), for the message when a member
  // of the tested type is then used: the type, and why (empty: say nothing).
  std::unordered_map<const void*, std::pair<const Type*, const char*>> unstableTests_;
  // What `cond` narrows where it is true (`whenTrue`) or false.
  void narrowingsOf(const Expr& cond, bool whenTrue, Narrowings& out);
  // What `x is to` narrows where it holds.
  void narrowingOf(const Expr& x, const Type* to, Narrowings& out);
  void applyNarrowings(const Narrowings& narrowings);
  // "; `x is Circle` does not make it a Circle here, because ..." for a member of `receiver`
  // that its tested type has, or "".
  std::string unstableHint(const Expr& receiver, const std::string& member);
  // Marks the parameters that `body` never assigns as stable.
  void markStableParams(const std::vector<VarSymbol*>& params, const Stmt& body);
  static bool neverCompletes(const Stmt& s);

  // A constructor call `e` of an enum outside it: reported, true.
  bool constructsEnum(Expr& e);
  // A constructor call `e` of an abstract class: reported (its arguments checked), true.
  bool constructsAbstract(Expr& e);
  // Makes `call` (receiver in args[0]) a call of an interface's default `method` on an object
  // whose class does not declare it: through the interface.
  void callDefaultMethod(Expr& call, FunSymbol* method);

  // Null-safe operators. `member` is a `?.` whose receiver has type `t`: false (reported) when
  // that receiver can never be null. A chain under `?:` (`defaulted`) may end in a value type.
  bool checkSafeReceiver(const Expr& member, const Type* t);
  const Type* checkSafeChain(Expr& e, bool defaulted);
  const Type* checkElvis(Expr& e);

  // What a misspelled name may have meant ("did you mean"): the names visible here (locals,
  // top-level names, the prelude's, built-ins), the types, and the members of a type.
  std::vector<std::string> visibleNames();
  std::vector<std::string> typeNames();
  std::vector<std::string> memberNames(const Type* t);

  static bool isBuiltinName(const std::string& name) {
    if (name == "hashOf" || name == "compareOf" || isBuiltinNamespace(name) || name == "string" ||
        name == "int" || name == "float" || name == "bool" || name == "void")
      return true;
    for (uint32_t i = 0; i < nativeCount(); i++) {
      const NativeInfo& native = nativeInfo(i);
      if (!*native.receiver && name == native.member) return true;
    }
    return false;
  }

  // Records the top-level names in source order, reporting duplicates against the first.
  void claimTopNames();

  void claimUnitNames();

  // Whether the declaration at `pos` is the one that owns its top-level name.
  bool claimTopName(const std::string& name, SourcePos pos, const char*);

  void declareClasses();

  void declareUnitClasses();

  ClassSymbol* lookupClass(const TypeSyntax& t, const char* role);

  // Resolves `extends` and `implements` of every class and rejects cycles.
  void resolveHierarchy();

  // Breaks each cycle (A extends B extends A) at its first class in declaration order,
  // reporting it there once. Each class is walked over once, so long chains stay linear.
  void breakInheritanceCycles();

  void resolveSupers(ClassSymbol* cls);

  // Superclasses first, in a loop: inheritance chains can be long.
  uint64_t interfaceCopies_ = 0;
  void collectInterfaces(ClassSymbol* cls);

  // `cls` and those of its superclasses whose `flag` is not set yet, root first; sets the flag
  // of each, so that a class is processed once.
  static std::vector<ClassSymbol*> pendingChain(ClassSymbol* cls, bool ClassSymbol::*flag);

  // Puts every class after its superclass (the bytecode requires it) and numbers them. In
  // linear time and without recursion: inheritance chains can be long.
  void orderClasses();

  // `import m.{x}`: x must be a top-level name of m.
  void checkImportedNames();

  // ---- Generics: instantiation ----

  std::string typeListName(const std::vector<const Type*>& args);

  const TypeEnv* makeEnv(const std::vector<std::string>& params,
                         const std::vector<const Type*>& args);

  // The class `template<args>`, made (once) from a copy of the template's declaration.
  // Null, reported at `pos`, when the instance would pass a limit.
  ClassSymbol* instantiateClass(const ClassDecl* templ, const std::vector<const Type*>& args,
                                SourcePos pos);

  // The function `template<args>`, made (once) from a copy of the template's declaration.
  // Null, reported at `pos`, when the instance would pass a limit.
  FunSymbol* instantiateFunction(const FunDecl* templ, const std::vector<const Type*>& args,
                                 SourcePos pos);

  // Whether one more instance of a generic, `name`, stays within the limits; reports it at `pos`
  // otherwise. Without them, instantiation can go on forever (`f<T>` calling `f<Box<T>>`, a
  // field `Node<Box<T>>` in `Node<T>`) or double the size of a type at each step.
  // `cost` is the size of the template, which the instance copies.
  bool admitInstance(const std::string& name, const std::vector<const Type*>& args, SourcePos pos,
                     bool isType, uint32_t cost);
  uint32_t instanceCount_ = 0;
  uint64_t instantiatedTokens_ = 0;
  bool instanceLimitReported_ = false;

  static const FunDecl* findMethodTemplate(const ClassSymbol* cls, const std::string& name);

  // The generic method `templ<args>` of `cls` (a direct call: such methods are not virtual).
  // Null, reported at `pos`, when the instance would pass a limit.
  FunSymbol* instantiateMethod(ClassSymbol* cls, const FunDecl* templ,
                               const std::vector<const Type*>& args, SourcePos pos);

  // Binds the type parameters in `pattern` so that it matches `actual`. Returns false when
  // they cannot match.
  bool unify(const TypeSyntax& pattern, const Type* actual, const std::vector<std::string>& params,
             std::unordered_map<std::string, const Type*>& bound);

  // Type arguments for calling a generic `callee`: written (`first<int>(...)`) or inferred
  // from the arguments, which are checked here. Empty on failure (reported).
  std::vector<const Type*> typeArgumentsFor(Expr& call, const std::vector<std::string>& typeParams,
                                            const std::vector<Param>& params,
                                            const std::string& what, size_t firstArg = 0);

  const Type* resolveType(const TypeSyntax& syntax, bool allowVoid = false);

  // `t` if its size is within the limits; otherwise the error type, reported at `pos`.
  const Type* bounded(const Type* t, SourcePos pos);

  // What is wrong with the size of a type of `parts` parts and a name of `nameLength` bytes.
  static std::string sizeProblem(uint64_t parts, size_t nameLength);

  // Whether a literal default value can be stored in a parameter of type `t`.
  static bool defaultFits(const Expr& d, const Type* t);

  FunSymbol* makeFunction(FunDecl& decl, ClassSymbol* owner);

  void declareFunctions();

  void declareUnitFunctions();

  static bool sameSignature(const FunSymbol* a, const FunSymbol* b);

  static std::string signatureText(const FunSymbol* f);

  // Each class repeats its superclass's fields and methods, as the layouts and method tables of
  // the bytecode do, so their totals are bounded as the verifier bounds them: a long chain of
  // classes cannot take quadratic time and memory. Reported once, at the first class that
  // passes a bound; later classes then inherit nothing.
  void countMembers(ClassSymbol* cls);
  void reportMethodTables(ClassSymbol* cls);
  void reportMemberTotals(ClassSymbol* cls, const std::string& what);
  uint64_t layoutFields_ = 0, tableEntries_ = 0;
  bool memberTotalsReported_ = false;

  // Declares fields, methods and init of `cls`; classes come after their superclass.
  void declareClassMembers(ClassSymbol* cls);

  void declareOwnMembers(ClassSymbol* cls);

  void declareStaticField(ClassSymbol* cls, FieldDecl& f);

  // Whether `cls` (not abstract) implements its interfaces' methods and overrides the abstract
  // methods it inherits. An abstract class leaves what it lacks to its subclasses.
  void checkInterfacesImplemented(ClassSymbol* cls);
  // The body an interface of `cls` gives method `name`, or null.
  static FunSymbol* defaultMethod(const ClassSymbol* cls, const std::string& name);
  // An abstract method of abstract class `cls` standing for an interface method it does not
  // implement, so that its subclasses override it.
  FunSymbol* abstractStandIn(ClassSymbol* cls, const FunSymbol* required);

  // ---- Scopes ----

  void pushScope();
  void popScope();

  // The function whose body is being checked (a lambda is one), or the module initialiser.
  const void* context() const;

  // A variable of an enclosing function used inside a lambda: it lives in a cell shared by
  // the function and every lambda between it and the use.
  void noteUse(VarSymbol* v);

  // `this` of the method being checked (also inside its lambdas), or null.
  VarSymbol* thisVariable();

  VarSymbol* declareLocal(const std::string& name, const Type* type, SourcePos pos, bool isLet);

  VarSymbol* lookupLocal(const std::string& name);

  // ---- Bodies ----

  void checkTopLevel();

  void checkGlobalDecl(Stmt& s);

  const Type* inferredType(ExprPtr& init, const Type* t, const std::string& name);

  void checkClassBodies(ClassSymbol* cls);

  void checkFunctionBody(FunSymbol* fn);

  static bool isSuperInitCall(const Stmt& s);

  // An init of a subclass starts by calling the superclass's init, explicitly or implicitly.
  void checkSuperInit(FunSymbol* fn);

  static bool containsBreak(const Stmt& s);

  // Whether control never reaches the end of `s` (it returns or throws on every path).
  static bool alwaysReturns(const Stmt& s);

  void checkBlock(Stmt& block);

  // Why an expression of type void cannot be used as a value.
  static std::string noValue(const Expr& e);

  void checkCondition(ExprPtr& e, const char* what);

  void checkStmt(Stmt& s);

  bool isErrorType(const Type* t);

  void checkTry(Stmt& s);

  void checkReturn(Stmt& s);

  // `for (x in obj)`: obj.iterator() gives an object with hasNext(): bool and next(): T.
  // Returns the element type, the error type for a malformed iterator (reported here), or
  // null when obj has no iterator() at all.
  const Type* iteratorProtocol(Stmt& s, const Type* t);

  void checkFor(Stmt& s);
  // `for ((k, v) in map)`: the body starts by declaring the parts of the element, of type
  // `element` (an Entry or an IndexedValue).
  void destructureLoopVariable(Stmt& s, const Type* element);

  // ---- Conversions ----

  // Checks that `e` (already checked) can be stored where `target` is expected, inserting an
  // int -> float widening when needed.
  bool coerce(ExprPtr& e, const Type* target, const std::string& what);

  void wrap(ExprPtr& e, ExprKind kind, const Type* type);

  // Wraps `e` so it yields a string (for `+` and interpolation).
  void toStringConversion(ExprPtr& e);

  // Whether the text of a value of type `t` is made by Nuri code in the prelude: an array with
  // objects in it, at any depth, whose `toString` methods must run as ordinary calls (no native
  // calls Nuri code). An object's own text is TO_STR_REF's business.
  static bool textNeedsMethods(const Type* t);

  // A checked call of the prelude's generic function `name` for the element type of args[0]
  // (an array), with `args` as its arguments.
  ExprPtr preludeArrayCall(const char* name, std::vector<ExprPtr> args);
  // A call of the prelude's generic function `name` with these type arguments.
  ExprPtr preludeCall(const char* name, std::vector<const Type*> typeArgs,
                      std::vector<ExprPtr> args);

  // ---- Expressions ----

  // Every expression's type is bounded here, so types inferred by doubling (`[a, a]`,
  // `Pair(a, a)`) are too.
  const Type* set(Expr& e, const Type* t);

  const Type* checkExpr(ExprPtr& ep);

  std::vector<const Type*> paramTypesOf(const FunSymbol* fn);

  // A lambda is checked as a function nested in the current one; the enclosing variables it
  // uses become its captures.
  // `expectedParams` and `expectedResult`: the function type it is passed as, where known
  // (they give parameters written without types, and `it`).
  const Type* checkLambda(Expr& e, const std::vector<const Type*>* expectedParams = nullptr,
                          const Type* expectedResult = nullptr);
  bool inferLambdaParams(FunDecl& d, FunSymbol* lambda, const std::vector<const Type*>* expected);
  // Whether `e` is a lambda that needs the type it is passed as (parameters without types).
  static bool needsExpectedType(const Expr& e);
  // `syntax` with the bound type parameters put in; null while it mentions an unbound one.
  // `classEnv`: the type parameters of the class of a generic method's receiver.
  const Type* resolveBound(const TypeSyntax& syntax, const std::vector<std::string>& typeParams,
                           const std::unordered_map<std::string, const Type*>& bound,
                           const TypeEnv* classEnv);

  // A call through a function value; the callee (e.a) has been checked.
  const Type* closureCall(Expr& e, const std::string& what);

  // Whether a value of static type `from` can have dynamic type `to` (so `is`/`as` make sense).
  static bool mayBe(const Type* from, const Type* to);

  const Type* checkTypeTest(Expr& e);

  static VarSymbol* findStaticField(ClassSymbol* cls, const std::string& name);
  static FunSymbol* findStaticMethod(ClassSymbol* cls, const std::string& name);

  // A Name naming a class (not shadowed by a variable): the receiver of a static access.
  // `Point` or `geometry.Point` in a position that names a class, e.g. before a static member.
  ClassSymbol* classNamed(const Expr& e);

  // Private members are visible inside the body of the class that declares them.
  bool canSeePrivate(const ClassSymbol* owner) const;
  // Protected members also inside its subclasses.
  bool canSeeProtected(const ClassSymbol* owner) const;

  const Type* checkName(Expr& e);

  const Type* checkUnary(Expr& e);

  // Types `a op b` for arithmetic, bitwise and comparison operators; used by Binary and by
  // compound assignment. Inserts conversions into a and b.
  const Type* binaryResult(Tok op, ExprPtr& a, ExprPtr& b, SourcePos pos);

  const Type* checkBinary(ExprPtr& ep);

  const Type* checkConditional(Expr& e);

  // The type of a value that is either an `a` or a `b` (the branches of `?:` or `when`), or
  // null when there is none.
  const Type* commonType(const Type* a, const Type* b);

  // Where a `when` is: a statement, a value, or the last statement of a lambda whose result type
  // is not known (a value if it can be one).
  enum class WhenUse { Statement, Value, LastOfLambda };
  // `expected`: the type wanted of a `when` used as a value, where known.
  const Type* checkWhen(Expr& e, WhenUse use, const Type* expected = nullptr);

  // `obj[k]` is `obj.at(k)`; `obj[k] = v` is `obj.put(k, v)`. ep is an Index (receiver
  // checked) or, for put, the Assign whose target is that Index; `value` the value to store.
  const Type* indexCall(ExprPtr& ep, const char* method, ExprPtr* value);

  // A side-effect free expression that may be evaluated twice (for `obj[k] += v`).
  static bool isSimple(const Expr& e);

  const Type* indexAssignment(ExprPtr& ep);

  const Type* checkAssign(Expr& e);

  void checkFieldWrite(Expr& target, FieldSymbol* field);

  const Type* checkArrayLiteral(Expr& e);

  // Checks `e` where a value of type `expected` is wanted: an empty `[]` takes that type.
  const Type* checkExpecting(ExprPtr& e, const Type* expected);

  const Type* checkNewArray(Expr& e);

  // ---- Members and calls ----

  // The native `receiver.member` of this kind. Natives may share a name with different numbers
  // of parameters (`indexOf(s)`, `indexOf(s, from)`): the one taking `params` (the receiver
  // included) when there is one, else the first.
  const NativeInfo* findNativeMember(const char* receiver, const std::string& member,
                                     NativeKind kind, int* index, size_t params = SIZE_MAX);
  // How many arguments (after `receiverCount` receivers) the natives named as `n` take, for a
  // message: "1", or "1 or 2" when several share its name.
  static std::string nativeArities(const NativeInfo& n, size_t receiverCount);

  static const char* receiverName(const Type* t);

  bool isNamespaceExpr(const Expr& e);

  const Type* checkMember(Expr& e);

  // The Nuri type of a native's parameter or result. The class library's pseudo-types (any
  // value, any array, any reference) have none: calls that use them are checked by hand.
  const Type* nativeType(const NativeType& t);

  // Checks the arguments of a call against parameter types.
  void checkArguments(Expr& call, const std::vector<const Type*>& params,
                      const std::string& calleeName, size_t firstArg = 0);

  // Checks a call of `fn`, filling in default values for missing trailing arguments.
  void checkCallArguments(Expr& call, const FunSymbol* fn, const std::string& calleeName,
                          size_t firstArg = 0);

  static std::vector<const Type*> paramTypes(const FunSymbol* fn);

  // A call that cannot be made: its arguments not checked yet are, for their own errors.
  const Type* uncheckedCall(Expr& e);

  const Type* checkCall(Expr& e);

  // hashOf(x) and compareOf(a, b) work on any type, so generic code can hash and order its
  // values: numbers, bools and strings by value; objects with `fun hash(): int` /
  // `fun compareTo(other: T): int` through those; other objects by identity (hash) or not at
  // all (compareOf raises ValueError).
  const Type* checkHashOrCompare(Expr& e, bool isHash);

  const Type* checkNamedCall(Expr& e);

  // Checks the arguments of a native; args[0..firstParam) are already the receiver.
  const Type* checkNativeArguments(Expr& e, const NativeInfo& n, const std::string& name,
                                   size_t receiverCount);

  // `super.init(...)` (first statement of init) or `super.method(...)`: calls the
  // superclass's version directly, without virtual dispatch.
  const Type* checkSuperCall(Expr& e);

  const Type* checkMethodCall(Expr& e);
};

} // namespace nuri::checking
