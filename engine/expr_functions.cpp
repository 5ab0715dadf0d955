// Scalar function kernels (ExprOp::kFunction): time, numeric and string functions, each one loop
// over the run. Argument types are fixed by the binder (docs/SQL.md); constant arguments
// (date parts, formats, patterns) are read from the first row.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "engine/expr_kernels.h"
#include "engine/utf8.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

// Howard Hinnant's civil_from_days.
Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t DaysFromCivilDate(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = FloorDiv(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t DateTrunc(std::string_view unit, std::int64_t ts) {
  const std::int64_t days = FloorDiv(ts, kDay);
  if (unit == "second") return ts;
  if (unit == "minute") return FloorDiv(ts, 60) * 60;
  if (unit == "hour") return FloorDiv(ts, 3600) * 3600;
  if (unit == "day") return days * kDay;
  if (unit == "week") return (days - (((days + 3) % 7) + 7) % 7) * kDay;  // ISO: Monday
  const Civil c = CivilFromDays(days);
  if (unit == "month") return DaysFromCivilDate(c.year, c.month, 1) * kDay;
  if (unit == "quarter") return DaysFromCivilDate(c.year, (c.month - 1) / 3 * 3 + 1, 1) * kDay;
  return DaysFromCivilDate(c.year, 1, 1) * kDay;  // year (the binder checked the unit)
}

std::int64_t DatePart(std::string_view part, std::int64_t ts) {
  const std::int64_t days = FloorDiv(ts, kDay);
  const std::int64_t secs = ts - days * kDay;
  const Civil c = CivilFromDays(days);
  if (part == "year") return c.year;
  if (part == "quarter") return (c.month - 1) / 3 + 1;
  if (part == "month") return c.month;
  if (part == "day") return c.day;
  if (part == "hour") return secs / 3600;
  if (part == "minute") return secs / 60 % 60;
  if (part == "second") return secs % 60;
  if (part == "dow") return ((days + 4) % 7 + 7) % 7;         // Sunday = 0
  if (part == "isodow") return ((days + 3) % 7 + 7) % 7 + 1;  // Monday = 1
  if (part == "doy") return days - DaysFromCivilDate(c.year, 1, 1) + 1;
  return ts;  // epoch
}

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kWeekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

void Two(std::string* out, std::int64_t v) {
  out->push_back(static_cast<char>('0' + v / 10 % 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void Strftime(std::string_view fmt, std::int64_t ts, std::string* out) {
  out->clear();
  const std::int64_t days = FloorDiv(ts, kDay);
  const std::int64_t secs = ts - days * kDay;
  const Civil c = CivilFromDays(days);
  const auto dow = static_cast<std::size_t>(((days + 4) % 7 + 7) % 7);
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%' || i + 1 == fmt.size()) {
      out->push_back(fmt[i]);
      continue;
    }
    switch (fmt[++i]) {
      case 'Y':
        out->append(std::to_string(c.year));
        break;
      case 'y':
        Two(out, c.year % 100);
        break;
      case 'm':
        Two(out, c.month);
        break;
      case 'd':
        Two(out, c.day);
        break;
      case 'e':
        out->append(std::to_string(c.day));
        break;
      case 'H':
        Two(out, secs / 3600);
        break;
      case 'I':
        Two(out, (secs / 3600 + 11) % 12 + 1);
        break;
      case 'p':
        out->append(secs / 3600 < 12 ? "AM" : "PM");
        break;
      case 'M':
        Two(out, secs / 60 % 60);
        break;
      case 'S':
        Two(out, secs % 60);
        break;
      case 'j': {
        const std::int64_t doy = days - DaysFromCivilDate(c.year, 1, 1) + 1;
        out->push_back(static_cast<char>('0' + doy / 100));
        Two(out, doy);
        break;
      }
      case 'B':
        out->append(kMonths[c.month - 1]);
        break;
      case 'b':
        out->append(kMonths[c.month - 1], 3);
        break;
      case 'A':
        out->append(kWeekdays[dow]);
        break;
      case 'a':
        out->append(kWeekdays[dow], 3);
        break;
      case 'w':
        out->push_back(static_cast<char>('0' + dow));
        break;
      case '%':
        out->push_back('%');
        break;
      default:
        throw std::runtime_error(std::string("strftime: unsupported format specifier '%") + fmt[i] +
                                 "'");
    }
  }
}

std::string ConstantText(const BatchColumn& c) {
  return c.offsets.size() > 1 && !c.IsNull(0) ? std::string(c.StringAt(0)) : std::string();
}

void TimeFunction(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out) {
  VectorBuilder b(e.type, n);
  const bool format = e.fn == ExprFn::kStrftime;
  const BatchColumn& ts = a[format ? 0 : 1];
  const BatchColumn& what = a[format ? 1 : 0];
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    if (ts.IsNull(i) || what.IsNull(i)) {
      b.Null();
      continue;
    }
    const std::int64_t t = ts.ints[i];
    if (e.fn == ExprFn::kDateTrunc) {
      b.Int(DateTrunc(what.StringAt(i), t));
    } else if (e.fn == ExprFn::kDatePart) {
      const std::int64_t v = DatePart(what.StringAt(i), t);
      if (e.type == Type::kFloat64) {
        b.Double(static_cast<double>(v));
      } else {
        b.Int(v);
      }
    } else {
      Strftime(what.StringAt(i), t, &text);
      b.String(text);
    }
  }
  *out = b.Finish();
}

double RoundTo(double x, std::int64_t digits) {
  if (digits >= 0) {
    const double f = std::pow(10.0, static_cast<double>(std::min<std::int64_t>(digits, 300)));
    const double r = std::round(x * f) / f;
    return std::isfinite(r) ? r : x;
  }
  const double f = std::pow(10.0, static_cast<double>(std::min<std::int64_t>(-digits, 300)));
  return std::round(x / f) * f;
}

// round(x, digits) of an integer, exactly (a double would move a BIGINT beyond 2^53: DuckDB's
// round(18014398509481985, -1) is 18014398509481990): x read as the units of a DECIMAL of scale
// -digits, rounded half away from zero to scale 0 as a DECIMAL's round is, in 128 bits, so a
// result beyond the type is seen (and reported) rather than wrapped.
Int128 RoundInteger(std::int64_t x, std::int64_t digits) {
  if (digits >= 0) return x;
  if (digits < -38) return 0;
  const int k = static_cast<int>(-digits);
  return RoundWideUnits(x, k, 0, kRoundHalfAway) * Pow10Wide(k);
}

// sqrt, ln and log10 outside their domain are errors, as in DuckDB.
void CheckDomain(const Expr& e, const BatchColumn& x, std::size_t n) {
  if (e.fn != ExprFn::kSqrt && e.fn != ExprFn::kLn && e.fn != ExprFn::kLog10) return;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x.type == Type::kFloat64 ? x.doubles[i] : static_cast<double>(x.ints[i]);
    if (x.IsNull(i) || (e.fn == ExprFn::kSqrt ? v >= 0 : v > 0)) continue;
    const char* why = e.fn == ExprFn::kSqrt ? "cannot take square root of a negative number"
                      : v == 0              ? "cannot take logarithm of zero"
                                            : "cannot take logarithm of a negative number";
    throw std::runtime_error(std::string("Out of Range Error: ") + why + " in '" + e.text + "'");
  }
}

void Unary(const Expr& e, const BatchColumn& x, std::size_t n, BatchColumn* out) {
  *out = x;
  out->type = e.type;
  if (x.type != Type::kFloat64) {  // BIGINT: abs, round, floor, ceil keep the integer
    if (e.type == Type::kFloat64) {
      out->doubles.assign(x.ints.begin(), x.ints.end());
      out->ints.clear();
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        if (e.fn != ExprFn::kAbs) continue;
        if (IsNarrowInteger(e.type) && x.ints[i] == IntegerMin(e.type) && x.ints[i] < 0 &&
            !x.IsNull(i)) {
          throw std::runtime_error("Out of Range Error: Overflow on abs(" +
                                   std::to_string(x.ints[i]) + ") in '" + e.text + "'");
        }
        if (x.ints[i] == INT64_MIN && !x.IsNull(i))
          throw std::runtime_error("Overflow in abs of BIGINT in '" + e.text + "'");
        out->ints[i] = std::abs(x.ints[i]);
      }
      return;
    }
  }
  CheckDomain(e, x, n);
  double (*f)(double) = e.fn == ExprFn::kAbs     ? static_cast<double (*)(double)>(std::fabs)
                        : e.fn == ExprFn::kRound ? static_cast<double (*)(double)>(std::round)
                        : e.fn == ExprFn::kFloor ? static_cast<double (*)(double)>(std::floor)
                        : e.fn == ExprFn::kCeil  ? static_cast<double (*)(double)>(std::ceil)
                        : e.fn == ExprFn::kSqrt  ? static_cast<double (*)(double)>(std::sqrt)
                        : e.fn == ExprFn::kLn    ? static_cast<double (*)(double)>(std::log)
                                                 : static_cast<double (*)(double)>(std::log10);
  for (double& d : out->doubles) d = f(d);
}

double AsDouble(const BatchColumn& c, std::size_t i) {
  return c.type == Type::kFloat64 ? c.doubles[i] : static_cast<double>(c.ints[i]);
}

// abs/round/floor/ceil of a DECIMAL: on its units, exactly (e.type is the result's DECIMAL).
void DecimalUnary(const Expr& e, const std::vector<BatchColumn>& args, std::size_t n,
                  BatchColumn* out) {
  const BatchColumn& x = args[0];
  const int from = DecimalScale(x.type), to = DecimalScale(e.type);
  const int mode = e.fn == ExprFn::kFloor  ? kRoundFloor
                   : e.fn == ExprFn::kCeil ? kRoundCeil
                                           : kRoundHalfAway;
  // |units| < 10^38 at either width, so abs and the roundings below stay within 128 bits.
  VectorBuilder b(e.type, n, IsWideDecimal(e.type));
  for (std::size_t i = 0; i < n; ++i) {
    if (x.IsNull(i) || (args.size() == 2 && args[1].IsNull(i))) {
      b.Null();
      continue;
    }
    Int128 u = UnitsOf(x, i);
    if (e.fn == ExprFn::kRound && args.size() == 2 && args[1].ints[i] < 0) {
      // round(123.45, -1) = 120: rounded at 10^k, k = -n, as a value of scale from + k
      const int k = static_cast<int>(std::min<std::int64_t>(-args[1].ints[i], 39));
      u = k > 38 ? 0 : RoundWideUnits(u, from + k, 0, mode) * Pow10Wide(k);
    } else if (e.fn != ExprFn::kAbs) {
      u = RoundWideUnits(u, from, to, mode);
    } else {
      u = u < 0 ? -u : u;
    }
    if (IsWideDecimal(e.type)) {
      b.Wide(u);
    } else {
      b.Int(static_cast<std::int64_t>(u));  // a width of 1-18 holds fewer than 10^18 units
    }
  }
  *out = b.Finish();
}

std::string WideText(Int128 v) {
  std::string t;
  AppendWideInt(t, v);
  return t;
}

// abs, round(x) and round(x, n) of a HUGEINT keep HUGEINT, as DuckDB's: abs of the least value
// is its error; round(x, n < 0) rounds half away from zero at 10^-n, and a result beyond INT128
// is an error (DuckDB wraps it, as for the other integer types: docs/SQL.md).
void HugeintUnary(const Expr& e, const std::vector<BatchColumn>& a, std::size_t n,
                  BatchColumn* out) {
  VectorBuilder b(Type::kHugeint, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[0].IsNull(i) || (a.size() == 2 && a[1].IsNull(i))) {
      b.Null();
      continue;
    }
    const Int128 x = a[0].wide[i];
    Int128 r = x;
    if (e.fn == ExprFn::kAbs && x < 0) {
      if (__builtin_sub_overflow(Int128{0}, x, &r)) {
        throw std::runtime_error("Out of Range Error: Overflow on abs(" + WideText(x) + ") in '" +
                                 e.text + "'");
      }
    } else if (e.fn == ExprFn::kRound && a.size() == 2 && a[1].ints[i] < 0) {
      const std::int64_t digits = a[1].ints[i];
      r = 0;
      if (digits >= -38) {
        const int k = static_cast<int>(-digits);
        if (__builtin_mul_overflow(RoundWideUnits(x, k, 0, kRoundHalfAway), Pow10Wide(k), &r)) {
          throw std::runtime_error("Out of Range Error: Overflow in round of INT128 (" +
                                   WideText(x) + ", " + std::to_string(digits) + ") in '" + e.text +
                                   "'");
        }
      }
    }
    b.Wide(r);
  }
  *out = b.Finish();
}

void Numeric(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out) {
  if (IsDecimal(a[0].type) && e.fn != ExprFn::kPower) return DecimalUnary(e, a, n, out);
  if (a[0].type == Type::kUbigint && e.fn == ExprFn::kAbs) {  // every UBIGINT is its abs
    *out = std::move(a[0]);
    return;
  }
  if (a[0].type == Type::kHugeint && (e.fn == ExprFn::kAbs || e.fn == ExprFn::kRound)) {
    return HugeintUnary(e, a, n, out);
  }
  if (e.fn == ExprFn::kRound && a.size() == 2 && a[0].type == Type::kFloat64) {
    VectorBuilder b(e.type, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (a[0].IsNull(i) || a[1].IsNull(i)) {
        b.Null();
      } else {
        b.Double(RoundTo(a[0].doubles[i], a[1].ints[i]));
      }
    }
    *out = b.Finish();
    return;
  }
  if (e.fn == ExprFn::kRound && a.size() == 2) {  // round(BIGINT or INTEGER, n)
    VectorBuilder b(e.type, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (a[0].IsNull(i) || a[1].IsNull(i)) {
        b.Null();
        continue;
      }
      const Int128 wide = RoundInteger(a[0].ints[i], a[1].ints[i]);
      const bool fits = wide >= std::numeric_limits<std::int64_t>::min() &&
                        wide <= std::numeric_limits<std::int64_t>::max() &&
                        FitsInteger(e.type, static_cast<std::int64_t>(wide));
      const auto r = static_cast<std::int64_t>(wide);
      // DuckDB wraps an integer rounded beyond its type (round(2147483647, -1) is -2147483646,
      // round(9223372036854775807, -18) -8000000000000000000: no overflow check in its
      // integer round); plume says so instead (docs/SQL.md).
      if (!fits) {
        throw std::runtime_error("Out of Range Error: Overflow in round of " +
                                 std::string(PhysicalName(e.type)) + " (" +
                                 std::to_string(a[0].ints[i]) + ", " +
                                 std::to_string(a[1].ints[i]) + ") in '" + e.text + "'");
      }
      b.Int(r);
    }
    *out = b.Finish();
    return;
  }
  if (e.fn == ExprFn::kPower) {
    VectorBuilder b(e.type, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (a[0].IsNull(i) || a[1].IsNull(i)) {
        b.Null();
      } else {
        b.Double(std::pow(AsDouble(a[0], i), AsDouble(a[1], i)));
      }
    }
    *out = b.Finish();
    return;
  }
  Unary(e, a[0], n, out);
}

// greatest/least: NULLs are skipped; NULL only when every argument is NULL (as DuckDB).
void Extreme(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out) {
  std::vector<int> pick(n, -1);
  const bool greatest = e.fn == ExprFn::kGreatest;
  for (std::size_t k = 0; k < a.size(); ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      if (a[k].IsNull(i)) continue;
      if (pick[i] < 0) {
        pick[i] = static_cast<int>(k);
        continue;
      }
      const BatchColumn& best = a[static_cast<std::size_t>(pick[i])];
      int c;
      if (e.type == Type::kString) {
        c = a[k].StringAt(i).compare(best.StringAt(i));
      } else if (e.type == Type::kFloat64) {
        c = (a[k].doubles[i] > best.doubles[i]) - (a[k].doubles[i] < best.doubles[i]);
      } else if (IsWide(a[k]) || IsWide(best)) {  // HUGEINT, UBIGINT, 128-bit DECIMAL units
        const Int128 x = UnitsOf(a[k], i), y = UnitsOf(best, i);
        c = (x > y) - (x < y);
      } else {
        c = (a[k].ints[i] > best.ints[i]) - (a[k].ints[i] < best.ints[i]);
      }
      if (greatest ? c > 0 : c < 0) pick[i] = static_cast<int>(k);
    }
  }
  VectorBuilder b(e.type, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (pick[i] < 0) {
      b.Null();
    } else {
      b.Copy(a[static_cast<std::size_t>(pick[i])], i);
    }
  }
  *out = b.Finish();
}

// Number of UTF-8 code points.
std::int64_t Utf8Length(std::string_view s) {
  std::int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Byte offset of code point `cp` (0-based) in s, clamped to s.size().
std::size_t Utf8Offset(std::string_view s, std::int64_t cp) {
  std::size_t i = 0;
  for (; i < s.size() && cp > 0; ++i) {
    if ((static_cast<unsigned char>(s[i + 1 < s.size() ? i + 1 : i]) & 0xC0) != 0x80 ||
        i + 1 == s.size()) {
      --cp;
    }
  }
  return std::min(i, s.size());
}

std::string_view Substring(std::string_view s, std::int64_t start, std::int64_t len) {
  // DuckDB: 1-based start; a start <= 0 counts from before the first character.
  const std::int64_t total = Utf8Length(s);
  std::int64_t from =
      start > 0 ? start - 1 : (start < 0 ? std::max<std::int64_t>(total + start, 0) : 0);
  std::int64_t to = len == INT64_MAX ? total : (start == 0 ? len - 1 : from + len);
  if (start == 0 && len != INT64_MAX) to = std::max<std::int64_t>(len - 1, 0);
  from = std::clamp<std::int64_t>(from, 0, total);
  to = std::clamp<std::int64_t>(to, from, total);
  const std::size_t b = Utf8Offset(s, from), e = Utf8Offset(s, to);
  return s.substr(b, e - b);
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  std::size_t i = 0;
  for (std::size_t j; (j = s.find(from, i)) != std::string_view::npos; i = j + from.size()) {
    out.append(s, i, j - i).append(to);
  }
  out.append(s.substr(i));
  return out;
}

void StringFunction(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out) {
  VectorBuilder b(e.type, n);
  std::unique_ptr<RE2> re;
  if (e.fn == ExprFn::kRegexpMatches) {
    re = std::make_unique<RE2>(ConstantText(a[1]), RE2::Quiet);
    if (!re->ok()) {
      throw std::runtime_error("regexp_matches: bad regular expression '" + ConstantText(a[1]) +
                               "': " + re->error());
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (AnyNull(a, i)) {
      b.Null();
      continue;
    }
    const std::string_view x = a[0].StringAt(i);
    switch (e.fn) {
      case ExprFn::kLower:
        b.String(Utf8Lower(x));
        break;
      case ExprFn::kUpper:
        b.String(Utf8Upper(x));
        break;
      case ExprFn::kLength:
        b.Int(Utf8Length(x));
        break;
      case ExprFn::kSubstring:
        b.String(Substring(x, a[1].ints[i], a.size() > 2 ? a[2].ints[i] : INT64_MAX));
        break;
      case ExprFn::kTrim: {
        const std::size_t f = x.find_first_not_of(' ');
        b.String(f == std::string_view::npos ? std::string_view()
                                             : x.substr(f, x.find_last_not_of(' ') - f + 1));
        break;
      }
      case ExprFn::kStartsWith:
        b.Int(x.starts_with(a[1].StringAt(i)));
        break;
      case ExprFn::kContains:
        b.Int(x.find(a[1].StringAt(i)) != std::string_view::npos);
        break;
      case ExprFn::kReplace:
        b.String(ReplaceAll(x, a[1].StringAt(i), a[2].StringAt(i)));
        break;
      default:  // kRegexpMatches: a match anywhere, as DuckDB
        b.Int(RE2::PartialMatch(re2::StringPiece(x.data(), x.size()), *re));
    }
  }
  *out = b.Finish();
}

}  // namespace

void EvalFunction(const Expr& e, std::vector<BatchColumn>& args, std::size_t n, BatchColumn* out) {
  switch (e.fn) {
    case ExprFn::kDateTrunc:
    case ExprFn::kDatePart:
    case ExprFn::kStrftime:
      return TimeFunction(e, args, n, out);
    case ExprFn::kAbs:
    case ExprFn::kRound:
    case ExprFn::kFloor:
    case ExprFn::kCeil:
    case ExprFn::kSqrt:
    case ExprFn::kLn:
    case ExprFn::kLog10:
    case ExprFn::kPower:
      return Numeric(e, args, n, out);
    case ExprFn::kGreatest:
    case ExprFn::kLeast:
      return Extreme(e, args, n, out);
    case ExprFn::kAqi:
    case ExprFn::kAqiCategory:
    case ExprFn::kAqiCategoryName:
      return AqiFunction(e, args, n, out);
    default:
      return StringFunction(e, args, n, out);
  }
}

}  // namespace plume::engine
