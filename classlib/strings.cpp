// String and StringBuilder natives. Strings are UTF-8; indices count code points.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

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

NATIVE_FUNCTION(string_contains) {
  return out.set(findText(args.get<0>()->view(), args.get<1>()->view()) != std::string_view::npos);
}

NATIVE_FUNCTION(string_startsWith) {
  return out.set(args.get<0>()->view().starts_with(args.get<1>()->view()));
}

NATIVE_FUNCTION(string_endsWith) {
  return out.set(args.get<0>()->view().ends_with(args.get<1>()->view()));
}

NATIVE_FUNCTION(string_split) {
  StringObject* whole = args.get<0>();
  std::string_view s = whole->view();
  std::string_view sep = args.get<1>()->view();
  // Calls `part` for each piece in order; returns how many there are.
  auto pieces = [&](auto&& part) -> int64_t {
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
  };
  int64_t count = pieces([](int64_t, std::string_view) { return true; });
  if (count < 0) return false;
  ArrayObject* a = I.newArray(&I.stringArrayType, count);
  if (!a) return false;
  TemporaryRoot root(I, &a); // filled as the pieces are made
  bool ascii = whole->isAscii();
  bool made = pieces([&](int64_t i, std::string_view text) {
                StringObject* part =
                    ascii ? I.newStringWithLength(text, uint32_t(text.size())) : I.newString(text);
                if (!part) return false;
                a->elements[i].p = part;
                return true;
              }) >= 0;
  return made && out.set(a);
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

NATIVE_FUNCTION(sb_toString) {
  auto* b = args.get<0>();
  return out.set(I.newStringWithLength(std::string_view(b->buffer ? b->buffer : "", b->length),
                                       uint32_t(b->codePoints)));
}

} // namespace nuri
