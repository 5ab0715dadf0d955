// Exact arithmetic of DECIMAL literals (DuckDB types 0.1 as DECIMAL(2,1), so 0.1 + 0.2 is exactly
// 0.3). plume has no DECIMAL type: + - * of number literals with at least one decimal among them
// are folded at bind time exactly (a 128-bit mantissa and a scale, DuckDB's 38 digits) and the
// result is read once as a DOUBLE, or compared exactly with a BIGINT (IntVersusDecimal).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "engine/binder.h"
#include "engine/query.h"
#include "engine/scalar_cast.h"

namespace plume::engine {
namespace {

__extension__ typedef __int128 I128;

struct Decimal {
  I128 m = 0;  // value = m / 10^scale
  int scale = 0;
  bool decimal = false;  // a decimal literal took part (else integer arithmetic: not ours)
};

constexpr int kMaxDigits = 38;

I128 Pow10(int n) {
  I128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

bool Fits(I128 m) { return m < Pow10(kMaxDigits) && m > -Pow10(kMaxDigits); }

std::optional<Decimal> FromText(const std::string& text, bool is_decimal) {
  Decimal d;
  d.decimal = is_decimal;
  bool neg = false, point = false;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && i == 0) {
      neg = true;
    } else if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (++digits > kMaxDigits) return std::nullopt;
      d.m = d.m * 10 + (c - '0');
      d.scale += point;
    } else {
      return std::nullopt;  // 0x10, 1_000, exponents: not a plain decimal
    }
  }
  if (neg) d.m = -d.m;
  return d;
}

std::optional<Decimal> Fold(const ExprAst& e, int depth) {
  if (depth > 64) return std::nullopt;
  if (e.kind == ExprAst::Kind::kLiteral) {
    const LiteralAst::Kind k = e.literal.kind;
    if (k != LiteralAst::Kind::kInteger && k != LiteralAst::Kind::kDecimal) return std::nullopt;
    return FromText(e.literal.text, k == LiteralAst::Kind::kDecimal);
  }
  if (e.kind != ExprAst::Kind::kOp) return std::nullopt;
  if (e.op == "neg" && e.args.size() == 1) {
    std::optional<Decimal> a = Fold(e.args[0], depth + 1);
    if (a) a->m = -a->m;
    return a;
  }
  if ((e.op != "+" && e.op != "-" && e.op != "*") || e.args.size() != 2) return std::nullopt;
  std::optional<Decimal> a = Fold(e.args[0], depth + 1), b = Fold(e.args[1], depth + 1);
  if (!a || !b) return std::nullopt;
  Decimal r;
  r.decimal = a->decimal || b->decimal;
  if (e.op == "*") {
    if (a->scale + b->scale > kMaxDigits || __builtin_mul_overflow(a->m, b->m, &r.m)) {
      return std::nullopt;
    }
    r.scale = a->scale + b->scale;
  } else {
    r.scale = std::max(a->scale, b->scale);
    const I128 x = a->m * Pow10(r.scale - a->scale), y = b->m * Pow10(r.scale - b->scale);
    if (!Fits(x) || !Fits(y)) return std::nullopt;
    r.m = e.op == "+" ? x + y : x - y;
  }
  if (!Fits(r.m)) return std::nullopt;
  return r;
}

std::string Text(const Decimal& d) {
  I128 m = d.m < 0 ? -d.m : d.m;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m > 0);
  if (static_cast<int>(digits.size()) <= d.scale) {
    digits.insert(0, static_cast<std::size_t>(d.scale) - digits.size() + 1, '0');
  }
  if (d.scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(d.scale), ".");
  return (d.m < 0 ? "-" : "") + digits;
}

}  // namespace

std::optional<std::string> ExactDecimalText(const ExprAst& e) {
  if (e.kind != ExprAst::Kind::kOp) return std::nullopt;
  const std::optional<Decimal> d = Fold(e, 0);
  if (!d || !d->decimal) return std::nullopt;
  return Text(*d);
}

std::optional<Expr> DecimalLiteral(const std::string& text, std::string name) {
  const std::optional<Decimal> d = FromText(text, true);
  if (!d) return std::nullopt;  // beyond 38 digits: DOUBLE, as DuckDB
  int digits = 0;
  for (char c : text) digits += c >= '0' && c <= '9';
  Scalar v;
  v.null = false;
  if (d->m > std::numeric_limits<std::int64_t>::max() ||
      d->m < std::numeric_limits<std::int64_t>::min()) {
    v.wide = true;  // 19-38 digits of units: DECIMAL(19..38), in 128 bits
    v.w = d->m;
  } else {
    v.i = static_cast<std::int64_t>(d->m);
  }
  return MakeConstant(DecimalType(std::max(digits, 1), d->scale), v, std::move(name));
}

Type DecimalView(const Expr& e) {
  if (IsDecimal(e.type)) return e.type;
  if (e.type == Type::kHugeint) return DecimalType(kMaxDecimalWidth, 0);
  // DuckDB: UBIGINT is DECIMAL(20,0), TINYINT DECIMAL(3,0), ...
  if (e.type == Type::kUbigint) return DecimalType(20, 0);
  const std::int64_t max = IntegerMax(e.type);
  return DecimalType(max <= 255 ? 3 : max <= 65535 ? 5 : max <= UINT32_MAX ? 10 : 19, 0);
}

namespace {

// An integer literal as written (the parser folds a minus into it): DuckDB types it as the
// other operand's integer type when it fits that type.
bool IsIntegerLiteral(const Expr& e) {
  return e.op == ExprOp::kConstant && !e.value.null && IsInteger(e.type) && !e.text.empty() &&
         std::all_of(e.text.begin(), e.text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

// An integer literal DuckDB may read as a UBIGINT: one within 0 .. 2^64-1 (1::UBIGINT + 2 and
// 1::UBIGINT + 18446744073709551615 are UBIGINT, 1::UBIGINT + -2 HUGEINT).
bool UbigintLiteral(const Expr& e) {
  if (e.op != ExprOp::kConstant || e.value.null || e.text.empty() || e.text[0] == '-') return false;
  if (!std::all_of(e.text.begin(), e.text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  if (e.type == Type::kHugeint) return e.value.wide ? e.value.w <= kUbigintMax : e.value.i >= 0;
  return IsInteger(e.type) && e.value.i >= 0;
}

// The common type of a UBIGINT and another integer type (DuckDB 1.5): UBIGINT with the unsigned
// types and the literals it holds, else (a signed type, HUGEINT) HUGEINT.
Type UbigintCommon(const Expr& a, const Expr& b) {
  const Expr& other = a.type == Type::kUbigint ? b : a;
  if (other.type == Type::kUbigint || IsUnsigned(other.type) || UbigintLiteral(other)) {
    return Type::kUbigint;
  }
  return Type::kHugeint;
}

}  // namespace

Type CommonInteger(const Expr& a, const Expr& b) {
  const Type x = a.type, y = b.type;
  if (x == y) return x;
  // A literal takes the other side's type when it fits (aqi::INT - (-2147483648) is INTEGER);
  // two literals keep their own (4 - (-2147483648) is BIGINT: the second is a BIGINT, as DuckDB
  // types the negation of 2147483648).
  const bool la = IsIntegerLiteral(a), lb = IsIntegerLiteral(b);
  if (lb && !la && FitsInteger(x, b.value.i)) return x;
  if (la && !lb && FitsInteger(y, a.value.i)) return y;
  if (x == Type::kInt64 || y == Type::kInt64) return Type::kInt64;
  if (IsUnsigned(x) == IsUnsigned(y)) return IntegerMax(x) > IntegerMax(y) ? x : y;
  // A signed and an unsigned type: the signed one when it holds the other's range, else the
  // next signed type wider than the unsigned one.
  const Type s = IsUnsigned(x) ? y : x, u = IsUnsigned(x) ? x : y;
  if (IntegerMax(s) >= IntegerMax(u)) return s;
  return u == Type::kUInt8 ? Type::kInt16 : u == Type::kUInt16 ? Type::kInt32 : Type::kInt64;
}

Type ArithInteger(const Expr& a, const Expr& b) {
  const Type c = CommonInteger(a, b);
  return c == a.type || c == b.type ? c : Type::kInt64;
}

Type CommonNumeric(const Expr& a, const Expr& b) {
  if (a.type == Type::kFloat64 || b.type == Type::kFloat64) return Type::kFloat64;
  if (!IsDecimal(a.type) && !IsDecimal(b.type)) {
    if (a.type == Type::kUbigint || b.type == Type::kUbigint) return UbigintCommon(a, b);
    if (a.type == Type::kHugeint || b.type == Type::kHugeint) return Type::kHugeint;
    return CommonInteger(a, b);
  }
  const Type x = DecimalView(a), y = DecimalView(b);
  const int scale = std::max(DecimalScale(x), DecimalScale(y));
  const int whole = std::max(DecimalWidth(x) - DecimalScale(x), DecimalWidth(y) - DecimalScale(y));
  return DecimalType(std::min(whole + scale, kMaxDecimalWidth), scale);
}

bool LiteralIsDouble(const LiteralAst& lit) {
  double d = 0;
  switch (lit.kind) {
    case LiteralAst::Kind::kDouble:
      return true;
    case LiteralAst::Kind::kInteger:
      return IntegerLiteralIsDouble(lit.text, &d);
    case LiteralAst::Kind::kDecimal:
      return !DecimalLiteral(lit.text, lit.text).has_value();
    default:
      return false;
  }
}

Type CommonValueNumeric(const Expr& a, const Expr& b) {
  const Type t = CommonNumeric(a, b);
  if (!IsDecimal(t)) return t;
  const Type x = DecimalView(a), y = DecimalView(b);
  const int whole = std::max(DecimalWidth(x) - DecimalScale(x), DecimalWidth(y) - DecimalScale(y));
  // DuckDB's MaxLogicalType beyond 38 digits: next to an integer (DecimalSizeCheck) the scale
  // stays; between two DECIMALs it gives way to the integer digits.
  const int scale = std::max(DecimalScale(x), DecimalScale(y));
  if (whole + scale <= kMaxDecimalWidth) return t;
  if (!IsDecimal(a.type) || !IsDecimal(b.type)) return DecimalType(kMaxDecimalWidth, scale);
  return DecimalType(kMaxDecimalWidth, kMaxDecimalWidth - whole);
}

Type DecimalArithType(ExprOp op, Type a, Type b, std::size_t pos) {
  const int wa = DecimalWidth(a), sa = DecimalScale(a), wb = DecimalWidth(b), sb = DecimalScale(b);
  if (op == ExprOp::kMul) {
    if (sa + sb > kMaxDecimalWidth) {
      throw SqlError("Out of Range Error: Needed scale " + std::to_string(sa + sb) +
                         " to accurately represent the multiplication result, but this is out "
                         "of range of the DECIMAL type. Max scale is 38",
                     pos);
    }
    return DecimalType(std::min(wa + wb, kMaxDecimalWidth), sa + sb);
  }
  const int scale = std::max(sa, sb);
  const int whole = std::max(wa - sa, wb - sb) + (op == ExprOp::kMod ? 0 : 1);
  return DecimalType(std::min(whole + scale, kMaxDecimalWidth), scale);
}

std::optional<Type> DecimalCastType(const std::string& name, std::size_t pos) {
  const std::size_t paren = name.find('(');
  const std::string base = name.substr(0, paren);
  if (base != "decimal" && base != "numeric" && base != "dec") return std::nullopt;
  if (paren == std::string::npos) return DecimalType(18, 3);  // DuckDB's default
  std::vector<int> params;
  std::string num;
  for (std::size_t i = paren + 1; i < name.size(); ++i) {
    if (name[i] == ',' || name[i] == ')') {
      params.push_back(num.size() > 3 || num.empty() ? 1000 : std::stoi(num));
      num.clear();
    } else {
      num.push_back(name[i]);
    }
  }
  const int width = params[0];
  const int scale = params.size() > 1 ? params[1] : 0;
  if (params.size() > 2 || width < 1 || width > kMaxDecimalWidth) {
    throw SqlError("Binder Error: DECIMAL type width must be between 1 and 38 (" + name + ")", pos);
  }
  if (scale > width) {
    throw SqlError("Binder Error: DECIMAL type scale cannot be greater than width (" + name + ")",
                   pos);
  }
  return DecimalType(width, scale);
}

}  // namespace plume::engine
