// Helpers shared by the expression kernels (expr_eval.cpp, expr_cast.cpp, expr_functions.cpp):
// NULL masks and a builder for result vectors. Private to engine/.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/expr.h"

namespace plume::engine {

// Marks row i of an n-row vector NULL (creating the mask on first use).
inline void SetNull(BatchColumn* v, std::size_t i, std::size_t n) {
  if (v->valid.empty()) v->valid.assign(n, 1);
  v->valid[i] = 0;
}

// out->valid = a.valid AND b.valid (empty when neither has a NULL).
inline void AndValid(const BatchColumn& a, const BatchColumn& b, std::size_t n, BatchColumn* out) {
  if (a.valid.empty() && b.valid.empty()) {
    out->valid.clear();
    return;
  }
  out->valid.assign(n, 1);
  for (std::size_t i = 0; i < n; ++i) out->valid[i] = !a.IsNull(i) && !b.IsNull(i);
}

// Whether row i is NULL in any of the vectors (a function of NULL-propagating arguments).
inline bool AnyNull(const std::vector<BatchColumn>& a, std::size_t i) {
  for (const BatchColumn& c : a) {
    if (c.IsNull(i)) return true;
  }
  return false;
}

// 128-bit DECIMAL units inside the evaluator (BatchColumn::wide; expr_wide.cpp).
inline bool IsWide(const BatchColumn& v) { return !v.wide.empty(); }
// Row i's units, whichever vector holds them.
inline Int128 UnitsOf(const BatchColumn& v, std::size_t i) {
  return v.wide.empty() ? Int128{v.ints[i]} : v.wide[i];
}
Int128 Pow10Wide(int n);  // 0 <= n <= 38
// Moves a DECIMAL vector's n units from ints to wide (nothing when already wide).
void Widen(BatchColumn* v, std::size_t n);
// + - * % of DECIMALs of e.type (width 19-38) on 128-bit units, with DuckDB's overflow errors
// beyond the width; a and b are widened; out->valid is already set.
void WideArith(const Expr& e, BatchColumn& a, BatchColumn& b, std::size_t n, BatchColumn* out);

// HUGEINT + - * // % (both operands HUGEINT) with DuckDB's INT128 overflow errors; out->valid is
// already set (expr_wide.cpp).
void HugeintArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                  BatchColumn* out);
// -x of a HUGEINT vector in place (DuckDB's error for the least value).
void HugeintNegate(const Expr& e, BatchColumn* v);
// UBIGINT + - * // % (both operands UBIGINT) with DuckDB's UINT64 overflow errors; out->valid
// is already set.
void UbigintArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                  BatchColumn* out);
// -x of a UBIGINT vector in place: modulo 2^64, as DuckDB's.
void UbigintNegate(BatchColumn* v);
// CAST from a HUGEINT or UBIGINT to an integer type, HUGEINT, BOOLEAN, DOUBLE or DECIMAL, and
// to a HUGEINT from those.
void CastHugeint(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out);
// CAST(x AS UBIGINT): the value exactly when it is within 0 .. 2^64-1, else DuckDB's error
// naming UINT64.
void CastUbigint(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out);

// Appends values one row at a time to a vector of one type (a DECIMAL's units in `wide` for a
// width of 19-38, when `wide`, or from the first row copied from a vector that holds them there).
class VectorBuilder {
 public:
  VectorBuilder(Type type, std::size_t reserve, bool wide = false)
      : wide_(wide || IsWidePhysical(type)) {
    out_.type = type;
    if (wide_) {
      out_.wide.reserve(reserve);
    } else if (type == Type::kString) {
      out_.offsets.reserve(reserve + 1);
      out_.offsets.push_back(0);
    } else if (type == Type::kFloat64) {
      out_.doubles.reserve(reserve);
    } else {
      out_.ints.reserve(reserve);
    }
  }
  void Int(std::int64_t v) {
    if (wide_) {
      out_.wide.push_back(v);
    } else {
      out_.ints.push_back(v);
    }
    Valid();
  }
  void Wide(Int128 v) {
    out_.wide.push_back(v);
    Valid();
  }
  void Double(double v) {
    out_.doubles.push_back(v);
    Valid();
  }
  void String(std::string_view v) {
    out_.chars.append(v);
    out_.offsets.push_back(static_cast<std::uint32_t>(out_.chars.size()));
    Valid();
  }
  void Null() {
    if (out_.valid.empty()) out_.valid.assign(rows_, 1);
    out_.valid.push_back(0);
    if (wide_) {
      out_.wide.push_back(0);
    } else if (out_.type == Type::kString) {
      out_.offsets.push_back(static_cast<std::uint32_t>(out_.chars.size()));
    } else if (out_.type == Type::kFloat64) {
      out_.doubles.push_back(0);
    } else {
      out_.ints.push_back(0);
    }
    ++rows_;
  }
  // Row i of `from` (same type).
  void Copy(const BatchColumn& from, std::size_t i) {
    if (from.IsNull(i)) return Null();
    if (out_.type == Type::kString) return String(from.StringAt(i));
    if (out_.type == Type::kFloat64) return Double(from.doubles[i]);
    if (!wide_ && IsWide(from)) {  // 128-bit DECIMAL units: this vector's go there too
      out_.wide.assign(out_.ints.begin(), out_.ints.end());
      out_.ints.clear();
      wide_ = true;
    }
    if (wide_) return Wide(UnitsOf(from, i));
    Int(from.ints[i]);
  }
  BatchColumn Finish() { return std::move(out_); }

 private:
  void Valid() {
    if (!out_.valid.empty()) out_.valid.push_back(1);
    ++rows_;
  }
  BatchColumn out_;
  std::size_t rows_ = 0;
  bool wide_ = false;
};

// aqi(), aqi_category(), aqi_category_name() over evaluated arguments (expr_aqi.cpp).
void AqiFunction(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out);

// CAST of an evaluated vector to e.type (expr_cast.cpp). Throws std::runtime_error naming the
// value when it does not convert (DuckDB's "Could not convert string 'x' to INT64").
void CastVector(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out);

// CAST of an evaluated vector to or from a DECIMAL (not VARCHAR: CastVector), with DuckDB's
// rounding (half away from zero) and its out-of-range errors (expr_decimal.cpp).
void CastDecimal(const Expr& e, const BatchColumn& a, std::size_t n, BatchColumn* out);

// The units of round/floor/ceil of a DECIMAL of scale `from`, at scale `to` (<= from).
Int128 RoundWideUnits(Int128 units, int from, int to, int mode);
inline constexpr int kRoundHalfAway = 0, kRoundFloor = 1, kRoundCeil = 2;

}  // namespace plume::engine
