// support/number_format.h: the text of ints and floats, as `toString` and `println` show them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "support/number_format.h"

namespace nuri {
namespace {

struct FloatCase {
  double value;
  const char* expected; // Python's repr(value)
};

// Every expected string below was produced by CPython's repr().
const FloatCase kFloatCases[] = {
    {0.1 + 0.2, "0.30000000000000004"},
    {1e16, "1e+16"},
    {1e-5, "1e-05"},
    {0.00001, "1e-05"},
    {5e-324, "5e-324"},
    {1e-323, "1e-323"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {-0.0, "-0.0"},
    {0.0, "0.0"},
    {123456789012345680.0, "1.2345678901234568e+17"},
    {12345678901234567.0, "1.2345678901234568e+16"},
    {0.0001, "0.0001"},
    {0.00015, "0.00015"},
    {0.000123, "0.000123"},
    {0.0001 * 0.9999, "9.999000000000001e-05"},
    {100.0, "100.0"},
    {1.0, "1.0"},
    {0.5, "0.5"},
    {1.5, "1.5"},
    {-1.5, "-1.5"},
    {0.1, "0.1"},
    {0.3, "0.3"},
    {4.35, "4.35"},
    {1.0 / 3.0, "0.3333333333333333"},
    {2.5e-3, "0.0025"},
    {123.456, "123.456"},
    {-123456.789, "-123456.789"},
    {3.14159, "3.14159"},
    {1e15, "1000000000000000.0"},
    {9999999999999998.0, "9999999999999998.0"},
    {9007199254740992.0, "9007199254740992.0"},
    {9223372036854775808.0, "9.223372036854776e+18"},
    {1e21, "1e+21"},
    {1e22, "1e+22"},
    {1e100, "1e+100"},
    {1.23e-7, "1.23e-07"},
    {-1e-7, "-1e-07"},
};

TEST(FormatFloat, MatchesPythonRepr) {
  for (const FloatCase& c : kFloatCases) {
    EXPECT_EQ(formatFloat(c.value), c.expected) << "for the double with %a " << [&] {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%a", c.value);
      return std::string(buf);
    }();
  }
}

TEST(FormatFloat, NonFiniteValues) {
  EXPECT_EQ(formatFloat(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(formatFloat(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(formatFloat(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(formatFloat(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(FormatFloat, PowersOfTenSwitchToExponentAtSixteenDigits) {
  // Python: fixed notation for 1e-4 <= |x| < 1e16, scientific outside.
  EXPECT_EQ(formatFloat(1e-4), "0.0001");
  EXPECT_EQ(formatFloat(1e-5), "1e-05");
  EXPECT_EQ(formatFloat(1e14), "100000000000000.0");
  EXPECT_EQ(formatFloat(1e15), "1000000000000000.0");
  EXPECT_EQ(formatFloat(1e16), "1e+16");
  EXPECT_EQ(formatFloat(-1e16), "-1e+16");
  EXPECT_EQ(formatFloat(1.5e16), "1.5e+16");
  EXPECT_EQ(formatFloat(1e-100), "1e-100");
}

// Every formatted double must read back as exactly the same double (shortest round trip).
TEST(FormatFloat, RandomBitPatternsRoundTrip) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 200000; i++) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string text = formatFloat(d);
    double back = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &d, sizeof d), 0) << text;
    // Always has a dot or an exponent, so it never reads as an int.
    ASSERT_NE(text.find_first_of(".e"), std::string::npos) << text;
  }
}

TEST(FormatInt, Decimal) {
  EXPECT_EQ(formatInt(0), "0");
  EXPECT_EQ(formatInt(7), "7");
  EXPECT_EQ(formatInt(-1), "-1");
  EXPECT_EQ(formatInt(1000000), "1000000");
  EXPECT_EQ(formatInt(-42), "-42");
  EXPECT_EQ(formatInt(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(formatInt(INT64_MIN), "-9223372036854775808");
}

} // namespace
} // namespace nuri
