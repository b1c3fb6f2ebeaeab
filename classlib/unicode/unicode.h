// The only part of the VM that uses ICU.
#pragma once

#include <cstdint>
#include <memory>
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

// The boundaries of the user-perceived characters (extended grapheme clusters) of UTF-8 text:
// next() gives the byte offset of each one's end in turn, then kEnd.
class GraphemeCursor {
public:
  static constexpr size_t kEnd = SIZE_MAX;
  explicit GraphemeCursor(std::string_view utf8);
  ~GraphemeCursor();
  bool ok() const; // false when ICU could not make its iterator
  size_t next();

private:
  struct State;
  std::unique_ptr<State> state_;
};

// Terminal columns of one grapheme given as its code points: 2 when its first code point is
// East Asian Wide or Fullwidth or has emoji presentation (or it holds VARIATION SELECTOR-16),
// 0 for a control character or only combining marks, else 1.
int graphemeWidth(const uint32_t* codePoints, size_t count);

// Whether `tag` names a locale ("ko", "de-DE", "en_US"): it must name a language.
bool isLocale(const std::string& tag);
// -1, 0 or 1: how `a` and `b` sort in `locale` (ICU collation); false if that failed.
bool compareText(std::string_view a, std::string_view b, const std::string& locale, int& result);
// `x` with `decimals` digits after the decimal separator, written as `locale` writes numbers
// ("1,234,567.89" in en, "1.234.567,89" in de); false if that failed.
bool formatNumber(double x, int decimals, const std::string& locale, std::string& out);
// The day `epochDay` (days since 1970-01-01 in the proleptic Gregorian calendar) written by
// the ICU date pattern `pattern` ("EEEE d MMMM y") in `locale`.
enum class DateFormatResult { Ok, BadPattern, Failed };
DateFormatResult formatDate(int64_t epochDay, std::string_view pattern, const std::string& locale,
                            std::string& out);

enum class NormalForm : uint8_t { NFC, NFD, NFKC, NFKD };
// `text` in Unicode normalization form `form`; false if ICU failed.
bool normalize(std::string_view text, NormalForm form, std::string& out);

} // namespace nuri::unicode
