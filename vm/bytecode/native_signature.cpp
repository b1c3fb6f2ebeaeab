#include "vm/bytecode/native_signature.h"

#include <cstring>

namespace nuri {

namespace {

// Reads one type at `text[pos]`, moving `pos` past it.
std::optional<NativeType> parseType(std::string_view text, size_t& pos, bool isResult) {
  if (pos >= text.size()) return std::nullopt;
  char c = text[pos++];
  if (c == 'L') return NativeType{'[', 1, 's'};
  if (c == '[') {
    uint32_t depth = 1;
    while (pos < text.size() && text[pos] == '[') {
      depth++;
      pos++;
    }
    if (depth > kMaxNativeArrayDepth || pos >= text.size()) return std::nullopt;
    char element = text[pos++];
    if (!std::strchr("IFBs", element)) return std::nullopt;
    return NativeType{'[', uint8_t(depth), element};
  }
  if (c == 'V' ? !isResult : !std::strchr("IFBSsXTAPR", c)) return std::nullopt;
  return NativeType{c, 0, 'V'};
}

} // namespace

std::optional<NativeSignature> NativeSignature::parse(std::string_view text) {
  if (text.empty() || text[0] != '(') return std::nullopt;
  NativeSignature signature;
  size_t pos = 1;
  while (pos < text.size() && text[pos] != ')') {
    if (signature.params.size() == kMaxNativeParams) return std::nullopt;
    std::optional<NativeType> param = parseType(text, pos, false);
    if (!param) return std::nullopt;
    signature.params.push_back(*param);
  }
  if (pos >= text.size()) return std::nullopt; // no `)`
  pos++;
  std::optional<NativeType> result = parseType(text, pos, true);
  if (!result || pos != text.size()) return std::nullopt;
  signature.result = *result;
  return signature;
}

NativeSignature NativeSignature::fromLetters(char result, std::string_view params) {
  std::string text = "(";
  text.append(params);
  text.push_back(')');
  text.push_back(result);
  return *parse(text);
}

std::string NativeSignature::text() const {
  auto append = [](std::string& out, const NativeType& t) {
    if (t.isArray()) {
      out.append(t.depth, '[');
      out += t.element;
    } else {
      out += t.code;
    }
  };
  std::string out = "(";
  for (const NativeType& p : params)
    append(out, p);
  out += ')';
  append(out, result);
  return out;
}

std::string nuriTypeName(NativeType type) {
  auto base = [](char code) -> std::string {
    switch (code) {
    case 'V': return "void";
    case 'I': return "int";
    case 'F': return "float";
    case 'B': return "bool";
    case 'S':
    case 's':
    case 'X': return "string";
    case 'T': return "StringBuilder";
    default: return "any";
    }
  };
  if (!type.isArray()) return base(type.code);
  std::string name = base(type.element);
  for (uint8_t i = 0; i < type.depth; i++)
    name += "[]";
  return name;
}

} // namespace nuri
