#include "vm/linker.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "classlib/registry/native_registry.h"
#include "classlib/registry/prelude.h"

namespace nuri {

namespace {

// Finds the prelude's error classes. The VM stores a message in field 0 and a trace in
// field 1 of every error it raises, so it uses them only when `Error` has that layout (the
// verifier checks that whatever is thrown or caught extends that `Error`). It makes no object
// of an abstract class, whose vtable may hold methods without code.
void bindErrorClasses(LinkedCode& p) {
  const ClassInfo* base = nullptr;
  for (auto& cls : p.classes) {
    if (cls->name == "Error" && isErrorBaseLayout(*cls)) base = cls.get();
  }
  if (!base) return;
  for (int i = 0; i < kErrorClassCount; i++) {
    for (auto& cls : p.classes) {
      if (cls->name == errorClassName(ErrorClass(i)) && cls->isSubclassOf(base) &&
          !cls->isAbstract) {
        p.errorClasses[i] = cls.get();
      }
    }
  }
}

// Binds each native the module imports from the class library, refusing one whose name or
// signature this VM lacks; host functions are left for each isolate (bindHostFunctions).
bool bindLibraryNatives(LinkedCode& p, LibraryNatives library, std::string& error) {
  const Module& m = *p.module;
  p.natives.resize(m.natives.size());
  for (size_t i = 0; i < m.natives.size(); i++) {
    const NativeImport& import = m.natives[i];
    LinkedNative& linked = p.natives[i];
    linked.hasResult = import.signature.result.code != 'V';
    if (import.isHost()) continue;
    error = libraryImportProblem(import);
    if (!error.empty()) return false;
    int n = findNative(import.name);
    const NativeInfo& info = nativeInfo(uint32_t(n));
    for (uint32_t k = 0; k < info.signature.params.size(); k++) {
      if (info.signature.params[k].nonNull()) linked.nonNullParams |= 1u << k;
    }
    linked.function = library(uint32_t(n));
    linked.id = uint32_t(n);
  }
  return true;
}

// Binds the host functions the module imports to the isolate's granted host modules.
bool bindHostFunctions(IsolateState& isolate, const HostLinker& host, std::string& error) {
  LinkedProgram& p = isolate.program;
  const Module& m = *p.module;
  for (size_t i = 0; i < m.natives.size(); i++) {
    const NativeImport& import = m.natives[i];
    if (!import.isHost()) continue;
    LinkedNative& linked = p.natives[i];
    linked.host = host.bind ? host.bind(isolate, import, error) : nullptr;
    if (!linked.host) {
      if (!host.bind) {
        error = "the program imports host function `" + import.qualifiedName() +
                "`, but no host provides one";
      }
      return false;
    }
    linked.function = host.call;
  }
  return true;
}

} // namespace

std::shared_ptr<const LinkedCode> linkCode(std::shared_ptr<const Module> module,
                                           LibraryNatives library, std::string& error) {
  auto code = std::make_shared<LinkedCode>();
  LinkedCode& p = *code;
  const Module& m = *module;
  p.module = module;

  p.classes.reserve(m.classes.size());
  for (const ClassEntry& c : m.classes) {
    auto info = std::make_unique<ClassInfo>();
    info->name = c.name;
    p.classes.push_back(std::move(info));
  }
  p.types.reserve(m.types.size());
  for (size_t i = 0; i < m.types.size(); i++) {
    const TypeEntry& t = m.types[i];
    auto rt = std::make_unique<RuntimeType>();
    rt->kind = t.kind;
    rt->index = kFirstProgramType + uint32_t(i);
    rt->name = typeName(m, uint32_t(i));
    if (t.kind == TypeKind::Array || t.kind == TypeKind::Cell) {
      rt->element = p.types[t.element].get(); // verified: elements come first
      rt->holdsReferences = isReferenceKind(rt->element->kind);
    }
    if (t.kind == TypeKind::Class) {
      ClassInfo* cls = p.classes[t.classIndex].get();
      rt->cls = cls;
      if (!cls->type) cls->type = rt.get();
    }
    p.types.push_back(std::move(rt));
  }
  // A class whose type never appears in the type table still needs one (for its header).
  for (size_t i = 0; i < m.classes.size(); i++) {
    ClassInfo* cls = p.classes[i].get();
    if (!cls->type) {
      auto rt = std::make_unique<RuntimeType>();
      rt->kind = TypeKind::Class;
      rt->name = cls->name;
      rt->cls = cls;
      rt->index = kFirstProgramType + uint32_t(p.types.size());
      cls->type = rt.get();
      p.types.push_back(std::move(rt));
    }
  }

  p.functions.resize(m.functions.size());
  p.registerTypes.resize(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); i++) {
    const FunctionEntry& f = m.functions[i];
    FunctionInfo& fi = p.functions[i];
    fi.name = f.name;
    fi.index = uint32_t(i);
    fi.paramCount = f.paramCount;
    fi.registerCount = uint32_t(f.registerTypes.size());
    fi.returnType = p.types[f.returnType].get();
    fi.code = f.code.data();
    fi.codeSize = uint32_t(f.code.size());
    fi.lines = &f.lines;
    for (uint32_t t : f.registerTypes)
      p.registerTypes[i].push_back(p.types[t].get());
    fi.registerTypes = p.registerTypes[i].data();
  }

  // Classes come after their superclass (verified).
  std::vector<std::vector<LayoutSlot>> layouts = classLayouts(m);
  for (size_t i = 0; i < m.classes.size(); i++) {
    const ClassEntry& c = m.classes[i];
    ClassInfo* cls = p.classes[i].get();
    cls->isInterface = c.isInterface;
    cls->isAbstract = c.isAbstract;
    if (c.superclass != kNoIndex) cls->superclass = p.classes[c.superclass].get();
    for (const LayoutSlot& slot : layouts[i]) {
      const FieldEntry& f = *slot.field;
      cls->fields.push_back({f.name, p.types[f.type].get(), f.isPrivate, f.isLet});
    }
    for (uint32_t fn : c.methods) {
      const FunctionInfo* method = &p.functions[fn];
      cls->vtable.push_back(method);
      std::string_view shortName = method->name;
      if (auto dot = shortName.rfind('.'); dot != std::string_view::npos) {
        shortName = shortName.substr(dot + 1);
      }
      if (shortName == "toString" && method->paramCount == 1 &&
          method->returnType->kind == TypeKind::String && !c.isInterface &&
          !m.functions[fn].isAbstract) {
        cls->toStringMethod = method;
      }
    }
    for (const InterfaceImpl& impl : c.interfaces) {
      InterfaceTable table{p.classes[impl.interfaceClass].get(), {}};
      for (uint32_t fn : impl.functions)
        table.methods.push_back(&p.functions[fn]);
      cls->interfaces.push_back(std::move(table));
    }
  }

  for (size_t i = 0; i < m.functions.size(); i++) {
    const FunctionEntry& f = m.functions[i];
    if (f.ownerClass == kNoIndex && !f.isPrivate && !f.isAbstract &&
        f.name.find('<') == std::string::npos &&
        !(f.name.starts_with("__") && m.files[f.file] == kPreludeFileName)) {
      p.callable.emplace(f.name, &p.functions[i]);
    }
  }
  for (auto& type : p.types) {
    if (type->cls) type->vtable = type->cls->vtable.data();
  }
  for (auto& cls : p.classes)
    cls->typeIndex = cls->type->index;

  p.handlers.resize(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); i++) {
    for (const HandlerEntry& h : m.functions[i].handlers) {
      const ClassInfo* cls = h.catchClass == kNoIndex ? nullptr : p.classes[h.catchClass].get();
      p.handlers[i].push_back({h.start, h.end, h.target, cls, h.reg});
    }
    p.functions[i].handlers = p.handlers[i].data();
    p.functions[i].handlerCount = uint32_t(p.handlers[i].size());
  }
  bindErrorClasses(p);
  if (!bindLibraryNatives(p, library, error)) return nullptr;
  return code;
}

bool linkIsolate(IsolateState& isolate, std::shared_ptr<const LinkedCode> code,
                 const HostLinker& host, std::string& error) {
  LinkedProgram& p = isolate.program;
  const Module& m = *code->module;
  p.code = code;
  p.module = code->module;
  p.types = code->types;
  p.classes = code->classes;
  p.functions = code->functions;
  std::copy(std::begin(code->errorClasses), std::end(code->errorClasses), p.errorClasses);
  p.callable = &code->callable;
  p.natives = code->natives;
  for (const auto& type : code->types)
    isolate.typeTable.push_back(type.get());
  if (!bindHostFunctions(isolate, host, error)) return false;

  p.globals = static_cast<Slot*>(gc::allocateRoots(m.globals.size() * sizeof(Slot)));
  p.stringConstants =
      static_cast<StringObject**>(gc::allocateRoots(m.strings.size() * sizeof(StringObject*)));
  for (size_t i = 0; i < m.strings.size(); i++) {
    StringObject* s = isolate.newString(m.strings[i]);
    if (!s) return false; // a LimitError is pending

    p.stringConstants[i] = s;
  }
  return isolate.makeReservedObjects();
}

bool linkProgram(IsolateState& isolate, std::shared_ptr<const Module> module,
                 LibraryNatives library, const HostLinker& host, std::string& error) {
  std::shared_ptr<const LinkedCode> code = linkCode(std::move(module), library, error);
  return code && linkIsolate(isolate, std::move(code), host, error);
}

} // namespace nuri
