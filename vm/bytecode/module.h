// The in-memory form of a compiled Nuri program: what the compiler produces, what .nbc files hold
// (vm/bytecode/writer.cpp, reader.cpp) and what the linker turns into runnable code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/bytecode/native_signature.h"

namespace nuri {

constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

enum class TypeKind : uint8_t {
  Void = 0,
  Int = 1,
  Float = 2,
  Bool = 3,
  String = 4,
  StringBuilder = 5,
  Array = 6,    // `element` is the element type
  Class = 7,    // `classIndex` names the class
  Function = 8, // a function value: `params`, and `element` is the result type
  Cell = 9,     // a variable shared with lambdas: `element` is the variable's type
};
constexpr uint8_t kTypeKindCount = 10;

struct TypeEntry {
  TypeKind kind = TypeKind::Void;
  uint32_t element = kNoIndex;    // Array, Cell; Function: the result
  uint32_t classIndex = kNoIndex; // Class
  std::vector<uint32_t> params;   // Function
  bool operator==(const TypeEntry&) const = default;
};

inline bool isReferenceKind(TypeKind k) {
  return k == TypeKind::String || k == TypeKind::StringBuilder || k == TypeKind::Array ||
         k == TypeKind::Class || k == TypeKind::Function || k == TypeKind::Cell;
}

struct FieldEntry {
  std::string name;
  uint32_t type = 0;
  bool isPrivate = false;
  bool isLet = false;
  bool isPrivateSet = false; // written only by its class's functions
  bool isProtected = false;  // used only by its class's functions and its subclasses'
};

// The functions a class uses to implement one interface, in the interface's method order.
struct InterfaceImpl {
  uint32_t interfaceClass = 0;
  std::vector<uint32_t> functions;
};

struct ClassEntry {
  std::string name;
  bool isInterface = false;
  bool isAbstract = false; // a class that cannot be made: its vtable may hold abstract methods
  uint32_t superclass = kNoIndex;        // a class with a smaller index
  std::vector<FieldEntry> fields;        // own fields; the layout is the superclass's, then these
  std::vector<uint32_t> methods;         // function indices in vtable order (an interface: its
                                         // methods, abstract or with a default body)
  std::vector<InterfaceImpl> interfaces; // every interface implemented, inherited ones too
  uint32_t initializer = kNoIndex;       // function index of `init` (none for interfaces)
};

// Source line of the instructions from `pc` (word offset) until the next entry.
struct LineEntry {
  uint32_t pc;
  uint32_t line;
};

// An exception handler: an error thrown by an instruction in [start, end) whose class is
// `catchClass` or a subclass (any error when kNoIndex) is stored in `reg` and control goes to
// `target`. A function's handlers are searched in order, so inner ones come first.
struct HandlerEntry {
  uint32_t start = 0;
  uint32_t end = 0;
  uint32_t target = 0;
  uint32_t catchClass = kNoIndex;
  uint32_t reg = 0;
  bool operator==(const HandlerEntry&) const = default;
};

struct LocalName {
  std::string name;
  uint32_t reg;
};

struct FunctionEntry {
  std::string name; // as shown in stack traces: `main`, `Vec.length`, `<module>`
  uint32_t ownerClass = kNoIndex;
  uint32_t file = 0; // index into Module::files: where its lines are
  bool isPrivate = false;
  bool isProtected = false; // called only by its class's functions and its subclasses'
  bool isAbstract = false;  // a method of an interface or abstract class without code
  bool isStatic = false;    // a static method of ownerClass (no `this`)
  uint32_t paramCount = 0;  // including `this` for methods
  uint32_t returnType = 0;
  std::vector<uint32_t> registerTypes; // one per register; parameters first
  std::vector<uint32_t> code;
  std::vector<LineEntry> lines;
  std::vector<LocalName> locals;
  std::vector<HandlerEntry> handlers;
};

struct GlobalEntry {
  std::string name;
  uint32_t type = 0;
};

// A native function a module calls: one of the class library's (`module` empty, `name` its link
// name, as `string_length`) or a function of a host module (`app` and `add`). The linker binds
// it only to a native of the same signature.
struct NativeImport {
  std::string module;
  std::string name;
  NativeSignature signature;
  bool isHost() const { return !module.empty(); }
  // `string_length`, `app.add`
  std::string qualifiedName() const { return module.empty() ? name : module + "." + name; }
  bool operator==(const NativeImport&) const = default;
};

struct Module {
  std::string sourceFile;         // the program's own file
  std::vector<std::string> files; // every source file, as named in stack traces
  std::vector<TypeEntry> types;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  std::vector<GlobalEntry> globals;
  std::vector<ClassEntry> classes;
  std::vector<FunctionEntry> functions;
  std::vector<NativeImport> natives;
  uint32_t initFunction = kNoIndex; // top-level statements
  uint32_t mainFunction = kNoIndex; // `fun main`, if declared

  uint32_t lineAt(uint32_t function, uint32_t pc) const;
};

// The readable name of a type entry (`int`, `string[]`, `Vec`).
std::string typeName(const Module& module, uint32_t type);

// One field of a class's layout and the class that declares it.
struct LayoutSlot {
  const FieldEntry* field;
  uint32_t owner;
};
// The field layout of every class, by class index: its superclass's layout, then its own fields
// (what FLD operands index). A superclass that does not come before its class is ignored (the
// verifier rejects such modules). Empty when the layouts would hold more than
// nbc::kMaxLayoutFields fields in all (each repeats its superclass's, so a small file could ask
// for huge ones).
std::vector<std::vector<LayoutSlot>> classLayouts(const Module& module);

// A bound on the length of typeName(module, type), given `bounds` for the types it is made of
// (which come before it): the verifier bounds their sum by nbc::kMaxTypeNameBytes.
uint64_t typeNameBound(const Module& module, uint32_t type, const std::vector<uint64_t>& bounds);

} // namespace nuri
