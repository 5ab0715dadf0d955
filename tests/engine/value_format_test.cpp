// AppendDouble's short path (decimals of up to 15 digits written without std::to_chars) gives
// exactly the text to_chars gives: checked against the to_chars form over random decimals of
// every length and magnitude the path takes and the ones next to its limits, random bit
// patterns, and the values where fixed and scientific notation are the same length.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "engine/value_format.h"

namespace plume::engine {
namespace {

// AppendDouble as it was before the short path: to_chars, then ".0" after a bare integer.
std::string Reference(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string text(buf, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
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
                           0.001,  // fixed and scientific both 5 characters: fixed
                           0.0001,
                           0.00012,
                           0.000123,
                           1e-6,
                           1.5e-6,
                           9.99999e-7,
                           1e-7,
                           10000.0,
                           100000.0,  // "1e+05" is shorter
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
  EXPECT_EQ(Text(0.001), "0.001");
  EXPECT_EQ(Text(100000.0), "1e+05");
  EXPECT_EQ(Text(-119.0), "-119.0");
  EXPECT_EQ(Text(44.36942), "44.36942");
}

TEST(AppendDouble, EveryTenthAndHundredthUpToAThousand) {
  for (int i = -1000000; i <= 1000000; ++i) ExpectSame(i / 100.0);
  for (int i = -100000; i <= 100000; ++i) ExpectSame(i / 10.0);
}

}  // namespace
}  // namespace plume::engine
