// 128-bit DECIMAL units inside one expression (BatchColumn::wide): a DECIMAL of width 19-38
// computes to DuckDB's 38 digits here, and its values leave the evaluator in 128 bits.
#include <stdexcept>
#include <string>

#include "engine/expr_kernels.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

std::string UnitsText(Int128 v) {
  std::string t;
  AppendWideInt(t, v);
  return t;
}

// DuckDB's words for each operator (its "subtract" is not a typo of ours).
[[noreturn]] void WideOverflow(const Expr& e, Int128 x, Int128 y) {
  const std::string type = "DECIMAL(" + std::to_string(DecimalWidth(e.type)) + ")";
  const std::string pair = " (" + UnitsText(x) +
                           (e.op == ExprOp::kAdd   ? " + "
                            : e.op == ExprOp::kSub ? " - "
                                                   : " * ") +
                           UnitsText(y) + ")";
  const std::string tail = e.op == ExprOp::kMul
                               ? ". You might want to add an explicit cast to a decimal with a "
                                 "smaller scale."
                               : ";";
  const char* what = e.op == ExprOp::kAdd   ? "addition"
                     : e.op == ExprOp::kSub ? "subtract"
                                            : "multiplication";
  throw std::runtime_error("Out of Range Error: Overflow in " + std::string(what) + " of " + type +
                           pair + tail + " in '" + e.text + "'");
}

}  // namespace

namespace {
struct Powers {
  Int128 p[39];
};
constexpr Powers MakePowers() {
  Powers t{};
  t.p[0] = 1;
  for (int i = 1; i <= 38; ++i) t.p[i] = t.p[i - 1] * 10;
  return t;
}
constexpr Powers kPowers = MakePowers();
}  // namespace

Int128 Pow10Wide(int n) { return kPowers.p[n]; }

void Widen(BatchColumn* v, std::size_t n) {
  if (IsWide(*v) || n == 0) return;
  v->wide.assign(v->ints.begin(), v->ints.begin() + static_cast<std::ptrdiff_t>(n));
  v->ints.clear();
}

void WideArith(const Expr& e, BatchColumn& a, BatchColumn& b, std::size_t n, BatchColumn* out) {
  Widen(&a, n);
  Widen(&b, n);
  out->ints.clear();
  out->wide.assign(n, 0);
  const Int128 limit = Pow10Wide(DecimalWidth(e.type));
  for (std::size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) continue;
    const Int128 x = a.wide[i], y = b.wide[i];
    Int128& r = out->wide[i];
    bool bad = false;
    switch (e.op) {
      case ExprOp::kAdd:
        bad = __builtin_add_overflow(x, y, &r);
        break;
      case ExprOp::kSub:
        bad = __builtin_sub_overflow(x, y, &r);
        break;
      case ExprOp::kMul:
        bad = __builtin_mul_overflow(x, y, &r);
        break;
      default:  // kMod (`//` and `/` of DECIMALs are DOUBLE): x % 0 is NULL
        if (y == 0) {
          SetNull(out, i, n);
        } else {
          r = x % y;
        }
    }
    if (bad || r >= limit || r <= -limit) WideOverflow(e, x, y);
  }
}

}  // namespace plume::engine
