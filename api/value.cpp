// nuri::Value: the values a host and a guest exchange.
#include "api/value_conversion.h"
#include "api/value_object.h"

namespace nuri {

namespace {

// A guest array's elements as Values (objects as handles), or nullopt.
std::optional<std::vector<Value>> guestElements(const GuestHandle& handle) {
  void* object = handle.object();
  if (!object) return std::nullopt;
  const RuntimeType* type = handle.table->owner()->typeOf(object);
  if (type->kind != TypeKind::Array) return std::nullopt;
  auto* array = static_cast<ArrayObject*>(object);
  TypeKind element = type->element->kind;
  std::vector<Value> out;
  out.reserve(size_t(array->length));
  for (int64_t i = 0; i < array->length; i++)
    out.push_back(fromSlot(handle.table, array->elements[i], element));
  return out;
}

template <typename T, typename Get>
std::optional<std::vector<T>> typedElements(const Value& v, Get get) {
  std::optional<std::vector<Value>> elements = v.asArray();
  if (!elements) return std::nullopt;
  std::vector<T> out;
  out.reserve(elements->size());
  for (const Value& e : *elements) {
    auto x = get(e);
    if (!x) return std::nullopt;
    out.push_back(std::move(*x));
  }
  return out;
}

} // namespace

Value::Value(std::vector<Value> elements) {
  auto array = std::make_shared<HostArray>();
  array->elements = std::move(elements);
  data_ = std::shared_ptr<const ValueObject>(std::move(array));
}

Value::Kind Value::kind() const {
  switch (data_.index()) {
  case 0: return Kind::Null;
  case 1: return Kind::Bool;
  case 2: return Kind::Int;
  case 3: return Kind::Float;
  case 4: return Kind::String;
  default: return Kind::Object;
  }
}

std::optional<bool> Value::asBool() const {
  if (auto* b = std::get_if<bool>(&data_)) return *b;
  return std::nullopt;
}
std::optional<int64_t> Value::asInt() const {
  if (auto* i = std::get_if<int64_t>(&data_)) return *i;
  return std::nullopt;
}
std::optional<double> Value::asFloat() const {
  if (auto* f = std::get_if<double>(&data_)) return *f;
  return std::nullopt;
}
std::optional<std::string> Value::asString() const {
  if (auto* s = std::get_if<std::string>(&data_)) return *s;
  return std::nullopt;
}

std::optional<std::vector<Value>> Value::asArray() const {
  if (const HostArray* array = hostArray(*this)) return array->elements;
  if (const GuestHandle* handle = guestHandle(*this)) return guestElements(*handle);
  return std::nullopt;
}
std::optional<std::vector<int64_t>> Value::asIntArray() const {
  return typedElements<int64_t>(*this, [](const Value& e) { return e.asInt(); });
}
std::optional<std::vector<double>> Value::asFloatArray() const {
  return typedElements<double>(*this, [](const Value& e) { return e.asFloat(); });
}
std::optional<std::vector<std::string>> Value::asStringArray() const {
  return typedElements<std::string>(*this, [](const Value& e) { return e.asString(); });
}
std::optional<std::vector<bool>> Value::asBoolArray() const {
  return typedElements<bool>(*this, [](const Value& e) { return e.asBool(); });
}

std::string Value::typeName() const {
  switch (kind()) {
  case Kind::Null: return "null";
  case Kind::Bool: return "bool";
  case Kind::Int: return "int";
  case Kind::Float: return "float";
  case Kind::String: return "string";
  case Kind::Object: break;
  }
  if (hostArray(*this)) return "array";
  const GuestHandle* handle = guestHandle(*this);
  void* object = handle->object();
  return object ? handle->table->owner()->typeOf(object)->name : "object of a closed isolate";
}

} // namespace nuri
