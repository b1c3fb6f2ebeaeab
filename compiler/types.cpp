#include "compiler/types.h"

namespace nuri {

TypeTable::TypeTable() {
  error_ = {TypeTag::Error, nullptr, nullptr, "<error>"};
  void_ = {TypeTag::Void, nullptr, nullptr, "void"};
  null_ = {TypeTag::Null, nullptr, nullptr, "null"};
  int_ = {TypeTag::Int, nullptr, nullptr, "int"};
  float_ = {TypeTag::Float, nullptr, nullptr, "float"};
  bool_ = {TypeTag::Bool, nullptr, nullptr, "bool"};
  string_ = {TypeTag::String, nullptr, nullptr, "string"};
  stringBuilder_ = {TypeTag::StringBuilder, nullptr, nullptr, "StringBuilder"};
}

const Type* TypeTable::arrayOf(const Type* element) {
  auto& slot = arrays_[element];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->tag = TypeTag::Array;
    slot->element = element;
    slot->name = element->name + "[]";
  }
  return slot.get();
}

const Type* TypeTable::classType(ClassSymbol* cls) {
  if (cls->type) return cls->type;
  auto t = std::make_unique<Type>();
  t->tag = TypeTag::Class;
  t->cls = cls;
  t->name = cls->name;
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
