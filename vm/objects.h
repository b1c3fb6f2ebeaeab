// The object model. Every heap object starts with an 8-byte header: the stable index of its
// RuntimeType in its isolate's type table (IsolateState::typeTable), which says what kind of
// object it is, its size, and (for arrays, instances and cells) what its slots hold; and the
// object's identity hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vm/bytecode/module.h"

namespace nuri {

class IsolateState;

// One 8-byte VM slot: a register, a field, an array element or a global.
union Slot {
  int64_t i;
  double f;
  void* p;
  uint64_t bits;
};
static_assert(sizeof(Slot) == 8);

struct ClassInfo;
struct FunctionInfo;

// The stable index of a run-time type, which object headers hold. The built-in types have fixed
// small indices; type entry i of the program's module has kFirstProgramType + i, and a class
// whose type never appears in the module's table gets one after those (in class order). Index 0
// is no type: a header that holds it was never set.
enum : uint32_t {
  kNoType = 0,
  kStringType = 1,        // every string (IsolateState::stringType)
  kStringBuilderType = 2, // IsolateState::stringBuilderType
  kStringArrayType = 3,   // string[] made by the VM (split, main's arguments)
  kFirstProgramType = 4,
};

// The run-time descriptor of a type, made by the linker for each type entry of a module.
struct RuntimeType {
  TypeKind kind = TypeKind::Void;
  uint32_t index = kNoType;             // in the isolate's type table (see above)
  std::string name;                     // `int[]`, `Vec`
  const RuntimeType* element = nullptr; // arrays: the element type; cells: the variable's type
  const ClassInfo* cls = nullptr;       // classes
  const FunctionInfo* const* vtable = nullptr; // classes: cls->vtable, one load nearer for calls
  bool holdsReferences = false; // arrays: elements are references; cells: the value is
};

struct FieldInfo {
  std::string name;
  const RuntimeType* type;
  bool isPrivate;
  bool isLet;
};

// The methods a class uses to implement one interface (its "itable").
struct InterfaceTable {
  const ClassInfo* interface;
  std::vector<const FunctionInfo*> methods;
};

struct ClassInfo {
  std::string name;
  bool isInterface = false;
  bool isAbstract = false; // no object of it is made (its vtable may hold code-less methods)
  const ClassInfo* superclass = nullptr;
  const RuntimeType* type = nullptr; // the class's own RuntimeType
  uint32_t typeIndex = kNoType;      // type->index, for the headers of its instances
  std::vector<FieldInfo> fields;     // the whole layout, inherited fields first
  std::vector<const FunctionInfo*> vtable;
  std::vector<InterfaceTable> interfaces;       // all implemented interfaces, inherited too
  const FunctionInfo* toStringMethod = nullptr; // `fun toString(): string`, if declared
  bool isSubclassOf(const ClassInfo* other) const;
  const InterfaceTable* interfaceTable(const ClassInfo* iface) const;
  // Whether an object of this class is an instance of `type` (a class or an interface).
  bool isInstanceOf(const ClassInfo* type) const;
};

using LineTable = std::vector<LineEntry>;

// An exception handler, linked (see HandlerEntry).
struct RuntimeHandler {
  uint32_t start, end, target;
  const ClassInfo* catchClass; // null: any error
  uint32_t reg;
};

// A linked, runnable function.
struct FunctionInfo {
  std::string name;
  uint32_t index = 0;
  uint32_t paramCount = 0;
  uint32_t registerCount = 0;
  const RuntimeType* returnType = nullptr;
  const uint32_t* code = nullptr;
  uint32_t codeSize = 0;
  const LineTable* lines = nullptr;
  const RuntimeType* const* registerTypes = nullptr;
  const RuntimeHandler* handlers = nullptr;
  uint32_t handlerCount = 0;
  uint32_t lineAt(uint32_t pc) const;
};

// The first word of every object. Type and hash share one word so that small objects stay small:
// the collector rounds requests up (with its extra byte, 32 bytes become 48), and a two-field
// instance with this header takes 24 bytes.
struct ObjectHeader {
  uint32_t typeIndex; // the object's RuntimeType in its isolate's type table
  uint32_t hash;      // identity hash, 0 until first asked for (IsolateState::identityHash)
};
static_assert(sizeof(ObjectHeader) == 8);

// A header for a new object of `type`, with no identity hash yet.
inline ObjectHeader headerFor(const RuntimeType* type) { return ObjectHeader{type->index, 0}; }

struct StringObject {
  ObjectHeader header;
  uint32_t byteLength;
  uint32_t codePointLength;
  uint64_t hash; // 0 until computed
  char bytes[];  // UTF-8, followed by a NUL for convenience
  std::string_view view() const { return {bytes, byteLength}; }
  bool isAscii() const { return byteLength == codePointLength; }
};

struct ArrayObject {
  ObjectHeader header;
  int64_t length;
  Slot elements[];
};

struct InstanceObject {
  ObjectHeader header;
  Slot fields[];
};

// A variable shared between a function and the lambdas that capture it.
struct CellObject {
  ObjectHeader header;
  Slot value;
};

// A function value: the function and the cells of the variables it captured.
struct ClosureObject {
  ObjectHeader header;
  const FunctionInfo* function;
  uint64_t cellCount;
  CellObject* cells[];
};

struct StringBuilderObject {
  ObjectHeader header;
  char* buffer; // collected, pointer-free memory
  uint64_t length;
  uint64_t capacity;
  uint64_t codePoints;
};

// Whether a class has the layout the VM gives errors: no superclass, field 0 `message` and
// field 1 `trace`, both strings.
bool isErrorBaseLayout(const ClassInfo& cls);

// Whether an object whose type is `actual` is an instance of `type`: same or derived class,
// implemented interface, or for arrays and strings the same type.
bool isInstance(const RuntimeType* actual, const RuntimeType* type);

// The type index in an object's header.
inline uint32_t typeIndexOf(const void* object) {
  return static_cast<const ObjectHeader*>(object)->typeIndex;
}

// Limits on sizes the VM will create.
constexpr uint64_t kMaxStringBytes = 1ull << 31;
constexpr int64_t kMaxArrayLength = int64_t(1) << 32;

} // namespace nuri
