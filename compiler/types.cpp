#include "compiler/types.h"

#include <algorithm>

namespace nuri {

namespace {

// Sets parts and genericDepth of a composite type from its components.
void measure(Type& t, const std::vector<const Type*>& components, bool isInstance) {
  uint64_t parts = 1;
  uint32_t depth = 0;
  for (const Type* c : components) {
    parts += c->parts;
    depth = std::max(depth, c->genericDepth);
  }
  t.parts = uint32_t(std::min<uint64_t>(parts, UINT32_MAX));
  t.genericDepth = depth + (isInstance ? 1 : 0);
}

} // namespace

TypeTable::TypeTable() {
  error_.tag = TypeTag::Error;
  error_.name = "<error>";
  void_.tag = TypeTag::Void;
  void_.name = "void";
  null_.tag = TypeTag::Null;
  null_.name = "null";
  int_.tag = TypeTag::Int;
  int_.name = "int";
  float_.tag = TypeTag::Float;
  float_.name = "float";
  bool_.tag = TypeTag::Bool;
  bool_.name = "bool";
  string_.tag = TypeTag::String;
  string_.name = "string";
  stringBuilder_.tag = TypeTag::StringBuilder;
  stringBuilder_.name = "StringBuilder";
}

const Type* TypeTable::arrayOf(const Type* element) {
  auto& slot = arrays_[element];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->tag = TypeTag::Array;
    slot->element = element;
    slot->name = element->name + "[]";
    measure(*slot, {element}, false);
  }
  return slot.get();
}

const Type* TypeTable::functionOf(const std::vector<const Type*>& params, const Type* result) {
  std::vector<const Type*> key = params;
  key.push_back(result);
  auto& slot = functions_[key];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->tag = TypeTag::Function;
    slot->params = params;
    slot->result = result;
    std::string name = "(";
    for (size_t i = 0; i < params.size(); i++) {
      if (i) name += ", ";
      name += params[i]->name;
    }
    name += ") -> ";
    name += result->name;
    slot->name = std::move(name);
    measure(*slot, key, false);
  }
  return slot.get();
}

const Type* TypeTable::classType(ClassSymbol* cls) {
  if (cls->type) return cls->type;
  auto t = std::make_unique<Type>();
  t->tag = TypeTag::Class;
  t->cls = cls;
  t->name = cls->name;
  if (!cls->typeArgs.empty()) measure(*t, cls->typeArgs, true);
  classes_.push_back(std::move(t));
  cls->type = classes_.back().get();
  return cls->type;
}

bool assignable(const Type* to, const Type* from) {
  if (to == from) return true;
  if (to->tag == TypeTag::Error || from->tag == TypeTag::Error) return true;
  if (from->tag == TypeTag::Null) return to->isReference();
  if (to->tag != TypeTag::Class || from->tag != TypeTag::Class) return false;
  if (to->cls->isInterface) return from->cls->implements(to->cls);
  return from->cls->isSubclassOf(to->cls);
}

} // namespace nuri
