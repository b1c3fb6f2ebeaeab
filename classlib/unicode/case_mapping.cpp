#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/uchar.h>

#include "classlib/unicode/unicode.h"

namespace nuri::unicode {

// The root locale ("") gives the locale-independent full mappings (ß -> SS).
bool toUpper(std::string_view text, std::string& out) {
  UErrorCode status = U_ZERO_ERROR;
  out.clear();
  icu::StringByteSink<std::string> sink(&out, int32_t(text.size()));
  icu::CaseMap::utf8ToUpper("", 0, icu::StringPiece(text.data(), int32_t(text.size())), sink,
                            nullptr, status);
  return U_SUCCESS(status);
}

bool toLower(std::string_view text, std::string& out) {
  UErrorCode status = U_ZERO_ERROR;
  out.clear();
  icu::StringByteSink<std::string> sink(&out, int32_t(text.size()));
  icu::CaseMap::utf8ToLower("", 0, icu::StringPiece(text.data(), int32_t(text.size())), sink,
                            nullptr, status);
  return U_SUCCESS(status);
}

} // namespace nuri::unicode
