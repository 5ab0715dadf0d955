// ExprEvaluator: each node evaluates its children over the whole run, then runs one loop over
// the run (arithmetic, comparison, logic, CASE, CAST, ...). Functions are in expr_functions.cpp,
// casts in expr_cast.cpp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "engine/expr.h"
#include "engine/expr_kernels.h"
#include "engine/filter.h"
#include "engine/utf8.h"

namespace plume::engine {
namespace {

void Eval(const Expr& e, const ExprInput& in, BatchColumn* out);

void Constant(const Expr& e, std::size_t n, BatchColumn* out) {
  *out = BatchColumn{};
  out->type = e.type;
  if (e.value.null) out->valid.assign(n, 0);
  switch (e.type) {
    case Type::kString:
      out->offsets.resize(n + 1);
      if (!e.value.null) {
        out->chars.reserve(e.value.s.size() * n);
        for (std::size_t i = 0; i < n; ++i) out->chars.append(e.value.s);
      }
      for (std::size_t i = 0; i <= n; ++i) {
        out->offsets[i] = static_cast<std::uint32_t>(e.value.null ? 0 : i * e.value.s.size());
      }
      break;
    case Type::kFloat64:
      out->doubles.assign(n, e.value.d);
      break;
    default:
      if (IsWideInteger(e.type)) {
        out->wide.assign(n, e.value.wide ? e.value.w : Int128{e.value.i});
      } else if (e.value.wide) {
        out->wide.assign(n, e.value.w);
      } else {
        out->ints.assign(n, e.value.i);
      }
  }
}

void Input(const Expr& e, const ExprInput& in, BatchColumn* out) {
  const auto k = static_cast<std::size_t>(e.column);
  if (in.batch) {
    *out = in.batch->columns.at(k);
    return;
  }
  const Column* c = k < in.columns->size() ? (*in.columns)[k] : nullptr;
  if (!c) throw std::logic_error("expression reads column " + std::to_string(k) + " not bound");
  GatherColumn(*c, in.rows, in.n, out);
}

[[noreturn]] void Overflow(const Expr& e, const char* what, std::int64_t a, std::int64_t b) {
  throw std::runtime_error(std::string("Overflow in ") + what + " of " +
                           std::string(TypeName(e.type)) + " (" + std::to_string(a) + " and " +
                           std::to_string(b) + ") in '" + e.text + "'");
}

// Arithmetic of a narrow integer type (INTEGER, SMALLINT, TINYINT, UTINYINT, USMALLINT,
// UINTEGER) is computed in 64 bits and must land within the type (a UINTEGER product may leave
// 64 bits: `wrapped`): beyond it is DuckDB's error, in DuckDB's words.
void CheckNarrow(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                 const BatchColumn& out, bool wrapped) {
  const bool division = e.op == ExprOp::kIntDiv || e.op == ExprOp::kMod;
  const std::int64_t least = IntegerMin(e.type);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t x = a.ints[i], y = b.ints[i];
    std::int64_t t = 0;
    const bool bad = division ? y == -1 && x == least && least < 0
                              : !FitsInteger(e.type, out.ints[i]) ||
                                    (wrapped && __builtin_mul_overflow(x, y, &t));
    if (!bad || a.IsNull(i) || b.IsNull(i)) continue;
    if (division) {
      throw std::runtime_error("Out of Range Error: Overflow in division of " + std::to_string(x) +
                               " / " + std::to_string(y) + " in '" + e.text + "'");
    }
    const char* what = e.op == ExprOp::kAdd   ? "addition"
                       : e.op == ExprOp::kSub ? "subtraction"
                                              : "multiplication";
    const char* sign = e.op == ExprOp::kAdd ? " + " : e.op == ExprOp::kSub ? " - " : " * ";
    throw std::runtime_error(std::string("Out of Range Error: Overflow in ") + what + " of " +
                             std::string(PhysicalName(e.type)) + " (" + std::to_string(x) + sign +
                             std::to_string(y) + ")! in '" + e.text + "'");
  }
}

// BIGINT, TIMESTAMP and 64-bit DECIMAL arithmetic. An overflow is an error, or, with
// `overflowed`, reported there (a DECIMAL of width 19-38 then computes in 128 bits).
void IntArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
              BatchColumn* out, bool* overflowed = nullptr) {
  out->ints.resize(n);
  const std::int64_t* x = a.ints.data();
  const std::int64_t* y = b.ints.data();
  std::int64_t* r = out->ints.data();
  bool bad = false;
  switch (e.op) {
    case ExprOp::kAdd:
      for (std::size_t i = 0; i < n; ++i) bad |= __builtin_add_overflow(x[i], y[i], &r[i]);
      break;
    case ExprOp::kSub:
      for (std::size_t i = 0; i < n; ++i) bad |= __builtin_sub_overflow(x[i], y[i], &r[i]);
      break;
    case ExprOp::kMul:
      for (std::size_t i = 0; i < n; ++i) bad |= __builtin_mul_overflow(x[i], y[i], &r[i]);
      break;
    default:  // kIntDiv, kMod: x op 0 is NULL
      for (std::size_t i = 0; i < n; ++i) {
        if (y[i] == 0 || out->IsNull(i)) {
          r[i] = 0;
          SetNull(out, i, n);
        } else if (y[i] == -1) {
          bad |= x[i] == std::numeric_limits<std::int64_t>::min() && e.op == ExprOp::kIntDiv;
          r[i] = e.op == ExprOp::kIntDiv ? -x[i] : 0;
        } else {
          r[i] = e.op == ExprOp::kIntDiv ? x[i] / y[i] : x[i] % y[i];
        }
      }
  }
  if (IsNarrowInteger(e.type)) return CheckNarrow(e, a, b, n, *out, bad);
  if (!bad) return;
  for (std::size_t i = 0; i < n; ++i) {  // an overflow of a NULL row's value is no error
    std::int64_t t;
    const bool o = e.op == ExprOp::kAdd   ? __builtin_add_overflow(x[i], y[i], &t)
                   : e.op == ExprOp::kSub ? __builtin_sub_overflow(x[i], y[i], &t)
                   : e.op == ExprOp::kMul ? __builtin_mul_overflow(x[i], y[i], &t)
                                          : x[i] == std::numeric_limits<std::int64_t>::min();
    if (o && !a.IsNull(i) && !b.IsNull(i)) {
      if (overflowed) {
        *overflowed = true;
        return;
      }
      Overflow(e,
               e.op == ExprOp::kAdd   ? "addition"
               : e.op == ExprOp::kSub ? "subtraction"
               : e.op == ExprOp::kMul ? "multiplication"
                                      : "division",
               x[i], y[i]);
    }
  }
}

void DoubleArith(const Expr& e, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                 BatchColumn* out) {
  out->doubles.resize(n);
  const double* x = a.doubles.data();
  const double* y = b.doubles.data();
  double* r = out->doubles.data();
  switch (e.op) {
    case ExprOp::kAdd:
      for (std::size_t i = 0; i < n; ++i) r[i] = x[i] + y[i];
      break;
    case ExprOp::kSub:
      for (std::size_t i = 0; i < n; ++i) r[i] = x[i] - y[i];
      break;
    case ExprOp::kMul:
      for (std::size_t i = 0; i < n; ++i) r[i] = x[i] * y[i];
      break;
    case ExprOp::kMod:  // x % 0 is NULL
      for (std::size_t i = 0; i < n; ++i) {
        r[i] = y[i] == 0 ? 0 : std::fmod(x[i], y[i]);
        if (y[i] == 0) SetNull(out, i, n);
      }
      break;
    default:  // kDiv, kIntDiv: IEEE division (DuckDB: 1 / 0 is inf; `//` of DOUBLEs is `/`)
      for (std::size_t i = 0; i < n; ++i) r[i] = x[i] / y[i];
  }
}

void Arith(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn a, b;
  Eval(e.args[0], in, &a);
  Eval(e.args[1], in, &b);
  *out = BatchColumn{};
  out->type = e.type;
  AndValid(a, b, in.n, out);
  // TIMESTAMP +/- seconds and BIGINT arithmetic share the integer kernel.
  if (a.type == Type::kFloat64) {
    DoubleArith(e, a, b, in.n, out);
    return;
  }
  if (e.type == Type::kHugeint) return HugeintArith(e, a, b, in.n, out);
  if (e.type == Type::kUbigint) return UbigintArith(e, a, b, in.n, out);
  // A DECIMAL of width 19-38: 64 bits while its values fit them, else 128 (DuckDB's 38 digits).
  const bool wide_type = IsDecimal(e.type) && DecimalWidth(e.type) > 18;
  if (wide_type && (IsWide(a) || IsWide(b))) return WideArith(e, a, b, in.n, out);
  bool overflowed = false;
  IntArith(e, a, b, in.n, out, wide_type ? &overflowed : nullptr);
  if (overflowed) WideArith(e, a, b, in.n, out);
}

void Negate(const Expr& e, const ExprInput& in, BatchColumn* out) {
  Eval(e.args[0], in, out);
  if (out->type == Type::kFloat64) {
    for (double& d : out->doubles) d = -d;
    return;
  }
  if (out->type == Type::kHugeint) return HugeintNegate(e, out);
  if (out->type == Type::kUbigint) return UbigintNegate(out);
  const bool wide_type = IsDecimal(e.type) && DecimalWidth(e.type) > 18;
  if (wide_type && std::find(out->ints.begin(), out->ints.end(), INT64_MIN) != out->ints.end()) {
    Widen(out, in.n);  // -INT64_MIN needs 65 bits
  }
  if (IsWide(*out)) {  // |units| < 10^38: no overflow
    for (Int128& w : out->wide) w = -w;
    return;
  }
  if (IsUnsigned(e.type)) {  // DuckDB wraps: -(1::UTINYINT) is 255
    const std::int64_t modulus = IntegerMax(e.type) + 1;
    for (std::int64_t& v : out->ints) v = v == 0 ? 0 : modulus - v;
    return;
  }
  const std::int64_t least = IntegerMin(e.type);
  for (std::size_t i = 0; i < in.n; ++i) {
    if (out->ints[i] == least && !out->IsNull(i) && IsNarrowInteger(e.type)) {
      throw std::runtime_error("Out of Range Error: Overflow in negation of numeric value! in '" +
                               e.text + "'");
    }
    if (out->ints[i] == least && !out->IsNull(i)) {
      throw std::runtime_error("Overflow in negation of " + std::string(TypeName(e.type)) +
                               " in '" + e.text + "'");
    }
    out->ints[i] = -out->ints[i];
  }
}

template <typename Get>
void CompareLoop(ExprOp op, std::size_t n, Get cmp, std::int64_t* r) {
  switch (op) {
    case ExprOp::kEq:
    case ExprOp::kIsNotDistinct:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) == 0;
      break;
    case ExprOp::kNe:
    case ExprOp::kIsDistinct:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) != 0;
      break;
    case ExprOp::kLt:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) < 0;
      break;
    case ExprOp::kLe:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) <= 0;
      break;
    case ExprOp::kGt:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) > 0;
      break;
    default:
      for (std::size_t i = 0; i < n; ++i) r[i] = cmp(i) >= 0;
  }
}

// Three-way comparison results of a and b into out->ints (as the op's truth values).
void CompareValuesOf(ExprOp op, const BatchColumn& a, const BatchColumn& b, std::size_t n,
                     std::int64_t* r) {
  if (a.type == Type::kString) {
    CompareLoop(
        op, n, [&](std::size_t i) { return a.StringAt(i).compare(b.StringAt(i)); }, r);
  } else if (a.type == Type::kFloat64) {
    const double* x = a.doubles.data();
    const double* y = b.doubles.data();
    // NaN after every number and equal to itself, as DuckDB orders it.
    CompareLoop(
        op, n,
        [&](std::size_t i) {
          const int c = (x[i] > y[i]) - (x[i] < y[i]);
          return c != 0 || x[i] == y[i] ? c : std::isnan(x[i]) - std::isnan(y[i]);
        },
        r);
  } else if (IsWide(a) || IsWide(b)) {  // DECIMALs of one type, one side in 128 bits
    CompareLoop(
        op, n,
        [&](std::size_t i) {
          const Int128 x = UnitsOf(a, i), y = UnitsOf(b, i);
          return (x > y) - (x < y);
        },
        r);
  } else {
    const std::int64_t* x = a.ints.data();
    const std::int64_t* y = b.ints.data();
    CompareLoop(
        op, n, [&](std::size_t i) { return (x[i] > y[i]) - (x[i] < y[i]); }, r);
  }
}

void Compare(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn a, b;
  Eval(e.args[0], in, &a);
  Eval(e.args[1], in, &b);
  *out = BatchColumn{};
  out->type = Type::kBool;
  out->ints.resize(in.n);
  CompareValuesOf(e.op, a, b, in.n, out->ints.data());
  const bool distinct = e.op == ExprOp::kIsDistinct || e.op == ExprOp::kIsNotDistinct;
  if (!distinct) {
    AndValid(a, b, in.n, out);
    return;
  }
  if (a.valid.empty() && b.valid.empty()) return;
  for (std::size_t i = 0; i < in.n; ++i) {  // NULL is not distinct from NULL only
    const bool an = a.IsNull(i), bn = b.IsNull(i);
    if (an || bn) out->ints[i] = (an == bn) == (e.op == ExprOp::kIsNotDistinct);
  }
}

void Logic(const Expr& e, const ExprInput& in, BatchColumn* out) {
  Eval(e.args[0], in, out);
  const bool is_and = e.op == ExprOp::kAnd;
  for (std::size_t k = 1; k < e.args.size(); ++k) {
    BatchColumn b;
    Eval(e.args[k], in, &b);
    const bool nulls = !out->valid.empty() || !b.valid.empty();
    for (std::size_t i = 0; i < in.n; ++i) {
      const bool an = out->IsNull(i), bn = b.IsNull(i);
      const bool av = out->ints[i] != 0, bv = b.ints[i] != 0;
      // AND: false wins over NULL; OR: true wins over NULL.
      const bool decided = is_and ? ((!an && !av) || (!bn && !bv)) : ((!an && av) || (!bn && bv));
      out->ints[i] = is_and ? (av && bv) : (av || bv);
      if (!nulls) continue;
      if (decided) {
        out->ints[i] = !is_and;
        if (an) out->valid[i] = 1;
      } else if (an || bn) {
        SetNull(out, i, in.n);
      }
    }
  }
}

void NullTest(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn a;
  Eval(e.args[0], in, &a);
  *out = BatchColumn{};
  out->type = Type::kBool;
  out->ints.resize(in.n);
  const bool want_null = e.op == ExprOp::kIsNull;
  for (std::size_t i = 0; i < in.n; ++i) out->ints[i] = a.IsNull(i) == want_null;
}

void Not(const Expr& e, const ExprInput& in, BatchColumn* out) {
  Eval(e.args[0], in, out);
  for (std::int64_t& v : out->ints) v = !v;
}

// The rows `sel` (positions 0..in.n) of an input, for evaluating a branch on the rows that take
// it only. Table input keeps its columns and maps the rows; batch input gathers the columns the
// branch reads.
class SubInput {
 public:
  SubInput(const ExprInput& in, const std::vector<std::uint32_t>& sel, const Expr& branch) {
    in_ = in;
    in_.n = sel.size();
    if (sel.size() == in.n) return;  // every row: the input as it is
    if (!in.batch) {
      rows_.resize(sel.size());
      for (std::size_t j = 0; j < sel.size(); ++j) rows_[j] = in.rows[sel[j]];
      in_.rows = rows_.data();
      return;
    }
    std::vector<int> used;
    CollectExprColumns(branch, &used);
    batch_.rows = sel.size();
    batch_.columns.resize(in.batch->columns.size());
    for (const int c : used) {
      const BatchColumn& from = in.batch->columns.at(static_cast<std::size_t>(c));
      BatchColumn& to = batch_.columns[static_cast<std::size_t>(c)];
      if (!to.offsets.empty() || !to.ints.empty() || !to.doubles.empty()) continue;
      VectorBuilder b(from.type, sel.size());
      for (const std::uint32_t i : sel) b.Copy(from, i);
      to = b.Finish();
    }
    in_.batch = &batch_;
  }
  const ExprInput& get() const { return in_; }

 private:
  ExprInput in_;
  std::vector<std::uint32_t> rows_;
  Batch batch_;
};

// CASE and COALESCE: every row takes the value of the first argument that applies. Each
// condition and value is evaluated on the rows still undecided (a value on the rows that take
// it), so an untaken branch never runs: CASE WHEN x = 0 THEN NULL ELSE 1 // x END, or a cast
// that would fail, behave as in DuckDB.
void Choose(const Expr& e, const ExprInput& in, BatchColumn* out) {
  const std::size_t n = in.n;
  std::vector<std::int32_t> pick(n, -1);  // the argument row i takes
  std::vector<std::uint32_t> at(n, 0);    // row i's position in that argument's values
  std::vector<BatchColumn> values(e.args.size());
  std::vector<std::uint32_t> open(n), taken, rest;
  for (std::size_t i = 0; i < n; ++i) open[i] = static_cast<std::uint32_t>(i);
  const bool is_case = e.op == ExprOp::kCase;
  const std::size_t step = is_case ? 2 : 1;
  for (std::size_t k = 0; k < e.args.size() && !open.empty(); k += step) {
    const bool last = k + 1 == e.args.size();
    const std::size_t v = is_case && !last ? k + 1 : k;
    BatchColumn cond;
    if (is_case && !last) Eval(e.args[k], SubInput(in, open, e.args[k]).get(), &cond);
    taken.clear();
    rest.clear();
    if (is_case && !last) {  // the rows whose condition is true take this THEN
      for (std::size_t j = 0; j < open.size(); ++j) {
        (!cond.IsNull(j) && cond.ints[j] != 0 ? taken : rest).push_back(open[j]);
      }
      Eval(e.args[v], SubInput(in, taken, e.args[v]).get(), &values[v]);
    } else {  // ELSE, or a COALESCE argument: evaluated on every open row
      Eval(e.args[v], SubInput(in, open, e.args[v]).get(), &values[v]);
      for (std::size_t j = 0; j < open.size(); ++j) {
        (is_case || last || !values[v].IsNull(j) ? taken : rest).push_back(open[j]);
      }
    }
    const bool by_open = !(is_case && !last);  // values[v] is indexed by `open`, else `taken`
    std::size_t t = 0;
    for (std::size_t j = 0; j < (by_open ? open.size() : taken.size()); ++j) {
      const std::uint32_t i = by_open ? open[j] : taken[j];
      if (t < taken.size() && taken[t] == i) {
        pick[i] = static_cast<std::int32_t>(v);
        at[i] = static_cast<std::uint32_t>(j);
        ++t;
      }
    }
    open.swap(rest);
  }
  bool wide = false;  // a DECIMAL branch in 128 bits: every branch's units go there
  for (const BatchColumn& v : values) wide |= IsWide(v);
  VectorBuilder b(e.type, n, wide);
  for (std::size_t i = 0; i < n; ++i) {
    if (pick[i] < 0) {
      b.Null();
    } else {
      b.Copy(values[static_cast<std::size_t>(pick[i])], at[i]);
    }
  }
  *out = b.Finish();
}

void NullIf(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn b;
  Eval(e.args[0], in, out);
  Eval(e.args[1], in, &b);
  std::vector<std::int64_t> eq(in.n);
  CompareValuesOf(ExprOp::kEq, *out, b, in.n, eq.data());
  for (std::size_t i = 0; i < in.n; ++i) {
    if (eq[i] && !out->IsNull(i) && !b.IsNull(i)) SetNull(out, i, in.n);
  }
}

}  // namespace

// The non-NULL constants of an IN list, sorted (NaN last and equal to NaN, as DuckDB), and
// whether the list holds a NULL.
struct ConstantInList {
  Type type = Type::kInt64;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  bool has_null = false;
};

namespace {

bool DoubleLess(double x, double y) { return std::isnan(x) ? false : std::isnan(y) || x < y; }

// Null when some element is not a constant of the tested value's type.
std::shared_ptr<const ConstantInList> MakeConstantInList(const Expr& e) {
  auto list = std::make_shared<ConstantInList>();
  list->type = e.args[0].type;
  for (std::size_t k = 1; k < e.args.size(); ++k) {
    const Expr& c = e.args[k];
    if (c.op != ExprOp::kConstant || (c.type != list->type && !c.value.null)) return nullptr;
    if (c.value.wide) return nullptr;  // 128-bit units: compared one element at a time
    if (c.value.null) {
      list->has_null = true;
    } else if (list->type == Type::kString) {
      list->strings.push_back(c.value.s);
    } else if (list->type == Type::kFloat64) {
      list->doubles.push_back(c.value.d);
    } else {
      list->ints.push_back(c.value.i);
    }
  }
  std::sort(list->ints.begin(), list->ints.end());
  std::sort(list->strings.begin(), list->strings.end());
  std::sort(list->doubles.begin(), list->doubles.end(), DoubleLess);
  return list;
}

bool Contains(const ConstantInList& l, const BatchColumn& a, std::size_t i) {
  if (l.type == Type::kString) {
    return std::binary_search(l.strings.begin(), l.strings.end(), a.StringAt(i),
                              [](std::string_view x, std::string_view y) { return x < y; });
  }
  if (l.type == Type::kFloat64) {
    return std::binary_search(l.doubles.begin(), l.doubles.end(), a.doubles[i], DoubleLess);
  }
  if (IsWide(a)) {  // the constants are 64-bit units: a value beyond them is none of them
    const Int128 w = a.wide[i];
    return w <= INT64_MAX && w >= INT64_MIN &&
           std::binary_search(l.ints.begin(), l.ints.end(), static_cast<std::int64_t>(w));
  }
  return std::binary_search(l.ints.begin(), l.ints.end(), a.ints[i]);
}

void ConstantIn(const Expr& e, const ConstantInList& l, const BatchColumn& a, std::size_t n,
                BatchColumn* out) {
  *out = BatchColumn{};
  out->type = Type::kBool;
  out->ints.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      SetNull(out, i, n);
      continue;
    }
    const bool hit = Contains(l, a, i);
    if (!hit && l.has_null) SetNull(out, i, n);
    out->ints[i] = hit != e.negated;
  }
}

const ConstantInList* CachedInList(const Expr& e, const ExprInput& in) {
  if (in.cache == nullptr) return nullptr;
  auto [it, fresh] = in.cache->in_lists.try_emplace(&e);
  if (fresh) it->second = MakeConstantInList(e);
  return it->second.get();
}

void InList(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn a;
  Eval(e.args[0], in, &a);
  const std::size_t n = in.n;
  if (const ConstantInList* list = CachedInList(e, in)) return ConstantIn(e, *list, a, n, out);
  *out = BatchColumn{};
  out->type = Type::kBool;
  out->ints.assign(n, 0);
  std::vector<std::uint8_t> saw_null(n, 0);
  std::vector<std::int64_t> eq(n);
  for (std::size_t k = 1; k < e.args.size(); ++k) {
    BatchColumn b;
    Eval(e.args[k], in, &b);
    CompareValuesOf(ExprOp::kEq, a, b, n, eq.data());
    for (std::size_t i = 0; i < n; ++i) {
      out->ints[i] |= eq[i] && !b.IsNull(i);
      saw_null[i] |= b.IsNull(i);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a.IsNull(i) || (!out->ints[i] && saw_null[i])) SetNull(out, i, n);
    if (e.negated) out->ints[i] = !out->ints[i];
  }
}

void Like(const Expr& e, const ExprInput& in, BatchColumn* out) {
  BatchColumn a, p;
  Eval(e.args[0], in, &a);
  Eval(e.args[1], in, &p);
  *out = BatchColumn{};
  out->type = Type::kBool;
  out->ints.resize(in.n);
  AndValid(a, p, in.n, out);
  for (std::size_t i = 0; i < in.n; ++i) {
    const bool hit = e.flag ? LikeMatch(Utf8Lower(a.StringAt(i)), Utf8Lower(p.StringAt(i)))
                            : LikeMatch(a.StringAt(i), p.StringAt(i));
    out->ints[i] = hit != e.negated;
  }
}

void Concat(const Expr& e, const ExprInput& in, BatchColumn* out) {
  std::vector<BatchColumn> parts(e.args.size());
  for (std::size_t k = 0; k < e.args.size(); ++k) Eval(e.args[k], in, &parts[k]);
  VectorBuilder b(Type::kString, in.n);
  std::string s;
  for (std::size_t i = 0; i < in.n; ++i) {
    s.clear();
    bool null = false;
    for (const BatchColumn& p : parts) {
      if (p.IsNull(i)) {
        null |= !e.flag;  // `||` propagates NULL, concat() skips it
        continue;
      }
      s.append(p.StringAt(i));
    }
    if (null) {
      b.Null();
    } else {
      b.String(s);
    }
  }
  *out = b.Finish();
}

void Eval(const Expr& e, const ExprInput& in, BatchColumn* out) {
  switch (e.op) {
    case ExprOp::kColumn:
      return Input(e, in, out);
    case ExprOp::kConstant:
      return Constant(e, in.n, out);
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kDiv:
    case ExprOp::kIntDiv:
    case ExprOp::kMod:
      return Arith(e, in, out);
    case ExprOp::kNeg:
      return Negate(e, in, out);
    case ExprOp::kEq:
    case ExprOp::kNe:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
    case ExprOp::kIsDistinct:
    case ExprOp::kIsNotDistinct:
      return Compare(e, in, out);
    case ExprOp::kAnd:
    case ExprOp::kOr:
      return Logic(e, in, out);
    case ExprOp::kNot:
      return Not(e, in, out);
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull:
      return NullTest(e, in, out);
    case ExprOp::kCase:
    case ExprOp::kCoalesce:
      return Choose(e, in, out);
    case ExprOp::kCast: {
      BatchColumn a;
      Eval(e.args[0], in, &a);
      return CastVector(e, a, in.n, out);
    }
    case ExprOp::kNullIf:
      return NullIf(e, in, out);
    case ExprOp::kIn:
      return InList(e, in, out);
    case ExprOp::kLike:
      return Like(e, in, out);
    case ExprOp::kConcat:
      return Concat(e, in, out);
    case ExprOp::kFunction: {
      std::vector<BatchColumn> args(e.args.size());
      for (std::size_t k = 0; k < e.args.size(); ++k) {
        Eval(e.args[k], in, &args[k]);
      }
      return EvalFunction(e, args, in.n, out);
    }
  }
  throw std::logic_error("unknown expression operator");
}

}  // namespace

void ExprEvaluator::Eval(const ExprInput& in, BatchColumn* out) const {
  ExprInput with_cache = in;
  with_cache.cache = cache_.get();
  engine::Eval(root_, with_cache, out);
  out->type = root_.type;
  if (IsWideDecimal(out->type)) Widen(out, in.n);  // stored as DuckDB's: in 128 bits (table.h)
  if (std::find(out->valid.begin(), out->valid.end(), 0) == out->valid.end()) out->valid.clear();
}

void CollectExprColumns(const Expr& e, std::vector<int>* out) {
  if (e.op == ExprOp::kColumn) out->push_back(e.column);
  for (const Expr& a : e.args) CollectExprColumns(a, out);
}

void GatherColumn(const Column& c, const std::uint32_t* rows, std::size_t n, BatchColumn* out) {
  *out = BatchColumn{};
  out->type = c.type;
  if (c.type == Type::kString) {
    out->offsets.resize(n + 1);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      total += c.dict[c.codes[rows[i]]].size();
      out->offsets[i + 1] = static_cast<std::uint32_t>(total);
    }
    out->chars.resize(total);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& s = c.dict[c.codes[rows[i]]];
      std::memcpy(out->chars.data() + out->offsets[i], s.data(), s.size());
    }
  } else if (c.type == Type::kFloat64) {
    out->doubles.resize(n);
    for (std::size_t i = 0; i < n; ++i) out->doubles[i] = c.doubles[rows[i]];
  } else if (IsWidePhysical(c.type)) {
    out->wide.resize(n);
    for (std::size_t i = 0; i < n; ++i) out->wide[i] = c.wide[rows[i]];
  } else {
    out->ints.resize(n);
    for (std::size_t i = 0; i < n; ++i) out->ints[i] = c.ints[rows[i]];
  }
  if (!c.valid.empty()) {
    out->valid.resize(n);
    std::uint8_t all = 1;
    for (std::size_t i = 0; i < n; ++i) all &= out->valid[i] = c.valid[rows[i]];
    if (all) out->valid.clear();
  }
}

}  // namespace plume::engine
