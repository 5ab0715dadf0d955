// HUGEINT (128-bit integer) and UBIGINT (64-bit unsigned) arithmetic and casts inside the
// expression evaluator, with DuckDB's error texts (it names the physical types INT128 and
// UINT64). The values of both are BatchColumn::wide.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/expr_kernels.h"
#include "engine/scalar_cast.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

__extension__ typedef unsigned __int128 U128;
constexpr Int128 kMax = static_cast<Int128>((U128{1} << 127) - 1);
constexpr Int128 kMin = -kMax - 1;

std::string Text(Int128 v) {
  std::string t;
  AppendWideInt(t, v);
  return t;
}

[[noreturn]] void ArithOverflow(const Expr& e, Int128 x, Int128 y,
                                const char* physical = "INT128") {
  const char* what = e.op == ExprOp::kAdd   ? "addition"
                     : e.op == ExprOp::kSub ? "subtraction"
                                            : "multiplication";
  const char* sign = e.op == ExprOp::kAdd ? " + " : e.op == ExprOp::kSub ? " - " : " * ";
  throw std::runtime_error(std::string("Out of Range Error: Overflow in ") + what + " of " +
                           physical + " (" + Text(x) + sign + Text(y) + ")! in '" + e.text + "'");
}

[[noreturn]] void OutOfRange(const Expr& e, const char* from, const std::string& value,
                             const char* to) {
  throw std::runtime_error(std::string("Conversion Error: Type ") + from + " with value " + value +
                           " can't be cast because the value is out of range for the "
                           "destination type " +
                           to + " in '" + e.text + "'");
}

// A HUGEINT as DECIMAL(w,s) units; DuckDB's error beyond the width.
Int128 ToDecimalUnits(const Expr& e, Int128 v) {
  const int w = DecimalWidth(e.type), s = DecimalScale(e.type);
  Int128 units = 0;
  const Int128 limit = Pow10Wide(w);
  if (__builtin_mul_overflow(v, Pow10Wide(s), &units) || units >= limit || units <= -limit) {
    throw std::runtime_error("Conversion Error: Could not cast value " + Text(v) + " to " +
                             std::string(TypeName(e.type)) + " in '" + e.text + "'");
  }
  return units;
}

// DECIMAL units of scale s as an integer, half away from zero (DuckDB: CAST(2.5 AS HUGEINT) = 3).
Int128 FromDecimalUnits(Int128 units, int s) {
  const Int128 p = Pow10Wide(s);
  const Int128 q = units / p, r = units % p;
  if (2 * (r < 0 ? -r : r) >= p) return q + (units < 0 ? -1 : 1);
  return q;
}

// Row i of a HUGEINT or UBIGINT `a` as e's type.
void FromHugeint(const Expr& e, const BatchColumn& a, std::size_t i, VectorBuilder* b) {
  const Int128 v = UnitsOf(a, i);
  if (IsInteger(e.type)) {  // BIGINT, INTEGER and the narrow types, each within its range
    if (v < IntegerMin(e.type) || v > IntegerMax(e.type)) {
      OutOfRange(e, std::string(PhysicalName(a.type)).c_str(), Text(v),
                 std::string(PhysicalName(e.type)).c_str());
    }
    return b->Int(static_cast<std::int64_t>(v));
  }
  switch (e.type) {
    case Type::kHugeint:  // from a UBIGINT: every value holds
      return b->Wide(v);
    case Type::kBool:
      return b->Int(v != 0);
    case Type::kFloat64:
      return b->Double(static_cast<double>(v));
    default: {  // DECIMAL
      const Int128 units = ToDecimalUnits(e, v);
      if (DecimalWidth(e.type) > 18) return b->Wide(units);
      return b->Int(static_cast<std::int64_t>(units));
    }
  }
}

Int128 ToHugeint(const Expr& e, const BatchColumn& a, std::size_t i) {
  if (a.type == Type::kFloat64) {
    const double r = std::nearbyint(a.doubles[i]);  // DuckDB: round half to even
    if (!(r >= -1.7014118346046923e38 && r < 1.7014118346046923e38)) {
      std::string value;
      AppendDouble(value, a.doubles[i]);
      if (value.size() > 2 && value.compare(value.size() - 2, 2, ".0") == 0) {
        value.resize(value.size() - 2);  // DuckDB: "1e+39", "nan"
      }
      OutOfRange(e, "DOUBLE", value, "INT128");
    }
    return static_cast<Int128>(r);
  }
  if (IsDecimal(a.type)) return FromDecimalUnits(UnitsOf(a, i), DecimalScale(a.type));
  return Int128{a.ints[i]};  // the integer types, BOOLEAN
}

}  // namespace

namespace {

// + - * // % on 128-bit values whose results must stay within [lo, hi] (a type's range), else
// DuckDB's overflow error naming `physical`; x // 0 and x % 0 are NULL.
void CheckedArith128(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                     BatchColumn* out, Int128 lo, Int128 hi, const char* physical) {
  out->ints.clear();
  out->wide.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) continue;
    const Int128 x = UnitsOf(a, i), y = UnitsOf(b, i);
    Int128& r = out->wide[i];
    bool overflow = false;
    switch (e.op) {
      case ExprOp::kAdd:
        overflow = __builtin_add_overflow(x, y, &r);
        break;
      case ExprOp::kSub:
        overflow = __builtin_sub_overflow(x, y, &r);
        break;
      case ExprOp::kMul:
        overflow = __builtin_mul_overflow(x, y, &r);
        break;
      default:  // kIntDiv, kMod: x op 0 is NULL
        if (y == 0) {
          SetNull(out, i, n);
        } else if (y == -1 && x == kMin) {
          throw std::runtime_error("Out of Range Error: Overflow in division of " + Text(x) +
                                   " / " + Text(y) + " in '" + e.text + "'");
        } else {
          r = e.op == ExprOp::kIntDiv ? x / y : x % y;
        }
    }
    if (overflow || r < lo || r > hi) ArithOverflow(e, x, y, physical);
  }
}

}  // namespace

void HugeintArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                  BatchColumn* out) {
  CheckedArith128(e, a, b, n, out, kMin, kMax, "INT128");
}

// Each operand within 0 .. 2^64-1, so a product beyond INT128 is beyond UINT64 too.
void UbigintArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                  BatchColumn* out) {
  CheckedArith128(e, a, b, n, out, 0, kUbigintMax, "UINT64");
}

// -x of a UBIGINT wraps modulo 2^64, as DuckDB's: -(1::UBIGINT) is 18446744073709551615.
void UbigintNegate(BatchColumn* v) {
  for (Int128& w : v->wide) w = w == 0 ? 0 : kUbigintMax + 1 - w;
}

void HugeintNegate(const Expr& e, BatchColumn* v) {
  for (std::size_t i = 0; i < v->wide.size(); ++i) {
    if (v->wide[i] == kMin && !v->IsNull(i)) {
      throw std::runtime_error("Out of Range Error: Overflow in negation of numeric value! in '" +
                               e.text + "'");
    }
    v->wide[i] = -v->wide[i];
  }
}

namespace {

// DuckDB's text of a DOUBLE in its cast errors: -1.0, -0.4, 1e+20.
std::string DoubleErrorText(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(d)) + ".0";
  }
  std::string value;
  AppendDouble(value, d);
  if (value.size() > 2 && value.compare(value.size() - 2, 2, ".0") == 0)
    value.resize(value.size() - 2);
  return value;
}

// Row i of `a` as a UBIGINT (0 .. 2^64-1), with DuckDB's error naming the source.
Int128 ToUbigint(const Expr& e, const BatchColumn& a, std::size_t i) {
  if (a.type == Type::kString) {
    const std::string_view s = a.StringAt(i);
    Int128 v = 0;
    if (!StringToUbigint(s, &v)) {
      throw std::runtime_error("Conversion Error: Could not convert string '" + std::string(s) +
                               "' to UINT64 in '" + e.text + "'");
    }
    return v;
  }
  if (a.type == Type::kFloat64) {
    const double d = a.doubles[i];
    const double r = std::nearbyint(d);  // DuckDB: checked unrounded, rounded half to even
    if (!(d >= 0 && r < 18446744073709551616.0)) {
      OutOfRange(e, "DOUBLE", DoubleErrorText(d), "UINT64");
    }
    return static_cast<Int128>(r);
  }
  if (IsDecimal(a.type)) {
    const Int128 v = FromDecimalUnits(UnitsOf(a, i), DecimalScale(a.type));
    if (v < 0 || v > kUbigintMax) {
      throw std::runtime_error("Conversion Error: Failed to cast decimal value " + Text(v) +
                               " to type UINT64 in '" + e.text + "'");
    }
    return v;
  }
  const Int128 v = a.type == Type::kHugeint ? a.wide[i] : Int128{a.ints[i]};
  if (v < 0 || v > kUbigintMax) {
    const std::string from(a.type == Type::kBool ? "BOOL" : PhysicalName(a.type));
    OutOfRange(e, from.c_str(), Text(v), "UINT64");
  }
  return v;
}

}  // namespace

void CastUbigint(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out) {
  VectorBuilder b(Type::kUbigint, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b.Null();
    } else {
      b.Wide(ToUbigint(e, a, i));
    }
  }
  *out = b.Finish();
}

void CastHugeint(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out) {
  VectorBuilder b(e.type, n, IsDecimal(e.type) && DecimalWidth(e.type) > 18);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      b.Null();
    } else if (IsWideInteger(a.type)) {
      FromHugeint(e, a, i, &b);
    } else {
      b.Wide(ToHugeint(e, a, i));
    }
  }
  *out = b.Finish();
}

}  // namespace plume::engine
