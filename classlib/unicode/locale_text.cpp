// Text that depends on a locale: collation (Text.compare), number formatting
// (Text.formatNumber) and dates (Date.format), from ICU's locale data.
#include <limits>
#include <map>
#include <memory>
#include <set>

#include <unicode/coll.h>
#include <unicode/gregocal.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include "classlib/unicode/unicode.h"

namespace nuri::unicode {

namespace {

// Whether ICU has data for the language `code` ("de", "ko"): a tag that is well formed but
// names no language ICU knows ("german", "xx") would quietly fall back to the root locale.
bool isKnownLanguage(const char* code) {
  static const std::set<std::string> known = [] {
    std::set<std::string> languages;
    int32_t count = 0;
    const icu::Locale* locales = icu::Locale::getAvailableLocales(count);
    for (int32_t i = 0; i < count; i++)
      languages.insert(locales[i].getLanguage());
    return languages;
  }();
  return known.count(code) != 0;
}

// A BCP 47 tag ("ko", "de-DE", "en_US" too) as an ICU locale; false for one that names no
// language ICU has data for.
bool localeOf(const std::string& tag, icu::Locale& out) {
  std::string bcp47 = tag;
  for (char& c : bcp47)
    if (c == '_') c = '-';
  UErrorCode status = U_ZERO_ERROR;
  out = icu::Locale::forLanguageTag(bcp47, status);
  return U_SUCCESS(status) && !out.isBogus() && isKnownLanguage(out.getLanguage());
}

} // namespace

bool compareText(std::string_view a, std::string_view b, const std::string& locale, int& result) {
  // Making a collator takes far longer than a comparison: one per locale and thread (a
  // collator may not be used by two threads at once).
  thread_local std::map<std::string, std::unique_ptr<icu::Collator>> collators;
  std::unique_ptr<icu::Collator>& collator = collators[locale];
  if (!collator) {
    icu::Locale where;
    if (!localeOf(locale, where)) {
      collators.erase(locale);
      return false;
    }
    UErrorCode status = U_ZERO_ERROR;
    collator.reset(icu::Collator::createInstance(where, status));
    if (U_FAILURE(status) || !collator) {
      collators.erase(locale);
      return false;
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  UCollationResult order =
      collator->compareUTF8(icu::StringPiece(a.data(), int32_t(a.size())),
                            icu::StringPiece(b.data(), int32_t(b.size())), status);
  if (U_FAILURE(status)) return false;
  result = order == UCOL_LESS ? -1 : order == UCOL_GREATER ? 1 : 0;
  return true;
}

bool formatNumber(double x, int decimals, const std::string& locale, std::string& out) {
  icu::Locale where;
  if (!localeOf(locale, where)) return false;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString text = icu::number::NumberFormatter::withLocale(where)
                                .precision(icu::number::Precision::fixedFraction(decimals))
                                .formatDouble(x, status)
                                .toString(status);
  if (U_FAILURE(status)) return false;
  out.clear();
  text.toUTF8String(out);
  return true;
}

DateFormatResult formatDate(int64_t epochDay, std::string_view pattern, const std::string& locale,
                            std::string& out) {
  // Making a formatter takes far longer than formatting: the last few are kept per thread (a
  // formatter may not be used by two threads at once).
  thread_local std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::DateFormat>>
      formatters;
  constexpr size_t kKept = 16;
  auto key = std::make_pair(std::string(pattern), locale);
  auto found = formatters.find(key);
  if (found == formatters.end()) {
    icu::Locale where;
    if (!localeOf(locale, where)) return DateFormatResult::Failed;
    UErrorCode status = U_ZERO_ERROR;
    auto calendar =
        std::make_unique<icu::GregorianCalendar>(icu::TimeZone::getGMT()->clone(), where, status);
    // Gregorian before 1582 too, as ISO 8601 and Date itself count.
    calendar->setGregorianChange(-std::numeric_limits<double>::max(), status);
    icu::UnicodeString icuPattern =
        icu::UnicodeString::fromUTF8(icu::StringPiece(pattern.data(), int32_t(pattern.size())));
    auto formatter = std::make_unique<icu::SimpleDateFormat>(icuPattern, where, status);
    if (status == U_INVALID_FORMAT_ERROR || status == U_ILLEGAL_ARGUMENT_ERROR)
      return DateFormatResult::BadPattern;
    if (U_FAILURE(status)) return DateFormatResult::Failed;
    formatter->adoptCalendar(calendar.release());
    if (formatters.size() >= kKept) formatters.clear();
    found = formatters.emplace(std::move(key), std::move(formatter)).first;
  }
  icu::UnicodeString text;
  UErrorCode status = U_ZERO_ERROR;
  // Letters that name no field show up only now, as U_INVALID_FORMAT_ERROR.
  found->second->format(double(epochDay) * 86400000.0, text, nullptr, status);
  if (status == U_INVALID_FORMAT_ERROR || status == U_ILLEGAL_ARGUMENT_ERROR) {
    formatters.erase(found);
    return DateFormatResult::BadPattern;
  }
  if (U_FAILURE(status)) return DateFormatResult::Failed;
  out.clear();
  text.toUTF8String(out);
  return DateFormatResult::Ok;
}

bool isLocale(const std::string& tag) {
  icu::Locale where;
  return localeOf(tag, where);
}

} // namespace nuri::unicode
