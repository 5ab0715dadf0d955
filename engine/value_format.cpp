#include "engine/value_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace plume::engine {

namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr int kMaxFraction = 9;                         // most fraction digits of the short path
constexpr double kMaxDigits = 1e15;                     // at most 15 significant digits (DBL_DIG)
constexpr std::int64_t kDigitLimit = 1000000000000000;  // 10^15

// Writes the decimal digits of m before `end`; returns where they begin. Two digits a step.
char* WriteDigits(std::int64_t m, char* end) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  while (m >= 100) {
    const auto pair = static_cast<std::size_t>(m % 100) * 2;
    m /= 100;
    *--end = kPairs[pair + 1];
    *--end = kPairs[pair];
  }
  if (m >= 10) {
    *--end = kPairs[m * 2 + 1];
    *--end = kPairs[m * 2];
  } else {
    *--end = static_cast<char>('0' + m);
  }
  return end;
}

// The text of `v` for the common case of a value that is the double nearest to a decimal
// m / 10^k of at most 15 significant digits with k <= 9, at least 1e-4 (fixed notation, below):
// those digits are then the shortest that read back to `v` (two decimals of 15 digits never
// round to one double). One product and one division find m and k: a * 10^K (K the most
// fraction digits that keep 15 digits) is within 0.25 of the integer m * 10^(K-k), and
// m / 10^k == a confirms it. Returns false (nothing appended) when unsure; the general path
// then writes it.
bool AppendShortFixed(std::string& out, double v) {
  const double a = v < 0 ? -v : v;
  if (!(a >= 1e-4 && a < kMaxDigits)) return false;  // also 0, -0
  int k = kMaxFraction;
  while (k > 0 && a * kPow10[k] >= kMaxDigits) --k;
  std::int64_t m = std::llround(a * kPow10[k]);  // a >= 0: half up, as + 0.5 was
  if (m >= kDigitLimit || static_cast<double>(m) / kPow10[k] != a) return false;
  for (int step : {8, 4, 2, 1}) {  // strip the trailing zeros of the fraction
    const auto p = static_cast<std::int64_t>(kPow10[step]);
    if (k >= step && m % p == 0) {
      m /= p;
      k -= step;
    }
  }
  char digits[24];
  char* const end = digits + sizeof digits;
  char* const first = WriteDigits(m, end);
  const auto len = static_cast<std::size_t>(end - first), frac = static_cast<std::size_t>(k);
  char text[32];
  char* p = text;
  if (v < 0) *p++ = '-';
  if (frac == 0) {
    p = std::copy(first, end, p);
    *p++ = '.';
    *p++ = '0';
  } else if (len > frac) {
    p = std::copy(first, end - frac, p);
    *p++ = '.';
    p = std::copy(end - frac, end, p);
  } else {
    *p++ = '0';
    *p++ = '.';
    p = std::fill_n(p, frac - len, '0');
    p = std::copy(first, end, p);
  }
  out.append(text, p);
  return true;
}

}  // namespace

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  if (AppendShortFixed(out, v)) return;
  // The shortest digits that read back to v, in fixed notation when their decimal exponent is
  // -4 .. 15, else scientific, as DuckDB. The shortest digits of a double below 1e16 (or at least
  // 1e-4) read back to it, not to 1e16, so their exponent is within the range exactly when |v| is.
  const double a = std::fabs(v);
  const bool fixed = a == 0 || (a >= 1e-4 && a < 1e16);
  char buf[48];
  const auto [end, ec] = std::to_chars(
      buf, buf + sizeof buf, v, fixed ? std::chars_format::fixed : std::chars_format::scientific);
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  out += text;
  if (fixed && text.find('.') == std::string_view::npos) out += ".0";
}

void AppendDate(std::string& out, std::int64_t days) {
  std::string t;
  AppendTimestamp(t, days * 86400);
  out.append(t, 0, 10);
}

void AppendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

namespace {

// The digits of a magnitude `m` (unsigned: INT64_MIN has none in int64) with `scale` of them
// after the point, as AppendDecimal says.
template <typename Unsigned>
void AppendUnits(std::string& out, Unsigned m, bool negative, int scale, bool leading_zero) {
  char buf[48];  // 39 digits, the point, a 0 and the sign at most
  char* p = buf + sizeof buf;
  int digits = 0;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
    if (++digits == scale) *--p = '.';
  } while (m > 0 || digits < scale);
  if (scale > 0 && digits == scale && leading_zero) *--p = '0';  // "0.05", not ".05"
  if (negative) *--p = '-';
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

}  // namespace

void AppendDecimal(std::string& out, std::int64_t units, int scale, bool leading_zero) {
  const std::uint64_t m = units < 0 ? 0 - static_cast<std::uint64_t>(units) : units;
  AppendUnits(out, m, units < 0, scale, leading_zero);
}

void AppendWideDecimal(std::string& out, Int128 units, int scale, bool leading_zero) {
  if (units >= INT64_MIN && units <= INT64_MAX) {  // 64-bit division: the common case
    return AppendDecimal(out, static_cast<std::int64_t>(units), scale, leading_zero);
  }
  __extension__ typedef unsigned __int128 U128;
  const U128 m = units < 0 ? 0 - static_cast<U128>(units) : static_cast<U128>(units);
  AppendUnits(out, m, units < 0, scale, leading_zero);
}

void AppendWideInt(std::string& out, Int128 v) { AppendWideDecimal(out, v, 0); }

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

void AppendTimestamp(std::string& out, std::int64_t seconds) {
  std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  std::int64_t rem = seconds - days * 86400;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  int n =
      std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld", static_cast<long long>(y), m,
                    d, static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60));
  out.append(buf, static_cast<std::size_t>(n));
  if (rem % 60 != 0) {
    n = std::snprintf(buf, sizeof buf, ":%02lld", static_cast<long long>(rem % 60));
    out.append(buf, static_cast<std::size_t>(n));
  }
}

bool ParseTimestamp(std::string_view s, std::int64_t* seconds) {
  unsigned y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return false;
  }
  if (s.size() != 10) {
    if (s.size() != 16 && s.size() != 19) return false;
    if ((s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &h) || s[13] != ':' ||
        !Digits(s, 14, 2, &mi)) {
      return false;
    }
    if (s.size() == 19 && (s[16] != ':' || !Digits(s, 17, 2, &sec))) return false;
  }
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return false;
  if (d > kDays[mo - 1] + (mo == 2 && IsLeap(y) ? 1 : 0)) return false;
  if (h > 23 || mi > 59 || sec > 59) return false;
  *seconds = DaysFromCivil(y, mo, d) * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec;
  return true;
}

}  // namespace plume::engine
