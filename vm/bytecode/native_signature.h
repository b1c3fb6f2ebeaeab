// The signature of a native function: one of the class library's (classlib/registry/natives.def) or
// a function of a host module. The compiler type-checks calls against it, bytecode records it with
// every native a module imports, the verifier checks each call's registers against it, and the
// linker binds an import only to a native with the same signature.
//
// Its text is `(PARAMS)RESULT`, one code per type (the letters of natives.def):
//   V  void (a result only)
//   I  int        F  float        B  bool
//   S  string, never null (the call raises NullError first)
//   s  string or null
//   X  any value, which the compiled code converts to a string (possibly null) before the call
//   T  StringBuilder, never null
//   A  any array, never null
//   P  an array with no objects in it at any depth (its text needs no `toString`), never null
//   R  any reference or null (only its type and identity are used)
//   [  followed by a type among I F B s [: an array of it, or null (`int[][]` is `[[I`)
//   L  string[] (natives.def's one letter for `[s`)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nuri {

// The most parameters a native may have (the interpreter passes them in a fixed array).
constexpr uint32_t kMaxNativeParams = 8;
// The deepest array type in a native's signature.
constexpr uint32_t kMaxNativeArrayDepth = 32;

struct NativeType {
  char code = 'V';    // one of the letters above; '[' for arrays, whose depth and element follow
  uint8_t depth = 0;  // '[': how many `[]`
  char element = 'V'; // '[': the innermost element's code, I F B or s

  bool isArray() const { return code == '['; }
  // Whether the call raises NullError before the native runs when this argument is null.
  bool nonNull() const { return code == 'S' || code == 'T' || code == 'A' || code == 'P'; }
  bool operator==(const NativeType&) const = default;
};

struct NativeSignature {
  NativeType result;
  std::vector<NativeType> params;

  // Decodes `(PARAMS)RESULT`; nullopt if it is malformed.
  static std::optional<NativeSignature> parse(std::string_view text);
  // The signature natives.def gives as a result letter and parameter letters (which are valid).
  static NativeSignature fromLetters(char result, std::string_view params);
  // The canonical text (`L` is written `[s`).
  std::string text() const;
  bool operator==(const NativeSignature&) const = default;
};

// `int`, `float[]`, `string`, ...: a type as Nuri source spells it, for the types of host
// functions (I F B s V and arrays of I F B s).
std::string nuriTypeName(NativeType type);

} // namespace nuri
