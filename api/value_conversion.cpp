#include "api/value_conversion.h"

#include "api/value_object.h"
#include "support/utf8.h"

namespace nuri {

namespace {

const char* kindName(TypeKind kind) {
  switch (kind) {
  case TypeKind::Int: return "an int";
  case TypeKind::Float: return "a float";
  case TypeKind::Bool: return "a bool";
  case TypeKind::String: return "a string";
  default: return "an object";
  }
}

// `a Point`, `an int[]`.
std::string withArticle(const std::string& name) {
  bool vowel = !name.empty() && std::string_view("aeiouAEIOU").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

Conversion mismatch(std::string& error, const RuntimeType* type, const Value& value) {
  error = "expected " +
          (type->kind == TypeKind::Int || type->kind == TypeKind::Float ||
                   type->kind == TypeKind::Bool || type->kind == TypeKind::String
               ? std::string(kindName(type->kind))
               : withArticle(type->name)) +
          ", got " + describeValue(value);
  return Conversion::Mismatch;
}

} // namespace

std::string describeValue(const Value& value) {
  switch (value.kind()) {
  case Value::Kind::Null: return "null";
  case Value::Kind::Bool: return "a bool";
  case Value::Kind::Int: return "an int";
  case Value::Kind::Float: return "a float";
  case Value::Kind::String: return "a string";
  case Value::Kind::Object:
    if (hostArray(value)) return "an array";
    if (!guestHandle(value)->object()) return "an object of a closed isolate";
    return withArticle(value.typeName());
  }
  return "a value";
}

Conversion toSlot(IsolateState& I, const Value& value, const RuntimeType* type, Slot& out,
                  std::string& error) {
  switch (type->kind) {
  case TypeKind::Int:
    if (auto i = value.asInt()) return out.i = *i, Conversion::Ok;
    return mismatch(error, type, value);
  case TypeKind::Float:
    if (auto f = value.asFloat()) return out.f = *f, Conversion::Ok;
    if (auto i = value.asInt()) return out.f = double(*i), Conversion::Ok;
    return mismatch(error, type, value);
  case TypeKind::Bool:
    if (auto b = value.asBool()) return out.i = *b, Conversion::Ok;
    return mismatch(error, type, value);
  default: break;
  }
  out.p = nullptr;
  if (value.isNull()) return Conversion::Ok;
  if (type->kind == TypeKind::String) {
    std::optional<std::string> text = value.asString();
    if (!text) return mismatch(error, type, value);
    if (!isValidUtf8(*text)) {
      error = "the string is not valid UTF-8";
      return Conversion::Mismatch;
    }
    out.p = I.newString(*text);
    return out.p ? Conversion::Ok : Conversion::Raised;
  }
  if (const GuestHandle* handle = guestHandle(value)) {
    if (handle->table != I.handles) {
      error = "the object belongs to another isolate";
      return Conversion::Mismatch;
    }
    void* object = handle->object();
    if (!object || !isInstance(I.typeOf(object), type)) return mismatch(error, type, value);
    out.p = object;
    return Conversion::Ok;
  }
  const HostArray* array = hostArray(value);
  if (!array || type->kind != TypeKind::Array) return mismatch(error, type, value);
  if (int64_t(array->elements.size()) > kMaxArrayLength) {
    error = "the array is longer than the VM's limit";
    return Conversion::Mismatch;
  }
  auto* made = I.newArray(type, int64_t(array->elements.size()));
  if (!made) return Conversion::Raised;
  out.p = made; // reachable from here on while its elements are made
  for (size_t i = 0; i < array->elements.size(); i++) {
    Slot element{};
    Conversion c = toSlot(I, array->elements[i], type->element, element, error);
    if (c == Conversion::Mismatch) error = "element " + std::to_string(i) + ": " + error;
    if (c != Conversion::Ok) return c;
    made->elements[i] = element;
  }
  return Conversion::Ok;
}

Value makeHandle(const std::shared_ptr<HandleTable>& handles, void* object) {
  uint32_t slot = handles->add(object);
  if (slot == HandleTable::kNoSlot) return Value();
  return ValueAccess::fromObject(std::make_shared<GuestHandle>(handles, slot));
}

Value fromSlot(const std::shared_ptr<HandleTable>& handles, Slot slot, TypeKind kind) {
  switch (kind) {
  case TypeKind::Int: return Value(slot.i);
  case TypeKind::Float: return Value(slot.f);
  case TypeKind::Bool: return Value(slot.i != 0);
  case TypeKind::Void: return Value();
  default: break;
  }
  if (!slot.p) return Value();
  const RuntimeType* type = handles->owner()->typeOf(slot.p);
  if (type->kind == TypeKind::String) return Value(static_cast<StringObject*>(slot.p)->view());
  return makeHandle(handles, slot.p);
}

bool hostArgument(IsolateState& I, Slot slot, TypeKind kind, Value& out, uint64_t& reserved) {
  if (kind != TypeKind::String && kind != TypeKind::Array) {
    out = fromSlot(I.handles, slot, kind);
    return true;
  }
  if (!slot.p) {
    out = Value();
    return true;
  }
  const RuntimeType* type = I.typeOf(slot.p);
  uint64_t bytes = sizeof(Value);
  if (type->kind == TypeKind::String) bytes += static_cast<StringObject*>(slot.p)->byteLength;
  if (type->kind == TypeKind::Array)
    bytes += uint64_t(static_cast<ArrayObject*>(slot.p)->length) * sizeof(Value);
  if (!I.reserve(bytes)) return false;
  reserved += bytes;
  if (!I.nativeProgress(bytes)) return false;
  if (type->kind == TypeKind::String) {
    out = Value(static_cast<StringObject*>(slot.p)->view());
    return true;
  }
  auto* array = static_cast<ArrayObject*>(slot.p);
  std::vector<Value> elements(size_t(array->length));
  for (int64_t i = 0; i < array->length; i++) {
    if (!hostArgument(I, array->elements[i], type->element->kind, elements[size_t(i)], reserved))
      return false;
  }
  out = Value(std::move(elements));
  return true;
}

} // namespace nuri
