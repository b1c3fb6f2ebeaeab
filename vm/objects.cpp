#include "vm/objects.h"

namespace nuri {

bool ClassInfo::isSubclassOf(const ClassInfo* other) const {
  for (const ClassInfo* c = this; c; c = c->superclass) {
    if (c == other) return true;
  }
  return false;
}

const InterfaceTable* ClassInfo::interfaceTable(const ClassInfo* iface) const {
  for (const InterfaceTable& table : interfaces) {
    if (table.interface == iface) return &table;
  }
  return nullptr;
}

bool ClassInfo::isInstanceOf(const ClassInfo* type) const {
  return type->isInterface ? interfaceTable(type) != nullptr : isSubclassOf(type);
}

bool isErrorBaseLayout(const ClassInfo& cls) {
  return !cls.superclass && !cls.isInterface && cls.fields.size() >= 2 &&
         cls.fields[0].name == "message" && cls.fields[0].type->kind == TypeKind::String &&
         cls.fields[1].name == "trace" && cls.fields[1].type->kind == TypeKind::String;
}

static bool sameRuntimeType(const RuntimeType* a, const RuntimeType* b) {
  if (a == b) return true;
  if (a->kind != b->kind) return false;
  if (a->kind == TypeKind::Array) return sameRuntimeType(a->element, b->element);
  if (a->kind == TypeKind::Class) return a->cls == b->cls;
  return true;
}

bool isInstance(const RuntimeType* actual, const RuntimeType* type) {
  if (actual->kind == TypeKind::Class && type->kind == TypeKind::Class) {
    return actual->cls->isInstanceOf(type->cls);
  }
  return sameRuntimeType(actual, type);
}

uint32_t FunctionInfo::lineAt(uint32_t pc) const {
  uint32_t line = 0;
  if (!lines) return 0;
  for (const LineEntry& l : *lines) {
    if (l.pc > pc) break;
    line = l.line;
  }
  return line;
}

} // namespace nuri
