#include "classlib/format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace nuri {

std::string formatInt(int64_t value) { return std::to_string(value); }

std::string formatFloat(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, result.ptr);
  // sci is "-d.ddde+XX": split into sign, digits and decimal exponent.
  bool negative = sci[0] == '-';
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(negative ? 1 : 0, e - (negative ? 1 : 0));
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  std::string out = negative ? "-" : "";
  int n = int(digits.size());
  // Like Python's repr: fixed notation for 1e-4 <= |x| < 1e16, scientific otherwise.
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= n - 1) {
      out += digits + std::string(size_t(exponent - (n - 1)), '0') + ".0";
    } else if (exponent >= 0) {
      out += digits.substr(0, size_t(exponent + 1)) + "." + digits.substr(size_t(exponent + 1));
    } else {
      out += "0.";
      out += std::string(size_t(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (n > 1) {
    out += '.';
    out += digits.substr(1);
  }
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp;
}

StringObject* concatStrings(IsolateState& I, StringObject* a, StringObject* b) {
  std::string_view x = a ? a->view() : "null";
  std::string_view y = b ? b->view() : "null";
  if (x.size() + y.size() >= kMaxStringBytes) {
    I.raise(ErrorClass::LimitError,
            "string too long (" + std::to_string(x.size() + y.size()) + " bytes)");
    return nullptr;
  }
  uint32_t cps = (a ? a->codePointLength : 4) + (b ? b->codePointLength : 4);
  auto* s =
      static_cast<StringObject*>(I.allocate(sizeof(StringObject) + x.size() + y.size() + 1, false));
  if (!s) return nullptr;
  s->header = headerFor(&I.stringType);
  s->byteLength = uint32_t(x.size() + y.size());
  s->codePointLength = cps;
  s->hash = 0;
  if (!I.copyInSteps(s->bytes, x.data(), x.size()) ||
      !I.copyInSteps(s->bytes + x.size(), y.data(), y.size())) {
    return nullptr;
  }
  s->bytes[s->byteLength] = '\0';
  return s;
}

bool TextBuilder::reserve(uint64_t bytes) {
  uint64_t needed = text_.size() + bytes;
  if (needed >= kMaxStringBytes) {
    return isolate_.raise(ErrorClass::LimitError,
                          "string too long (" + std::to_string(needed) + " bytes)");
  }
  if (needed <= reserved_) return true;
  uint64_t grown = std::min<uint64_t>(std::max(needed, reserved_ * 2), kMaxStringBytes);
  if (!isolate_.reserve(grown - reserved_)) return false;
  reserved_ = grown;
  text_.reserve(size_t(grown));
  return true;
}

bool TextBuilder::append(std::string_view text) {
  if (!reserve(text.size()) || !isolate_.nativeProgress(text.size())) return false;
  text_ += text;
  return true;
}

StringObject* TextBuilder::finish() { return isolate_.newString(text_); }

} // namespace nuri
