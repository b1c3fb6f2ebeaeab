// The native table, the value-to-text conversions, and the natives that are not about strings.
#include "classlib/natives.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <vector>

#include "classlib/format.h"
#include "support/number_format.h"
#include "support/utf8.h"

namespace nuri {

void nativeKindViolation(const char* what) {
  std::fprintf(stderr, "nuri: internal error: a native argument is not of its declared kind (%s)\n",
               what);
  std::abort();
}

namespace {

// The entry point the interpreter calls: the native with its slots given their declared types.
template <NativeId id, bool (*native)(IsolateState&, NativeArgs<id>, NativeResult<id>)>
bool invoke(IsolateState& I, const LinkedNative&, Slot* args, Slot* out) {
  return native(I, NativeArgs<id>(I, args), NativeResult<id>(out));
}

constexpr NativeFn kNativeFunctions[] = {
#define NATIVE(id, receiver, member, kind, result, params) invoke<NativeId::id, native_##id>,
#include "classlib/registry/natives.def"
#undef NATIVE
};

} // namespace

NativeFn nativeFunction(uint32_t index) { return kNativeFunctions[index]; }

bool checkNativeArguments(IsolateState& I, uint32_t id, const Slot* args) {
  const NativeInfo& n = nativeInfo(id);
  for (uint32_t i = 0; i < n.signature.params.size(); i++) {
    if (!n.signature.params[i].nonNull() || args[i].p) continue;
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

bool appendValue(TextBuilder& out, Slot value, const RuntimeType* type);

// Appends the text of an object whose text needs no Nuri code. Objects whose class has a
// `toString` never come here: TO_STR_REF calls the method as an ordinary Nuri call, and the
// verifier lets only arrays without objects in them reach the natives that make text.
bool appendObject(TextBuilder& out, void* object) {
  if (!object) return out.append("null");
  const RuntimeType* type = out.isolate().typeOf(object);
  switch (type->kind) {
  case TypeKind::String: return out.append(static_cast<StringObject*>(object)->view());
  case TypeKind::StringBuilder: {
    auto* b = static_cast<StringBuilderObject*>(object);
    return out.append(std::string_view(b->buffer ? b->buffer : "", b->length));
  }
  case TypeKind::Array: {
    auto* a = static_cast<ArrayObject*>(object);
    if (!out.append('[')) return false;
    for (int64_t i = 0; i < a->length; i++) {
      if (i && !out.append(", ")) return false;
      if (!appendValue(out, a->elements[i], type->element)) return false;
    }
    return out.append(']');
  }
  case TypeKind::Class:
    if (type->cls->toStringMethod) {
      return out.isolate().raise(ErrorClass::Error, "internal error: the text of " + type->name +
                                                        " needs its toString method");
    }
    return out.append("<" + type->cls->name + ">");
  case TypeKind::Function: return out.append("<function>");
  default: return out.append("?");
  }
}

bool appendValue(TextBuilder& out, Slot value, const RuntimeType* type) {
  switch (type->kind) {
  case TypeKind::Int: return out.append(formatInt(value.i));
  case TypeKind::Float: return out.append(formatFloat(value.f));
  case TypeKind::Bool: return out.append(value.i ? "true" : "false");
  default: return appendObject(out, value.p);
  }
}

} // namespace

StringObject* toStringObject(IsolateState& I, void* object) {
  if (object && I.kindOf(object) == TypeKind::String) return static_cast<StringObject*>(object);
  TextBuilder text(I);
  if (!appendObject(text, object)) return nullptr;
  return text.finish();
}

// ---- Output ----

NATIVE_FUNCTION(print) {
  StringObject* s = args.get<0>();
  return I.write(s ? s->view() : "null");
}

NATIVE_FUNCTION(println) {
  StringObject* s = args.get<0>();
  return I.write(s ? s->view() : "null") && I.write("\n");
}

// ---- Numbers ----

NATIVE_FUNCTION(int_abs) {
  int64_t v = args.get<0>();
  return out.set(v < 0 ? int64_t(0 - uint64_t(v)) : v);
}

NATIVE_FUNCTION(float_toInt) {
  double v = args.get<0>();
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + formatFloat(v) + " to int");
  }
  return out.set(int64_t(v));
}

NATIVE_FUNCTION(float_toFixed) {
  double value = args.get<0>();
  int64_t digits = args.get<1>();
  if (digits < 0 || digits > 100) {
    return I.raise(ErrorClass::ValueError,
                   "toFixed needs 0 to 100 digits, got " + std::to_string(digits));
  }
  if (!std::isfinite(value)) return out.set(I.newString(formatFloat(value))); // C: "-nan"
  char text[512]; // the largest double has 309 integer digits, plus 100 decimals
  int n = std::snprintf(text, sizeof text, "%.*f", int(digits), value);
  return out.set(I.newString(std::string_view(text, size_t(n))));
}

NATIVE_FUNCTION(float_floor) { return out.set(std::floor(args.get<0>())); }
NATIVE_FUNCTION(float_ceil) { return out.set(std::ceil(args.get<0>())); }
NATIVE_FUNCTION(float_round) {
  return out.set(std::round(args.get<0>())); // half away from zero
}
NATIVE_FUNCTION(float_isNaN) { return out.set(std::isnan(args.get<0>())); }
NATIVE_FUNCTION(float_abs) { return out.set(std::fabs(args.get<0>())); }

#define MATH_1(id, fn)                                                                             \
  NATIVE_FUNCTION(id) { return out.set(fn(args.get<0>())); }
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

NATIVE_FUNCTION(math_atan2) { return out.set(std::atan2(args.get<0>(), args.get<1>())); }
NATIVE_FUNCTION(math_pow) { return out.set(std::pow(args.get<0>(), args.get<1>())); }
NATIVE_FUNCTION(math_min_int) { return out.set(std::min(args.get<0>(), args.get<1>())); }
NATIVE_FUNCTION(math_max_int) { return out.set(std::max(args.get<0>(), args.get<1>())); }
NATIVE_FUNCTION(math_min) {
  double a = args.get<0>(), b = args.get<1>();
  return out.set((std::isnan(a) || std::isnan(b))
                     ? NAN
                     : (a == b ? (std::signbit(a) ? a : b) : std::min(a, b)));
}
NATIVE_FUNCTION(math_max) {
  double a = args.get<0>(), b = args.get<1>();
  return out.set((std::isnan(a) || std::isnan(b))
                     ? NAN
                     : (a == b ? (std::signbit(a) ? b : a) : std::max(a, b)));
}

// ---- System ----

// The host's clock (IsolateConfig::monotonicClock); without one it stands still.
NATIVE_FUNCTION(system_clock) {
  return out.set(I.config.monotonicClock ? I.config.monotonicClock() : 0.0);
}

// Milliseconds since 1970-01-01 UTC, from the host's wall clock (0 without one).
NATIVE_FUNCTION(system_time) {
  return out.set(int64_t(I.config.wallClock ? I.config.wallClock() : 0));
}

// An environment variable's value, or null when it is unset; only with the host's grant (an
// IsolateConfig::environment hook; `--allow-env` for the nuri command).
NATIVE_FUNCTION(system_env) {
  if (!I.config.environment)
    return I.raise(ErrorClass::SecurityError, "environment access is not granted");
  std::string name(args.get<0>()->view());
  std::optional<std::string> value;
  try {
    value = I.config.environment(name);
  } catch (const std::exception& e) {
    return I.raise(ErrorClass::IOError, "reading the environment failed: " + std::string(e.what()));
  } catch (...) {
    return I.raise(ErrorClass::IOError, "reading the environment failed");
  }
  if (!value) return out.set(nullptr);
  if (!isValidUtf8(*value))
    return I.raise(ErrorClass::IOError, "environment variable " + name + " is not valid UTF-8");
  return out.set(I.newString(*value));
}

NATIVE_FUNCTION(system_exit) { return I.exit(int(args.get<0>() & 0xFF)); }

NATIVE_FUNCTION(system_seed) {
  return out.set(int64_t(I.config.randomSeed ? I.config.randomSeed() : 0));
}

NATIVE_FUNCTION(typeName) {
  const ObjectHeader* object = args.get<0>();
  return out.set(I.newString(object ? I.typeOf(object)->name : "null"));
}

// ---- Arrays ----

// string[].join: the result's size is known up front, so it is written in place.
bool joinStrings(IsolateState& I, const ArrayObject* a, const StringObject* sep,
                 StringObject** result) {
  constexpr std::string_view kNull = "null";
  uint64_t bytes = 0, codePoints = 0;
  for (int64_t i = 0; i < a->length; i++) {
    auto* s = static_cast<const StringObject*>(a->elements[i].p);
    bytes += (i ? sep->byteLength : 0) + (s ? s->byteLength : kNull.size());
    codePoints += (i ? sep->codePointLength : 0) + (s ? s->codePointLength : kNull.size());
    if (bytes >= kMaxStringBytes) return I.raise(ErrorClass::LimitError, "string too long");
    if (!I.nativeProgress(sizeof(Slot))) return false;
  }
  StringObject* text = I.newStringBuffer(size_t(bytes), uint32_t(codePoints));
  if (!text) return false;
  char* at = text->bytes;
  for (int64_t i = 0; i < a->length; i++) {
    auto* s = static_cast<const StringObject*>(a->elements[i].p);
    std::string_view part = s ? s->view() : kNull;
    if (i) {
      if (!I.copyInSteps(at, sep->bytes, sep->byteLength)) return false;
      at += sep->byteLength;
    }
    if (!I.copyInSteps(at, part.data(), part.size())) return false;
    at += part.size();
    if (!I.nativeProgress(sizeof(Slot))) return false;
  }
  *result = text;
  return true;
}

NATIVE_FUNCTION(array_join) {
  ArrayObject* a = args.get<0>();
  StringObject* sep = args.get<1>();
  const RuntimeType* element = I.typeOf(a)->element;
  StringObject* text = nullptr;
  if (element->kind == TypeKind::String) {
    if (!joinStrings(I, a, sep, &text)) return false;
    return out.set(text);
  }
  TextBuilder builder(I);
  for (int64_t i = 0; i < a->length; i++) {
    if (i && !builder.append(sep->view())) return false;
    if (!appendValue(builder, a->elements[i], element)) return false;
  }
  return out.set(builder.finish());
}

// ---- Sorting arrays ----

namespace {

// Sorts [begin, end) with `less`, charging the isolate for each comparison; `cost` gives the
// bytes a comparison reads. The elements are sorted in a copy that replaces them only when the
// sort completes, so a sort stopped by a limit leaves the array as it was.
template <typename Less, typename Cost>
bool sortSlots(IsolateState& I, Slot* begin, Slot* end, bool stable, Less less, Cost cost) {
  size_t n = size_t(end - begin);
  if (!I.reserve(n * sizeof(Slot) * (stable ? 2 : 1))) return false; // stable: a buffer too
  std::vector<Slot> copy(begin, end);
  struct Stopped {};
  auto counted = [&](Slot x, Slot y) {
    if (!I.nativeProgress(sizeof(Slot) + cost(x, y))) throw Stopped{};
    return less(x, y);
  };
  bool sorted = true;
  try {
    if (stable)
      std::stable_sort(copy.begin(), copy.end(), counted);
    else
      std::sort(copy.begin(), copy.end(), counted);
  } catch (const Stopped&) {
    sorted = false; // the limit's error is pending
  }
  I.release(n * sizeof(Slot) * (stable ? 2 : 1));
  if (sorted) std::copy(copy.begin(), copy.end(), begin);
  return sorted;
}

} // namespace

// Sorts int[], float[] (NaN last) and string[] (code-point order, null first) in place.
NATIVE_FUNCTION(array_sort) {
  ArrayObject* a = args.get<0>();
  Slot* begin = a->elements;
  Slot* end = a->elements + a->length;
  auto noCost = [](Slot, Slot) { return uint64_t(0); };
  switch (I.typeOf(a)->element->kind) {
  case TypeKind::Int:
    return sortSlots(
        I, begin, end, false, [](Slot x, Slot y) { return x.i < y.i; }, noCost);
  case TypeKind::Float:
    return sortSlots(
        I, begin, end, false,
        [](Slot x, Slot y) { return std::isnan(y.f) ? !std::isnan(x.f) : x.f < y.f; }, noCost);
  case TypeKind::String:
    return sortSlots(
        I, begin, end, true,
        [](Slot x, Slot y) {
          auto* s = static_cast<StringObject*>(x.p);
          auto* t = static_cast<StringObject*>(y.p);
          if (!s || !t) return !s && t;
          return s->view() < t->view();
        },
        [](Slot x, Slot y) {
          auto* s = static_cast<StringObject*>(x.p);
          auto* t = static_cast<StringObject*>(y.p);
          return s && t ? uint64_t(std::min(s->byteLength, t->byteLength)) : 0;
        });
  default:
    return I.raise(ErrorClass::ValueError,
                   "sort() works on int[], float[] and string[]; this is " + I.typeOf(a)->name);
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

NATIVE_FUNCTION(hash_int) { return out.set(mix(uint64_t(args.get<0>()))); }
NATIVE_FUNCTION(hash_float) {
  double d = args.get<0>() == 0 ? 0.0 : args.get<0>(); // 0.0 and -0.0 are equal, so hash alike
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return out.set(mix(bits));
}
NATIVE_FUNCTION(hash_string) {
  StringObject* s = args.get<0>();
  return out.set(s ? stringHash(s) : 0); // a null key hashes like any null reference
}
NATIVE_FUNCTION(hash_bool) { return out.set(args.get<0>() ? 1231 : 1237); }
// An object's identity hash is kept in its header, not derived from its address: a snapshot
// restores objects elsewhere, and a Map of objects must still find them.
NATIVE_FUNCTION(hash_ref) {
  ObjectHeader* object = args.get<0>();
  return out.set(object ? mix(I.identityHash(object)) : 0); // null hashes as 0
}
NATIVE_FUNCTION(compare_int) {
  int64_t a = args.get<0>(), b = args.get<1>();
  return out.set(a < b ? -1 : a > b ? 1 : 0);
}
NATIVE_FUNCTION(compare_float) {
  double a = args.get<0>(), b = args.get<1>();
  if (std::isnan(a) || std::isnan(b)) { // NaN orders after every number, as in float[].sort()
    return out.set(int64_t(std::isnan(a)) - int64_t(std::isnan(b)));
  }
  return out.set(a < b ? -1 : a > b ? 1 : 0);
}
NATIVE_FUNCTION(compare_bool) { return out.set(int64_t(args.get<0>()) - int64_t(args.get<1>())); }
NATIVE_FUNCTION(compare_string) {
  StringObject* a = args.get<0>();
  StringObject* b = args.get<1>();
  if (!a || !b) return out.set(int64_t(a != nullptr) - int64_t(b != nullptr)); // null first
  I.chargeWork(std::min(a->byteLength, b->byteLength));
  int c = a->view().compare(b->view()); // UTF-8 byte order is code-point order
  return out.set(c < 0 ? -1 : c > 0 ? 1 : 0);
}
NATIVE_FUNCTION(compare_none) {
  const ObjectHeader* object = args.get<0>() ? args.get<0>() : args.get<1>();
  std::string name = object ? I.typeOf(object)->name : "null";
  return I.raise(ErrorClass::ValueError,
                 "values of type " + name +
                     " have no natural order; "
                     "give a comparator or define `fun compareTo(other): int`");
}

} // namespace nuri
