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

} // namespace nuri::unicode
