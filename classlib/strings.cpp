// String and StringBuilder natives. Strings are UTF-8; indices count code points.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "classlib/format.h"
#include "classlib/natives.h"
#include "classlib/unicode/unicode.h"

namespace nuri {
namespace {

StringObject* str(const Slot& s) { return static_cast<StringObject*>(s.p); }

bool result(Slot* out, StringObject* s) {
  out->p = s;
  return s != nullptr;
}

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

bool native_string_length(IsolateState&, Slot* args, Slot* out) {
  out->i = str(args[0])->codePointLength;
  return true;
}

bool native_string_charAt(IsolateState& I, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
  int64_t i = args[1].i;
  if (i < 0 || i >= s->codePointLength) return indexError(I, i, s->codePointLength);
  size_t at = byteOffset(s, i);
  size_t n = codePointBytes(static_cast<unsigned char>(s->bytes[at]));
  return result(out, I.newStringWithLength(std::string_view(s->bytes + at, n), 1));
}

bool native_string_codePointAt(IsolateState& I, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
  int64_t i = args[1].i;
  if (i < 0 || i >= s->codePointLength) return indexError(I, i, s->codePointLength);
  out->i = decodeAt(s->bytes + byteOffset(s, i), nullptr);
  return true;
}

bool native_string_substring(IsolateState& I, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
  int64_t start = args[1].i, end = args[2].i, length = s->codePointLength;
  if (start < 0 || start > length) return indexError(I, start, length);
  if (end < start || end > length) return indexError(I, end, length);
  size_t from = byteOffset(s, start);
  size_t to = byteOffset(s, end);
  return result(out, I.newStringWithLength(std::string_view(s->bytes + from, to - from),
                                           uint32_t(end - start)));
}

bool native_string_indexOf(IsolateState&, Slot* args, Slot* out) {
  std::string_view s = str(args[0])->view();
  size_t at = findText(s, str(args[1])->view());
  out->i = at == std::string_view::npos ? int64_t(-1) : int64_t(countCodePoints(s.substr(0, at)));
  return true;
}

bool native_string_contains(IsolateState&, Slot* args, Slot* out) {
  out->i = findText(str(args[0])->view(), str(args[1])->view()) != std::string_view::npos;
  return true;
}

bool native_string_startsWith(IsolateState&, Slot* args, Slot* out) {
  out->i = str(args[0])->view().starts_with(str(args[1])->view());
  return true;
}

bool native_string_endsWith(IsolateState&, Slot* args, Slot* out) {
  out->i = str(args[0])->view().ends_with(str(args[1])->view());
  return true;
}

bool native_string_split(IsolateState& I, Slot* args, Slot* out) {
  StringObject* whole = str(args[0]);
  std::string_view s = whole->view();
  std::string_view sep = str(args[1])->view();
  // Calls `part` for each piece in order; returns how many there are.
  auto pieces = [&](auto&& part) -> int64_t {
    int64_t count = 0;
    if (sep.empty()) { // an empty separator splits into code points
      for (size_t i = 0; i < s.size(); count++) {
        size_t n = codePointBytes(static_cast<unsigned char>(s[i]));
        if (!part(count, s.substr(i, n))) return -1;
        i += n;
      }
      return count;
    }
    size_t start = 0;
    while (true) {
      size_t at = findText(s, sep, start);
      if (!part(count++, s.substr(start, at == std::string_view::npos ? at : at - start)))
        return -1;
      if (at == std::string_view::npos) return count;
      start = at + sep.size();
    }
  };
  int64_t count = pieces([](int64_t, std::string_view) { return true; });
  ArrayObject* a = I.newArray(&I.stringArrayType, count);
  if (!a) return false;
  out->p = a; // keeps the array reachable while the parts are allocated
  bool ascii = whole->isAscii();
  return pieces([&](int64_t i, std::string_view text) {
           StringObject* part =
               ascii ? I.newStringWithLength(text, uint32_t(text.size())) : I.newString(text);
           if (!part) return false;
           static_cast<ArrayObject*>(out->p)->elements[i].p = part;
           return true;
         }) >= 0;
}

bool native_string_trim(IsolateState& I, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
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
  if (start == 0 && end == v.size()) return result(out, s);
  return result(out, I.newString(v.substr(start, end - start)));
}

bool native_string_upper(IsolateState& I, Slot* args, Slot* out) {
  std::string text;
  if (!unicode::toUpper(str(args[0])->view(), text)) {
    return I.raise(ErrorClass::ValueError, "case mapping failed");
  }
  return result(out, I.newString(text));
}

bool native_string_lower(IsolateState& I, Slot* args, Slot* out) {
  std::string text;
  if (!unicode::toLower(str(args[0])->view(), text)) {
    return I.raise(ErrorClass::ValueError, "case mapping failed");
  }
  return result(out, I.newString(text));
}

bool native_string_replace(IsolateState& I, Slot* args, Slot* out) {
  std::string_view s = str(args[0])->view();
  std::string_view from = str(args[1])->view();
  std::string_view to = str(args[2])->view();
  std::string text;
  if (from.empty()) {
    // Inserts `to` around every code point, as Java and Kotlin do.
    text += to;
    for (size_t i = 0; i < s.size();) {
      size_t n = codePointBytes(static_cast<unsigned char>(s[i]));
      text += s.substr(i, n);
      text += to;
      i += n;
      if (text.size() >= kMaxStringBytes) break;
    }
  } else {
    size_t start = 0;
    while (true) {
      size_t at = findText(s, from, start);
      if (at == std::string_view::npos) break;
      text += s.substr(start, at - start);
      text += to;
      start = at + from.size();
      if (text.size() >= kMaxStringBytes) break;
    }
    text += s.substr(start);
  }
  return result(out, I.newString(text));
}

bool native_string_repeat(IsolateState& I, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
  int64_t n = args[1].i;
  if (n < 0)
    return I.raise(ErrorClass::ValueError,
                   "repeat count must not be negative, got " + std::to_string(n));
  if (n > 0 && uint64_t(s->byteLength) * uint64_t(n) >= kMaxStringBytes) {
    return I.raise(ErrorClass::LimitError,
                   "string too long (repeat would make " +
                       std::to_string(uint64_t(s->byteLength) * uint64_t(n)) + " bytes)");
  }
  if (!I.reserve(uint64_t(s->byteLength) * uint64_t(n))) return false;
  std::string text;
  text.reserve(size_t(s->byteLength) * size_t(n));
  for (int64_t i = 0; i < n; i++)
    text += s->view();
  return result(out,
                I.newStringWithLength(text, uint32_t(uint64_t(s->codePointLength) * uint64_t(n))));
}

bool native_string_toInt(IsolateState& I, Slot* args, Slot* out) {
  std::string_view s = str(args[0])->view();
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
  out->i = negative ? int64_t(0 - value) : int64_t(value);
  return true;
}

bool native_string_toFloat(IsolateState& I, Slot* args, Slot* out) {
  std::string s(str(args[0])->view());
  bool plain = !s.empty();
  for (char c : s) {
    if (!std::strchr("0123456789+-.eE", c)) plain = false;
  }
  std::string lower;
  for (char c : s)
    lower += char(std::tolower(static_cast<unsigned char>(c)));
  std::string word = lower;
  if (!word.empty() && (word[0] == '-' || word[0] == '+')) word = word.substr(1);
  bool special = word == "nan" || word == "inf" || word == "infinity";
  char* end = nullptr;
  double v = (plain || special) ? std::strtod(s.c_str(), &end) : 0;
  if (!(plain || special) || end != s.c_str() + s.size() || s.empty()) {
    return I.raise(ErrorClass::ValueError, "cannot convert " + quoteForMessage(s) + " to float");
  }
  out->f = v;
  return true;
}

bool native_string_hash(IsolateState&, Slot* args, Slot* out) {
  StringObject* s = str(args[0]);
  if (s->hash == 0) {
    uint64_t h = 1469598103934665603ull; // FNV-1a
    for (uint32_t i = 0; i < s->byteLength; i++) {
      h ^= static_cast<unsigned char>(s->bytes[i]);
      h *= 1099511628211ull;
    }
    s->hash = h ? h : 1;
  }
  out->i = int64_t(s->hash);
  return true;
}

bool native_string_fromCodePoint(IsolateState& I, Slot* args, Slot* out) {
  int64_t cp = args[0].i;
  if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return I.raise(ErrorClass::ValueError, "invalid code point " + std::to_string(cp));
  }
  std::string text;
  appendUtf8(text, uint32_t(cp));
  return result(out, I.newStringWithLength(text, 1));
}

// ---- StringBuilder ----

bool native_sb_new(IsolateState& I, Slot*, Slot* out) {
  StringBuilderObject* b = I.newStringBuilder();
  out->p = b;
  return b != nullptr;
}

bool native_sb_append(IsolateState& I, Slot* args, Slot* out) {
  auto* b = static_cast<StringBuilderObject*>(args[0].p);
  StringObject* s = str(args[1]);
  std::string_view text = s ? s->view() : "null";
  uint64_t needed = b->length + text.size() + 1;
  if (!I.reserve(needed)) return false;
  if (needed >= kMaxStringBytes) return I.raise(ErrorClass::LimitError, "StringBuilder too long");
  if (needed > b->capacity) {
    uint64_t capacity = std::max<uint64_t>(needed, b->capacity * 2 + 16);
    Slot keep = args[0]; // the builder stays reachable from the caller's registers
    (void)keep;
    auto* buffer = static_cast<char*>(I.allocate(capacity, false));
    if (!buffer) return false;
    if (b->length) std::memcpy(buffer, b->buffer, b->length);
    b->buffer = buffer;
    b->capacity = capacity;
  }
  std::memcpy(b->buffer + b->length, text.data(), text.size());
  b->length += text.size();
  b->buffer[b->length] = '\0';
  b->codePoints += s ? s->codePointLength : 4;
  out->p = b;
  return true;
}

bool native_sb_length(IsolateState&, Slot* args, Slot* out) {
  out->i = int64_t(static_cast<StringBuilderObject*>(args[0].p)->codePoints);
  return true;
}

bool native_sb_toString(IsolateState& I, Slot* args, Slot* out) {
  auto* b = static_cast<StringBuilderObject*>(args[0].p);
  return result(out, I.newStringWithLength(std::string_view(b->buffer ? b->buffer : "", b->length),
                                           uint32_t(b->codePoints)));
}

} // namespace nuri
