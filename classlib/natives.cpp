// The native table, the value-to-text conversions, and the natives that are not about strings.
#include "classlib/natives.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "classlib/format.h"
#include "interpreter/interpreter.h"

namespace nuri {

// Implementations live in this file and in strings.cpp.
#define NATIVE(id, receiver, member, kind, result, params)                                         \
  bool native_##id(IsolateState& I, Slot* args, Slot* out);
#include "classlib/natives.def"
#undef NATIVE

namespace {

const NativeInfo kNatives[] = {
#define NATIVE(id, receiver, member, kind, result, params)                                         \
  {#id, receiver, member, NativeKind::kind, result, params, native_##id},
#include "classlib/natives.def"
#undef NATIVE
};
constexpr uint32_t kNativeCount = sizeof(kNatives) / sizeof(kNatives[0]);

} // namespace

uint32_t nativeCount() { return kNativeCount; }
const NativeInfo& nativeInfo(uint32_t index) { return kNatives[index]; }

int findNative(std::string_view linkName) {
  for (uint32_t i = 0; i < kNativeCount; i++) {
    if (linkName == kNatives[i].linkName) return int(i);
  }
  return -1;
}

bool checkNativeArguments(IsolateState& I, uint32_t id, const Slot* args) {
  const NativeInfo& n = kNatives[id];
  for (uint32_t i = 0; n.params[i]; i++) {
    char code = n.params[i];
    if ((code != 'S' && code != 'T' && code != 'A' && code != 'X') || args[i].p) continue;
    if (code == 'X') continue; // converted to text by the caller; null prints as "null"
    if (i == 0 && n.kind == NativeKind::PROPERTY) {
      return I.raise(ErrorClass::NullError, std::string("cannot read `") + n.member + "` of null");
    }
    if (i == 0 && n.kind == NativeKind::METHOD) {
      return I.raise(ErrorClass::NullError,
                     std::string("cannot call method `") + n.member + "` on null");
    }
    return I.raise(ErrorClass::NullError,
                   "argument " + std::to_string(i + 1 - (n.kind != NativeKind::FUNCTION)) +
                       " of `" + n.member + "` is null");
  }
  return true;
}

// ---- Conversions to text ----

namespace {

bool appendValue(IsolateState& I, std::string& out, Slot value, const RuntimeType* type);

bool appendObject(IsolateState& I, std::string& out, void* object) {
  if (!object) {
    out += "null";
    return true;
  }
  const RuntimeType* type = static_cast<ObjectHeader*>(object)->type;
  switch (type->kind) {
  case TypeKind::String: out += static_cast<StringObject*>(object)->view(); return true;
  case TypeKind::StringBuilder: {
    auto* b = static_cast<StringBuilderObject*>(object);
    out.append(b->buffer ? b->buffer : "", b->length);
    return true;
  }
  case TypeKind::Array: {
    auto* a = static_cast<ArrayObject*>(object);
    out += '[';
    for (int64_t i = 0; i < a->length; i++) {
      if (i) out += ", ";
      if (!appendValue(I, out, a->elements[i], type->element)) return false;
      if (out.size() >= kMaxStringBytes) {
        return I.raise(ErrorClass::LimitError, "string too long");
      }
    }
    out += ']';
    return true;
  }
  case TypeKind::Class: {
    const ClassInfo* cls = type->cls;
    if (!cls->toStringMethod) {
      out += "<" + cls->name + ">";
      return true;
    }
    Slot self;
    self.p = object;
    Slot result{};
    if (!callFunction(I, cls->toStringMethod, &self, 1, &result)) return false;
    auto* s = static_cast<StringObject*>(result.p);
    if (s)
      out += s->view();
    else
      out += "null";
    return true;
  }
  case TypeKind::Function: out += "<function>"; return true;
  default: out += "?"; return true;
  }
}

bool appendValue(IsolateState& I, std::string& out, Slot value, const RuntimeType* type) {
  switch (type->kind) {
  case TypeKind::Int: out += formatInt(value.i); return true;
  case TypeKind::Float: out += formatFloat(value.f); return true;
  case TypeKind::Bool: out += value.i ? "true" : "false"; return true;
  default: return appendObject(I, out, value.p);
  }
}

} // namespace

StringObject* toStringValue(IsolateState& I, Slot value, const RuntimeType* type) {
  std::string text;
  if (!appendValue(I, text, value, type)) return nullptr;
  return I.newString(text);
}

StringObject* toStringObject(IsolateState& I, void* object) {
  if (object && kindOf(object) == TypeKind::String) return static_cast<StringObject*>(object);
  std::string text;
  if (!appendObject(I, text, object)) return nullptr;
  return I.newString(text);
}

// ---- Output ----

bool native_print(IsolateState& I, Slot* args, Slot*) {
  auto* s = static_cast<StringObject*>(args[0].p);
  return I.write(s ? s->view() : "null");
}

bool native_println(IsolateState& I, Slot* args, Slot*) {
  auto* s = static_cast<StringObject*>(args[0].p);
  return I.write(s ? s->view() : "null") && I.write("\n");
}

// ---- Numbers ----

bool native_int_abs(IsolateState&, Slot* args, Slot* out) {
  int64_t v = args[0].i;
  out->i = v < 0 ? int64_t(0 - uint64_t(v)) : v;
  return true;
}

bool native_float_toInt(IsolateState& I, Slot* args, Slot* out) {
  double v = args[0].f;
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + formatFloat(v) + " to int");
  }
  out->i = int64_t(v);
  return true;
}

bool native_float_toFixed(IsolateState& I, Slot* args, Slot* out) {
  int64_t digits = args[1].i;
  if (digits < 0 || digits > 100) {
    return I.raise(ErrorClass::ValueError,
                   "toFixed needs 0 to 100 digits, got " + std::to_string(digits));
  }
  if (!std::isfinite(args[0].f)) { // C would print "-nan"
    StringObject* s = I.newString(formatFloat(args[0].f));
    out->p = s;
    return s != nullptr;
  }
  char text[512]; // the largest double has 309 integer digits, plus 100 decimals
  int n = std::snprintf(text, sizeof text, "%.*f", int(digits), args[0].f);
  StringObject* s = I.newString(std::string_view(text, size_t(n)));
  out->p = s;
  return s != nullptr;
}

bool native_float_floor(IsolateState&, Slot* args, Slot* out) {
  out->f = std::floor(args[0].f);
  return true;
}
bool native_float_ceil(IsolateState&, Slot* args, Slot* out) {
  out->f = std::ceil(args[0].f);
  return true;
}
bool native_float_round(IsolateState&, Slot* args, Slot* out) {
  out->f = std::round(args[0].f); // half away from zero
  return true;
}
bool native_float_isNaN(IsolateState&, Slot* args, Slot* out) {
  out->i = std::isnan(args[0].f);
  return true;
}
bool native_float_abs(IsolateState&, Slot* args, Slot* out) {
  out->f = std::fabs(args[0].f);
  return true;
}

#define MATH_1(id, fn)                                                                             \
  bool native_##id(IsolateState&, Slot* args, Slot* out) {                                         \
    out->f = fn(args[0].f);                                                                        \
    return true;                                                                                   \
  }
MATH_1(math_sqrt, std::sqrt)
MATH_1(math_sin, std::sin)
MATH_1(math_cos, std::cos)
MATH_1(math_tan, std::tan)
MATH_1(math_atan, std::atan)
MATH_1(math_exp, std::exp)
MATH_1(math_log, std::log)
MATH_1(math_floor, std::floor)
MATH_1(math_ceil, std::ceil)
MATH_1(math_abs, std::fabs)
#undef MATH_1

bool native_math_atan2(IsolateState&, Slot* args, Slot* out) {
  out->f = std::atan2(args[0].f, args[1].f);
  return true;
}
bool native_math_pow(IsolateState&, Slot* args, Slot* out) {
  out->f = std::pow(args[0].f, args[1].f);
  return true;
}
bool native_math_min_int(IsolateState&, Slot* args, Slot* out) {
  out->i = std::min(args[0].i, args[1].i);
  return true;
}
bool native_math_max_int(IsolateState&, Slot* args, Slot* out) {
  out->i = std::max(args[0].i, args[1].i);
  return true;
}
bool native_math_min(IsolateState&, Slot* args, Slot* out) {
  double a = args[0].f, b = args[1].f;
  out->f = (std::isnan(a) || std::isnan(b)) ? NAN
                                            : (a == b ? (std::signbit(a) ? a : b) : std::min(a, b));
  return true;
}
bool native_math_max(IsolateState&, Slot* args, Slot* out) {
  double a = args[0].f, b = args[1].f;
  out->f = (std::isnan(a) || std::isnan(b)) ? NAN
                                            : (a == b ? (std::signbit(a) ? b : a) : std::max(a, b));
  return true;
}

// ---- System ----

bool native_system_clock(IsolateState&, Slot*, Slot* out) {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  out->f = std::chrono::duration<double>(now).count();
  return true;
}

bool native_system_exit(IsolateState& I, Slot* args, Slot*) {
  return I.exit(int(args[0].i & 0xFF));
}

bool native_typeName(IsolateState& I, Slot* args, Slot* out) {
  void* object = args[0].p;
  StringObject* s = I.newString(object ? static_cast<ObjectHeader*>(object)->type->name : "null");
  out->p = s;
  return s != nullptr;
}

// ---- Arrays ----

// string[].join: the result's size is known up front, so it is written in place.
bool joinStrings(IsolateState& I, const ArrayObject* a, const StringObject* sep, Slot* out) {
  constexpr std::string_view kNull = "null";
  uint64_t bytes = 0, codePoints = 0;
  for (int64_t i = 0; i < a->length; i++) {
    auto* s = static_cast<const StringObject*>(a->elements[i].p);
    bytes += (i ? sep->byteLength : 0) + (s ? s->byteLength : kNull.size());
    codePoints += (i ? sep->codePointLength : 0) + (s ? s->codePointLength : kNull.size());
    if (bytes >= kMaxStringBytes) return I.raise(ErrorClass::LimitError, "string too long");
  }
  StringObject* result = I.newStringBuffer(size_t(bytes), uint32_t(codePoints));
  if (!result) return false;
  char* at = result->bytes;
  auto put = [&at](std::string_view text) {
    std::memcpy(at, text.data(), text.size());
    at += text.size();
  };
  for (int64_t i = 0; i < a->length; i++) {
    auto* s = static_cast<const StringObject*>(a->elements[i].p);
    if (i) put(sep->view());
    put(s ? s->view() : kNull);
  }
  out->p = result;
  return true;
}

bool native_array_join(IsolateState& I, Slot* args, Slot* out) {
  auto* a = static_cast<ArrayObject*>(args[0].p);
  auto* sep = static_cast<StringObject*>(args[1].p);
  if (a->header.type->element->kind == TypeKind::String) return joinStrings(I, a, sep, out);
  std::string text;
  for (int64_t i = 0; i < a->length; i++) {
    if (i) text += sep->view();
    if (!appendValue(I, text, a->elements[i], a->header.type->element)) return false;
    if (text.size() >= kMaxStringBytes) return I.raise(ErrorClass::LimitError, "string too long");
  }
  StringObject* s = I.newString(text);
  out->p = s;
  return s != nullptr;
}

// ---- Sorting arrays ----

// Sorts int[], float[] (NaN last) and string[] (code-point order, null first) in place.
bool native_array_sort(IsolateState& I, Slot* args, Slot*) {
  auto* a = static_cast<ArrayObject*>(args[0].p);
  Slot* begin = a->elements;
  Slot* end = a->elements + a->length;
  switch (a->header.type->element->kind) {
  case TypeKind::Int: std::sort(begin, end, [](Slot x, Slot y) { return x.i < y.i; }); return true;
  case TypeKind::Float:
    std::sort(begin, end,
              [](Slot x, Slot y) { return std::isnan(y.f) ? !std::isnan(x.f) : x.f < y.f; });
    return true;
  case TypeKind::String:
    std::stable_sort(begin, end, [](Slot x, Slot y) {
      auto* s = static_cast<StringObject*>(x.p);
      auto* t = static_cast<StringObject*>(y.p);
      if (!s || !t) return !s && t;
      return s->view() < t->view();
    });
    return true;
  default:
    return I.raise(ErrorClass::ValueError,
                   "sort() works on int[], float[] and string[]; this is " + a->header.type->name);
  }
}

// ---- Hashing and ordering for generic code (hashOf, compareOf) ----

namespace {
int64_t mix(uint64_t x) { // a 64-bit finaliser: nearby keys spread over the table
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return int64_t(x);
}
} // namespace

bool native_hash_int(IsolateState&, Slot* args, Slot* out) {
  out->i = mix(uint64_t(args[0].i));
  return true;
}
bool native_hash_float(IsolateState&, Slot* args, Slot* out) {
  double d = args[0].f == 0 ? 0.0 : args[0].f; // 0.0 and -0.0 are equal, so hash alike
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  out->i = mix(bits);
  return true;
}
bool native_hash_string(IsolateState& I, Slot* args, Slot* out) {
  if (!args[0].p) { // a null key hashes like any null reference
    out->i = 0;
    return true;
  }
  return native_string_hash(I, args, out);
}
bool native_hash_bool(IsolateState&, Slot* args, Slot* out) {
  out->i = args[0].i ? 1231 : 1237;
  return true;
}
bool native_hash_ref(IsolateState&, Slot* args, Slot* out) {
  out->i = mix(uint64_t(reinterpret_cast<uintptr_t>(args[0].p))); // objects do not move
  return true;
}
bool native_compare_int(IsolateState&, Slot* args, Slot* out) {
  out->i = args[0].i < args[1].i ? -1 : args[0].i > args[1].i ? 1 : 0;
  return true;
}
bool native_compare_float(IsolateState&, Slot* args, Slot* out) {
  double a = args[0].f, b = args[1].f;
  if (std::isnan(a) || std::isnan(b)) { // NaN orders after every number, as in float[].sort()
    out->i = std::isnan(a) - std::isnan(b);
    return true;
  }
  out->i = a < b ? -1 : a > b ? 1 : 0;
  return true;
}
bool native_compare_bool(IsolateState&, Slot* args, Slot* out) {
  out->i = int64_t(args[0].i != 0) - int64_t(args[1].i != 0);
  return true;
}
bool native_compare_string(IsolateState& I, Slot* args, Slot* out) {
  auto* a = static_cast<StringObject*>(args[0].p);
  auto* b = static_cast<StringObject*>(args[1].p);
  if (!a || !b) { // null orders first, as in string[].sort()
    out->i = int64_t(a != nullptr) - int64_t(b != nullptr);
    return true;
  }
  int c = a->view().compare(b->view()); // UTF-8 byte order is code-point order
  out->i = c < 0 ? -1 : c > 0 ? 1 : 0;
  return true;
}
bool native_compare_none(IsolateState& I, Slot* args, Slot*) {
  void* object = args[0].p ? args[0].p : args[1].p;
  std::string name = object ? static_cast<ObjectHeader*>(object)->type->name : "null";
  return I.raise(ErrorClass::ValueError,
                 "values of type " + name +
                     " have no natural order; "
                     "give a comparator or define `fun compareTo(other): int`");
}

} // namespace nuri
