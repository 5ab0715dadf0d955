#include "tests/engine/random_query.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include "engine/schema.h"

namespace plume::engine::testing {
namespace {

constexpr std::int64_t kBaseUtc = 1599868800;  // 2020-09-12T00:00Z
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

Type TypeOf(int c) { return kSchema[static_cast<std::size_t>(c)].type; }
bool Numeric(int c) { return TypeOf(c) == Type::kInt64 || TypeOf(c) == Type::kFloat64; }

const std::vector<std::string>& StringPool(int column) {
  static const std::vector<std::string> kParams = {"OZONE", "PM2.5", "PM10", "NO2",
                                                   "SO2",   "CO",    ""};
  static const std::vector<std::string> kUnits = {"PPB", "UG/M3", "PPM", "ppb"};
  static const std::vector<std::string> kSites = {
      "Crescent City",      "Rangely, CO",       "O'Brien", "a_b", "50%",
      "Paradise - Airport", "\xc3\x9cn\xc3\xaf", "Z",       "zz",  "a"};
  static const std::vector<std::string> kIds = {"060010001", "MMCA81008", "840060150007", "0", ""};
  switch (static_cast<Col>(column)) {
    case Col::kParameter:
      return kParams;
    case Col::kUnit:
      return kUnits;
    case Col::kSiteName:
    case Col::kAgency:
      return kSites;
    default:
      return kIds;
  }
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string DoubleText(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string TimeText(std::int64_t t, const char* format) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string Alias(const char* prefix, std::size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

// Computed doubles that may differ in their last bits from the reference's long double.
bool InexactAgg(RefAgg fn, int column, const RefAggExtra& x) {
  // a DECIMAL beyond a DOUBLE's digits: the reference orders it by its DOUBLE
  if (!x.arg.empty() && IsDecimalExpr(x.arg[0])) return true;
  const bool dbl = x.arg.empty() ? TypeOf(column) == Type::kFloat64 : x.arg[0].real;
  switch (fn) {
    case RefAgg::kSum:
      return dbl;
    case RefAgg::kAvg:
    case RefAgg::kVarSamp:
    case RefAgg::kVarPop:
    case RefAgg::kStddevSamp:
    case RefAgg::kStddevPop:
    case RefAgg::kQuantileCont:
      return true;
    case RefAgg::kMedian:
      return !x.arg.empty() || TypeOf(column) != Type::kString;
    default:
      return false;
  }
}

bool InexactKey(const QuerySpec& q, const RefOrder& o) {
  if (o.by == RefOrder::By::kAggregate) return InexactAgg(o.fn, o.column, o.x);
  if (o.by == RefOrder::By::kColumn || q.star) return false;
  const RefItem& it = q.items[static_cast<std::size_t>(o.item)];
  if (!it.expr.empty()) return it.expr[0].real;
  return it.aggregate && InexactAgg(it.fn, it.column, it.x);
}

}  // namespace

Value RandomSource::PoolValue(int column) {
  switch (TypeOf(column)) {
    case Type::kString: {
      const auto& pool = StringPool(column);
      return pool[Below(pool.size())];
    }
    case Type::kTimestamp: {
      if (Chance(0.03)) return Chance(0.5) ? std::int64_t{0} : std::int64_t{-86400 * 365 + 59};
      return kBaseUtc + static_cast<std::int64_t>(Below(48)) * 3600 + (Chance(0.1) ? 90 : 0);
    }
    case Type::kFloat64: {
      if (Chance(0.02)) return Chance(0.5) ? 1099511627776.0 : -1099511627776.0;
      const double k = static_cast<double>(Below(400)) - 40;
      return Chance(0.5) ? k : k / 8;
    }
    default: {
      if (Chance(0.03)) {
        static const std::int64_t kExtremes[] = {kI64Max, kI64Min, (1LL << 53) + 1,
                                                 -(1LL << 53) - 1};
        return kExtremes[Below(4)];
      }
      return static_cast<std::int64_t>(Below(320)) - 20;
    }
  }
}

std::vector<Row> RandomSource::Rows(std::size_t rows) {
  std::vector<double> null_rate(kSchema.size());
  for (double& r : null_rate) r = Chance(0.4) ? 0.0 : Chance(0.7) ? 0.1 : 0.6;
  std::vector<Row> out(rows);
  seen_.resize(kSchema.size());
  for (Row& r : out) {
    for (std::size_t c = 0; c < kSchema.size(); ++c) {
      r.push_back(Chance(null_rate[c]) ? Value{} : PoolValue(static_cast<int>(c)));
      if (!std::holds_alternative<std::monostate>(r.back()) && seen_[c].size() < 4096) {
        seen_[c].push_back(r.back());
      }
    }
  }
  return out;
}

void RandomSource::Observe(const std::vector<Row>& rows) {
  seen_.resize(kSchema.size());
  for (std::size_t i = 0; i < rows.size(); i += 1 + rows.size() / 2048) {
    for (std::size_t c = 0; c < kSchema.size(); ++c) {
      if (!std::holds_alternative<std::monostate>(rows[i][c])) seen_[c].push_back(rows[i][c]);
    }
  }
}

// A value of the column: from the data made so far (often its min or max) or from the pool.
Value RandomSource::LiteralValue(int column) {
  const std::size_t c = static_cast<std::size_t>(column);
  if (c >= seen_.size() || seen_[c].empty() || !Chance(0.6)) return PoolValue(column);
  const auto& vals = seen_[c];
  if (!Chance(0.3)) return vals[Below(vals.size())];
  const bool want_max = Chance(0.5);
  Value v = vals[0];
  for (const Value& x : vals) {
    if (want_max ? x > v : x < v) v = x;
  }
  return v;
}

RefLiteral RandomSource::TimeLiteral(std::int64_t t) {
  if (t % 60 != 0) {
    const char* f = Chance(0.5) ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%dT%H:%M:%S";
    return {(Chance(0.3) ? "TIMESTAMP " : "") + Quote(TimeText(t, f)), t};
  }
  static const char* kForms[] = {"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"};
  if (t % 86400 == 0 && Chance(0.3)) return {Quote(TimeText(t, "%Y-%m-%d")), t};
  return {(Chance(0.2) ? "TIMESTAMP " : "") + Quote(TimeText(t, kForms[Below(3)])), t};
}

// BIGINT literals: integers, integral decimals, fractions (exact comparison) and strings
// (DuckDB casts a string to BIGINT rounding half away from zero, spaces allowed).
RefLiteral RandomSource::IntLiteral(std::int64_t i) {
  const bool small = i > -(1LL << 50) && i < (1LL << 50);
  const double r = Below(3) == 0 ? 0.5 : 0.25;
  const double frac = static_cast<double>(i) + (i < 0 ? -r : r);
  const std::string frac_text = std::to_string(i) + (r == 0.5 ? ".5" : ".25");
  if (small && Chance(0.05)) return {std::to_string(i) + ".0", i};
  // Near-integer decimals no double can hold (DuckDB compares them exactly): i plus or minus a
  // hair orders against integers as i +/- 0.25 does.
  if (small && i > 0 && Chance(0.04)) {
    return {std::to_string(i) + ".0000000000000000000001", static_cast<double>(i) + 0.25};
  }
  if (small && i > 0 && Chance(0.04)) {
    return {std::to_string(i - 1) + ".99999999999999999999", static_cast<double>(i) - 0.25};
  }
  if (i == 0 && Chance(0.2)) return {Chance(0.5) ? "1e-400" : "-1e-400", 0.0};  // underflow: 0
  if (small && Chance(0.15)) return {frac_text, frac};
  if (small && Chance(0.1)) return {Quote(frac_text), static_cast<std::int64_t>(std::round(frac))};
  if (Chance(0.1)) return {Quote(std::string(" ") + std::to_string(i) + " "), i};
  return {std::to_string(i), i};
}

RefLiteral RandomSource::Literal(int column) {
  if (Chance(0.03)) return {"NULL", Value{}};
  const Value v = LiteralValue(column);
  switch (TypeOf(column)) {
    case Type::kString:
      if (Chance(0.1)) return {Quote("x'y"), std::string("x'y")};
      return {Quote(std::get<std::string>(v)), v};
    case Type::kTimestamp:
      return TimeLiteral(std::get<std::int64_t>(v));
    case Type::kFloat64: {
      const double d = std::get<double>(v);
      if (Chance(0.03)) {  // DuckDB's inf strings, and underflow to 0
        static const char* const kInf[] = {"'inf'", "'-inf'", "'infinity'", "'-Infinity'"};
        const std::size_t k = Below(4);
        return {kInf[k], k % 2 == 0 ? HUGE_VAL : -HUGE_VAL};
      }
      if (Chance(0.02)) return {Chance(0.5) ? "'nan'" : "'NaN'", std::nan("")};
      if (d == 0 && Chance(0.3)) return {Chance(0.5) ? "1e-400" : "'-1e-400'", 0.0};
      if (d == std::floor(d) && std::fabs(d) < 1e6 && Chance(0.4)) {
        return {std::to_string(static_cast<std::int64_t>(d)), v};
      }
      return {Chance(0.1) ? Quote(DoubleText(d)) : DoubleText(d), v};
    }
    default:
      return IntLiteral(std::get<std::int64_t>(v));
  }
}

RefExpr RandomSource::Leaf() {
  RefExpr e;
  e.column = static_cast<int>(Below(kSchema.size()));
  const bool is_string = TypeOf(e.column) == Type::kString;
  const std::size_t pick = Below(100);
  e.negated = Chance(0.3);
  if (pick < 45) {
    static const char* kOps[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    e.kind = RefExpr::Kind::kCompare;
    e.op = kOps[Below(7)];
    e.literal_first = Chance(0.2);
    e.negated = false;
    e.args.push_back(Literal(e.column));
  } else if (pick < 57) {
    e.kind = RefExpr::Kind::kBetween;
    e.args = {Literal(e.column), Literal(e.column)};
  } else if (pick < 72) {
    e.kind = RefExpr::Kind::kIn;
    for (std::size_t n = 1 + Below(4); n > 0; --n) e.args.push_back(Literal(e.column));
  } else if (pick < 85 && is_string) {
    e.kind = RefExpr::Kind::kLike;
    // Edited by characters, not bytes: SQL text is UTF-8 (a pattern cut inside 'Ü' is none).
    const Value picked = PoolValue(e.column);
    std::vector<std::string> chars;
    for (char c : std::get<std::string>(picked)) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 || chars.empty()) chars.emplace_back();
      chars.back() += c;
    }
    for (std::size_t n = Below(3); n > 0 && !chars.empty(); --n) {
      const std::size_t at = Below(chars.size());
      if (Chance(0.5)) {
        chars[at] = "_";
      } else {
        const auto end =
            chars.begin() + static_cast<std::ptrdiff_t>(std::min(chars.size(), at + Below(3)));
        chars.insert(chars.erase(chars.begin() + static_cast<std::ptrdiff_t>(at), end), "%");
      }
    }
    std::string p = Chance(0.2) ? "%" : "";
    for (const std::string& c : chars) p += c;
    e.args.push_back(Chance(0.03) ? RefLiteral{"NULL", Value{}} : RefLiteral{Quote(p), p});
  } else if (pick < 88 && Chance(0.5)) {
    return ScalarLeaf();
  } else if (pick < 92 && Numeric(e.column)) {
    // Two numeric columns compared (BIGINT with DOUBLE by value), an expression leaf.
    static const int kNumeric[] = {0, 1, 4, 6, 7, 8};
    static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">="};
    e.kind = RefExpr::Kind::kColumns;
    e.column2 = kNumeric[Below(6)];
    e.op = kOps[Below(6)];
    // Offsets only on DOUBLE columns: the data holds BIGINT extremes, whose overflow is an
    // error that depends on which rows an OR's earlier branches already took.
    const bool real = TypeOf(e.column) == Type::kFloat64;
    e.offset = real && Chance(0.5) ? static_cast<std::int64_t>(Below(21)) - 10 : 0;
    e.negated = false;
  } else {
    e.kind = RefExpr::Kind::kIsNull;
  }
  if (e.kind == RefExpr::Kind::kBetween || e.kind == RefExpr::Kind::kIn) DecimalStrings(&e);
  return e;
}

// DuckDB's common type of a BETWEEN or IN over a BIGINT column is DOUBLE when a literal with an
// exponent is among them, else DECIMAL when a decimal literal is: then a string like '2.5' means
// 2.5 exactly, not 3.
void RandomSource::DecimalStrings(RefExpr* e) const {
  if (TypeOf(e->column) != Type::kInt64) return;
  bool decimal = false, dbl = false;
  for (const RefLiteral& a : e->args) {
    decimal |= a.sql[0] != '\'' && a.sql.find('.') != std::string::npos;
    dbl |= a.sql[0] != '\'' && a.sql.find('e') != std::string::npos;
  }
  if (dbl) {  // DOUBLE: every literal is read as one (222.0000000000000000000001 is 222)
    e->doubles = true;
    for (RefLiteral& a : e->args) {
      if (a.sql == "NULL") continue;
      const bool quoted = a.sql[0] == '\'';
      const std::string text = quoted ? a.sql.substr(1, a.sql.size() - 2) : a.sql;
      a.value = std::strtod(text.c_str(), nullptr);  // 1e-400 underflows to 0, as DuckDB
    }
    return;
  }
  if (!decimal) return;
  for (RefLiteral& a : e->args) {
    if (a.sql[0] == '\'' && a.sql.find('.') != std::string::npos) {
      a.value = std::stod(a.sql.substr(1, a.sql.size() - 2));
    }
  }
}

// A numeric leaf: a column (BIGINT or DOUBLE), an integer or a decimal literal, or length().
RefScalar RandomSource::NumberLeaf(bool int_ok) {
  static const int kInts[] = {7, 8}, kReals[] = {0, 1, 4, 6};
  // The last four have 19 to 38 digits: DuckDB's DECIMAL(20,19) ... DECIMAL(38,37), held in
  // 128 bits (the reference evaluates them as IsDecimalExpr says); near-integers among them.
  static const char* const kDecimals[] = {"0.5",
                                          "1.5",
                                          "0.25",
                                          "2.0",
                                          "-1.5",
                                          "0.125",
                                          "2.0000000000000000001",
                                          "-0.99999999999999999999",
                                          "12345678901234567890.5",
                                          "1.0000000000000000000000000000000000001"};
  constexpr std::size_t kDecimalCount = sizeof kDecimals / sizeof kDecimals[0];
  RefScalar e;
  const std::size_t pick = Below(10);
  if (pick < 3 && int_ok) {
    e.column = kInts[Below(2)];
  } else if (pick < 6) {
    e.column = kReals[Below(4)];
    e.real = true;
  } else if (pick < 8 && int_ok) {
    // Small integers, and now and then one near INT32's end (INTEGER arithmetic overflows
    // there) or beyond it (a BIGINT literal).
    static const std::int64_t kLarge[] = {46341, 65536, 2147483647, -2147483647, 2147483648};
    e.kind = RefScalar::Kind::kConst;
    // One draw, as before (r % 16 is the old Below(16)), so other seeds' statements stay.
    const std::size_t r = Below(160);
    const std::int64_t k = r >= 144 ? kLarge[r % 5] : static_cast<std::int64_t>(r % 16) - 3;
    e.lit = {k < 0 ? "(" + std::to_string(k) + ")" : std::to_string(k), k};
    e.int32 = FitsInt32(k);
  } else if (pick < 9 || !int_ok) {
    e.kind = RefScalar::Kind::kConst;
    const char* d = kDecimals[Below(kDecimalCount)];
    e.lit = {std::string("(") + d + ")", std::stod(d)};
    e.real = true;
  } else {
    e.kind = RefScalar::Kind::kLength;
    e.args.push_back(Text());
  }
  return e;
}

// A numeric expression. Without int_ok every BIGINT is mixed with a DOUBLE, so nothing can
// overflow (WHERE and FILTER, whose evaluation order is the engine's to choose).
RefScalar RandomSource::Number(int depth, bool int_ok) {
  using K = RefScalar::Kind;
  if (depth == 0 || Chance(0.3)) return NumberLeaf(int_ok);
  RefScalar e;
  const std::size_t pick = Below(12);
  e.args.push_back(Number(depth - 1, int_ok));
  if (pick < 5) {
    static const K kOps[] = {K::kAdd, K::kSub, K::kMul};
    e.kind = kOps[Below(3)];
    e.args.push_back(Number(depth - 1, int_ok));
  } else if (pick < 6) {
    e.kind = K::kDiv;
    RefScalar d = NumberLeaf(false);  // a non-zero decimal constant or a DOUBLE column
    if (d.kind != K::kConst) d = RefScalar{K::kConst, 0, {"(2.5)", 2.5}, {}, {}, true, false};
    e.args.push_back(std::move(d));
    e.real = true;
    return e;
  } else if (pick < 7 && !e.args[0].real) {
    e.kind = Chance(0.5) ? K::kIntDiv : K::kMod;
    const std::int64_t k = 2 + static_cast<std::int64_t>(Below(6));
    e.args.push_back(RefScalar{K::kConst, 0, {std::to_string(k), k}, {}, {}, false, false, true});
    e.int32 = e.args[0].int32;
    return e;
  } else if (pick < 8) {
    e.kind = Chance(0.5) ? K::kNeg : K::kAbs;
    e.real = e.args[0].real;
    e.int32 = e.args[0].int32;
    return e;
  } else if (pick < 10) {
    e.kind = K::kCase;
    e.cond.push_back(Leaf());
    e.args.push_back(Number(depth - 1, int_ok));
  } else {
    e.kind = K::kCoalesce;
    e.args.push_back(Number(depth - 1, int_ok));
  }
  e.real = e.args[0].real || e.args[1].real;
  e.int32 = !e.real && e.args[0].int32 && e.args[1].int32;
  return e;
}

// A VARCHAR expression: a string column, a literal, or `||` of two.
RefScalar RandomSource::Text() {
  static const int kStrings[] = {3, 5, 9, 10, 11};
  RefScalar e;
  e.text = true;
  if (Chance(0.3)) {
    e.kind = RefScalar::Kind::kConcat;
    e.args = {Text(), Text()};
    return e;
  }
  e.column = kStrings[Below(5)];
  if (Chance(0.3)) {
    e.kind = RefScalar::Kind::kConst;
    const std::string v = std::get<std::string>(PoolValue(e.column));
    e.lit = {Quote(v), v};
  }
  return e;
}

// An expression compared with a literal (DOUBLE, so order of evaluation cannot matter).
RefExpr RandomSource::ScalarLeaf() {
  static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">="};
  RefExpr e;
  e.kind = RefExpr::Kind::kScalar;
  e.op = kOps[Below(6)];
  e.scalar.push_back(Number(2, false));
  const double k = static_cast<double>(Below(200)) / 4 - 10;
  e.args.push_back({Chance(0.2) ? "NULL" : DoubleText(k), Value{k}});
  if (e.args[0].sql == "NULL") e.args[0].value = Value{};
  return e;
}

RefExpr RandomSource::Expr(int depth) {
  if (depth == 0 || Chance(0.4)) return Leaf();
  RefExpr e;
  const std::size_t pick = Below(10);
  if (pick < 2) {
    e.kind = RefExpr::Kind::kNot;
    e.children.push_back(Expr(depth - 1));
    return e;
  }
  e.kind = pick < 6 ? RefExpr::Kind::kAnd : RefExpr::Kind::kOr;
  for (std::size_t n = 2 + Below(2); n > 0; --n) e.children.push_back(Expr(depth - 1));
  return e;
}

RefAgg RandomSource::RandomAgg(int* column, RefAggExtra* x) {
  *column = static_cast<int>(Below(kSchema.size()));
  RefAgg fn = static_cast<RefAgg>(Below(17));
  const bool numeric_only = (fn >= RefAgg::kSum && fn <= RefAgg::kAvg) ||
                            (fn >= RefAgg::kVarSamp && fn <= RefAgg::kStddevPop) ||
                            fn == RefAgg::kQuantileCont;
  if (numeric_only && !Numeric(*column)) fn = RefAgg::kMax;
  if (fn == RefAgg::kMedian && TypeOf(*column) == Type::kTimestamp) fn = RefAgg::kQuantileDisc;
  x->distinct = fn >= RefAgg::kCount && fn <= RefAgg::kAvg && Chance(0.3);
  x->column2 = static_cast<int>(Below(kSchema.size()));
  static const char* const kQuantiles[] = {"0", "0.25", "0.5", "0.9", "1", "0.333", "0.75"};
  x->quantile = kQuantiles[Below(7)];
  if (fn == RefAgg::kBoolAnd || fn == RefAgg::kBoolOr) x->predicate.push_back(Expr(1));
  if (Chance(0.15)) x->filter.push_back(Expr(1));
  const bool takes_expr = (fn >= RefAgg::kCount && fn <= RefAgg::kMax) || fn == RefAgg::kMedian ||
                          fn == RefAgg::kQuantileDisc || fn == RefAgg::kQuantileCont;
  if (takes_expr && Chance(0.25)) x->arg.push_back(Number(2, true));
  // The reference interpolates in DOUBLE; the engine interpolates a DECIMAL in its scale, as
  // DuckDB (golden/decimal.test checks that): no DECIMAL argument for those two.
  const bool interpolates = fn == RefAgg::kMedian || fn == RefAgg::kQuantileCont;
  if (interpolates && !x->arg.empty() && IsDecimalExpr(x->arg[0])) x->arg.clear();
  return fn;
}

void RandomSource::PlainSelect(QuerySpec* q) {
  if (Chance(0.2)) {
    q->star = true;
    return;
  }
  for (std::size_t n = 1 + Below(4); n > 0; --n) {
    RefItem it;
    it.column = static_cast<int>(Below(kSchema.size()));
    if (Chance(0.3)) it.expr.push_back(Chance(0.8) ? Number(3, true) : Text());
    if (Chance(0.2) || !it.expr.empty()) it.alias = Alias("c", q->items.size());
    q->items.push_back(it);
  }
  q->distinct = Chance(0.2);
}

// HAVING agg op literal, over aggregates whose values are exact (counts, min/max, BIGINT sums).
void RandomSource::Having(QuerySpec* q) {
  static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">="};
  RefHaving h;
  static const RefAgg kFns[] = {RefAgg::kCountStar, RefAgg::kCount, RefAgg::kMin, RefAgg::kMax,
                                RefAgg::kSum};
  h.fn = kFns[Below(5)];
  static const int kNumeric[] = {0, 1, 4, 6, 7, 8};
  h.column = kNumeric[Below(6)];
  if (h.fn == RefAgg::kSum) h.column = 7 + static_cast<int>(Below(2));
  if (Chance(0.2)) h.x.filter.push_back(Expr(1));
  h.op = kOps[Below(6)];
  h.lit = h.fn == RefAgg::kCountStar || h.fn == RefAgg::kCount ? IntLiteral(Below(6))
                                                               : Literal(h.column);
  q->having = std::move(h);
}

void RandomSource::AggregateSelect(QuerySpec* q) {
  for (std::size_t n = Chance(0.35) ? 0 : 1 + Below(2); n > 0; --n) {
    const int c = static_cast<int>(Below(kSchema.size()));
    if (std::find(q->group_by.begin(), q->group_by.end(), c) == q->group_by.end()) {
      q->group_by.push_back(c);
    }
  }
  for (int c : q->group_by) {
    if (Chance(0.7)) {
      RefItem it;
      it.column = c;
      if (Chance(0.2)) it.alias = Alias("g", q->items.size());
      q->items.push_back(it);
    }
  }
  for (std::size_t n = 1 + Below(3); n > 0; --n) {
    RefItem it;
    it.aggregate = true;
    it.fn = RandomAgg(&it.column, &it.x);
    // names of predicates and FILTERs are DuckDB's rendering: tests/duckdb checks those
    if (Chance(0.3) || !it.x.filter.empty() || !it.x.predicate.empty() || !it.x.arg.empty()) {
      it.alias = Alias("a", q->items.size());
    }
    q->items.push_back(it);
  }
  std::shuffle(q->items.begin(), q->items.end(), rng_);
}

void RandomSource::OrderBy(QuerySpec* q) {
  const bool agg = q->IsAggregate();
  for (std::size_t n = 1 + Below(3); n > 0; --n) {
    RefOrder o;
    o.desc = Chance(0.4);
    if (Chance(0.2)) o.nulls_first = Chance(0.5);
    const std::size_t pick = Below(4);
    const std::size_t items = q->star ? kSchema.size() : q->items.size();
    if (pick == 0 || q->distinct) {
      o.by = RefOrder::By::kOrdinal;
      o.item = static_cast<int>(Below(items));
    } else if (pick == 1 && !q->star && q->items[Below(items)].alias) {
      o.by = RefOrder::By::kAlias;
      for (std::size_t i = 0; i < items; ++i) {
        if (q->items[i].alias) o.item = static_cast<int>(i);
      }
    } else if (agg && (pick == 2 || q->group_by.empty())) {
      o.by = RefOrder::By::kAggregate;
      o.fn = RandomAgg(&o.column, &o.x);
    } else {
      o.by = RefOrder::By::kColumn;
      o.column =
          agg ? q->group_by[Below(q->group_by.size())] : static_cast<int>(Below(kSchema.size()));
    }
    q->order_by.push_back(o);
    // A computed double (sum/avg of DOUBLE) may differ in its last bit between evaluation
    // orders, so nothing may break its ties: it ends the key list.
    if (InexactKey(*q, o)) break;
  }
}

QuerySpec RandomSource::Query() {
  QuerySpec q;
  if (Chance(0.45))
    AggregateSelect(&q);
  else
    PlainSelect(&q);
  if (Chance(0.8)) q.where = Expr(3);
  if (q.IsAggregate() && Chance(0.25)) Having(&q);
  if (Chance(0.5)) OrderBy(&q);
  if (Chance(0.4)) q.limit = Below(25);
  return q;
}

}  // namespace plume::engine::testing
