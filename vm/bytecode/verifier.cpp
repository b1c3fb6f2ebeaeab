#include "vm/bytecode/verifier.h"

#include <cstring>

#include "vm/bytecode/format.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

struct VerifyFailure {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw VerifyFailure{std::move(message)}; }

class Verifier {
public:
  explicit Verifier(const Module& m) : m_(m) {}

  // The function and offset being checked (for VerifyLocation).
  uint32_t functionIndex() const { return fn_ ? uint32_t(fn_ - m_.functions.data()) : kNoIndex; }
  uint32_t pc() const { return pc_; }

  void run() {
    checkTypes();
    for (size_t i = 0; i < m_.globals.size(); i++) {
      valueType(m_.globals[i].type, "global " + m_.globals[i].name);
    }
    checkFunctionHeaders();
    checkLayoutSizes();
    checkClasses();
    findErrorBase();
    checkNatives();
    if (m_.initFunction >= m_.functions.size()) fail("the module has no initialiser function");
    const FunctionEntry& init = m_.functions[m_.initFunction];
    if (init.paramCount != 0 || m_.types[init.returnType].kind != TypeKind::Void) {
      fail("function " + init.name +
           ": a module initialiser takes no parameters and returns "
           "nothing");
    }
    if (m_.mainFunction != kNoIndex) checkMain();
    for (size_t i = 0; i < m_.functions.size(); i++)
      checkFunction(uint32_t(i));
  }

private:
  const Module& m_;

  // ---- Tables ----

  void typeIndex(uint32_t t, const std::string& what) {
    if (t >= m_.types.size()) {
      fail(what + ": type index " + std::to_string(t) + " out of range (" +
           std::to_string(m_.types.size()) + " types)");
    }
  }
  void valueType(uint32_t t, const std::string& what) {
    typeIndex(t, what);
    if (m_.types[t].kind == TypeKind::Void) fail(what + ": has type void");
  }

  // Types are compared and named recursively, so each is kept small: no deep recursion, and no
  // exponential work on types like ((T, T) -> T, (T, T) -> T) -> ... that repeat a component.
  // The linker names every type (for messages), and a name repeats its class names: bound them.
  static constexpr uint32_t kMaxTypeParts = nbc::kMaxTypeParts;
  static constexpr uint64_t kMaxTypeNameBytes = nbc::kMaxTypeNameBytes;

  void checkTypes() {
    std::vector<uint32_t> parts(m_.types.size(), 1);  // the types in each type's tree
    std::vector<uint64_t> nameBytes(m_.types.size()); // a bound on each type's name length
    uint64_t allNames = 0;
    for (size_t i = 0; i < m_.types.size(); i++) {
      const TypeEntry& t = m_.types[i];
      if (t.kind == TypeKind::Array) {
        // Elements come first, which rules out cyclic array types.
        if (t.element >= i)
          fail("type " + std::to_string(i) +
               ": array element type must be "
               "defined before the array type");
        if (m_.types[t.element].kind == TypeKind::Void)
          fail("type " + std::to_string(i) + ": array of void");
      } else if (t.kind == TypeKind::Class) {
        if (t.classIndex >= m_.classes.size()) {
          fail("type " + std::to_string(i) + ": class index " + std::to_string(t.classIndex) +
               " out of range");
        }
      } else if (t.kind == TypeKind::Cell || t.kind == TypeKind::Function) {
        // Component types come first, which rules out cycles.
        bool ok = t.element < i &&
                  (t.kind == TypeKind::Function || m_.types[t.element].kind != TypeKind::Void);
        for (uint32_t p : t.params)
          ok = ok && p < i && m_.types[p].kind != TypeKind::Void;
        if (!ok) {
          fail("type " + std::to_string(i) +
               ": component types must be defined before it and "
               "not be void");
        }
      }
      if (t.kind == TypeKind::Array || t.kind == TypeKind::Cell || t.kind == TypeKind::Function) {
        uint64_t total = 1 + uint64_t(parts[t.element]);
        for (uint32_t p : t.params)
          total += parts[p];
        if (total > kMaxTypeParts) {
          fail("type " + std::to_string(i) + ": more than " + std::to_string(kMaxTypeParts) +
               " types nested in it");
        }
        parts[i] = uint32_t(total);
      }
      nameBytes[i] = typeNameBound(m_, uint32_t(i), nameBytes);
      allNames += nameBytes[i];
      if (allNames > kMaxTypeNameBytes) {
        fail("the names of the types are longer than " + std::to_string(kMaxTypeNameBytes) +
             " bytes in all");
      }
    }
  }

  // Each class's field layout and vtable repeat its superclass's, here and in the linker, so
  // their totals are bounded (nbc::kMaxLayoutFields, nbc::kMaxMethodTableEntries): a small file
  // cannot make the loader build huge layouts or check huge tables.
  void checkLayoutSizes() {
    std::vector<uint64_t> size(m_.classes.size());
    uint64_t total = 0, entries = 0;
    for (size_t i = 0; i < m_.classes.size(); i++) {
      const ClassEntry& c = m_.classes[i];
      size[i] = (c.superclass < i ? size[c.superclass] : 0) + c.fields.size();
      total += size[i];
      if (total > nbc::kMaxLayoutFields) {
        fail("classes: more than " + std::to_string(nbc::kMaxLayoutFields) +
             " fields in all, counting inherited ones");
      }
      entries += c.methods.size();
      for (const InterfaceImpl& impl : c.interfaces)
        entries += 1 + impl.functions.size();
      if (entries > nbc::kMaxMethodTableEntries) {
        fail("classes: more than " + std::to_string(nbc::kMaxMethodTableEntries) +
             " entries in their method tables in all, counting inherited methods");
      }
    }
  }

  bool sameType(uint32_t a, uint32_t b) const {
    if (a == b) return true;
    const TypeEntry& x = m_.types[a];
    const TypeEntry& y = m_.types[b];
    if (x.kind != y.kind) return false;
    if (x.kind == TypeKind::Array || x.kind == TypeKind::Cell)
      return sameType(x.element, y.element);
    if (x.kind == TypeKind::Function) {
      if (x.params.size() != y.params.size() || !sameType(x.element, y.element)) return false;
      for (size_t i = 0; i < x.params.size(); i++)
        if (!sameType(x.params[i], y.params[i])) return false;
    }
    if (x.kind == TypeKind::Class) return x.classIndex == y.classIndex;
    return true;
  }

  std::string typeText(uint32_t t) const { return typeName(m_, t); }

  // A value of type `type` is written into r.
  void expectLoad(uint32_t r, uint32_t type, const std::string& role) {
    if (!assignable(reg(r), type)) {
      std::string message = role + " has type " + typeText(type); // in steps: GCC 12 -Wrestrict
      message += " but r" + std::to_string(r) + " has type " + typeText(reg(r));
      failAt(message);
    }
  }

  bool isAncestorOrSelf(uint32_t ancestor, uint32_t cls) const {
    for (uint32_t c = cls; c != kNoIndex; c = m_.classes[c].superclass)
      if (c == ancestor) return true;
    return false;
  }

  bool implementsInterface(uint32_t cls, uint32_t iface) const {
    for (const InterfaceImpl& impl : m_.classes[cls].interfaces)
      if (impl.interfaceClass == iface) return true;
    return false;
  }

  // Whether a value of type `from` may be stored where `to` is expected.
  bool assignable(uint32_t to, uint32_t from) const {
    if (sameType(to, from)) return true;
    const TypeEntry& t = m_.types[to];
    const TypeEntry& f = m_.types[from];
    if (t.kind != TypeKind::Class || f.kind != TypeKind::Class) return false;
    const ClassEntry& target = m_.classes[t.classIndex];
    if (m_.classes[f.classIndex].isInterface) return false;
    return target.isInterface ? implementsInterface(f.classIndex, t.classIndex)
                              : isAncestorOrSelf(t.classIndex, f.classIndex);
  }

  std::vector<std::vector<LayoutSlot>> layouts_; // classLayouts(), once the sizes are checked

  // Checks what the code of every function relies on: owner, parameters, register types.
  void checkFunctionHeaders() {
    for (const FunctionEntry& f : m_.functions) {
      std::string what = "function " + f.name;
      if (f.ownerClass != kNoIndex && f.ownerClass >= m_.classes.size()) {
        fail(what + ": owner class index out of range");
      }
      typeIndex(f.returnType, what + " result");
      if (f.file >= std::max<size_t>(m_.files.size(), 1)) fail(what + ": file index out of range");
      if (f.paramCount > nbc::kMaxParams) {
        fail(what + ": " + std::to_string(f.paramCount) + " parameters (limit " +
             std::to_string(nbc::kMaxParams) + ")");
      }
      if (f.paramCount > f.registerTypes.size()) {
        fail(what + ": " + std::to_string(f.paramCount) + " parameters but " +
             std::to_string(f.registerTypes.size()) + " registers");
      }
      for (uint32_t t : f.registerTypes)
        valueType(t, what + " register");
      bool isMethod = f.ownerClass != kNoIndex && !f.isStatic;
      if (isMethod) {
        const TypeEntry& self = f.paramCount ? m_.types[f.registerTypes[0]] : TypeEntry{};
        if (f.paramCount == 0 || self.kind != TypeKind::Class || self.classIndex != f.ownerClass) {
          fail(what + ": a method's first parameter must be its class");
        }
      }
      if (f.isStatic && f.ownerClass == kNoIndex) fail(what + ": a static method needs a class");
      if (f.isProtected && f.ownerClass == kNoIndex) {
        fail(what + ": a protected function needs a class");
      }
      if (f.isAbstract) {
        if (!f.code.empty() || !isMethod ||
            !(m_.classes[f.ownerClass].isInterface || m_.classes[f.ownerClass].isAbstract)) {
          fail(what + ": only methods of interfaces and abstract classes are abstract, and they "
                      "have no code");
        }
      } else if (f.code.empty()) {
        fail(what + ": has no code");
      }
    }
  }

  // Same parameters (after `this`) and result.
  bool sameSignature(const FunctionEntry& a, const FunctionEntry& b) const {
    if (a.paramCount != b.paramCount || !sameType(a.returnType, b.returnType)) return false;
    for (uint32_t i = 1; i < a.paramCount; i++)
      if (!sameType(a.registerTypes[i], b.registerTypes[i])) return false;
    return true;
  }

  const FunctionEntry& function(uint32_t index, const std::string& what) {
    if (index >= m_.functions.size()) fail(what + ": function index out of range");
    return m_.functions[index];
  }

  void checkClasses() {
    layouts_ = classLayouts(m_);
    // Interfaces first: a class may come before the interfaces it implements, and its methods
    // are compared with theirs.
    for (size_t i = 0; i < m_.classes.size(); i++) {
      const ClassEntry& c = m_.classes[i];
      if (!c.isInterface) continue;
      std::string what = "interface " + c.name;
      if (c.superclass != kNoIndex || !c.fields.empty() || !c.interfaces.empty() ||
          c.initializer != kNoIndex) {
        fail(what + ": an interface has no fields, superclass, interfaces or initialiser");
      }
      // Its methods are abstract or have a default body.
      for (uint32_t fn : c.methods) {
        const FunctionEntry& f = function(fn, what);
        if (f.ownerClass != i) fail(what + ": method " + f.name + " is foreign");
        if (f.isPrivate || f.isProtected || f.isStatic) {
          fail(what + ": method " + f.name + " is private, protected or static");
        }
      }
    }
    for (size_t i = 0; i < m_.classes.size(); i++) {
      const ClassEntry& c = m_.classes[i];
      if (c.isInterface) continue;
      std::string what = "class " + c.name;
      const ClassEntry* parent = nullptr;
      if (c.superclass != kNoIndex) {
        // A superclass comes first, which rules out inheritance cycles.
        if (c.superclass >= i) fail(what + ": its superclass must be defined before it");
        parent = &m_.classes[c.superclass];
        if (parent->isInterface) fail(what + ": extends interface " + parent->name);
      }
      for (const FieldEntry& f : c.fields)
        valueType(f.type, what + ", field " + f.name);
      if (parent && c.methods.size() < parent->methods.size()) {
        fail(what + ": its vtable is shorter than its superclass's");
      }
      for (size_t slot = 0; slot < c.methods.size(); slot++) {
        const FunctionEntry& f = function(c.methods[slot], what);
        if (f.isStatic || f.ownerClass == kNoIndex ||
            !isAncestorOrSelf(f.ownerClass, uint32_t(i))) {
          fail(what + ": method " + f.name + " belongs to another class");
        }
        // No object of an abstract class is made, so its abstract methods are never called.
        if (f.isAbstract && !c.isAbstract) {
          fail(what + ": leaves abstract method " + f.name + " without a body");
        }
        if (parent && slot < parent->methods.size() &&
            !sameSignature(f, m_.functions[parent->methods[slot]])) {
          fail(what + ": method " + f.name + " overrides " +
               m_.functions[parent->methods[slot]].name + " with a different signature");
        }
      }
      for (const InterfaceImpl& impl : c.interfaces) {
        if (impl.interfaceClass >= m_.classes.size() ||
            !m_.classes[impl.interfaceClass].isInterface) {
          fail(what + ": implements something that is not an interface");
        }
        const ClassEntry& iface = m_.classes[impl.interfaceClass];
        if (impl.functions.size() != iface.methods.size()) {
          fail(what + ": implements " + iface.name + " with the wrong number of methods");
        }
        for (size_t k = 0; k < impl.functions.size(); k++) {
          // A method of the class or an ancestor, or the interface's own (a default body).
          const FunctionEntry& f = function(impl.functions[k], what);
          if (f.isStatic || f.ownerClass == kNoIndex ||
              (f.ownerClass != impl.interfaceClass &&
               !isAncestorOrSelf(f.ownerClass, uint32_t(i)))) {
            fail(what + ": implements " + iface.name + " with a foreign method " + f.name);
          }
          if (f.isAbstract && !c.isAbstract) {
            fail(what + ": implements " + iface.name + " with abstract method " + f.name +
                 ", which has no body");
          }
          if (!sameSignature(f, m_.functions[iface.methods[k]])) {
            fail(what + ": method " + f.name + " does not match " +
                 m_.functions[iface.methods[k]].name);
          }
        }
      }
      if (parent) {
        for (const InterfaceImpl& inherited : parent->interfaces) {
          if (!implementsInterface(uint32_t(i), inherited.interfaceClass)) {
            fail(what + ": must list the interfaces of its superclass");
          }
        }
      }
      const FunctionEntry& init = function(c.initializer, what + " initialiser");
      if (init.ownerClass != i || init.isStatic || init.isAbstract ||
          m_.types[init.returnType].kind != TypeKind::Void) {
        fail(what + ": missing or foreign initialiser");
      }
    }
  }

  // The class errors must extend: `Error`, with a string `message` and `trace` as its first
  // fields (the VM writes them). Without it nothing can be thrown or caught.
  uint32_t errorBase_ = kNoIndex;
  void findErrorBase() {
    for (size_t i = 0; i < m_.classes.size(); i++) {
      const ClassEntry& c = m_.classes[i];
      if (c.name == "Error" && !c.isInterface && c.superclass == kNoIndex && c.fields.size() >= 2 &&
          c.fields[0].name == "message" && m_.types[c.fields[0].type].kind == TypeKind::String &&
          c.fields[1].name == "trace" && m_.types[c.fields[1].type].kind == TypeKind::String) {
        errorBase_ = uint32_t(i);
      }
    }
  }
  bool isErrorClass(uint32_t cls) const {
    return errorBase_ != kNoIndex && !m_.classes[cls].isInterface &&
           isAncestorOrSelf(errorBase_, cls);
  }

  void checkHandlers(const FunctionEntry& f, const std::vector<bool>& starts) {
    for (const HandlerEntry& h : f.handlers) {
      pc_ = h.target;
      opName_ = "";
      std::string what = "function " + f.name + ", exception handler";
      if (h.start >= h.end || h.end > f.code.size() || !starts[h.start] ||
          (h.end < f.code.size() && !starts[h.end])) {
        fail(what + ": bad range " + std::to_string(h.start) + ".." + std::to_string(h.end));
      }
      if (h.target >= f.code.size() || !starts[h.target]) {
        fail(what + ": target " + std::to_string(h.target) + " is not an instruction start");
      }
      // Handlers jump forward, so every loop still passes a backward branch or a call, where
      // the isolate's limits (fuel, time) are checked.
      if (h.target < h.end) {
        fail(what + ": target " + std::to_string(h.target) + " is not after its range " +
             std::to_string(h.start) + ".." + std::to_string(h.end));
      }
      if (h.catchClass != kNoIndex && h.catchClass >= m_.classes.size()) {
        fail(what + ": caught class index " + std::to_string(h.catchClass) + " out of range");
      }
      uint32_t caught = h.catchClass == kNoIndex ? errorBase_ : h.catchClass;
      if (caught == kNoIndex || caught >= m_.classes.size() || !isErrorClass(caught)) {
        fail(what + ": catches something that is not an Error");
      }
      if (h.reg >= f.registerTypes.size()) fail(what + ": register out of range");
      const TypeEntry& t = m_.types[f.registerTypes[h.reg]];
      if (t.kind != TypeKind::Class ||
          !(m_.classes[t.classIndex].isInterface ? implementsInterface(caught, t.classIndex)
                                                 : isAncestorOrSelf(t.classIndex, caught))) {
        fail(what + ": r" + std::to_string(h.reg) + " cannot hold a " + m_.classes[caught].name);
      }
    }
  }

  void checkMain() {
    if (m_.mainFunction >= m_.functions.size()) fail("main function index out of range");
    const FunctionEntry& f = m_.functions[m_.mainFunction];
    if (f.ownerClass != kNoIndex) fail("main must be a top-level function");
    TypeKind r = m_.types[f.returnType].kind;
    bool resultOk = r == TypeKind::Void || r == TypeKind::Int;
    bool paramsOk = f.paramCount == 0;
    if (f.paramCount == 1 && !f.registerTypes.empty()) {
      const TypeEntry& t = m_.types[f.registerTypes[0]];
      paramsOk = t.kind == TypeKind::Array && m_.types[t.element].kind == TypeKind::String;
    }
    if (!resultOk || !paramsOk)
      fail("function main: must take no parameters or a string[] "
           "and return nothing or an int");
  }

  // ---- Code ----

  const FunctionEntry* fn_ = nullptr;
  uint32_t pc_ = 0;
  const char* opName_ = "";

  [[noreturn]] void failAt(const std::string& reason) {
    std::string where = "function " + fn_->name + ", pc " + std::to_string(pc_) + ": ";
    fail(where + (*opName_ ? std::string(opName_) + " " : "") + reason);
  }

  uint32_t reg(uint32_t r) {
    if (r >= fn_->registerTypes.size()) {
      failAt("uses r" + std::to_string(r) + " but the function has " +
             std::to_string(fn_->registerTypes.size()) + " registers");
    }
    return fn_->registerTypes[r];
  }
  TypeKind kindOfReg(uint32_t r) { return m_.types[reg(r)].kind; }

  void expectKind(uint32_t r, TypeKind kind, const char* what) {
    if (kindOfReg(r) != kind) {
      failAt("reads r" + std::to_string(r) + " of type " + typeText(reg(r)) + " (needs " + what +
             ")");
    }
  }

  // A value read from r is stored where `type` is expected (argument, field, global, result).
  void expectStore(uint32_t r, uint32_t type, const std::string& role) {
    if (!assignable(type, reg(r))) {
      std::string message = "r" + std::to_string(r); // built in steps: GCC 12 -Wrestrict
      message += " has type " + typeText(reg(r)) + " but " + role + " has type " + typeText(type);
      failAt(message);
    }
  }

  void checkOperand(OperandKind kind, uint32_t v, const uint32_t* operands, size_t index) {
    switch (kind) {
    case OperandKind::NONE: break;
    case OperandKind::RI: expectKind(v, TypeKind::Int, "an int"); break;
    case OperandKind::RF: expectKind(v, TypeKind::Float, "a float"); break;
    case OperandKind::RB: expectKind(v, TypeKind::Bool, "a bool"); break;
    case OperandKind::RS: expectKind(v, TypeKind::String, "a string"); break;
    case OperandKind::RSB: expectKind(v, TypeKind::StringBuilder, "a StringBuilder"); break;
    case OperandKind::RA: expectKind(v, TypeKind::Array, "an array"); break;
    case OperandKind::RO: expectKind(v, TypeKind::Class, "an object"); break;
    case OperandKind::RR:
      if (!isReferenceKind(kindOfReg(v))) {
        failAt("reads r" + std::to_string(v) + " of type " + typeText(reg(v)) +
               " (needs a reference)");
      }
      break;
    case OperandKind::RV: reg(v); break;
    case OperandKind::RC: expectKind(v, TypeKind::Cell, "a cell"); break;
    case OperandKind::RFN: expectKind(v, TypeKind::Function, "a function"); break;
    case OperandKind::IMM: break;
    case OperandKind::JMP: {
      int64_t target = int64_t(pc_) + int32_t(v);
      if (target < 0 || target >= int64_t(fn_->code.size())) {
        failAt("jumps to " + std::to_string(target) + ", outside the function");
      }
      targets_.push_back(uint32_t(target));
      break;
    }
    case OperandKind::KI: bound(v, m_.ints.size(), "int constant"); break;
    case OperandKind::KF: bound(v, m_.floats.size(), "float constant"); break;
    case OperandKind::KS: bound(v, m_.strings.size(), "string constant"); break;
    case OperandKind::FN: bound(v, m_.functions.size(), "function"); break;
    case OperandKind::NAT: bound(v, m_.natives.size(), "native"); break;
    case OperandKind::GLB: bound(v, m_.globals.size(), "global"); break;
    case OperandKind::TY: bound(v, m_.types.size(), "type"); break;
    case OperandKind::FLD: {
      uint32_t cls = m_.types[reg(operands[index - 1])].classIndex;
      const auto& layout = layouts_[cls];
      bound(v, layout.size(), "field of class " + m_.classes[cls].name);
      const LayoutSlot& f = layout[v];
      if (f.field->isPrivate && fn_->ownerClass != f.owner) {
        failAt("accesses private field " + m_.classes[f.owner].name + "." + f.field->name +
               " from outside its class");
      }
      if (f.field->isProtected && !insideSubclassOf(f.owner)) {
        const std::string& owner = m_.classes[f.owner].name;
        failAt("accesses protected field " + owner + "." + f.field->name + " from outside " +
               owner + " and its subclasses");
      }
      break;
    }
    case OperandKind::VT: break; // checked with the call
    case OperandKind::ARGS: break;
    }
  }

  void bound(uint32_t v, size_t size, const std::string& what) {
    if (v >= size) {
      failAt("refers to " + what + " " + std::to_string(v) + " but only " + std::to_string(size) +
             " exist");
    }
  }

  std::vector<uint32_t> targets_;

  // Whether the function being checked may use a protected member of class `owner`: it belongs
  // to `owner` or a subclass (a lambda belongs to its method's class).
  bool insideSubclassOf(uint32_t owner) const {
    return fn_->ownerClass != kNoIndex && isAncestorOrSelf(owner, fn_->ownerClass);
  }

  void checkCallTarget(uint32_t dst, uint32_t callee, const uint32_t* args, uint32_t argc) {
    const FunctionEntry& f = m_.functions[callee];
    if (argc != f.paramCount) {
      failAt("passes " + std::to_string(argc) + " arguments to " + f.name + ", which takes " +
             std::to_string(f.paramCount));
    }
    if (f.registerTypes.size() < f.paramCount) failAt("calls a malformed function " + f.name);
    for (uint32_t i = 0; i < argc; i++) {
      if (f.registerTypes[i] >= m_.types.size()) failAt("calls a malformed function " + f.name);
      expectStore(args[i], f.registerTypes[i], "parameter " + std::to_string(i) + " of " + f.name);
    }
    if (f.returnType >= m_.types.size()) failAt("calls a malformed function " + f.name);
    if (m_.types[f.returnType].kind != TypeKind::Void) {
      expectLoad(dst, f.returnType, "the result of " + f.name);
    }
    if (f.isPrivate && f.ownerClass != fn_->ownerClass) {
      failAt("calls private method " + f.name + " from outside its class");
    }
    if (f.isProtected && !insideSubclassOf(f.ownerClass)) {
      failAt("calls protected method " + f.name + " from outside " + m_.classes[f.ownerClass].name +
             " and its subclasses");
    }
  }

  // Whether the run-time test of CAST (vm/objects.cpp, isInstance) tells type t exactly.
  bool checkableAtRunTime(uint32_t t) const {
    const TypeEntry& e = m_.types[t];
    if (e.kind == TypeKind::Function || e.kind == TypeKind::Cell) return false;
    return e.kind != TypeKind::Array || checkableAtRunTime(e.element);
  }

  // Whether the text of type t may need a `toString` method: an array with objects in it, at any
  // depth. Natives never call Nuri code, so such text is made by prelude code, and TO_STR_REF
  // and the natives that make text refuse these types.
  bool textNeedsMethods(uint32_t type) const {
    if (m_.types[type].kind != TypeKind::Array) return false;
    while (m_.types[type].kind == TypeKind::Array)
      type = m_.types[type].element;
    return m_.types[type].kind == TypeKind::Class;
  }

  // Whether a register of type `type` may be passed as (or receive) a native's `param`.
  bool nativeTypeMatches(const NativeType& param, uint32_t type) {
    const TypeEntry& t = m_.types[type];
    switch (param.code) {
    case 'I': return t.kind == TypeKind::Int;
    case 'F': return t.kind == TypeKind::Float;
    case 'B': return t.kind == TypeKind::Bool;
    case 'S':
    case 's':
    case 'X': return t.kind == TypeKind::String;
    case 'T': return t.kind == TypeKind::StringBuilder;
    case 'A': return t.kind == TypeKind::Array;
    case 'P': return t.kind == TypeKind::Array && !textNeedsMethods(type);
    case 'R': return isReferenceKind(t.kind);
    case '[': {
      for (uint8_t i = 0; i < param.depth; i++) {
        if (m_.types[type].kind != TypeKind::Array) return false;
        type = m_.types[type].element;
      }
      return nativeTypeMatches(NativeType{param.element == 's' ? 's' : param.element}, type);
    }
    default: return false;
    }
  }

  // What the linker binds natives by: a name (and a module name for host functions) that can
  // appear in messages.
  void checkNatives() {
    for (size_t i = 0; i < m_.natives.size(); i++) {
      const NativeImport& n = m_.natives[i];
      if (n.name.empty()) fail("native " + std::to_string(i) + " has no name");
      if (n.isHost() &&
          (n.module.find('.') != std::string::npos || n.name.find('.') != std::string::npos)) {
        fail("native " + std::to_string(i) + " (" + n.qualifiedName() +
             ") names a host function with a dotted module or function name");
      }
    }
  }

  void checkInstruction(const uint32_t* code, uint32_t length) {
    Opcode op = Opcode(code[0]);
    const OpcodeInfo& info = opcodeInfo(op);
    opName_ = info.name;
    const uint32_t* operands = code + 1;
    for (size_t i = 0; i < 4; i++) {
      if (info.operands[i] == OperandKind::NONE) break; // past the instruction's last operand
      // A call's destination is checked against the callee's result (void calls ignore it).
      if (i == 0 && (info.flags & F_CALL) && op != Opcode::TO_STR_REF) continue;
      if (info.operands[i] == OperandKind::ARGS) {
        for (uint32_t a = 0; a < operands[i]; a++)
          reg(operands[i + 1 + a]);
        break;
      }
      checkOperand(info.operands[i], operands[i], operands, i);
    }
    const uint32_t* o = operands;
    auto regType = [&](uint32_t r) { return reg(r); };
    switch (op) {
    case Opcode::MOVE: expectStore(o[1], regType(o[0]), "the destination"); break;
    case Opcode::GET_GLOBAL: expectLoad(o[0], m_.globals[o[1]].type, "the global"); break;
    case Opcode::SET_GLOBAL: expectStore(o[1], m_.globals[o[0]].type, "the global"); break;
    case Opcode::NEW_OBJECT:
      if (m_.types[o[1]].kind != TypeKind::Class ||
          m_.classes[m_.types[o[1]].classIndex].isInterface) {
        failAt("needs a class type");
      }
      if (m_.classes[m_.types[o[1]].classIndex].isAbstract) {
        failAt("cannot make an object of abstract class " +
               m_.classes[m_.types[o[1]].classIndex].name);
      }
      expectLoad(o[0], o[1], "the new object");
      break;
    case Opcode::GET_FIELD: {
      const FieldEntry& f = *layouts_[m_.types[regType(o[1])].classIndex][o[2]].field;
      expectLoad(o[0], f.type, "field " + f.name);
      break;
    }
    case Opcode::SET_FIELD: {
      const LayoutSlot& slot = layouts_[m_.types[regType(o[0])].classIndex][o[1]];
      const FieldEntry& f = *slot.field;
      if (f.isPrivateSet && fn_->ownerClass != slot.owner) {
        failAt("writes field " + f.name + ", which only its class may change");
      }
      expectStore(o[2], f.type, "field " + f.name);
      break;
    }
    case Opcode::CELL_GET: expectLoad(o[0], m_.types[regType(o[1])].element, "the cell"); break;
    case Opcode::CELL_SET: expectStore(o[1], m_.types[regType(o[0])].element, "the cell"); break;
    case Opcode::NEW_CLOSURE: {
      const FunctionEntry& f = m_.functions[o[1]];
      uint32_t cells = o[2];
      if (f.isAbstract || cells > f.paramCount) failAt("cannot make a closure of " + f.name);
      if (f.isPrivate && f.ownerClass != fn_->ownerClass) {
        failAt("makes a closure of private method " + f.name + " from outside its class");
      }
      if (f.isProtected && !insideSubclassOf(f.ownerClass)) {
        failAt("makes a closure of protected method " + f.name + " from outside " +
               m_.classes[f.ownerClass].name + " and its subclasses");
      }
      for (uint32_t i = 0; i < cells; i++) {
        if (m_.types[f.registerTypes[i]].kind != TypeKind::Cell) {
          failAt("passes a cell to parameter " + std::to_string(i) + " of " + f.name +
                 ", which is not a cell");
        }
        expectStore(o[3 + i], f.registerTypes[i],
                    "parameter " + std::to_string(i) + " of " + f.name);
      }
      const TypeEntry& t = m_.types[regType(o[0])];
      bool matches = t.params.size() == f.paramCount - cells && sameType(t.element, f.returnType);
      for (size_t i = 0; matches && i < t.params.size(); i++)
        matches = sameType(t.params[i], f.registerTypes[cells + i]);
      if (!matches)
        failAt("r" + std::to_string(o[0]) + " of type " + typeText(regType(o[0])) +
               " cannot hold " + f.name);
      break;
    }
    case Opcode::CALL_CLOSURE: {
      const TypeEntry& t = m_.types[regType(o[1])];
      uint32_t argc = o[2];
      if (argc != t.params.size()) {
        failAt("passes " + std::to_string(argc) + " arguments to a function of type " +
               typeText(regType(o[1])));
      }
      for (uint32_t i = 0; i < argc; i++)
        expectStore(o[3 + i], t.params[i], "parameter " + std::to_string(i));
      if (m_.types[t.element].kind != TypeKind::Void) expectLoad(o[0], t.element, "the result");
      break;
    }
    case Opcode::THROW:
      if (!isErrorClass(m_.types[regType(o[0])].classIndex)) {
        failAt("throws r" + std::to_string(o[0]) + " of type " + typeText(regType(o[0])) +
               ", which is not an Error");
      }
      break;
    case Opcode::INSTANCE_OF:
    case Opcode::CAST:
      if (!isReferenceKind(m_.types[o[2]].kind)) failAt("tests for a type that is not a reference");
      if (op == Opcode::CAST) {
        // At run time a function or cell value knows only its kind, not its exact type.
        if (!checkableAtRunTime(o[2]) && !assignable(o[2], regType(o[1]))) {
          failAt("cannot check for type " + typeText(o[2]) + " at run time");
        }
        expectLoad(o[0], o[2], "the cast's type");
      }
      break;
    case Opcode::NEW_ARRAY_MULTI: {
      uint32_t argc = o[1];
      if (argc < 2) failAt("needs at least two dimensions");
      uint32_t t = regType(o[0]);
      for (uint32_t i = 0; i < argc; i++) {
        expectKind(o[2 + i], TypeKind::Int, "an int length");
        if (m_.types[t].kind != TypeKind::Array) failAt("has more dimensions than its type");
        t = m_.types[t].element;
      }
      break;
    }
    case Opcode::ARRAY_GET:
      expectLoad(o[0], m_.types[regType(o[1])].element, "the array element");
      break;
    case Opcode::ARRAY_SET:
      expectStore(o[2], m_.types[regType(o[0])].element, "the array element");
      break;
    case Opcode::ARRAY_COPY: expectStore(o[1], regType(o[0]), "the destination"); break;
    case Opcode::CALL:
      if (m_.functions[o[1]].isAbstract) failAt("calls abstract method " + m_.functions[o[1]].name);
      checkCallTarget(o[0], o[1], o + 3, o[2]);
      break;
    case Opcode::CALL_VIRTUAL:
    case Opcode::CALL_INTERFACE: {
      uint32_t argc = o[2];
      if (argc < 1) failAt("needs a receiver");
      expectKind(o[3], TypeKind::Class, "an object receiver");
      const ClassEntry& c = m_.classes[m_.types[regType(o[3])].classIndex];
      if (c.isInterface != (op == Opcode::CALL_INTERFACE)) {
        failAt(c.isInterface ? "calls through interface " + c.name + " (use CALL_INTERFACE)"
                             : "needs an interface receiver, not class " + c.name);
      }
      bound(o[1], c.methods.size(), "method of " + c.name);
      checkCallTarget(o[0], c.methods[o[1]], o + 3, argc);
      break;
    }
    case Opcode::CALL_NATIVE: {
      const NativeImport& n = m_.natives[o[1]];
      const NativeSignature& sig = n.signature;
      std::string name = n.qualifiedName();
      uint32_t argc = o[2];
      if (argc != sig.params.size()) {
        failAt("passes " + std::to_string(argc) + " arguments to native " + name +
               ", which takes " + std::to_string(sig.params.size()));
      }
      for (uint32_t i = 0; i < argc; i++) {
        if (!nativeTypeMatches(sig.params[i], regType(o[3 + i]))) {
          failAt("passes r" + std::to_string(o[3 + i]) + " of type " + typeText(regType(o[3 + i])) +
                 " as argument " + std::to_string(i) + " of native " + name);
        }
      }
      if (sig.result.code != 'V' && !nativeTypeMatches(sig.result, regType(o[0]))) {
        failAt("stores the result of native " + name + " in r" + std::to_string(o[0]) +
               " of type " + typeText(regType(o[0])));
      }
      break;
    }
    case Opcode::TO_STR_REF:
      if (textNeedsMethods(regType(o[1]))) {
        failAt("converts r" + std::to_string(o[1]) + " of type " + typeText(regType(o[1])) +
               " to text, which needs the elements' toString methods");
      }
      break;
    case Opcode::RETURN:
      if (m_.types[fn_->returnType].kind == TypeKind::Void)
        failAt("returns a value from a void "
               "function");
      expectStore(o[0], fn_->returnType, "the function's result");
      break;
    case Opcode::RETURN_VOID:
      if (m_.types[fn_->returnType].kind != TypeKind::Void) {
        failAt("returns nothing from a function that returns " + typeText(fn_->returnType));
      }
      break;
    // Every operand of these is a register of a fixed kind, a constant, an immediate or a
    // branch, which checkOperand has checked. No `default`: a new opcode must be added here or
    // above (the compiler warns about a missing case).
    case Opcode::NOP:
    case Opcode::LOAD_INT:
    case Opcode::LOAD_KINT:
    case Opcode::LOAD_KFLOAT:
    case Opcode::LOAD_KSTR:
    case Opcode::LOAD_BOOL:
    case Opcode::LOAD_NULL:
    case Opcode::ADD_INT:
    case Opcode::SUB_INT:
    case Opcode::MUL_INT:
    case Opcode::DIV_INT:
    case Opcode::MOD_INT:
    case Opcode::AND_INT:
    case Opcode::OR_INT:
    case Opcode::XOR_INT:
    case Opcode::SHL_INT:
    case Opcode::SHR_INT:
    case Opcode::USHR_INT:
    case Opcode::ADD_INT_IMM:
    case Opcode::MUL_INT_IMM:
    case Opcode::DIV_INT_IMM:
    case Opcode::MOD_INT_IMM:
    case Opcode::NEG_INT:
    case Opcode::NOT_INT:
    case Opcode::ADD_FLOAT:
    case Opcode::SUB_FLOAT:
    case Opcode::MUL_FLOAT:
    case Opcode::DIV_FLOAT:
    case Opcode::MOD_FLOAT:
    case Opcode::NEG_FLOAT:
    case Opcode::INT_TO_FLOAT:
    case Opcode::EQ_INT:
    case Opcode::NE_INT:
    case Opcode::LT_INT:
    case Opcode::LE_INT:
    case Opcode::EQ_FLOAT:
    case Opcode::NE_FLOAT:
    case Opcode::LT_FLOAT:
    case Opcode::LE_FLOAT:
    case Opcode::EQ_BOOL:
    case Opcode::NE_BOOL:
    case Opcode::NOT_BOOL:
    case Opcode::EQ_REF:
    case Opcode::NE_REF:
    case Opcode::EQ_STR:
    case Opcode::NE_STR:
    case Opcode::LT_STR:
    case Opcode::LE_STR:
    case Opcode::JMP:
    case Opcode::JMP_IF:
    case Opcode::JMP_IF_NOT:
    case Opcode::JLT_INT:
    case Opcode::JLE_INT:
    case Opcode::JGE_INT:
    case Opcode::JGT_INT:
    case Opcode::JEQ_INT:
    case Opcode::JNE_INT:
    case Opcode::LOOP_INT:
    case Opcode::CONCAT:
    case Opcode::TO_STR_INT:
    case Opcode::TO_STR_FLOAT:
    case Opcode::TO_STR_BOOL:
    case Opcode::NEW_ARRAY:
    case Opcode::ARRAY_LEN:
    case Opcode::NEW_CELL: break;
    }
    (void)length;
  }

  void checkFunction(uint32_t index) {
    const FunctionEntry& f = m_.functions[index];
    fn_ = &f;
    pc_ = 0;
    opName_ = "";
    std::string what = "function " + f.name;
    for (const LocalName& l : f.locals) {
      if (l.reg >= f.registerTypes.size()) fail(what + ": local name for a missing register");
    }
    for (size_t i = 1; i < f.lines.size(); i++) {
      if (f.lines[i].pc < f.lines[i - 1].pc) fail(what + ": line table out of order");
    }
    if (f.isAbstract) return;
    std::vector<bool> starts(f.code.size(), false);
    targets_.clear();
    uint32_t pc = 0;
    uint32_t lastFlags = 0;
    while (pc < f.code.size()) {
      pc_ = pc;
      opName_ = "";
      uint32_t available = uint32_t(f.code.size() - pc);
      if (f.code[pc] >= kOpcodeCount) failAt("invalid opcode " + std::to_string(f.code[pc]));
      uint32_t length = instructionLength(&f.code[pc], available);
      if (length == 0) {
        opName_ = opcodeInfo(f.code[pc]).name;
        failAt("runs past the end of the function");
      }
      starts[pc] = true;
      checkInstruction(&f.code[pc], length);
      lastFlags = opcodeInfo(f.code[pc]).flags;
      pc += length;
    }
    if (!(lastFlags & F_TERM)) {
      pc_ = uint32_t(f.code.size());
      opName_ = "";
      fail(what + ": control can fall off the end of the function (the last instruction must "
                  "be a return or a jump)");
    }
    checkHandlers(f, starts);
    for (uint32_t t : targets_) {
      if (!starts[t]) {
        fail(what + ": a branch targets pc " + std::to_string(t) +
             ", which is not the start of an instruction");
      }
    }
  }
};

} // namespace

bool verifyModule(const Module& module, std::string& error, VerifyLocation* where) {
  Verifier verifier(module);
  try {
    verifier.run();
    return true;
  } catch (const VerifyFailure& failure) {
    error = failure.message;
    if (where) *where = {verifier.functionIndex(), verifier.pc()};
    return false;
  }
}

} // namespace nuri
