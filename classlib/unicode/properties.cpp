// Character properties from ICU's Unicode data.
#include <unicode/uchar.h>

#include "classlib/unicode/unicode.h"

namespace nuri::unicode {

bool isWhitespace(uint32_t codePoint) { return u_isUWhiteSpace(UChar32(codePoint)); }

bool hasProperty(uint32_t codePoint, Property property) {
  UChar32 c = UChar32(codePoint);
  switch (property) {
  case Property::Digit: return u_charType(c) == U_DECIMAL_DIGIT_NUMBER;
  case Property::Letter: return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0;
  case Property::Whitespace: return u_isUWhiteSpace(c);
  case Property::Upper: return u_isUUppercase(c);
  case Property::Lower: return u_isULowercase(c);
  }
  return false;
}

} // namespace nuri::unicode
