// The C++ side of the class library's natives: their implementations, generated into a table
// from natives.def, and the typed view a native has of its arguments and result.
#pragma once

#include <cstdint>
#include <string_view>

#include "classlib/registry/native_registry.h"
#include "vm/isolate.h"

namespace nuri {

// The C++ implementation of the class library's native `index` (see native_registry.h): what
// the linker binds the natives to (the API passes it to linkProgram as its LibraryNatives).
NativeFn nativeFunction(uint32_t index);

// Raises the NullError of a null argument that native `id` may not take (the interpreter
// checks LinkedNative::nonNullParams first). Returns false.
bool checkNativeArguments(IsolateState& isolate, uint32_t id, const Slot* args);

// The text of `object` (null gives "null") when it needs no Nuri code: a string, a
// StringBuilder, a function, an object whose class has no `toString`, or an array of such values
// (never of objects). Null with an error raised when a limit is hit.
StringObject* toStringObject(IsolateState& isolate, void* object);

// The lines of `whole` without their endings (`\n`, `\r\n` or `\r`), as string.lines() gives
// them. Null with an error raised when a limit is hit.
ArrayObject* linesOf(IsolateState& isolate, StringObject* whole);

// The hash of a string's contents (FNV-1a), cached in the string.
uint64_t stringHash(StringObject* s);

// ---- Typed arguments ----
//
// A native never reads its argument slots directly: `args.get<i>()` returns the C++ type that
// natives.def declares for parameter i, so the verifier's check of the declared kinds is exactly
// what the native relies on. Debug builds also check each argument's run-time type.

#ifdef NDEBUG
#define NURI_NATIVE_ASSERT(condition) ((void)0)
#else
#define NURI_NATIVE_ASSERT(condition) ((condition) ? (void)0 : nativeKindViolation(#condition))
#endif
[[noreturn]] void nativeKindViolation(const char* what);

inline bool holdsKind(const IsolateState& I, const void* object, TypeKind kind) {
  return !object || I.kindOf(object) == kind;
}

// What a parameter or result declared with letter `code` is in C++. `read` has the isolate for
// the checks of debug builds (an object's kind is in its isolate's type table).
template <char code> struct NativeSlot;
template <> struct NativeSlot<'I'> {
  static int64_t read(const IsolateState&, Slot s) { return s.i; }
  static bool write(Slot* out, int64_t v) { return out->i = v, true; }
};
template <> struct NativeSlot<'F'> {
  static double read(const IsolateState&, Slot s) { return s.f; }
  static bool write(Slot* out, double v) { return out->f = v, true; }
};
template <> struct NativeSlot<'B'> {
  static bool read(const IsolateState&, Slot s) { return s.i != 0; }
  static bool write(Slot* out, bool v) { return out->i = v, true; }
};
// A string that the call site has checked is not null.
template <> struct NativeSlot<'S'> {
  static StringObject* read(const IsolateState& I, Slot s) {
    NURI_NATIVE_ASSERT(s.p && holdsKind(I, s.p, TypeKind::String));
    return static_cast<StringObject*>(s.p);
  }
  // A new string, or null when making it raised an error (then the native fails).
  static bool write(Slot* out, StringObject* v) { return out->p = v, v != nullptr; }
};
// A string that may be null.
template <> struct NativeSlot<'s'> {
  static StringObject* read(const IsolateState& I, Slot s) {
    NURI_NATIVE_ASSERT(holdsKind(I, s.p, TypeKind::String));
    return static_cast<StringObject*>(s.p);
  }
  // A result that may be null: a native that fails returns false itself.
  static bool write(Slot* out, StringObject* v) { return out->p = v, true; }
};
// Any value, converted to a string (possibly null) by the compiled code before the call.
template <> struct NativeSlot<'X'> : NativeSlot<'s'> {};
template <> struct NativeSlot<'T'> {
  static StringBuilderObject* read(const IsolateState& I, Slot s) {
    NURI_NATIVE_ASSERT(s.p && holdsKind(I, s.p, TypeKind::StringBuilder));
    return static_cast<StringBuilderObject*>(s.p);
  }
  static bool write(Slot* out, StringBuilderObject* v) { return out->p = v, v != nullptr; }
};
// An array of any element type, not null.
template <> struct NativeSlot<'A'> {
  static ArrayObject* read(const IsolateState& I, Slot s) {
    NURI_NATIVE_ASSERT(s.p && holdsKind(I, s.p, TypeKind::Array));
    return static_cast<ArrayObject*>(s.p);
  }
};
// An array with no objects in it (the verifier checks the element type), not null.
template <> struct NativeSlot<'P'> : NativeSlot<'A'> {};
// A string[] result.
template <> struct NativeSlot<'L'> {
  static bool write(Slot* out, ArrayObject* v) { return out->p = v, v != nullptr; }
};
// Any reference, possibly null: only its header (its type and identity hash) may be used.
template <> struct NativeSlot<'R'> {
  static ObjectHeader* read(const IsolateState&, Slot s) { return static_cast<ObjectHeader*>(s.p); }
};

namespace detail {
constexpr const char* kNativeParams[] = {
#define NATIVE(id, receiver, member, kind, result, params) params,
#include "classlib/registry/natives.def"
#undef NATIVE
};
constexpr char kNativeResults[] = {
#define NATIVE(id, receiver, member, kind, result, params) result,
#include "classlib/registry/natives.def"
#undef NATIVE
};
constexpr size_t paramCount(const char* params) {
  size_t n = 0;
  while (params[n])
    n++;
  return n;
}
} // namespace detail

template <NativeId id> class NativeArgs {
public:
  NativeArgs(const IsolateState& isolate, const Slot* slots) : isolate_(isolate), slots_(slots) {}
  template <size_t i> auto get() const {
    constexpr const char* params = detail::kNativeParams[size_t(id)];
    static_assert(i < detail::paramCount(params), "the native has fewer parameters");
    return NativeSlot<params[i]>::read(isolate_, slots_[i]);
  }

private:
  const IsolateState& isolate_;
  const Slot* slots_;
};

template <NativeId id> class NativeResult {
public:
  explicit NativeResult(Slot* slot) : slot_(slot) {}
  // Stores the result; returns false for a null object (its allocation raised an error).
  template <typename T> bool set(T value) const {
    constexpr char code = detail::kNativeResults[size_t(id)];
    static_assert(code != 'V', "the native returns nothing");
    return NativeSlot<code>::write(slot_, value);
  }

private:
  Slot* slot_;
};

#define NATIVE(id, receiver, member, kind, result, params)                                         \
  bool native_##id(IsolateState& I, NativeArgs<NativeId::id> args, NativeResult<NativeId::id> out);
#include "classlib/registry/natives.def"
#undef NATIVE

// Defines native `id` (declared in natives.def) with its typed arguments `args` and result `out`.
#define NATIVE_FUNCTION(id)                                                                        \
  bool native_##id([[maybe_unused]] IsolateState& I,                                               \
                   [[maybe_unused]] NativeArgs<NativeId::id> args,                                 \
                   [[maybe_unused]] NativeResult<NativeId::id> out)

} // namespace nuri
