// CAST between the engine's types with DuckDB's rules: strings to BIGINT exactly (decimal digits
// rounded half away from zero without a double in between, '1_000', '0x10', '0b11', exponents),
// strings to DOUBLE with 'inf'/'nan', DOUBLE to BIGINT by round-half-even, values to VARCHAR in
// DuckDB's text forms.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "engine/expr_kernels.h"
#include "engine/scalar_cast.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits with single '_' separators between digits; appends the digits to *out.
bool Digits(std::string_view s, std::string* out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (IsDigit(s[i])) {
      out->push_back(s[i]);
    } else if (s[i] != '_' || i == 0 || i + 1 == s.size() || !IsDigit(s[i + 1])) {
      return false;
    }
  }
  return true;
}

bool Radix(std::string_view s, int base, std::int64_t* out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || v > static_cast<std::uint64_t>(INT64_MAX)) {
    return false;
  }
  *out = static_cast<std::int64_t>(v);
  return true;
}

// Adds one to a string of decimal digits.
void Increment(std::string* digits) {
  for (std::size_t i = digits->size(); i-- > 0;) {
    if ((*digits)[i] != '9') {
      ++(*digits)[i];
      return;
    }
    (*digits)[i] = '0';
  }
  digits->insert(digits->begin(), '1');
}

// A decimal number's digits split at the point, after applying the exponent exactly:
// "-12.5e1" -> negative, "125", "". False when the text is not a decimal number.
bool DecimalParts(std::string_view s, bool* negative, std::string* whole, std::string* frac) {
  *negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string_view mantissa = s;
  long long shift = 0;
  if (const std::size_t e = s.find_first_of("eE"); e != std::string_view::npos) {
    mantissa = s.substr(0, e);
    std::string_view ex = s.substr(e + 1);
    const bool neg_ex = !ex.empty() && ex[0] == '-';
    if (!ex.empty() && (ex[0] == '+' || ex[0] == '-')) ex.remove_prefix(1);
    std::string ed;
    if (ex.empty() || !Digits(ex, &ed) || ed.size() > 6) return false;
    shift = std::stoll(ed) * (neg_ex ? -1 : 1);
  }
  const std::size_t dot = mantissa.find('.');
  std::string w, f;
  if (!Digits(mantissa.substr(0, dot), &w)) return false;
  if (dot != std::string_view::npos && !Digits(mantissa.substr(dot + 1), &f)) return false;
  if (w.empty() && f.empty()) return false;
  std::string all = w + f;
  long long point = static_cast<long long>(w.size()) + shift;
  if (point < 0) {
    all.insert(0, static_cast<std::size_t>(-point), '0');
    point = 0;
  }
  if (point > 400) return false;
  if (static_cast<long long>(all.size()) < point) {
    all.append(static_cast<std::size_t>(point) - all.size(), '0');
  }
  whole->assign(all, 0, static_cast<std::size_t>(point));
  frac->assign(all, static_cast<std::size_t>(point));
  whole->erase(0, std::min(whole->find_first_not_of('0'), whole->size()));
  if (whole->empty()) whole->push_back('0');
  return true;
}

bool ParseInt(std::string digits, bool negative, std::int64_t* out) {
  if (negative) digits.insert(digits.begin(), '-');
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  return ec == std::errc() && p == digits.data() + digits.size();
}

}  // namespace

bool StringToInt(std::string_view text, std::int64_t* out) {
  std::string_view s = Trim(text);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    return Radix(s.substr(2), 16, out);
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    return Radix(s.substr(2), 2, out);
  }
  bool negative = false;
  std::string whole, frac;
  if (!DecimalParts(s, &negative, &whole, &frac)) return false;
  if (!frac.empty() && frac[0] >= '5') Increment(&whole);  // half away from zero
  return ParseInt(whole, negative, out);
}

bool StringToHugeint(std::string_view text, Int128* out) {
  bool negative = false;
  std::string whole, frac;
  if (!DecimalParts(Trim(text), &negative, &whole, &frac)) return false;
  if (!frac.empty() && frac[0] >= '5') Increment(&whole);  // half away from zero, as BIGINT's
  // the magnitude in unsigned 128 bits, then the sign: INT128's least value has no positive
  __extension__ typedef unsigned __int128 U128;
  const U128 limit = (U128{1} << 127) - (negative ? 0 : 1);
  U128 m = 0;
  for (char c : whole) {
    const auto d = static_cast<unsigned>(c - '0');
    if (m > (limit - d) / 10) return false;
    m = m * 10 + d;
  }
  *out = negative ? static_cast<Int128>(0 - m) : static_cast<Int128>(m);
  return true;
}

bool StringToUbigint(std::string_view text, Int128* out) {
  std::int64_t small = 0;
  Int128 v = 0;
  const bool ok = StringToInt(text, &small) ? (v = small, true) : StringToHugeint(text, &v);
  if (!ok || v < 0 || v > kUbigintMax) return false;
  *out = v;
  return true;
}

bool StringToDecimal(std::string_view text, int width, int scale, Int128* units) {
  bool negative = false;
  std::string whole, frac;
  if (!DecimalParts(Trim(text), &negative, &whole, &frac)) return false;
  if (whole != "0" && static_cast<int>(whole.size()) > width - scale) return false;
  frac.resize(static_cast<std::size_t>(scale) + 1, '0');
  const bool up = frac.back() >= '5';  // half away from zero
  frac.pop_back();
  std::string digits = (whole == "0" ? "" : whole) + frac;
  if (up) Increment(&digits);
  if (static_cast<int>(digits.size()) > width) return false;  // 9.99 -> 10.0 in DECIMAL(2,1)
  Int128 u = 0;                                               // at most 38 digits
  for (char c : digits) u = u * 10 + (c - '0');
  *units = negative ? -u : u;
  return true;
}

bool DecimalFloor(std::string_view text, std::int64_t* floor, bool* fraction) {
  bool negative = false;
  std::string whole, frac;
  if (!DecimalParts(Trim(text), &negative, &whole, &frac)) return false;
  *fraction = frac.find_first_not_of('0') != std::string::npos;
  if (negative && *fraction) Increment(&whole);  // floor(-1.5) = -2
  return ParseInt(whole, negative, floor);
}

bool StringToDouble(std::string_view text, double* out) {
  std::string_view s = Trim(text);
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view body = lower;
  const bool negative = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity") {
    *out = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (body == "nan") {
    *out = std::nan("");
    return true;
  }
  std::string plain;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '_') {
      plain.push_back(c);
      continue;
    }
    if (i == 0 || i + 1 == body.size() || !IsDigit(body[i - 1]) || !IsDigit(body[i + 1])) {
      return false;
    }
  }
  if (plain.empty() || !(IsDigit(plain[0]) || plain[0] == '.')) return false;
  double v = 0;
  auto [p, ec] = std::from_chars(plain.data(), plain.data() + plain.size(), v);
  if (p != plain.data() + plain.size()) return false;
  if (ec == std::errc::result_out_of_range) {  // 1e400 -> inf, 1e-400 -> 0 (as DuckDB)
    const std::size_t e = plain.find('e');
    v = e != std::string::npos && plain.find('-', e) != std::string::npos ? 0.0 : HUGE_VAL;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool IntegerLiteralIsDouble(std::string_view text, double* out) {
  if (Int128 w = 0; StringToHugeint(text, &w)) return false;
  const bool negative = !text.empty() && text[0] == '-';
  std::string_view digits = text.substr(negative ? 1 : 0);
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  constexpr std::string_view kUhugeintMax = "340282366920938463463374607431768211455";
  const bool uhugeint = digits.size() < kUhugeintMax.size() ||
                        (digits.size() == kUhugeintMax.size() && digits <= kUhugeintMax);
  return (negative || !uhugeint) && StringToDouble(text, out);
}

bool StringToBool(std::string_view text, bool* out) {
  std::string s;
  for (char c : Trim(text))
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "true" || s == "t" || s == "yes" || s == "y" || s == "1") return *out = true, true;
  if (s == "false" || s == "f" || s == "no" || s == "n" || s == "0") return *out = false, true;
  return false;
}

bool DoubleToInt(double d, std::int64_t* out) {
  const double r = std::nearbyint(d);  // DuckDB: round half to even
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return false;
  *out = static_cast<std::int64_t>(r);
  return true;
}

void AppendTimestampText(std::string& out, std::int64_t seconds) {
  std::string t;
  AppendTimestamp(t, seconds);  // YYYY-MM-DDTHH:MM[:SS]
  t[10] = ' ';
  if (t.size() == 16) t += ":00";
  out += t;
}

namespace {

[[noreturn]] void CannotCast(const Expr& e, std::string_view value, Type to) {
  // DuckDB names the narrow integers and HUGEINT by their physical type here (INT32, INT8,
  // UINT16, INT128...)
  const std::string name(IsNarrowInteger(to) || to == Type::kHugeint ? PhysicalName(to)
                                                                     : TypeName(to));
  throw std::runtime_error("Conversion Error: Could not convert string '" + std::string(value) +
                           "' to " + name + " in '" + e.text + "'");
}

// A number beyond a narrow integer type cast to it: DuckDB's message, naming the source's and
// the destination's physical types.
[[noreturn]] void OutOfInteger(const Expr& e, const BatchColumn& a, std::size_t i) {
  std::string value;
  const double d = a.type == Type::kFloat64 ? a.doubles[i] : 0;
  if (a.type == Type::kFloat64 && d == std::floor(d) && std::fabs(d) < 1e15) {
    value = std::to_string(static_cast<std::int64_t>(d)) + ".0";  // DuckDB: 10000000000.0
  } else if (a.type == Type::kFloat64) {
    AppendDouble(value, d);
  } else {
    AppendInt(value, a.ints[i]);
  }
  throw std::runtime_error("Conversion Error: Type " + std::string(PhysicalName(a.type)) +
                           " with value " + value +
                           " can't be cast because the value is out of range for the destination "
                           "type " +
                           std::string(PhysicalName(e.type)) + " in '" + e.text + "'");
}

void CastFromString(const Expr& e, const BatchColumn& a, std::size_t n, VectorBuilder* b) {
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b->Null();
      continue;
    }
    const std::string_view s = a.StringAt(i);
    std::int64_t v = 0;
    double d = 0;
    bool flag = false;
    switch (e.type) {
      case Type::kInt64:
      case Type::kInt32:
      case Type::kInt16:
      case Type::kInt8:
      case Type::kUInt8:
      case Type::kUInt16:
      case Type::kUInt32:
        if (!StringToInt(s, &v) || !FitsInteger(e.type, v)) CannotCast(e, s, e.type);
        b->Int(v);
        break;
      case Type::kFloat64:
        if (!StringToDouble(s, &d)) CannotCast(e, s, e.type);
        b->Double(d);
        break;
      case Type::kBool:
        if (!StringToBool(s, &flag)) CannotCast(e, s, e.type);
        b->Int(flag);
        break;
      case Type::kTimestamp:
      case Type::kDate:
        if (!ParseTimestamp(Trim(s), &v)) CannotCast(e, s, e.type);
        b->Int(e.type == Type::kDate ? DayOf(v) : v);
        break;
      case Type::kHugeint: {
        Int128 w = 0;
        if (!StringToHugeint(s, &w)) CannotCast(e, s, e.type);
        b->Wide(w);
        break;
      }
      default:
        if (IsDecimal(e.type)) {
          Int128 units = 0;
          if (!StringToDecimal(s, DecimalWidth(e.type), DecimalScale(e.type), &units)) {
            CannotCast(e, s, e.type);
          }
          if (IsWideDecimal(e.type)) {
            b->Wide(units);
          } else {
            b->Int(static_cast<std::int64_t>(units));
          }
        } else {
          b->String(s);
        }
    }
  }
}

void ToText(const BatchColumn& a, std::size_t i, std::string* s) {
  s->clear();
  if (IsDecimal(a.type)) {
    const int scale = DecimalScale(a.type);
    return AppendWideDecimal(*s, UnitsOf(a, i), scale, DecimalWidth(a.type) > scale);
  }
  switch (a.type) {
    case Type::kFloat64:
      return AppendDouble(*s, a.doubles[i]);
    case Type::kTimestamp:
      return AppendTimestampText(*s, a.ints[i]);
    case Type::kDate:
      return AppendDate(*s, a.ints[i]);
    case Type::kBool:
      s->append(a.ints[i] ? "true" : "false");
      return;
    case Type::kString:
      s->append(a.StringAt(i));
      return;
    case Type::kHugeint:
    case Type::kUbigint:
      return AppendWideInt(*s, a.wide[i]);
    default:
      AppendInt(*s, a.ints[i]);
  }
}

}  // namespace

void CastVector(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out) {
  const bool widening = IsInteger(a.type) && IsInteger(e.type) &&
                        IntegerMin(e.type) <= IntegerMin(a.type) &&
                        IntegerMax(e.type) >= IntegerMax(a.type);
  if (a.type == e.type || widening) {
    *out = a;  // INTEGER -> BIGINT, TINYINT -> SMALLINT, ...: the same values
    out->type = e.type;
    return;
  }
  if (e.type == Type::kUbigint) return CastUbigint(e, a, n, out);
  VectorBuilder b(e.type, n);
  if (a.type == Type::kString) {
    CastFromString(e, a, n, &b);
    *out = b.Finish();
    return;
  }
  if ((IsWideInteger(a.type) || e.type == Type::kHugeint) && e.type != Type::kString) {
    CastHugeint(e, a, n, out);
    return;
  }
  if ((IsDecimal(a.type) || IsDecimal(e.type)) && e.type != Type::kString) {
    CastDecimal(e, a, n, out);
    return;
  }
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b.Null();
      continue;
    }
    if (e.type == Type::kString) {
      ToText(a, i, &text);
      b.String(text);
    } else if (e.type == Type::kDate && a.type == Type::kTimestamp) {
      b.Int(DayOf(a.ints[i]));
    } else if (e.type == Type::kTimestamp && a.type == Type::kDate) {
      b.Int(a.ints[i] * 86400);
    } else if (e.type == Type::kFloat64) {
      b.Double(static_cast<double>(a.ints[i]));
    } else if (a.type == Type::kFloat64) {
      std::int64_t v = 0;
      const bool ok = DoubleToInt(a.doubles[i], &v);
      // DuckDB checks the unrounded value (-0.4 is out of UTINYINT's range) and wraps one that
      // rounds beyond the type (127.6 -> TINYINT is -128 there); plume fails on both.
      if (IsNarrowInteger(e.type) && (!ok || !FitsInteger(e.type, v) ||
                                      a.doubles[i] < static_cast<double>(IntegerMin(e.type)))) {
        OutOfInteger(e, a, i);
      }
      if (!ok) {
        std::string d;
        AppendDouble(d, a.doubles[i]);
        throw std::runtime_error("Conversion Error: DOUBLE value " + d +
                                 " is out of range for BIGINT in '" + e.text + "'");
      }
      b.Int(e.type == Type::kBool ? v != 0 : v);
    } else if (e.type == Type::kBool) {
      b.Int(a.ints[i] != 0);
    } else {
      if (IsInteger(e.type) && !FitsInteger(e.type, a.ints[i])) OutOfInteger(e, a, i);
      b.Int(a.ints[i]);  // BIGINT <-> BOOLEAN, TIMESTAMP <-> BIGINT are rejected by the binder
    }
  }
  *out = b.Finish();
}

}  // namespace plume::engine
