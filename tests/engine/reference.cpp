#include "tests/engine/reference.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "engine/schema.h"

namespace plume::engine::testing {
namespace {

__extension__ typedef __int128 Wide;
__extension__ typedef __float128 Quad;  // 113 significant bits

enum class Truth { kFalse, kTrue, kUnknown };

Truth Not(Truth t) {
  return t == Truth::kUnknown ? t : t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// Set when a BIGINT expression overflows (Evaluate resets it and reports it).
thread_local bool tl_overflow = false;
thread_local bool tl_sum_error = false;  // a BIGINT sum out of range in HAVING
// A DECIMAL beyond 38 digits, where DuckDB (and the engine) raise an error whose row the
// reference does not pin down: any answer is accepted (tests/duckdb checks the errors).
thread_local bool tl_decimal_error = false;

// Exact comparison of an integer with a double (NaN after every number, as DuckDB).
int CompareIntDouble(std::int64_t a, double d) {
  if (std::isnan(d)) return -1;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  const double f = std::floor(d);
  const auto fi = static_cast<std::int64_t>(f);
  if (a < fi) return -1;
  if (a > fi) return 1;
  return f == d ? 0 : -1;
}

// Compares two non-NULL values of compatible types.
int Compare(const Value& a, const Value& b) {
  if (const auto* x = std::get_if<std::int64_t>(&a)) {
    if (const auto* y = std::get_if<std::int64_t>(&b)) return *x < *y ? -1 : *x > *y;
    return CompareIntDouble(*x, std::get<double>(b));
  }
  if (const auto* x = std::get_if<double>(&a)) {
    if (const auto* yi = std::get_if<std::int64_t>(&b)) {
      return -CompareIntDouble(*yi, *x);
    }
    const double y = std::get<double>(b);
    if (std::isnan(*x) || std::isnan(y)) return std::isnan(*x) - std::isnan(y);
    return *x < y ? -1 : *x > y;
  }
  const std::string& x = std::get<std::string>(a);
  const std::string& y = std::get<std::string>(b);
  return x < y ? -1 : x > y;
}

bool Like(const std::string& s, std::size_t i, const std::string& p, std::size_t j) {
  if (j == p.size()) return i == s.size();
  if (p[j] == '%') {
    for (std::size_t k = i; k <= s.size(); ++k) {
      if (Like(s, k, p, j + 1)) return true;
    }
    return false;
  }
  if (i == s.size()) return false;
  if (p[j] == '_') {  // one character: a UTF-8 lead byte and its continuation bytes
    do ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80);
    return Like(s, i, p, j + 1);
  }
  return p[j] == s[i] && Like(s, i + 1, p, j + 1);
}

Truth CompareOp(const Value& a, const std::string& op, const Value& b) {
  if (IsNull(a) || IsNull(b)) return Truth::kUnknown;
  const int c = Compare(a, b);
  bool r;
  if (op == "=")
    r = c == 0;
  else if (op == "<>" || op == "!=")
    r = c != 0;
  else if (op == "<")
    r = c < 0;
  else if (op == "<=")
    r = c <= 0;
  else if (op == ">")
    r = c > 0;
  else
    r = c >= 0;
  return r ? Truth::kTrue : Truth::kFalse;
}

Truth And(Truth a, Truth b) {
  if (a == Truth::kFalse || b == Truth::kFalse) return Truth::kFalse;
  return a == Truth::kTrue && b == Truth::kTrue ? Truth::kTrue : Truth::kUnknown;
}

Truth Or(Truth a, Truth b) {
  if (a == Truth::kTrue || b == Truth::kTrue) return Truth::kTrue;
  return a == Truth::kFalse && b == Truth::kFalse ? Truth::kFalse : Truth::kUnknown;
}

double AsDouble(const Value& v) {
  return std::holds_alternative<double>(v) ? std::get<double>(v)
                                           : static_cast<double>(std::get<std::int64_t>(v));
}

Truth Eval(const RefExpr& e, const Row& row);

std::int64_t Checked(Wide v) {
  if (v > INT64_MAX || v < INT64_MIN) {
    tl_overflow = true;
    return 0;
  }
  return static_cast<std::int64_t>(v);
}

Value AsReal(Value v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return v;
}

std::int64_t Characters(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value Arith(RefScalar::Kind k, const Value& a, const Value& b) {
  using K = RefScalar::Kind;
  if (IsNull(a) || IsNull(b)) return Value{};
  const auto *x = std::get_if<std::int64_t>(&a), *y = std::get_if<std::int64_t>(&b);
  if (k == K::kDiv) return AsDouble(a) / AsDouble(b);
  if (x && y) {
    switch (k) {
      case K::kAdd:
        return Checked(Wide{*x} + *y);
      case K::kSub:
        return Checked(Wide{*x} - *y);
      case K::kMul:
        return Checked(Wide{*x} * *y);
      case K::kIntDiv:
        return *x / *y;
      default:
        return *x % *y;
    }
  }
  const double p = AsDouble(a), q = AsDouble(b);
  return k == K::kAdd ? p + q : k == K::kSub ? p - q : p * q;
}

// A DECIMAL value: units * 10^-scale, exact as DuckDB's (+ - * grow the scale, never round).
struct Dec {
  Wide units = 0;
  int scale = 0;
};

Wide Pow10(int n) {
  Wide p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// False (and tl_decimal_error) when the value leaves DuckDB's 38 digits.
bool Fits(Wide v) {
  const Wide limit = Pow10(38);
  if (v < limit && v > -limit) return true;
  tl_decimal_error = true;
  return false;
}

bool Rescale(Dec* d, int scale) {
  if (scale > 38 || __builtin_mul_overflow(d->units, Pow10(scale - d->scale), &d->units)) {
    tl_decimal_error = true;
    return false;
  }
  d->scale = scale;
  return Fits(d->units);
}

Dec LiteralDec(const std::string& sql) {
  Dec d;
  bool negative = false, fraction = false;
  for (char c : sql) {
    if (c == '-') negative = true;
    if (c == '.') fraction = true;
    if (c < '0' || c > '9') continue;
    d.units = d.units * 10 + (c - '0');
    d.scale += fraction;
  }
  if (negative) d.units = -d.units;
  return d;
}

// As the engine and DuckDB convert a DECIMAL to DOUBLE: the integer part and the fraction apart.
double DecDouble(const Dec& d) {
  const Wide p = Pow10(d.scale);
  const Wide whole = d.units / p;  // truncated: the fraction keeps the rest
  return static_cast<double>(whole) + static_cast<double>(d.units % p) / static_cast<double>(p);
}

struct DecType {
  int width = 19;
  int scale = 0;
};

// DuckDB's type of a DECIMAL expression or of an integer next to one (INTEGER is DECIMAL(10,0),
// BIGINT DECIMAL(19,0)).
DecType TypeOfDecimal(const RefScalar& e) {
  using K = RefScalar::Kind;
  if (!e.real) return {e.int32 ? 10 : 19, 0};
  switch (e.kind) {
    case K::kConst: {
      const Dec d = LiteralDec(e.lit.sql);
      int digits = 0;
      for (Wide u = d.units < 0 ? -d.units : d.units; u != 0; u /= 10) ++digits;
      return {std::max(digits, d.scale), d.scale};
    }
    case K::kNeg:
    case K::kAbs:
      return TypeOfDecimal(e.args[0]);
    case K::kCase:
    case K::kCoalesce: {  // MaxLogicalType
      const DecType a = TypeOfDecimal(e.args[0]), b = TypeOfDecimal(e.args[1]);
      const int scale = std::max(a.scale, b.scale);
      const int whole = std::max(a.width - a.scale, b.width - b.scale);
      if (whole + scale <= 38) return {whole + scale, scale};
      if (!e.args[0].real || !e.args[1].real) return {38, scale};  // next to an integer
      return {38, 38 - whole};
    }
    case K::kMul: {
      const DecType a = TypeOfDecimal(e.args[0]), b = TypeOfDecimal(e.args[1]);
      return {std::min(a.width + b.width, 38), a.scale + b.scale};
    }
    default: {  // + -
      const DecType a = TypeOfDecimal(e.args[0]), b = TypeOfDecimal(e.args[1]);
      const int scale = std::max(a.scale, b.scale);
      return {std::min(std::max(a.width - a.scale, b.width - b.scale) + 1 + scale, 38), scale};
    }
  }
}

// `d` at the scale of `t`, rounded half away from zero when the scale falls (a CASE branch
// converted to the CASE's type); empty (tl_decimal_error) beyond t's width.
std::optional<Dec> ToDecType(Dec d, DecType t) {
  if (d.scale > t.scale) {
    const Wide p = Pow10(d.scale - t.scale);
    const Wide q = d.units / p, r = d.units % p;
    d.units = q + (2 * (r < 0 ? -r : r) >= p ? (d.units < 0 ? -1 : 1) : 0);
    d.scale = t.scale;
  } else if (!Rescale(&d, t.scale)) {
    return std::nullopt;
  }
  const Wide limit = Pow10(t.width);
  if (d.units >= limit || d.units <= -limit) {
    tl_decimal_error = true;
    return std::nullopt;
  }
  return d;
}

// A DECIMAL expression (IsDecimalExpr) exactly; its BIGINT operands through EvalScalar (which
// flags their overflow). Empty for NULL and for a value beyond 38 digits (tl_decimal_error).
std::optional<Dec> EvalDecimal(const RefScalar& e, const Row& row) {
  using K = RefScalar::Kind;
  if (!e.real) {
    const Value v = EvalScalar(e, row);
    if (IsNull(v)) return std::nullopt;
    return Dec{std::get<std::int64_t>(v), 0};
  }
  auto arg = [&](std::size_t i) { return EvalDecimal(e.args[i], row); };
  switch (e.kind) {
    case K::kConst:
      return LiteralDec(e.lit.sql);
    case K::kNeg:
    case K::kAbs: {
      std::optional<Dec> v = arg(0);
      if (v && (e.kind == K::kNeg || v->units < 0)) v->units = -v->units;
      return v;
    }
    case K::kCase:
    case K::kCoalesce: {
      std::optional<Dec> v;
      if (e.kind == K::kCase) {
        v = Eval(e.cond[0], row) == Truth::kTrue ? arg(0) : arg(1);
      } else {
        v = arg(0);
        if (!v) v = arg(1);
      }
      return v ? ToDecType(*v, TypeOfDecimal(e)) : v;
    }
    default: {  // + - *
      std::optional<Dec> a = arg(0), b = arg(1);
      if (!a || !b) return std::nullopt;
      Dec r;
      if (e.kind == K::kMul) {
        r.scale = a->scale + b->scale;
        if (__builtin_mul_overflow(a->units, b->units, &r.units)) {
          tl_decimal_error = true;
          return std::nullopt;
        }
      } else {
        r.scale = std::max(a->scale, b->scale);
        if (!Rescale(&*a, r.scale) || !Rescale(&*b, r.scale)) return std::nullopt;
        r.units = e.kind == K::kAdd ? a->units + b->units : a->units - b->units;
      }
      if (r.scale > 38 || !Fits(r.units)) {
        tl_decimal_error = true;
        return std::nullopt;
      }
      return r;
    }
  }
}

// The value of `e` on `row` for DISTINCT: a DECIMAL expression exactly, as text of its
// normalised units (258.5 and 258.50000000000000000001 are two values, one DOUBLE).
Value DistinctScalar(const RefScalar& e, const Row& row) {
  if (!e.real || e.kind == RefScalar::Kind::kConst || !IsDecimalExpr(e)) {
    return EvalScalar(e, row);
  }
  std::optional<Dec> d = EvalDecimal(e, row);
  if (!d) return Value{};
  while (d->scale > 0 && d->units % 10 == 0) {
    d->units /= 10;
    --d->scale;
  }
  std::string digits;
  for (Wide u = d->units < 0 ? -d->units : d->units; u != 0 || digits.empty(); u /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
  }
  return std::string(d->units < 0 ? "-" : "") + digits + "e-" + std::to_string(d->scale);
}

}  // namespace

bool IsDecimalExpr(const RefScalar& e) {
  using K = RefScalar::Kind;
  if (e.kind == K::kConst) return e.real;
  if (e.kind == K::kColumn || e.kind == K::kDiv || e.kind == K::kLength || !e.real) return false;
  for (const RefScalar& a : e.args) {
    if (a.real && !IsDecimalExpr(a)) return false;
  }
  return true;
}

Value EvalScalar(const RefScalar& e, const Row& row) {
  using K = RefScalar::Kind;
  if (e.real && e.kind != K::kConst && IsDecimalExpr(e)) {
    const std::optional<Dec> d = EvalDecimal(e, row);
    return d ? Value{DecDouble(*d)} : Value{};
  }
  auto arg = [&](std::size_t i) { return EvalScalar(e.args[i], row); };
  Value v;
  switch (e.kind) {
    case K::kColumn:
      v = row[static_cast<std::size_t>(e.column)];
      break;
    case K::kConst:
      v = e.lit.value;
      break;
    case K::kNeg:
    case K::kAbs: {
      v = arg(0);
      if (auto* i = std::get_if<std::int64_t>(&v)) {
        if (e.kind == K::kNeg || *i < 0) *i = Checked(-Wide{*i});
      } else if (auto* d = std::get_if<double>(&v)) {
        *d = e.kind == K::kNeg ? -*d : std::fabs(*d);
      }
      break;
    }
    case K::kCase:
      v = Eval(e.cond[0], row) == Truth::kTrue ? arg(0) : arg(1);
      break;
    case K::kCoalesce:
      v = arg(0);
      if (IsNull(v)) v = arg(1);
      break;
    case K::kConcat: {
      const Value a = arg(0), b = arg(1);
      if (!IsNull(a) && !IsNull(b)) v = std::get<std::string>(a) + std::get<std::string>(b);
      break;
    }
    case K::kLength:
      v = arg(0);
      if (!IsNull(v)) v = Characters(std::get<std::string>(v));
      break;
    default:
      v = Arith(e.kind, arg(0), arg(1));
  }
  if (const auto* i = std::get_if<std::int64_t>(&v); i && e.int32 && !FitsInt32(*i)) {
    tl_overflow = true;  // DuckDB's INTEGER overflow
    return Value{};
  }
  return e.real && !IsNull(v) ? AsReal(std::move(v)) : v;
}

std::vector<std::optional<Type>> IntegerTypes(const QuerySpec& q) {
  std::vector<std::optional<Type>> out(q.star ? kSchema.size() : 0);
  auto integer = [](const RefScalar& e) -> std::optional<Type> {
    if (e.real || e.text) return std::nullopt;
    return e.int32 ? Type::kInt32 : Type::kInt64;
  };
  for (const RefItem& i : q.items) {
    std::optional<Type> t;
    if (!i.aggregate && !i.expr.empty()) t = integer(i.expr[0]);
    if (i.aggregate && !i.x.arg.empty()) {
      const bool keeps =
          i.fn == RefAgg::kMin || i.fn == RefAgg::kMax || i.fn == RefAgg::kQuantileDisc;
      t = integer(i.x.arg[0]);
      // sum of an integer is HUGEINT (as DuckDB's); count is BIGINT
      if (t && !keeps) {
        t = i.fn == RefAgg::kSum     ? std::optional<Type>(Type::kHugeint)
            : i.fn == RefAgg::kCount ? std::optional<Type>(Type::kInt64)
                                     : std::nullopt;
      }
    }
    if (i.aggregate && (i.fn == RefAgg::kCountStar || i.fn == RefAgg::kCount)) t = Type::kInt64;
    out.push_back(t);
  }
  return out;
}

namespace {

Truth Eval(const RefExpr& e, const Row& row) {
  const Value& v = row[static_cast<std::size_t>(e.column)];
  Truth t = Truth::kUnknown;
  switch (e.kind) {
    case RefExpr::Kind::kAnd:
      t = Truth::kTrue;
      for (const RefExpr& c : e.children) t = And(t, Eval(c, row));
      return t;
    case RefExpr::Kind::kOr:
      t = Truth::kFalse;
      for (const RefExpr& c : e.children) t = Or(t, Eval(c, row));
      return t;
    case RefExpr::Kind::kNot:
      return Not(Eval(e.children[0], row));
    case RefExpr::Kind::kCompare:
      return CompareOp(v, e.op, e.args[0].value);
    case RefExpr::Kind::kBetween: {
      const Value x = e.doubles && !IsNull(v) ? Value{AsDouble(v)} : v;
      t = And(CompareOp(x, ">=", e.args[0].value), CompareOp(x, "<=", e.args[1].value));
      break;
    }
    case RefExpr::Kind::kIn: {
      const Value x = e.doubles && !IsNull(v) ? Value{AsDouble(v)} : v;
      t = Truth::kFalse;
      for (const RefLiteral& l : e.args) t = Or(t, CompareOp(x, "=", l.value));
      break;
    }
    case RefExpr::Kind::kLike:
      if (IsNull(v) || IsNull(e.args[0].value)) return Truth::kUnknown;
      t = Like(std::get<std::string>(v), 0, std::get<std::string>(e.args[0].value), 0)
              ? Truth::kTrue
              : Truth::kFalse;
      break;
    case RefExpr::Kind::kIsNull:
      t = IsNull(v) ? Truth::kTrue : Truth::kFalse;
      break;
    case RefExpr::Kind::kScalar:
      return CompareOp(EvalScalar(e.scalar[0], row), e.op, e.args[0].value);
    case RefExpr::Kind::kColumns: {
      Value a = v;
      if (e.offset != 0 && !IsNull(a)) {
        if (auto* i = std::get_if<std::int64_t>(&a)) *i += e.offset;
        if (auto* d = std::get_if<double>(&a)) *d += static_cast<double>(e.offset);
      }
      return CompareOp(a, e.op, row[static_cast<std::size_t>(e.column2)]);
    }
  }
  return e.negated ? Not(t) : t;
}

bool Less(const Value& a, const Value& b) { return Compare(a, b) < 0; }

// var_samp, var_pop, stddev_samp, stddev_pop by the two-pass formula in long double.
Value Moment(RefAgg fn, const std::vector<Value>& vals) {
  const bool sample = fn == RefAgg::kVarSamp || fn == RefAgg::kStddevSamp;
  if (vals.empty() || (sample && vals.size() == 1)) return Value{};
  std::vector<long double> xs;
  for (const Value& v : vals) {
    xs.push_back(std::holds_alternative<double>(v)
                     ? std::get<double>(v)
                     : static_cast<long double>(static_cast<double>(std::get<std::int64_t>(v))));
  }
  long double mean = 0, m2 = 0;
  for (long double x : xs) mean += x;
  mean /= static_cast<long double>(xs.size());
  for (long double x : xs) m2 += (x - mean) * (x - mean);
  const long double var = m2 / static_cast<long double>(sample ? xs.size() - 1 : xs.size());
  const bool stddev = fn == RefAgg::kStddevSamp || fn == RefAgg::kStddevPop;
  return static_cast<double>(stddev ? std::sqrt(var) : var);
}

// median, quantile_cont, quantile_disc over sorted values (DuckDB's positions).
Value Quantile(RefAgg fn, const std::string& q_text, std::vector<Value> vals) {
  if (vals.empty()) return Value{};
  std::sort(vals.begin(), vals.end(), Less);
  const double q = fn == RefAgg::kMedian ? 0.5 : std::stod(q_text);
  const double n = static_cast<double>(vals.size());
  const bool text = std::holds_alternative<std::string>(vals[0]);
  if (fn == RefAgg::kQuantileCont || (fn == RefAgg::kMedian && !text)) {
    const double rn = (n - 1) * q, lo = std::floor(rn), hi = std::ceil(rn);
    const double a = AsDouble(vals[static_cast<std::size_t>(lo)]);
    if (lo == hi) return a;
    return a + (AsDouble(vals[static_cast<std::size_t>(hi)]) - a) * (rn - lo);
  }
  return vals[static_cast<std::size_t>(std::max(1.0, n - std::floor(n - n * q)) - 1)];
}

// arg_min/arg_max: rows with a NULL a or b are skipped; ties on b go to the smallest a.
Value ArgExtreme(RefAgg fn, int a_col, int b_col, const std::vector<const Row*>& rows) {
  const Row* best = nullptr;
  for (const Row* r : rows) {
    const Value &a = (*r)[static_cast<std::size_t>(a_col)],
                &b = (*r)[static_cast<std::size_t>(b_col)];
    if (IsNull(a) || IsNull(b)) continue;
    if (!best) {
      best = r;
      continue;
    }
    const int cb = Compare(b, (*best)[static_cast<std::size_t>(b_col)]);
    const int ca = Compare(a, (*best)[static_cast<std::size_t>(a_col)]);
    if ((fn == RefAgg::kArgMin ? cb < 0 : cb > 0) || (cb == 0 && ca < 0)) best = r;
  }
  return best ? (*best)[static_cast<std::size_t>(a_col)] : Value{};
}

// bool_and/bool_or of a predicate (1/0, as the tests hold BOOLEAN values); unknown rows are
// skipped.
Value BoolAggregate(RefAgg fn, const RefExpr& p, const std::vector<const Row*>& rows) {
  std::optional<bool> acc;
  for (const Row* r : rows) {
    const Truth t = Eval(p, *r);
    if (t == Truth::kUnknown) continue;
    const bool v = t == Truth::kTrue;
    acc = !acc ? v : fn == RefAgg::kBoolAnd ? (*acc && v) : (*acc || v);
  }
  return acc ? Value{static_cast<std::int64_t>(*acc)} : Value{};
}

// An aggregate over the rows of one group; sets *error for a BIGINT sum overflow.
// sum / avg of a DECIMAL expression: exactly, as DuckDB's 128-bit sum (a row's DOUBLE would
// lose the units beyond 2^53); avg divides once.
Value DecimalSum(RefAgg fn, const RefAggExtra& x, const std::vector<const Row*>& rows) {
  std::set<Value> seen;
  Dec total;
  std::size_t n = 0;
  for (const Row* r : rows) {
    std::optional<Dec> d = EvalDecimal(x.arg[0], *r);
    if (!d) continue;
    if (x.distinct && !seen.insert(DistinctScalar(x.arg[0], *r)).second) continue;
    const int scale = std::max(total.scale, d->scale);
    if (!Rescale(&*d, scale) || !Rescale(&total, scale)) return Value{};
    total.units += d->units;
    if (!Fits(total.units)) return Value{};
    ++n;
  }
  if (n == 0) return Value{};
  if (fn == RefAgg::kSum) return DecDouble(total);
  return static_cast<double>(static_cast<Quad>(total.units) /
                             static_cast<Quad>(Pow10(total.scale)) / static_cast<Quad>(n));
}

Value Aggregate(RefAgg fn, int column, const RefAggExtra& x,
                const std::vector<const Row*>& group_rows, bool* error) {
  std::vector<const Row*> rows;
  std::vector<Value> args;  // an expression argument, computed on every row (as the engine)
  for (const Row* r : group_rows) {
    if (!x.arg.empty()) args.push_back(EvalScalar(x.arg[0], *r));
    if (x.filter.empty() || Eval(x.filter[0], *r) == Truth::kTrue) rows.push_back(r);
  }
  if (fn == RefAgg::kCountStar) return static_cast<std::int64_t>(rows.size());
  if (fn == RefAgg::kBoolAnd || fn == RefAgg::kBoolOr)
    return BoolAggregate(fn, x.predicate[0], rows);
  if (fn == RefAgg::kArgMin || fn == RefAgg::kArgMax)
    return ArgExtreme(fn, column, x.column2, rows);
  if ((fn == RefAgg::kSum || fn == RefAgg::kAvg) && !x.arg.empty() && IsDecimalExpr(x.arg[0])) {
    return DecimalSum(fn, x, rows);
  }
  std::vector<Value> vals;
  std::set<Value> distinct;  // DistinctScalar of a DECIMAL argument
  for (const Row* r : rows) {
    const Value v =
        x.arg.empty() ? (*r)[static_cast<std::size_t>(column)] : EvalScalar(x.arg[0], *r);
    if (IsNull(v)) continue;
    if (x.distinct && !x.arg.empty() && IsDecimalExpr(x.arg[0]) &&
        !distinct.insert(DistinctScalar(x.arg[0], *r)).second) {
      continue;
    }
    vals.push_back(v);
  }
  if (x.distinct && (x.arg.empty() || !IsDecimalExpr(x.arg[0]))) {
    std::sort(vals.begin(), vals.end(), Less);
    vals.erase(std::unique(vals.begin(), vals.end(),
                           [](const Value& a, const Value& b) { return Compare(a, b) == 0; }),
               vals.end());
  }
  if (fn == RefAgg::kCount) return static_cast<std::int64_t>(vals.size());
  if (fn >= RefAgg::kVarSamp && fn <= RefAgg::kStddevPop) return Moment(fn, vals);
  if (fn >= RefAgg::kMedian && fn <= RefAgg::kQuantileDisc) return Quantile(fn, x.quantile, vals);
  if (vals.empty()) return Value{};
  if (fn == RefAgg::kMin || fn == RefAgg::kMax) {
    Value best = vals[0];
    for (const Value& v : vals) {
      const int c = Compare(v, best);
      if (fn == RefAgg::kMin ? c < 0 : c > 0) best = v;
    }
    return best;
  }
  const bool ints = std::holds_alternative<std::int64_t>(vals[0]);
  Wide isum = 0;
  Quad dsum = 0;  // exact for the test data's doubles (1/8 steps up to 2^63), as the engine's
  for (const Value& v : vals) {
    if (ints)
      isum += std::get<std::int64_t>(v);
    else
      dsum += std::get<double>(v);
  }
  if (fn == RefAgg::kAvg) {
    const Quad total = ints ? static_cast<Quad>(isum) : dsum;
    return static_cast<double>(total / static_cast<Quad>(vals.size()));
  }
  if (!ints) return static_cast<double>(dsum);
  // a HUGEINT beyond BIGINT: the reference's values are 64-bit, so the case is not checked
  if (isum > INT64_MAX || isum < INT64_MIN) *error = true;
  return static_cast<std::int64_t>(isum);
}

struct KeyLess {
  bool operator()(const Row& a, const Row& b) const {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (IsNull(a[i]) != IsNull(b[i])) return IsNull(a[i]) < IsNull(b[i]);
      if (IsNull(a[i])) continue;
      const int c = Compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return false;
  }
};

// Doubles within a relative 1e-9 count as equal (computed averages of equal values may differ
// in the last bit between evaluation orders).
int TolerantCompare(const Value& a, const Value& b) {
  if (std::holds_alternative<double>(a) && std::holds_alternative<double>(b)) {
    const double x = std::get<double>(a), y = std::get<double>(b);
    if (std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)})) return 0;
  }
  return Compare(a, b);
}

int CompareKeys(const QuerySpec& q, const Row& a, const Row& b, bool tolerant = false) {
  for (std::size_t k = 0; k < q.order_by.size(); ++k) {
    const RefOrder& o = q.order_by[k];
    const bool an = IsNull(a[k]), bn = IsNull(b[k]);
    int c;
    if (an || bn) {
      c = an == bn ? 0 : (an ? 1 : -1) * (o.nulls_first.value_or(false) ? -1 : 1);
    } else {
      c = (tolerant ? TolerantCompare(a[k], b[k]) : Compare(a[k], b[k])) * (o.desc ? -1 : 1);
    }
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

namespace {

// One "source" per output row: a passing table row (plain) or a group's rows (aggregate).
std::vector<std::vector<const Row*>> Sources(const QuerySpec& q, const std::vector<Row>& table) {
  std::vector<const Row*> passing;
  for (const Row& r : table) {
    if (!q.where || Eval(*q.where, r) == Truth::kTrue) passing.push_back(&r);
  }
  std::vector<std::vector<const Row*>> sources;
  if (!q.IsAggregate()) {
    for (const Row* r : passing) sources.push_back({r});
    return sources;
  }
  std::map<Row, std::vector<const Row*>, KeyLess> groups;
  for (const Row* r : passing) {
    Row key;
    for (int c : q.group_by) key.push_back((*r)[static_cast<std::size_t>(c)]);
    groups[key].push_back(r);
  }
  if (q.group_by.empty() && groups.empty()) groups[Row{}];
  // Aggregate arguments are computed on every passing row, whatever HAVING keeps (as the
  // engine and DuckDB project them before aggregating): a BIGINT overflow there is an error.
  for (const RefItem& it : q.items) {
    for (const RefScalar& a : it.x.arg) {
      for (const Row* r : passing) EvalScalar(a, *r);
    }
  }
  for (const RefOrder& o : q.order_by) {
    for (const RefScalar& a : o.x.arg) {
      for (const Row* r : passing) EvalScalar(a, *r);
    }
  }
  for (auto& [key, rows] : groups) {
    if (q.having) {
      const RefHaving& h = *q.having;
      if (CompareOp(Aggregate(h.fn, h.column, h.x, rows, &tl_sum_error), h.op, h.lit.value) !=
          Truth::kTrue) {
        continue;
      }
    }
    sources.push_back(rows);
  }
  return sources;
}

// The visible row and the ORDER BY key of one source.
void RowAndKey(const QuerySpec& q, const std::vector<const Row*>& src, bool* error, Row* row,
               Row* key) {
  const Row& first = src.empty() ? Row(kSchema.size()) : *src[0];
  auto item_value = [&](const RefItem& it) -> Value {
    if (it.aggregate) return Aggregate(it.fn, it.column, it.x, src, error);
    if (!it.expr.empty()) return EvalScalar(it.expr[0], first);
    return first[static_cast<std::size_t>(it.column)];
  };
  if (q.star) {
    *row = first;
  } else {
    for (const RefItem& it : q.items) row->push_back(item_value(it));
  }
  for (const RefOrder& o : q.order_by) {
    switch (o.by) {
      case RefOrder::By::kColumn:
        key->push_back(first[static_cast<std::size_t>(o.column)]);
        break;
      case RefOrder::By::kAggregate:
        key->push_back(Aggregate(o.fn, o.column, o.x, src, error));
        break;
      default:
        key->push_back(q.star ? first[static_cast<std::size_t>(o.item)]
                              : item_value(q.items[static_cast<std::size_t>(o.item)]));
    }
  }
}

// `row` with its DECIMAL expressions exact (DistinctScalar), the key of SELECT DISTINCT.
Row DistinctRow(const QuerySpec& q, const std::vector<const Row*>& src, Row row) {
  if (q.star || src.empty()) return row;
  for (std::size_t i = 0; i < q.items.size(); ++i) {
    const RefItem& it = q.items[i];
    if (!it.aggregate && !it.expr.empty()) row[i] = DistinctScalar(it.expr[0], *src[0]);
  }
  return row;
}

}  // namespace

RefResult Evaluate(const QuerySpec& q, const std::vector<Row>& table) {
  RefResult out;
  tl_overflow = false;
  tl_sum_error = false;
  tl_decimal_error = false;
  std::vector<Row> rows, keys;
  std::set<Row, KeyLess> seen;  // SELECT DISTINCT
  for (const auto& src : Sources(q, table)) {
    Row row, key;
    RowAndKey(q, src, &out.error, &row, &key);
    if (q.distinct && !seen.insert(DistinctRow(q, src, row)).second) continue;
    rows.push_back(std::move(row));
    keys.push_back(std::move(key));
  }
  out.overflow = tl_overflow;
  out.error = out.error || tl_sum_error || tl_decimal_error;
  std::vector<std::size_t> idx(rows.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return CompareKeys(q, keys[a], keys[b]) < 0;
  });
  int group = -1;
  for (std::size_t n = 0; n < idx.size(); ++n) {
    if (n == 0 ||
        (!q.order_by.empty() && CompareKeys(q, keys[idx[n - 1]], keys[idx[n]], true) != 0)) {
      ++group;
    }
    out.rows.push_back(std::move(rows[idx[n]]));
    out.tie_group.push_back(group);
  }
  return out;
}

}  // namespace plume::engine::testing
