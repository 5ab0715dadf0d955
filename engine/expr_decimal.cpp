// CAST to and from DECIMAL(w,s), whose values are units (value * 10^s; in 128 bits,
// BatchColumn::wide, for a width of 19-38): rescaling with DuckDB's rounding (half
// away from zero), range checks against the width, and the conversions to and from BIGINT,
// DOUBLE and BOOLEAN.
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/expr_kernels.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

__extension__ typedef __int128 I128;

I128 Pow10(int n) { return Pow10Wide(n); }

// As DuckDB: the integer part and the fraction converted apart, so that a DECIMAL literal cast to
// DOUBLE is the double its digits name (12345678901234567890.5 is 12345678901234567168, not the
// 12345678901234568192 that units / 10^scale rounded twice would give).
double DecimalToDouble(I128 units, int scale) {
  if (scale == 0) return static_cast<double>(units);
  const I128 p = Pow10(scale);
  const I128 whole = units / p;  // truncated: the fraction keeps the rest
  return static_cast<double>(whole) + static_cast<double>(units % p) / static_cast<double>(p);
}

std::string ValueText(const BatchColumn& a, std::size_t i) {
  std::string t;
  if (IsDecimal(a.type)) {
    AppendWideDecimal(t, UnitsOf(a, i), DecimalScale(a.type),
                      DecimalWidth(a.type) > DecimalScale(a.type));
  } else if (a.type == Type::kFloat64) {
    AppendDouble(t, a.doubles[i]);
  } else {
    AppendInt(t, a.ints[i]);
  }
  return t;
}

[[noreturn]] void OutOfRange(const Expr& e, const BatchColumn& a, std::size_t i) {
  const std::string to(TypeName(e.type));
  if (IsInteger(a.type) || a.type == Type::kBool) {
    throw std::runtime_error("Conversion Error: Could not cast value " + ValueText(a, i) + " to " +
                             to + " in '" + e.text + "'");
  }
  throw std::runtime_error("Conversion Error: Casting value \"" + ValueText(a, i) + "\" to type " +
                           to + " failed: value is out of range! in '" + e.text + "'");
}

// The units of row i of `a` at scale `to`, rounded half away from zero when the scale shrinks;
// false when they do not fit 128 bits.
bool UnitsAt(const BatchColumn& a, std::size_t i, int to, I128* out) {
  if (a.type == Type::kFloat64) {
    const double d = std::round(a.doubles[i] * static_cast<double>(Pow10(to)));
    if (!(std::fabs(d) < 1e38)) return false;
    *out = static_cast<I128>(d);
    return true;
  }
  const I128 v = UnitsOf(a, i);
  const int from = IsDecimal(a.type) ? DecimalScale(a.type) : 0;
  if (to >= from) return !__builtin_mul_overflow(v, Pow10(to - from), out);
  *out = RoundWideUnits(v, from, to, kRoundHalfAway);
  return true;
}

}  // namespace

Int128 RoundWideUnits(Int128 units, int from, int to, int mode) {
  if (to >= from) return units;
  if (from - to > 38) return 0;  // |units| < 10^38 < p / 2: rounds to 0
  const I128 p = Pow10(from - to);
  I128 q = units / p;
  const I128 r = units % p;
  if (mode == kRoundFloor) {
    q -= r < 0;
  } else if (mode == kRoundCeil) {
    q += r > 0;
  } else if ((r < 0 ? -r : r) >= p - p / 2) {
    q += r < 0 ? -1 : 1;
  }
  return q;
}

void CastDecimal(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out) {
  // To a DECIMAL of width 19-38 the units are computed in 128 bits and kept there when one
  // does not fit 64 (BatchColumn::wide).
  const bool decimal = IsDecimal(e.type);
  const bool wide_type = decimal && DecimalWidth(e.type) > 18;
  std::vector<I128> units(wide_type ? n : 0);
  bool wide = false;
  VectorBuilder b(e.type, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b.Null();
      continue;
    }
    if (e.type == Type::kFloat64) {  // a is a DECIMAL
      b.Double(DecimalToDouble(UnitsOf(a, i), DecimalScale(a.type)));
      continue;
    }
    if (e.type == Type::kBool) {
      b.Int(UnitsOf(a, i) != 0);
      continue;
    }
    const int scale = decimal ? DecimalScale(e.type) : 0;
    I128 u = 0;
    const I128 limit = decimal ? Pow10(DecimalWidth(e.type)) : Pow10(19);
    if (!UnitsAt(a, i, scale, &u) || u >= limit || u <= -limit) OutOfRange(e, a, i);
    if (!decimal && (u > INT64_MAX || u < INT64_MIN)) OutOfRange(e, a, i);  // BIGINT, INTEGER
    if (IsNarrowInteger(e.type) && (u > IntegerMax(e.type) || u < IntegerMin(e.type))) {
      throw std::runtime_error("Conversion Error: Failed to cast decimal value " +
                               std::to_string(static_cast<std::int64_t>(u)) + " to type " +
                               std::string(PhysicalName(e.type)) + " in '" + e.text + "'");
    }
    if (wide_type) units[i] = u;
    wide |= u > INT64_MAX || u < INT64_MIN;
    b.Int(static_cast<std::int64_t>(u));
  }
  *out = b.Finish();
  if (wide) {
    out->ints.clear();
    out->wide = std::move(units);
  }
}

}  // namespace plume::engine
