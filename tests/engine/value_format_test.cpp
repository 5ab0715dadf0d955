// AppendDouble (its short path for decimals of up to 15 digits, and the general one) gives
// exactly DuckDB's text of a DOUBLE: checked against a reference written from the rule over
// random decimals of every length and magnitude, the ones next to the paths' limits, random bit
// patterns, and the values where the notation changes.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "engine/value_format.h"

namespace plume::engine {
namespace {

// DuckDB's text of a DOUBLE, written independently of AppendDouble: the fewest significant
// digits that read back to v (printf's %.*e, read back with strtod), in fixed notation when the
// decimal exponent is within -4 .. 15 (".0" after a whole number), else d[.ddd]e+XX.
std::string Reference(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  for (int precision = 1;; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string text(buf);
  const std::size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  if (exponent < -4 || exponent >= 16) return mantissa + text.substr(e);
  const bool negative = mantissa[0] == '-';
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') digits += c;
  }
  std::string out = negative ? "-" : "";
  if (exponent < 0) return out + "0." + std::string(-exponent - 1, '0') + digits;
  const auto whole = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= whole) return out + digits + std::string(whole - digits.size(), '0') + ".0";
  return out + digits.substr(0, whole) + "." + digits.substr(whole);
}

std::string Text(double v) {
  std::string out = "<";  // appends, never replaces
  AppendDouble(out, v);
  return out.substr(1);
}

void ExpectSame(double v) {
  ASSERT_EQ(Text(v), Reference(v)) << "bits " << std::hex << [&] {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
  }();
}

TEST(AppendDouble, DecimalsOfEveryLengthAndScale) {
  std::mt19937_64 gen(7);
  for (int digits = 1; digits <= 17; ++digits) {
    std::uint64_t top = 1;
    for (int i = 0; i < digits; ++i) top *= 10;
    std::uniform_int_distribution<std::uint64_t> mantissa(top / 10, top - 1);
    for (int scale = 0; scale <= 22; ++scale) {
      for (int i = 0; i < 400; ++i) {
        const double v = static_cast<double>(mantissa(gen)) / std::pow(10.0, scale);
        ExpectSame(v);
        ExpectSame(-v);
      }
    }
  }
}

TEST(AppendDouble, RandomBitPatternsAndProducts) {
  std::mt19937_64 gen(11);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t bits = gen();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    ExpectSame(v);
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) {
    ExpectSame(unit(gen) * std::pow(10.0, static_cast<int>(gen() % 30) - 12));
  }
  for (int i = 0; i < 20000; ++i) {  // sums and products that are not the nearest decimal
    const double a = static_cast<double>(gen() % 100000) / 10;
    ExpectSame(a * 0.1);
    ExpectSame(a + 0.1);
    ExpectSame(a / 3);
  }
}

TEST(AppendDouble, AtTheLimitsOfTheShortPath) {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           17.0,
                           -119.0,
                           0.1,
                           0.2 + 0.1,
                           0.001,
                           0.0001,
                           0.00012,
                           0.000123,
                           1e-6,
                           1.5e-6,
                           9.99999e-7,
                           1e-7,
                           10000.0,
                           100000.0,
                           120000.0,
                           1230000.0,
                           123456789012345.0,
                           999999999999999.0,
                           1e15,
                           1e15 + 1,
                           1e16,
                           4503599627370496.5,
                           9007199254740993.0,
                           44.36942,
                           -124.2,
                           5.6,
                           0.123456789,
                           0.1234567891,
                           12345.123456789,
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::epsilon(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()};
  for (double v : values) {
    ExpectSame(v);
    ExpectSame(-v);
    ExpectSame(std::nextafter(v, 0.0));
    ExpectSame(std::nextafter(v, std::numeric_limits<double>::infinity()));
  }
  // DuckDB 1.5's CAST(x AS VARCHAR) of each
  EXPECT_EQ(Text(0.001), "0.001");
  EXPECT_EQ(Text(100000.0), "100000.0");
  EXPECT_EQ(Text(1.5e10), "15000000000.0");
  EXPECT_EQ(Text(1e15), "1000000000000000.0");
  EXPECT_EQ(Text(9007199254740992.0), "9007199254740992.0");
  EXPECT_EQ(Text(1e16), "1e+16");
  EXPECT_EQ(Text(1.5e16), "1.5e+16");
  EXPECT_EQ(Text(0.0001), "0.0001");
  EXPECT_EQ(Text(1.234567890123e-4), "0.0001234567890123");
  EXPECT_EQ(Text(1e-5), "1e-05");
  EXPECT_EQ(Text(-1.5e-7), "-1.5e-07");
  EXPECT_EQ(Text(1e308), "1e+308");
  EXPECT_EQ(Text(5e-324), "5e-324");
  EXPECT_EQ(Text(-0.0), "-0.0");
  EXPECT_EQ(Text(-119.0), "-119.0");
  EXPECT_EQ(Text(44.36942), "44.36942");
}

TEST(AppendDouble, EveryTenthAndHundredthUpToAThousand) {
  for (int i = -1000000; i <= 1000000; ++i) ExpectSame(i / 100.0);
  for (int i = -100000; i <= 100000; ++i) ExpectSame(i / 10.0);
}

}  // namespace
}  // namespace plume::engine
