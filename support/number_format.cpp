#include "support/number_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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

} // namespace nuri
