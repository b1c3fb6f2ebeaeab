// String and StringBuilder natives. Strings are UTF-8; indices count code points.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "classlib/format.h"
#include "classlib/natives.h"
#include "classlib/unicode/unicode.h"
#include "support/utf8.h"

namespace nuri {
namespace {

// Where `needle` first occurs in `text` at or after byte `from` (npos if nowhere). glibc's
// memmem takes time linear in the lengths; std::string_view::find can take their product (a
// long needle of "aaa...ab" in a long "aaa...a"), and a native is not interrupted by the
// isolate's time limit.
size_t findText(std::string_view text, std::string_view needle, size_t from = 0) {
  if (from > text.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  const void* at = memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
  return at ? size_t(static_cast<const char*>(at) - text.data()) : std::string_view::npos;
}

// `text` as it appears in an error message: quoted, escaped, and shortened when long.
std::string quoteForMessage(std::string_view text) {
  std::string out = "\"";
  uint32_t shown = 0;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++shown > 40) {
      out += "...";
      break;
    }
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (static_cast<unsigned char>(c) < 0x20)
      out += '?';
    else
      out += c;
  }
  return out + "\"";
}

bool indexError(IsolateState& I, int64_t index, int64_t length) {
  return I.raise(ErrorClass::IndexError, "index " + std::to_string(index) +
                                             " out of bounds for length " + std::to_string(length));
}

// Byte offset of code point `index` (0 <= index <= length) in `s`.
size_t byteOffset(const StringObject* s, int64_t index) {
  if (s->isAscii()) return size_t(index);
  size_t i = 0;
  for (int64_t cp = 0; cp < index; cp++) {
    i++;
    while (i < s->byteLength && (static_cast<unsigned char>(s->bytes[i]) & 0xC0) == 0x80)
      i++;
  }
  return i;
}

size_t codePointBytes(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

uint32_t decodeAt(const char* p, size_t* length) {
  auto c = static_cast<unsigned char>(p[0]);
  size_t n = codePointBytes(c);
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; k++)
    cp = (cp << 6) | (static_cast<unsigned char>(p[k]) & 0x3F);
  if (length) *length = n;
  return cp;
}

} // namespace

NATIVE_FUNCTION(string_length) { return out.set(args.get<0>()->codePointLength); }

NATIVE_FUNCTION(string_charAt) {
  StringObject* s = args.get<0>();
  int64_t i = args.get<1>();
  if (i < 0 || i >= s->codePointLength) return indexError(I, i, s->codePointLength);
  size_t at = byteOffset(s, i);
  size_t n = codePointBytes(static_cast<unsigned char>(s->bytes[at]));
  return out.set(I.newStringWithLength(std::string_view(s->bytes + at, n), 1));
}

NATIVE_FUNCTION(string_codePointAt) {
  StringObject* s = args.get<0>();
  int64_t i = args.get<1>();
  if (i < 0 || i >= s->codePointLength) return indexError(I, i, s->codePointLength);
  return out.set(decodeAt(s->bytes + byteOffset(s, i), nullptr));
}

NATIVE_FUNCTION(string_substring) {
  StringObject* s = args.get<0>();
  int64_t start = args.get<1>(), end = args.get<2>(), length = s->codePointLength;
  if (start < 0 || start > length) return indexError(I, start, length);
  if (end < start || end > length) return indexError(I, end, length);
  size_t from = byteOffset(s, start);
  size_t to = byteOffset(s, end);
  return out.set(
      I.newStringWithLength(std::string_view(s->bytes + from, to - from), uint32_t(end - start)));
}

NATIVE_FUNCTION(string_indexOf) {
  std::string_view s = args.get<0>()->view();
  size_t at = findText(s, args.get<1>()->view());
  return out.set(at == std::string_view::npos ? int64_t(-1)
                                              : int64_t(countCodePoints(s.substr(0, at))));
}

// indexOf(s, from): the first occurrence at code point `from` or later (`from` is taken into
// 0..length, as Java and Kotlin do: an empty `s` is found at the end).
NATIVE_FUNCTION(string_indexOf_from) {
  StringObject* text = args.get<0>();
  int64_t from = std::clamp<int64_t>(args.get<2>(), 0, text->codePointLength);
  std::string_view s = text->view();
  size_t start = byteOffset(text, from);
  size_t at = findText(s, args.get<1>()->view(), start);
  I.chargeWork(at == std::string_view::npos ? s.size() - start : at - start);
  return out.set(at == std::string_view::npos
                     ? int64_t(-1)
                     : from + int64_t(countCodePoints(s.substr(start, at - start))));
}

// lastIndexOf(s): the last occurrence (the length for an empty `s`), or -1. A longer `s` is
// found as the first occurrence of its reverse in the text's reverse, so that the time stays
// linear (std::string_view::rfind may take the product of the lengths).
NATIVE_FUNCTION(string_lastIndexOf) {
  StringObject* text = args.get<0>();
  std::string_view s = text->view(), needle = args.get<1>()->view();
  I.chargeWork(s.size());
  size_t at = std::string_view::npos;
  if (needle.size() <= 1) {
    at = needle.empty() ? s.size() : s.rfind(needle[0]);
  } else if (needle.size() <= s.size()) {
    if (!I.reserve(s.size() + needle.size())) return false;
    std::string reversed(s.rbegin(), s.rend()), reversedNeedle(needle.rbegin(), needle.rend());
    size_t found = findText(reversed, reversedNeedle);
    I.release(s.size() + needle.size());
    if (found != std::string_view::npos) at = s.size() - found - needle.size();
  }
  return out.set(at == std::string_view::npos ? int64_t(-1)
                                              : int64_t(countCodePoints(s.substr(0, at))));
}

NATIVE_FUNCTION(string_contains) {
  return out.set(findText(args.get<0>()->view(), args.get<1>()->view()) != std::string_view::npos);
}

NATIVE_FUNCTION(string_startsWith) {
  return out.set(args.get<0>()->view().starts_with(args.get<1>()->view()));
}

NATIVE_FUNCTION(string_endsWith) {
  return out.set(args.get<0>()->view().ends_with(args.get<1>()->view()));
}

namespace {

// A string[] of the pieces of `whole` that `pieces` names: pieces(part) calls part(i, text) for
// each piece in order (stopping when it returns false) and returns how many there are, or -1
// when stopped. It is called twice, to count and to fill. Null with an error raised when a
// limit is hit.
template <typename Pieces>
ArrayObject* stringArrayOf(IsolateState& I, StringObject* whole, Pieces pieces) {
  int64_t count = pieces([](int64_t, std::string_view) { return true; });
  if (count < 0) return nullptr;
  ArrayObject* a = I.newArray(&I.stringArrayType, count);
  if (!a) return nullptr;
  TemporaryRoot root(I, &a); // filled as the pieces are made
  bool ascii = whole->isAscii();
  bool made = pieces([&](int64_t i, std::string_view text) {
                StringObject* part =
                    ascii ? I.newStringWithLength(text, uint32_t(text.size())) : I.newString(text);
                if (!part) return false;
                a->elements[i].p = part;
                return true;
              }) >= 0;
  return made ? a : nullptr;
}

} // namespace

NATIVE_FUNCTION(string_split) {
  StringObject* whole = args.get<0>();
  std::string_view s = whole->view();
  std::string_view sep = args.get<1>()->view();
  return out.set(stringArrayOf(I, whole, [&](auto&& part) -> int64_t {
    int64_t count = 0;
    if (sep.empty()) { // an empty separator splits into code points
      for (size_t i = 0; i < s.size(); count++) {
        size_t n = codePointBytes(static_cast<unsigned char>(s[i]));
        if (!part(count, s.substr(i, n)) || !I.nativeProgress(n + sizeof(Slot))) return -1;
        i += n;
      }
      return count;
    }
    size_t start = 0;
    while (true) {
      size_t at = findText(s, sep, start);
      std::string_view piece = s.substr(start, at == std::string_view::npos ? at : at - start);
      if (!part(count++, piece) || !I.nativeProgress(piece.size() + sep.size() + sizeof(Slot)))
        return -1;
      if (at == std::string_view::npos) return count;
      start = at + sep.size();
    }
  }));
}

// split() without a separator: the runs of characters between runs of whitespace (Unicode
// White_Space), none for a string of only whitespace.
NATIVE_FUNCTION(string_split_whitespace) {
  StringObject* whole = args.get<0>();
  std::string_view s = whole->view();
  return out.set(stringArrayOf(I, whole, [&](auto&& part) -> int64_t {
    int64_t count = 0;
    size_t i = 0, start = 0;
    bool inWord = false;
    while (i <= s.size()) {
      size_t n = 1;
      bool space = i == s.size() || unicode::isWhitespace(decodeAt(s.data() + i, &n));
      if (space && inWord) {
        if (!part(count++, s.substr(start, i - start)) ||
            !I.nativeProgress(i - start + sizeof(Slot)))
          return -1;
      } else if (!space && !inWord) {
        start = i;
      }
      inWord = !space;
      i += n;
    }
    return count;
  }));
}

// lines(): the lines of the text, ended by "\n", "\r\n" or "\r"; a final line ending ends the
// last line and starts none.
ArrayObject* linesOf(IsolateState& I, StringObject* whole) {
  std::string_view s = whole->view();
  return stringArrayOf(I, whole, [&](auto&& part) -> int64_t {
    int64_t count = 0;
    size_t start = 0;
    while (start < s.size()) {
      size_t end = s.find_first_of("\r\n", start);
      if (end == std::string_view::npos) end = s.size();
      if (!part(count++, s.substr(start, end - start)) ||
          !I.nativeProgress(end - start + sizeof(Slot)))
        return -1;
      start = end + (s.substr(end, 2) == "\r\n" ? 2 : 1);
    }
    return count;
  });
}

NATIVE_FUNCTION(string_lines) { return out.set(linesOf(I, args.get<0>())); }

// graphemes(): the user-perceived characters, each a string ("👨‍👩‍👧" is one).
NATIVE_FUNCTION(string_graphemes) {
  StringObject* whole = args.get<0>();
  std::string_view s = whole->view();
  return out.set(stringArrayOf(I, whole, [&](auto&& part) -> int64_t {
    unicode::GraphemeCursor cursor(s);
    if (!cursor.ok()) {
      I.raise(ErrorClass::Error, "internal error: ICU could not find the graphemes");
      return -1;
    }
    int64_t count = 0;
    for (size_t start = 0, end; (end = cursor.next()) != unicode::GraphemeCursor::kEnd;) {
      if (end == start) continue; // the boundary at the start
      if (!part(count++, s.substr(start, end - start)) ||
          !I.nativeProgress(end - start + sizeof(Slot)))
        return -1;
      start = end;
    }
    return count;
  }));
}

// displayWidth(): the terminal columns the text takes, summed over its graphemes.
NATIVE_FUNCTION(string_displayWidth) {
  std::string_view s = args.get<0>()->view();
  unicode::GraphemeCursor cursor(s);
  if (!cursor.ok())
    return I.raise(ErrorClass::Error, "internal error: ICU could not find the graphemes");
  std::vector<uint32_t> codePoints;
  int64_t width = 0;
  for (size_t start = 0, end; (end = cursor.next()) != unicode::GraphemeCursor::kEnd;) {
    if (end == start) continue;
    codePoints.clear();
    for (size_t i = start; i < end;) {
      size_t n;
      codePoints.push_back(decodeAt(s.data() + i, &n));
      i += n;
    }
    width += unicode::graphemeWidth(codePoints.data(), codePoints.size());
    if (!I.nativeProgress(end - start)) return false;
    start = end;
  }
  return out.set(width);
}

// normalize(form): the text in Unicode normalization form "NFC", "NFD", "NFKC" or "NFKD".
NATIVE_FUNCTION(string_normalize) {
  StringObject* text = args.get<0>();
  std::string_view name = args.get<1>()->view();
  unicode::NormalForm form;
  if (name == "NFC")
    form = unicode::NormalForm::NFC;
  else if (name == "NFD")
    form = unicode::NormalForm::NFD;
  else if (name == "NFKC")
    form = unicode::NormalForm::NFKC;
  else if (name == "NFKD")
    form = unicode::NormalForm::NFKD;
  else
    return I.raise(ErrorClass::ValueError, "unknown normalization form " + quoteForMessage(name) +
                                               " (NFC, NFD, NFKC or NFKD)");
  I.chargeWork(text->byteLength);
  if (!I.reserve(uint64_t(text->byteLength) * 3)) return false; // NFKD grows text at most so
  std::string normalized;
  bool ok = unicode::normalize(text->view(), form, normalized);
  I.release(uint64_t(text->byteLength) * 3);
  if (!ok) return I.raise(ErrorClass::Error, "internal error: ICU could not normalize the text");
  if (normalized.size() >= kMaxStringBytes)
    return I.raise(ErrorClass::LimitError, "string too long");
  if (normalized == text->view()) return out.set(text);
  return out.set(I.newString(normalized));
}

NATIVE_FUNCTION(string_trim) {
  StringObject* s = args.get<0>();
  std::string_view v = s->view();
  size_t start = 0, end = v.size();
  while (start < end) {
    size_t n;
    uint32_t cp = decodeAt(v.data() + start, &n);
    if (!unicode::isWhitespace(cp)) break;
    start += n;
  }
  while (end > start) {
    size_t lead = end - 1;
    while (lead > start && (static_cast<unsigned char>(v[lead]) & 0xC0) == 0x80)
      lead--;
    if (!unicode::isWhitespace(decodeAt(v.data() + lead, nullptr))) break;
    end = lead;
  }
  if (start == 0 && end == v.size()) return out.set(s);
  return out.set(I.newString(v.substr(start, end - start)));
}

namespace {

// Whether `text` is not empty and every code point in it has `property`.
bool allHave(IsolateState& I, StringObject* text, unicode::Property property) {
  std::string_view s = text->view();
  I.chargeWork(s.size());
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size();) {
    size_t n;
    if (!unicode::hasProperty(decodeAt(s.data() + i, &n), property)) return false;
    i += n;
  }
  return true;
}

// `text` made `width` code points wide with `fill` (one code point) before or after it; null
// with an error raised for a bad width or fill, or a limit.
StringObject* pad(IsolateState& I, StringObject* text, int64_t width, std::string_view fill,
                  bool before) {
  if (width < 0) {
    I.raise(ErrorClass::ValueError, "width must not be negative, got " + std::to_string(width));
    return nullptr;
  }
  if (fill.empty() || codePointBytes(static_cast<unsigned char>(fill[0])) != fill.size()) {
    I.raise(ErrorClass::ValueError,
            "the fill must be one code point, got " + quoteForMessage(fill));
    return nullptr;
  }
  if (width <= text->codePointLength) return text;
  uint64_t count = uint64_t(width - text->codePointLength);
  // The count first: times a fill of 4 bytes, a width near 2^62 would wrap around.
  uint64_t bytes = text->byteLength + count * fill.size();
  if (count >= kMaxStringBytes || bytes >= kMaxStringBytes) {
    I.raise(ErrorClass::LimitError,
            "string too long (padded to " + std::to_string(width) + " characters)");
    return nullptr;
  }
  StringObject* padded = I.newStringBuffer(size_t(bytes), uint32_t(width));
  if (!padded) return nullptr;
  char* at = padded->bytes;
  if (!before) at = std::copy(text->bytes, text->bytes + text->byteLength, at);
  for (uint64_t k = 0; k < count; k++) {
    at = std::copy(fill.begin(), fill.end(), at);
    if ((k & 0xFFFF) == 0xFFFF && !I.nativeProgress(0x10000 * fill.size())) return nullptr;
  }
  if (before) std::copy(text->bytes, text->bytes + text->byteLength, at);
  return padded;
}

} // namespace

NATIVE_FUNCTION(string_isDigit) {
  return out.set(allHave(I, args.get<0>(), unicode::Property::Digit));
}
NATIVE_FUNCTION(string_isLetter) {
  return out.set(allHave(I, args.get<0>(), unicode::Property::Letter));
}
NATIVE_FUNCTION(string_isWhitespace) {
  return out.set(allHave(I, args.get<0>(), unicode::Property::Whitespace));
}
NATIVE_FUNCTION(string_isUpper) {
  return out.set(allHave(I, args.get<0>(), unicode::Property::Upper));
}
NATIVE_FUNCTION(string_isLower) {
  return out.set(allHave(I, args.get<0>(), unicode::Property::Lower));
}

NATIVE_FUNCTION(string_padStart) {
  return out.set(pad(I, args.get<0>(), args.get<1>(), " ", true));
}
NATIVE_FUNCTION(string_padStart_fill) {
  return out.set(pad(I, args.get<0>(), args.get<1>(), args.get<2>()->view(), true));
}
NATIVE_FUNCTION(string_padEnd) { return out.set(pad(I, args.get<0>(), args.get<1>(), " ", false)); }
NATIVE_FUNCTION(string_padEnd_fill) {
  return out.set(pad(I, args.get<0>(), args.get<1>(), args.get<2>()->view(), false));
}

namespace {

// Where case mapping may cut `s`, at or after byte `at`, without changing the result. Lower-
// casing looks at the letters around a Greek capital sigma, so it is cut only before an ASCII
// character that is neither a letter nor ignored by the case rules (a space, a digit, most
// punctuation); upper-casing has no such context in the root locale, so any code point will do.
size_t caseCut(std::string_view s, size_t at, bool upper) {
  for (; at < s.size(); at++) {
    auto c = static_cast<unsigned char>(s[at]);
    if (upper ? (c & 0xC0) != 0x80
              : c < 0x80 && c && !std::isalpha(c) && !std::strchr("'.:^`", char(c))) {
      return at;
    }
  }
  return s.size();
}

// Upper- or lower-cases `s` with ICU, 1 MB at a time (so that limits are checked as it goes);
// ICU's output and working copy count as temporaries.
bool mapCase(IsolateState& I, StringObject* s, bool upper, StringObject** result) {
  // The result (a code point maps to at most 3) grows by doubling, beside the mapped piece,
  // which is the whole text when lower-casing finds nowhere to cut it.
  uint64_t temporary = uint64_t(s->byteLength) * 8;
  if (!I.reserve(temporary)) return false;
  std::string_view text = s->view();
  std::string mapped, piece;
  bool ok = true;
  constexpr size_t kStep = 1u << 20;
  for (size_t from = 0; ok && from < text.size();) {
    size_t cut = text.size() - from <= kStep ? text.size() : caseCut(text, from + kStep, upper);
    std::string_view part = text.substr(from, cut - from);
    ok = upper ? unicode::toUpper(part, piece) : unicode::toLower(part, piece);
    mapped += piece;
    from = cut;
    if (ok && !I.nativeProgress(part.size() + piece.size())) {
      I.release(temporary);
      return false;
    }
  }
  I.release(temporary);
  if (!ok) return I.raise(ErrorClass::ValueError, "case mapping failed");
  *result = I.newString(mapped);
  return *result != nullptr;
}

} // namespace

NATIVE_FUNCTION(string_upper) {
  StringObject* result = nullptr;
  return mapCase(I, args.get<0>(), true, &result) && out.set(result);
}

NATIVE_FUNCTION(string_lower) {
  StringObject* result = nullptr;
  return mapCase(I, args.get<0>(), false, &result) && out.set(result);
}

NATIVE_FUNCTION(string_replace) {
  StringObject* whole = args.get<0>();
  StringObject* from = args.get<1>();
  StringObject* to = args.get<2>();
  std::string_view s = whole->view();
  // Calls `piece` with each part of the result in order (stopping when it returns false): the
  // text between matches and `to` for each match. An empty `from` matches around every code
  // point, as in Java and Kotlin.
  auto pieces = [&](auto&& piece) {
    if (from->byteLength == 0) {
      if (!piece(to->view())) return false;
      for (size_t i = 0; i < s.size();) {
        size_t n = codePointBytes(static_cast<unsigned char>(s[i]));
        if (!piece(s.substr(i, n)) || !piece(to->view())) return false;
        i += n;
      }
      return true;
    }
    size_t start = 0;
    while (true) {
      size_t at = findText(s, from->view(), start);
      if (at == std::string_view::npos) break;
      if (!piece(s.substr(start, at - start)) || !piece(to->view())) return false;
      start = at + from->byteLength;
    }
    return piece(s.substr(start));
  };
  // First the size, so the result is written in place without a temporary copy.
  uint64_t bytes = 0;
  bool fits = pieces([&](std::string_view part) {
    bytes += part.size();
    return bytes < kMaxStringBytes && I.nativeProgress(part.size() + 1);
  });
  if (!fits) {
    if (I.pending) return false;
    return I.raise(ErrorClass::LimitError,
                   "string too long (replace would make more than 2147483647 bytes)");
  }
  StringObject* result = I.newStringBuffer(size_t(bytes), 0);
  if (!result) return false;
  char* at = result->bytes;
  if (!pieces([&](std::string_view part) {
        if (!I.copyInSteps(at, part.data(), part.size())) return false;
        at += part.size();
        return I.nativeProgress(1);
      })) {
    return false;
  }
  result->codePointLength = countCodePoints(result->view());
  return out.set(result);
}

NATIVE_FUNCTION(string_repeat) {
  StringObject* s = args.get<0>();
  int64_t n = args.get<1>();
  if (n < 0) {
    return I.raise(ErrorClass::ValueError,
                   "repeat count must not be negative, got " + std::to_string(n));
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(uint64_t(s->byteLength), uint64_t(n), &bytes) ||
      bytes >= kMaxStringBytes) {
    return I.raise(ErrorClass::LimitError, "string too long (" + std::to_string(s->byteLength) +
                                               " bytes repeated " + std::to_string(n) + " times)");
  }
  // Fits in 32 bits: bytes < 2^31 and a code point takes at least one byte.
  uint32_t codePoints = uint32_t(uint64_t(s->codePointLength) * uint64_t(n));
  StringObject* result = I.newStringBuffer(size_t(bytes), codePoints);
  if (!result) return false;
  // The text written so far is the source of the next copy (byte i is s[i % length]), in steps
  // of at most 1 MB so that the limits are checked as it goes.
  if (bytes) std::memcpy(result->bytes, s->bytes, s->byteLength);
  for (uint64_t done = s->byteLength; done < bytes;) {
    uint64_t from = done % s->byteLength;
    uint64_t chunk = std::min({uint64_t(1) << 20, bytes - done, done - from});
    std::memcpy(result->bytes + done, result->bytes + from, size_t(chunk));
    done += chunk;
    if (!I.nativeProgress(chunk)) return false;
  }
  return out.set(result);
}

NATIVE_FUNCTION(string_toInt) {
  std::string_view s = args.get<0>()->view();
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  uint64_t value = 0;
  bool ok = i < s.size();
  for (; i < s.size() && ok; i++) {
    if (s[i] < '0' || s[i] > '9') {
      ok = false;
      break;
    }
    uint64_t d = uint64_t(s[i] - '0');
    if (value > (uint64_t(1) << 63) / 10 || value * 10 > (uint64_t(1) << 63) - d) ok = false;
    value = value * 10 + d;
  }
  if (ok && !negative && value > uint64_t(INT64_MAX)) ok = false;
  if (!ok) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + quoteForMessage(s) + " to int");
  }
  return out.set(negative ? int64_t(0 - value) : int64_t(value));
}

namespace {

bool checkRadix(IsolateState& I, int64_t radix) {
  if (radix >= 2 && radix <= 36) return true;
  return I.raise(ErrorClass::ValueError,
                 "radix " + std::to_string(radix) + " is out of range (2 to 36)");
}

} // namespace

// toString(radix): the digits 0-9 and a-z, with "-" before a negative number.
NATIVE_FUNCTION(int_toString_radix) {
  int64_t value = args.get<0>(), radix = args.get<1>();
  if (!checkRadix(I, radix)) return false;
  uint64_t magnitude = value < 0 ? 0 - uint64_t(value) : uint64_t(value);
  char digits[65];
  size_t at = sizeof digits;
  do {
    digits[--at] = "0123456789abcdefghijklmnopqrstuvwxyz"[magnitude % uint64_t(radix)];
    magnitude /= uint64_t(radix);
  } while (magnitude);
  std::string text = value < 0 ? "-" : "";
  text.append(digits + at, sizeof digits - at);
  return out.set(I.newStringWithLength(text, uint32_t(text.size())));
}

// toInt(radix): an optional sign, then digits of the radix (letters in either case).
NATIVE_FUNCTION(string_toInt_radix) {
  std::string_view s = args.get<0>()->view();
  int64_t radix = args.get<1>();
  if (!checkRadix(I, radix)) return false;
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  uint64_t value = 0, limit = negative ? uint64_t(1) << 63 : uint64_t(INT64_MAX);
  bool ok = i < s.size();
  for (; i < s.size() && ok; i++) {
    char c = s[i];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                       : 99;
    ok = digit < radix && value <= (limit - uint64_t(digit)) / uint64_t(radix);
    value = value * uint64_t(radix) + uint64_t(digit);
  }
  if (!ok) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + quoteForMessage(s) +
                                               " to int in radix " + std::to_string(radix));
  }
  return out.set(negative ? int64_t(0 - value) : int64_t(value));
}

NATIVE_FUNCTION(string_toFloat) {
  StringObject* text = args.get<0>();
  std::string_view s = text->view();
  // Decimal text (as strtod reads it, without hexadecimal or spaces), or nan, inf and infinity
  // in any case with an optional sign. Checked in place, in steps: the text may be 2 GB long.
  bool plain = !s.empty();
  constexpr size_t kStep = 1u << 20;
  for (size_t from = 0; plain && from < s.size(); from += kStep) {
    std::string_view part = s.substr(from, kStep);
    plain = part.find_first_not_of("0123456789+-.eE") == std::string_view::npos;
    if (!I.nativeProgress(part.size())) return false;
  }
  std::string_view word = s.substr(!s.empty() && (s[0] == '-' || s[0] == '+'));
  auto is = [word](std::string_view name) {
    if (word.size() != name.size()) return false;
    for (size_t i = 0; i < word.size(); i++)
      if (std::tolower(static_cast<unsigned char>(word[i])) != name[i]) return false;
    return true;
  };
  bool special = is("nan") || is("inf") || is("infinity");
  char* end = nullptr;
  // The string's bytes are followed by a NUL, so strtod reads them where they are.
  double v = (plain || special) ? std::strtod(text->bytes, &end) : 0;
  if (!(plain || special) || end != text->bytes + s.size()) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + quoteForMessage(s) + " to float");
  }
  return out.set(v);
}

uint64_t stringHash(StringObject* s) {
  if (s->hash == 0) {
    uint64_t h = 1469598103934665603ull; // FNV-1a
    for (uint32_t i = 0; i < s->byteLength; i++) {
      h ^= static_cast<unsigned char>(s->bytes[i]);
      h *= 1099511628211ull;
    }
    s->hash = h ? h : 1;
  }
  return s->hash;
}

NATIVE_FUNCTION(string_hash) { return out.set(int64_t(stringHash(args.get<0>()))); }

NATIVE_FUNCTION(string_fromCodePoint) {
  int64_t cp = args.get<0>();
  if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return I.raise(ErrorClass::ValueError, "invalid code point " + std::to_string(cp));
  }
  std::string text;
  appendUtf8(text, uint32_t(cp));
  return out.set(I.newStringWithLength(text, 1));
}

// ---- Text: what depends on a locale ----

namespace {

bool checkLocale(IsolateState& I, StringObject* locale) {
  if (unicode::isLocale(std::string(locale->view()))) return true;
  return I.raise(ErrorClass::ValueError,
                 "unknown locale " + quoteForMessage(locale->view()) +
                     " (a language tag such as \"en\", \"de-DE\" or \"ko\")");
}

} // namespace

NATIVE_FUNCTION(text_compare) {
  StringObject *a = args.get<0>(), *b = args.get<1>(), *locale = args.get<2>();
  if (!checkLocale(I, locale)) return false;
  I.chargeWork(a->byteLength + b->byteLength);
  int order = 0;
  if (!unicode::compareText(a->view(), b->view(), std::string(locale->view()), order))
    return I.raise(ErrorClass::Error, "internal error: ICU could not compare the text");
  return out.set(int64_t(order));
}

NATIVE_FUNCTION(text_formatNumber) {
  double x = args.get<0>();
  int64_t decimals = args.get<1>();
  StringObject* locale = args.get<2>();
  if (decimals < 0 || decimals > 20) {
    return I.raise(ErrorClass::ValueError,
                   "decimals must be from 0 to 20, got " + std::to_string(decimals));
  }
  if (!checkLocale(I, locale)) return false;
  if (std::isnan(x)) x = std::fabs(x); // the sign of a NaN is an accident of how it was made
  std::string text;
  if (!unicode::formatNumber(x, int(decimals), std::string(locale->view()), text))
    return I.raise(ErrorClass::Error, "internal error: ICU could not format the number");
  return out.set(I.newString(text));
}

// Text.__formatDate(epochDay, pattern, locale): Date.format's ICU side.
NATIVE_FUNCTION(text_formatDate) {
  int64_t epochDay = args.get<0>();
  StringObject *pattern = args.get<1>(), *locale = args.get<2>();
  // A pattern writes a field per letter or so: a long one would only make long text slowly.
  constexpr size_t kMaxPattern = 4096;
  if (pattern->byteLength > kMaxPattern) {
    return I.raise(ErrorClass::ValueError,
                   "the date pattern is longer than " + std::to_string(kMaxPattern) + " bytes");
  }
  if (!checkLocale(I, locale)) return false;
  std::string text;
  switch (unicode::formatDate(epochDay, pattern->view(), std::string(locale->view()), text)) {
  case unicode::DateFormatResult::Ok: break;
  case unicode::DateFormatResult::BadPattern:
    return I.raise(ErrorClass::ValueError,
                   "invalid date pattern \"" + std::string(pattern->view()) + "\"");
  case unicode::DateFormatResult::Failed:
    return I.raise(ErrorClass::Error, "internal error: ICU could not format the date");
  }
  I.chargeWork(text.size());
  return out.set(I.newString(text));
}

// ---- StringBuilder ----

NATIVE_FUNCTION(sb_new) { return out.set(I.newStringBuilder()); }

NATIVE_FUNCTION(sb_append) {
  auto* b = args.get<0>();
  StringObject* s = args.get<1>();
  std::string_view text = s ? s->view() : "null";
  uint64_t needed = b->length + text.size() + 1;
  if (needed >= kMaxStringBytes) return I.raise(ErrorClass::LimitError, "StringBuilder too long");
  // The builder changes only once the append has succeeded: one stopped by a limit (and run
  // again after a suspension) leaves it as it was, its buffer too.
  char* buffer = b->buffer;
  uint64_t capacity = b->capacity;
  if (needed > capacity) {
    capacity = std::max<uint64_t>(needed, b->capacity * 2 + 16);
    buffer = static_cast<char*>(I.allocate(capacity, false));
    if (!buffer || !I.copyInSteps(buffer, b->buffer, b->length)) return false;
  }
  if (!I.copyInSteps(buffer + b->length, text.data(), text.size())) return false;
  b->buffer = buffer;
  b->capacity = capacity;
  b->length += text.size();
  b->buffer[b->length] = '\0';
  b->codePoints += s ? s->codePointLength : 4;
  return out.set(b);
}

NATIVE_FUNCTION(sb_length) { return out.set(int64_t(args.get<0>()->codePoints)); }

// clear(): empty again; the buffer is kept for what is appended next.
NATIVE_FUNCTION(sb_clear) {
  auto* b = args.get<0>();
  b->length = 0;
  b->codePoints = 0;
  if (b->buffer) b->buffer[0] = '\0';
  return true;
}

NATIVE_FUNCTION(sb_toString) {
  auto* b = args.get<0>();
  return out.set(I.newStringWithLength(std::string_view(b->buffer ? b->buffer : "", b->length),
                                       uint32_t(b->codePoints)));
}

} // namespace nuri
