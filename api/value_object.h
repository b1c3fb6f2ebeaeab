// What a nuri::Value of kind Object holds: an array the host made, or a handle to a guest's
// object kept alive in its isolate's HandleTable.
#pragma once

#include <memory>
#include <vector>

#include "nuri/nuri.h"
#include "vm/handles.h"

namespace nuri {

struct ValueObject {
  virtual ~ValueObject() = default;
};

struct HostArray final : ValueObject {
  std::vector<Value> elements;
};

struct GuestHandle final : ValueObject {
  GuestHandle(std::shared_ptr<HandleTable> table, uint32_t slot)
      : table(std::move(table)), slot(slot) {}
  ~GuestHandle() override { table->release(slot); }
  void* object() const { return table->get(slot); } // null once its isolate is gone
  std::shared_ptr<HandleTable> table;
  uint32_t slot;
};

struct ValueAccess {
  static const ValueObject* object(const Value& v) {
    auto* p = std::get_if<std::shared_ptr<const ValueObject>>(&v.data_);
    return p ? p->get() : nullptr;
  }
  static Value fromObject(std::shared_ptr<const ValueObject> object) {
    Value v;
    v.data_ = std::move(object);
    return v;
  }
};

inline const HostArray* hostArray(const Value& v) {
  return dynamic_cast<const HostArray*>(ValueAccess::object(v));
}
inline const GuestHandle* guestHandle(const Value& v) {
  return dynamic_cast<const GuestHandle*>(ValueAccess::object(v));
}

} // namespace nuri
