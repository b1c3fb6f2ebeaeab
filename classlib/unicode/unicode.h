// The only part of the VM that uses ICU.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nuri::unicode {

// Full, locale-independent case mapping of UTF-8 text ("straße" -> "STRASSE").
bool toUpper(std::string_view text, std::string& out);
bool toLower(std::string_view text, std::string& out);
// Unicode White_Space.
bool isWhitespace(uint32_t codePoint);

// The character properties of string.isDigit() and its siblings.
enum class Property : uint8_t {
  Digit,      // general category Nd (a decimal digit of any script)
  Letter,     // general category L (Lu, Ll, Lt, Lm, Lo)
  Whitespace, // White_Space
  Upper,      // Uppercase
  Lower,      // Lowercase
};
bool hasProperty(uint32_t codePoint, Property property);

} // namespace nuri::unicode
