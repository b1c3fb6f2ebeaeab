// The compiler's view of types and named things (variables, functions, classes, fields).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast.h"

namespace nuri {

enum class TypeTag : uint8_t {
  Error, // the type of an expression that already failed to check; accepted everywhere
  Void,
  Null,
  Int,
  Float,
  Bool,
  String,
  StringBuilder,
  Array,
  Class,
  Function, // `(A, B) -> R`: params and result
};

struct Type {
  TypeTag tag;
  const Type* element = nullptr;   // Array
  ClassSymbol* cls = nullptr;      // Class
  std::vector<const Type*> params; // Function
  const Type* result = nullptr;    // Function
  std::string name;
  // Its size, bounded by the checker: the types in its tree, itself included (type arguments
  // count), at most UINT32_MAX; and how deeply type arguments nest in it (`Box<Box<int>>`: 2).
  uint32_t parts = 1;
  uint32_t genericDepth = 0;
  bool isReference() const {
    return tag == TypeTag::String || tag == TypeTag::StringBuilder || tag == TypeTag::Array ||
           tag == TypeTag::Class || tag == TypeTag::Null || tag == TypeTag::Function;
  }
  bool isNumeric() const { return tag == TypeTag::Int || tag == TypeTag::Float; }
};

// Type parameters bound to types in one instance of a generic class or function.
using TypeEnv = std::unordered_map<std::string, const Type*>;

struct VarSymbol {
  std::string name;
  const Type* type = nullptr;
  SourcePos pos;
  bool isLet = false;
  bool isGlobal = false;
  bool isLoopVariable = false;
  bool captured = false; // used by a lambda: lives in a cell shared with the lambda
  // A `let` local, or a parameter its function never assigns: `x is T` narrows it to T where the
  // test holds (a smart cast).
  bool stable = false;
  bool isParam = false;
  const void* context = nullptr; // the function (or module) that declares it
  uint32_t index = 0;            // global index
};

struct FieldSymbol {
  std::string name;
  const Type* type = nullptr;
  SourcePos pos;
  bool isLet = false;
  bool isPrivate = false;
  bool isProtected = false;  // visible inside its class and the subclasses
  bool isPrivateSet = false; // assignable only inside its class
  uint32_t index = 0;
  ClassSymbol* owner = nullptr;
  FieldDecl* decl = nullptr;
};

struct HostFunctionDecl;

struct FunSymbol {
  std::string name;      // as written
  std::string traceName; // `main`, `Vec.length`
  SourcePos pos;
  std::vector<VarSymbol*> params;    // excluding `this`
  std::vector<const Expr*> defaults; // per parameter: its default value, or null
  const Type* returnType = nullptr;
  FunDecl* decl = nullptr;
  ClassSymbol* owner = nullptr;       // instance methods, init and interface methods
  ClassSymbol* staticOwner = nullptr; // static methods (called as `Owner.name`)
  VarSymbol* thisVar = nullptr;
  bool isPrivate = false;
  bool isProtected = false; // visible inside its class and the subclasses
  bool isInit = false;
  bool isAbstract = false; // a method of an interface or an abstract class without code
  bool isLambda = false;
  const TypeEnv* typeEnv = nullptr; // an instance of a generic function: its type arguments
  FunSymbol* enclosing = nullptr;   // lambdas: the function they are written in
  std::vector<VarSymbol*> captures; // lambdas: the enclosing variables they use
  bool callsSuperInit = false;      // init whose first statement is `super.init(...)`
  uint32_t index = 0;               // function index in the module
  // A host function: its declaration, and the module that declares it. Calls compile to
  // CALL_NATIVE; only one used as a value gets a function of its own (which calls the host).
  const HostFunctionDecl* host = nullptr;
  const std::string* hostModule = nullptr;
  bool usedAsValue = false;
  uint32_t vtableSlot = 0; // methods: slot in the class's vtable or the interface's table
};

struct ClassSymbol {
  std::string name;
  SourcePos pos;
  ClassDecl* decl = nullptr;
  const Type* type = nullptr;
  std::vector<FieldSymbol*> fields;
  std::unordered_map<std::string, FieldSymbol*> fieldsByName;
  std::vector<FunSymbol*> methods; // vtable order, inherited ones included
  std::unordered_map<std::string, FunSymbol*> methodsByName;
  FunSymbol* init = nullptr; // always present for classes (synthesised when not declared)
  uint32_t index = 0;
  bool isInterface = false;
  bool isAbstract = false; // `abstract class`: never constructed
  ClassSymbol* superclass = nullptr;
  std::vector<ClassSymbol*> interfaces;                     // declared with `implements`
  std::vector<ClassSymbol*> allInterfaces;                  // including those of superclasses
  std::unordered_map<std::string, VarSymbol*> staticFields; // globals named `Class.name`
  std::unordered_map<std::string, FunSymbol*> staticMethods;
  std::unordered_map<std::string, const FunDecl*> methodTemplates; // generic methods
  bool membersDeclared = false;
  bool interfacesCollected = false;
  const TypeEnv* typeEnv = nullptr;        // an instance of a generic class: its type arguments
  const ClassDecl* templateDecl = nullptr; // ... and the template it comes from
  std::vector<const Type*> typeArgs;

  bool isSubclassOf(const ClassSymbol* other) const {
    for (const ClassSymbol* c = this; c; c = c->superclass)
      if (c == other) return true;
    return false;
  }
  bool implements(const ClassSymbol* iface) const {
    for (const ClassSymbol* i : allInterfaces)
      if (i == iface) return true;
    return false;
  }
};

// Owns every type and symbol of one compilation.
class TypeTable {
public:
  TypeTable();
  const Type* error() const { return &error_; }
  const Type* voidType() const { return &void_; }
  const Type* null() const { return &null_; }
  const Type* intType() const { return &int_; }
  const Type* floatType() const { return &float_; }
  const Type* boolType() const { return &bool_; }
  const Type* string() const { return &string_; }
  const Type* stringBuilder() const { return &stringBuilder_; }
  const Type* arrayOf(const Type* element);
  const Type* functionOf(const std::vector<const Type*>& params, const Type* result);
  const Type* classType(ClassSymbol* cls);

  template <typename T> T* make() {
    auto owned = std::make_unique<T>();
    T* raw = owned.get();
    owners_.push_back(std::shared_ptr<void>(std::move(owned)));
    return raw;
  }

private:
  Type error_, void_, null_, int_, float_, bool_, string_, stringBuilder_;
  std::map<const Type*, std::unique_ptr<Type>> arrays_;
  std::map<std::vector<const Type*>, std::unique_ptr<Type>> functions_; // result last
  std::deque<std::unique_ptr<Type>> classes_;
  std::vector<std::shared_ptr<void>> owners_;
};

// Whether a value of type `from` may be stored where `to` is expected without conversion:
// identical types, null into a reference type, a class into its superclasses and interfaces.
bool assignable(const Type* to, const Type* from);

} // namespace nuri
