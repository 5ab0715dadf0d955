// CAST to and from DECIMAL(w,s), whose values are units (value * 10^s) in 64 bits: rescaling
// with DuckDB's rounding (half away from zero), range checks against the width, and the
// conversions to and from BIGINT, DOUBLE and BOOLEAN.
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/expr_kernels.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

__extension__ typedef __int128 I128;

I128 Pow10(int n) {
  I128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::int64_t Pow10Int(int n) { return static_cast<std::int64_t>(Pow10(n)); }

std::string ValueText(const BatchColumn& a, std::size_t i) {
  std::string t;
  if (IsDecimal(a.type)) {
    AppendDecimal(t, a.ints[i], DecimalScale(a.type), DecimalWidth(a.type) > DecimalScale(a.type));
  } else if (a.type == Type::kFloat64) {
    AppendDouble(t, a.doubles[i]);
  } else {
    AppendInt(t, a.ints[i]);
  }
  return t;
}

// `within`: the value fits the type's width but not plume's 64-bit units (said so).
[[noreturn]] void OutOfRange(const Expr& e, const BatchColumn& a, std::size_t i, bool within) {
  const std::string to(TypeName(e.type));
  const std::string why = within ? " (plume holds a DECIMAL's value * 10^scale in 64 bits)" : "";
  if (IsInteger(a.type) || a.type == Type::kBool) {
    throw std::runtime_error("Conversion Error: Could not cast value " + ValueText(a, i) + " to " +
                             to + " in '" + e.text + "'" + why);
  }
  throw std::runtime_error("Conversion Error: Casting value \"" + ValueText(a, i) + "\" to type " +
                           to + " failed: value is out of range! in '" + e.text + "'" + why);
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
  const I128 v = a.ints[i];
  const int from = IsDecimal(a.type) ? DecimalScale(a.type) : 0;
  if (to >= from) {
    if (to - from > 19 && v != 0) return false;  // beyond 10^19 * 2^63: out of any range
    *out = v * Pow10(to - from > 19 ? 0 : to - from);
    return true;
  }
  *out = RoundUnits(a.ints[i], from, to, kRoundHalfAway);
  return true;
}

}  // namespace

std::int64_t RoundUnits(std::int64_t units, int from, int to, int mode) {
  if (to >= from) return units;
  const std::int64_t p = from - to > 18 ? 0 : Pow10Int(from - to);
  if (p == 0) return 0;  // |units| < 10^19 <= p: rounds to 0 (half away needs |units| >= p/2)
  std::int64_t q = units / p;
  const std::int64_t r = units % p;
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
  VectorBuilder b(e.type, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b.Null();
      continue;
    }
    if (e.type == Type::kFloat64) {  // a is a DECIMAL
      b.Double(static_cast<double>(a.ints[i]) / static_cast<double>(Pow10(DecimalScale(a.type))));
      continue;
    }
    if (e.type == Type::kBool) {
      b.Int(a.ints[i] != 0);
      continue;
    }
    const bool decimal = IsDecimal(e.type);
    const int scale = decimal ? DecimalScale(e.type) : 0;
    I128 units = 0;
    const I128 limit = decimal ? Pow10(DecimalWidth(e.type)) : Pow10(19);
    const bool ok = UnitsAt(a, i, scale, &units);
    if (!ok) OutOfRange(e, a, i, decimal && DecimalWidth(e.type) > 18);
    if (units >= limit || units <= -limit) OutOfRange(e, a, i, false);
    if (e.type == Type::kInt32 && (units > INT32_MAX || units < INT32_MIN)) {
      throw std::runtime_error("Conversion Error: Failed to cast decimal value " +
                               std::to_string(static_cast<std::int64_t>(units)) +
                               " to type INT32 in '" + e.text + "'");
    }
    if (units > INT64_MAX || units < INT64_MIN) OutOfRange(e, a, i, true);
    b.Int(static_cast<std::int64_t>(units));
  }
  *out = b.Finish();
}

}  // namespace plume::engine
