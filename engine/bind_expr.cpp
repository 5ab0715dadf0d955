// ExprBinder: names, types and DuckDB's implicit casts for expressions. Literals are converted
// exactly: a BIGINT compared with a decimal literal is compared with the literal's exact floor,
// a string literal takes the other side's type (cast as DuckDB casts it).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/binder.h"
#include "engine/query.h"
#include "engine/scalar_cast.h"
#include "engine/schema.h"
#include "engine/suggest.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

std::string TypeText(Type t) { return std::string(TypeName(t)); }

bool IsLiteral(const ExprAst& e, LiteralAst::Kind kind) {
  return e.kind == ExprAst::Kind::kLiteral && e.literal.kind == kind;
}

bool IsNullConstant(const Expr& e) { return e.op == ExprOp::kConstant && e.value.null; }

[[noreturn]] void Mismatch(const std::string& what, std::size_t pos) {
  throw SqlError("type mismatch: " + what, pos);
}

Expr BindLiteral(const LiteralAst& l) {
  Scalar v;
  v.null = l.kind == LiteralAst::Kind::kNull;
  const std::string text = ExprName(LiteralExpr(l));
  switch (l.kind) {
    case LiteralAst::Kind::kNull:
      return MakeConstant(Type::kInt64, v, text);
    case LiteralAst::Kind::kBool:
      v.i = l.text == "true";
      return MakeConstant(Type::kBool, v, text);
    case LiteralAst::Kind::kInteger:  // DuckDB: INTEGER when it fits, else BIGINT, else HUGEINT
      if (l.text.find_first_of("xXbB_") != std::string::npos) {
        throw SqlError("number " + l.text + " is out of range (BIGINT)", l.pos);
      }
      if (!StringToInt(l.text, &v.i)) {
        if (!StringToHugeint(l.text, &v.w)) {
          if (!IntegerLiteralIsDouble(l.text, &v.d)) {
            throw SqlError("number " + l.text +
                               " is out of range (HUGEINT; DuckDB reads it as UHUGEINT, which "
                               "plume does not have)",
                           l.pos);
          }
          return MakeConstant(Type::kFloat64, v, text);
        }
        v.wide = true;
        return MakeConstant(Type::kHugeint, v, text);
      }
      // A literal the parser negated ("-2147483648") is typed by the number it negates, as
      // DuckDB types -(2147483648): BIGINT.
      return MakeConstant(FitsInt32(v.i) && -v.i <= INT32_MAX ? Type::kInt32 : Type::kInt64, v,
                          text);
    case LiteralAst::Kind::kDecimal:
      if (std::optional<Expr> d = DecimalLiteral(l.text, text)) return *d;
      [[fallthrough]];  // beyond 38 digits: DOUBLE, as DuckDB
    case LiteralAst::Kind::kDouble:
      if (!StringToDouble(l.text, &v.d)) {  // beyond DOUBLE is +-inf, below it 0 (as DuckDB)
        throw SqlError("number " + l.text + " is not a number", l.pos);
      }
      if (l.kind == LiteralAst::Kind::kDecimal && v.d == 0) v.d = 0.0;  // DECIMAL has no -0
      return MakeConstant(Type::kFloat64, v, text);
    case LiteralAst::Kind::kString:
      v.s = l.text;
      return MakeConstant(Type::kString, v, text);
    case LiteralAst::Kind::kDate:
    case LiteralAst::Kind::kTimestamp:
      if (!ParseTimestamp(l.text, &v.i)) {
        throw SqlError(
            "bad time literal '" + l.text +
                "' (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS])",
            l.pos);
      }
      if (l.kind == LiteralAst::Kind::kDate) {
        v.i = DayOf(v.i);
        return MakeConstant(Type::kDate, v, text);
      }
      return MakeConstant(Type::kTimestamp, v, text);
  }
  return MakeConstant(Type::kInt64, v, text);
}

// Arithmetic over number literals with a decimal among them, folded exactly (bind_decimal.cpp):
// what stands when the DECIMAL's 38 digits overflow (a DOUBLE, docs/SQL.md).
std::optional<Expr> FoldedDecimal(const ExprAst& e) {
  const std::optional<std::string> exact = ExactDecimalText(e);
  if (!exact) return std::nullopt;
  Expr c = BindLiteral(LiteralAst{LiteralAst::Kind::kDecimal, *exact, e.pos});
  c.text = ExprName(e);
  return c;
}

ExprOp CompareOp(const std::string& op) {
  if (op == "=") return ExprOp::kEq;
  if (op == "<>") return ExprOp::kNe;
  if (op == "<") return ExprOp::kLt;
  if (op == "<=") return ExprOp::kLe;
  if (op == ">") return ExprOp::kGt;
  if (op == ">=") return ExprOp::kGe;
  if (op == "is distinct") return ExprOp::kIsDistinct;
  return ExprOp::kIsNotDistinct;
}

ExprOp Flip(ExprOp op) {
  switch (op) {
    case ExprOp::kLt:
      return ExprOp::kGt;
    case ExprOp::kLe:
      return ExprOp::kGe;
    case ExprOp::kGt:
      return ExprOp::kLt;
    case ExprOp::kGe:
      return ExprOp::kLe;
    default:
      return op;
  }
}

}  // namespace

// A string literal read as a value of `type` (DuckDB casts the literal to the other side).
Expr StringLiteralAs(const ExprAst& lit, Type type, const std::string& other) {
  const std::string& s = lit.literal.text;
  Scalar v;
  v.null = false;
  bool ok = true;
  bool flag = false;
  switch (type) {
    case Type::kInt64:
      ok = StringToInt(s, &v.i);
      break;
    case Type::kInt32:
    case Type::kInt16:
    case Type::kInt8:
    case Type::kUInt8:
    case Type::kUInt16:
    case Type::kUInt32:
      ok = StringToInt(s, &v.i) && FitsInteger(type, v.i);
      break;
    case Type::kFloat64:
      ok = StringToDouble(s, &v.d);
      break;
    case Type::kHugeint:
      ok = StringToHugeint(s, &v.w);
      v.wide = true;
      break;
    case Type::kUbigint:  // as CAST(s AS UBIGINT) reads it ('0x10' is 16)
      ok = StringToUbigint(s, &v.w);
      v.wide = true;
      break;
    case Type::kTimestamp:
    case Type::kDate:
      if (!ParseTimestamp(s, &v.i)) {
        throw SqlError("bad time literal '" + s + "' for " + other +
                           " (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS])",
                       lit.pos);
      }
      if (type == Type::kDate) v.i = DayOf(v.i);
      break;
    case Type::kBool:
      ok = StringToBool(s, &flag);
      v.i = flag;
      break;
    default:
      v.s = s;
  }
  if (!ok) {
    Mismatch(
        "cannot convert string '" + s + "' to " + TypeText(type) + " for comparison with " + other,
        lit.pos);
  }
  return MakeConstant(type, v, ExprName(lit));
}

Expr DeferredStringCast(const ExprAst& lit, Type type) {
  Scalar s;
  s.null = false;
  s.s = lit.literal.text;
  const std::string name = ExprName(lit);
  return MakeNode(ExprOp::kCast, type, {MakeConstant(Type::kString, s, name)},
                  "CAST(" + name + " AS " + TypeText(type) + ")");
}

Expr StringLiteralOrDeferred(const ExprAst& lit, Type type, const std::string& other) {
  if (type == Type::kTimestamp || type == Type::kDate || type == Type::kString) {
    return StringLiteralAs(lit, type, other);  // a bad time literal stays an error here
  }
  try {
    return StringLiteralAs(lit, type, other);
  } catch (const SqlError&) {
    return DeferredStringCast(lit, type);
  }
}

Expr IntConstant(std::int64_t v) {
  Scalar s;
  s.null = false;
  s.i = v;
  return MakeConstant(Type::kInt64, s, std::to_string(v));
}

// x op d for a BIGINT x and a number d written as `text` (exact): with floor f and a fraction,
// x = d is never true (x <> x: false, or NULL for a NULL x), x > d is x > f, x < d is x <= f.
Expr IntVersusDecimal(Expr x, ExprOp op, const std::string& text, std::size_t pos,
                      const std::string& name) {
  // an INTEGER: compared as the BIGINT it is; a HUGEINT as itself, a UBIGINT as the HUGEINT
  // that holds it (the floor may be negative)
  if (x.type == Type::kUbigint) x = CastTo(std::move(x), Type::kHugeint, pos);
  const bool huge = x.type == Type::kHugeint;
  if (!huge) x = CastTo(std::move(x), Type::kInt64, pos);
  std::int64_t f = 0;
  bool fraction = false;
  if (!DecimalFloor(text, &f, &fraction)) {
    throw SqlError("number " + text + " is out of range for comparison with BIGINT", pos);
  }
  auto bound = [&] { return huge ? CastTo(IntConstant(f), Type::kHugeint, pos) : IntConstant(f); };
  if (!fraction) return MakeNode(op, Type::kBool, {std::move(x), bound()}, name);
  switch (op) {
    case ExprOp::kEq:
    case ExprOp::kIsNotDistinct: {
      Expr self = x;
      return MakeNode(op == ExprOp::kEq ? ExprOp::kNe : ExprOp::kIsDistinct, Type::kBool,
                      {std::move(x), std::move(self)}, name);
    }
    case ExprOp::kNe:
    case ExprOp::kIsDistinct: {
      Expr self = x;
      return MakeNode(op == ExprOp::kNe ? ExprOp::kEq : ExprOp::kIsNotDistinct, Type::kBool,
                      {std::move(x), std::move(self)}, name);
    }
    case ExprOp::kGt:
    case ExprOp::kGe:
      return MakeNode(ExprOp::kGt, Type::kBool, {std::move(x), bound()}, name);
    default:
      return MakeNode(ExprOp::kLe, Type::kBool, {std::move(x), bound()}, name);
  }
}

Expr MakeConstant(Type type, Scalar value, std::string text) {
  Expr e;
  e.op = ExprOp::kConstant;
  e.type = type;
  e.value = std::move(value);
  e.text = std::move(text);
  return e;
}

Expr MakeNode(ExprOp op, Type type, std::vector<Expr> args, std::string text) {
  Expr e;
  e.op = op;
  e.type = type;
  e.args = std::move(args);
  e.text = std::move(text);
  return e;
}

bool Castable(Type from, Type to) {
  if (from == to || from == Type::kString || to == Type::kString) return true;
  if (IsNumeric(from) && IsNumeric(to)) return true;
  if ((from == Type::kBool && IsNumeric(to)) || (IsNumeric(from) && to == Type::kBool)) return true;
  return (from == Type::kDate && to == Type::kTimestamp) ||
         (from == Type::kTimestamp && to == Type::kDate);
}

Expr CastTo(Expr e, Type type, std::size_t pos) {
  if (e.type == type) return e;
  // An integer constant is the integer of any type that holds it, with the same value and text
  // (aqi = 5, IN lists, 1::TINYINT + 1).
  if (IsNullConstant(e) || (e.op == ExprOp::kConstant && IsInteger(e.type) && IsInteger(type) &&
                            FitsInteger(type, e.value.i))) {
    e.type = type;
    return e;
  }
  if (!Castable(e.type, type)) {
    Mismatch("cannot cast " + TypeText(e.type) + " '" + e.text + "' to " + TypeText(type), pos);
  }
  Expr c = MakeNode(ExprOp::kCast, type, {}, "CAST(" + e.text + " AS " + TypeText(type) + ")");
  const bool constant = e.op == ExprOp::kConstant;
  c.args.push_back(std::move(e));
  if (!constant) return c;
  // fold: a constant that does not cast is an error of the statement
  return FoldConstant(c, pos);
}

Expr FoldConstant(const Expr& c, std::size_t pos) {
  const Type type = c.type;
  try {
    BatchColumn out;
    ExprInput in;
    Batch none;
    in.batch = &none;
    in.n = 1;
    ExprEvaluator(c).Eval(in, &out);
    Scalar v;
    v.null = out.IsNull(0);
    if (!v.null) {
      if (type == Type::kString) {
        v.s = std::string(out.StringAt(0));
      } else if (type == Type::kFloat64) {
        v.d = out.doubles[0];
      } else if (!out.wide.empty() && (out.wide[0] > INT64_MAX || out.wide[0] < INT64_MIN)) {
        v.wide = true;  // a DECIMAL of width 19-38 beyond 64-bit units
        v.w = out.wide[0];
      } else if (!out.wide.empty()) {
        v.i = static_cast<std::int64_t>(out.wide[0]);
      } else {
        v.i = out.ints[0];
      }
    }
    return MakeConstant(type, v, c.text);
  } catch (const SqlError&) {
    throw;
  } catch (const std::runtime_error& err) {
    throw SqlError(err.what(), pos);
  }
}

namespace {

// The user's CAST of a constant that does not convert is not folded: it stays a cast that fails
// on the rows that evaluate it, as DuckDB defers such errors (CASE WHEN false THEN
// CAST('x' AS BIGINT) END is NULL). Casts between types that never convert still fail here.
Expr ExplicitCast(Expr e, Type type, std::size_t pos) {
  if (e.op != ExprOp::kConstant || e.type == type || !Castable(e.type, type)) {
    return CastTo(std::move(e), type, pos);
  }
  Expr original = e;
  try {
    return CastTo(std::move(e), type, pos);
  } catch (const SqlError&) {
    return MakeNode(ExprOp::kCast, type, {std::move(original)}, "CAST");
  }
}

}  // namespace

bool ContainsAggregate(const ExprAst& e) {
  if (e.kind == ExprAst::Kind::kFunction && AggregateByName(e.op)) return true;
  for (const ExprAst& a : e.args) {
    if (ContainsAggregate(a)) return true;
  }
  return false;
}

std::optional<AggFn> AggregateByName(std::string_view name) {
  for (int f = 0; f <= static_cast<int>(kLastAggFn); ++f) {
    const auto fn = static_cast<AggFn>(f);
    if (fn != AggFn::kCountStar && AggregateName(fn) == name) return fn;
  }
  if (name == "stddev") return AggFn::kStddevSamp;
  if (name == "variance") return AggFn::kVarSamp;
  if (name == "quantile") return AggFn::kQuantileDisc;  // DuckDB's alias
  return std::nullopt;
}

bool SameColumnName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int ExprBinder::ResolveColumn(const ColumnAst& c) const {
  // Once the table has an alias, only the alias qualifies its columns (as in DuckDB).
  if (!c.qualifier.empty() && c.qualifier != scope_->alias.value_or(scope_->table)) {
    std::vector<std::string> tables{scope_->table};
    if (scope_->alias) tables.push_back(*scope_->alias);
    throw SqlError("unknown table '" + c.qualifier + "'" + DidYouMean(c.qualifier, tables), c.pos);
  }
  std::vector<std::string> names;
  const std::vector<InputColumn>& input = *scope_->input;
  if (input.empty()) {  // SELECT without FROM
    throw SqlError("unknown column '" + (c.spelled.empty() ? c.name : c.spelled) +
                       "': a SELECT without FROM has no columns",
                   c.pos);
  }
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (SameColumnName(input[i].name, c.name)) return static_cast<int>(i);
    names.push_back(input[i].name);
  }
  // A quoted name is one name, dots included ("PM2.5"), and is shown in double quotes.
  const std::string bare = c.spelled.empty() ? c.name : c.spelled;
  if (c.quoted) {
    std::string hint = DidYouMean(c.name, names);
    if (hint.empty()) hint = SingleQuoteHint(bare);
    throw SqlError("unknown column " + Quoted(bare, '"') + " in table " + scope_->table + hint,
                   c.pos);
  }
  const std::string hint = DidYouMean(c.name, names);
  throw SqlError("unknown column '" + bare + "' in table " + scope_->table + hint, c.pos);
}

Expr ExprBinder::Bind(const ExprAst& e) {
  if (keys_) {
    if (std::optional<Expr> slot = GroupSlot(e)) return *slot;
  }
  return BindNode(e);
}

std::optional<Expr> ExprBinder::GroupSlot(const ExprAst& e) {
  if (e.kind == ExprAst::Kind::kFunction && AggregateByName(e.op)) {
    return hook_(e, typing_only_);
  }
  if (e.kind == ExprAst::Kind::kLiteral || ContainsAggregate(e)) return std::nullopt;
  ExprBinder row(*scope_, clause_);
  const Expr bound = row.BindNode(e);
  for (std::size_t k = 0; k < keys_->size(); ++k) {
    if ((*keys_)[k] == bound || ((*keys_)[k].op == bound.op && bound.op == ExprOp::kColumn &&
                                 (*keys_)[k].column == bound.column)) {
      Expr s;
      s.op = ExprOp::kColumn;
      s.column = static_cast<int>(k);
      s.type = bound.type;
      s.text = bound.text;
      return s;
    }
  }
  if (e.kind == ExprAst::Kind::kColumn) {
    throw SqlError("column '" + e.column.written +
                       "' must appear in the GROUP BY clause or be used in an aggregate function",
                   e.pos);
  }
  return std::nullopt;
}

Expr ExprBinder::BindCondition(const ExprAst& e) {
  Expr c = Bind(e);
  if (IsNullConstant(c)) c.type = Type::kBool;
  if (c.type == Type::kString && c.op == ExprOp::kConstant) c = CastTo(c, Type::kBool, e.pos);
  if (c.type != Type::kBool) {
    Mismatch(std::string(clause_) + " needs a BOOLEAN condition, '" + c.text + "' is " +
                 TypeText(c.type),
             StartOf(e));
  }
  return c;
}

Expr ExprBinder::BindNode(const ExprAst& e) {
  switch (e.kind) {
    case ExprAst::Kind::kColumn: {
      const int c = ResolveColumn(e.column);
      Expr col;
      col.op = ExprOp::kColumn;
      col.column = c;
      col.type = (*scope_->input)[static_cast<std::size_t>(c)].type;
      col.text = e.column.written;
      return col;
    }
    case ExprAst::Kind::kLiteral:
      return BindLiteral(e.literal);
    case ExprAst::Kind::kSubquery: {  // its value, substituted by stages.cpp
      if (e.args.size() != 1) throw SqlError("internal: subquery without its value", e.pos);
      Expr v = BindNode(e.args[0]);
      v.text = ExprName(e);
      return v;
    }
    case ExprAst::Kind::kOp:
      return BindOp(e);
    case ExprAst::Kind::kFunction:
      if (AggregateByName(e.op)) {
        throw SqlError("aggregate functions are not allowed in " + std::string(clause_) + " (" +
                           ExprName(e) + ")",
                       e.pos);
      }
      return BindFunction(e);
    case ExprAst::Kind::kCase:
      return BindCase(e);
    case ExprAst::Kind::kCast: {
      Expr inner = Bind(e.args[0]);
      const std::string t = e.op.substr(0, e.op.find('('));
      Type type;
      if (const std::optional<Type> d = DecimalCastType(e.op, e.pos)) {
        type = *d;
      } else if (IsIntegerTypeName(t)) {
        type = Type::kInt32;
      } else if (SmallIntegerType(t) != Type::kInt64) {
        type = SmallIntegerType(t);
      } else if (t == "ubigint" || t == "uint64") {
        type = Type::kUbigint;
      } else if (t == "bigint" || t == "int8" || t == "long") {
        type = Type::kInt64;
      } else if (t == "hugeint" || t == "int128") {
        type = Type::kHugeint;
      } else if (t == "double" || t == "float" || t == "float8" || t == "real" || t == "float4") {
        type = Type::kFloat64;
      } else if (t == "varchar" || t == "text" || t == "string" || t == "char") {
        type = Type::kString;
      } else if (t == "timestamp" || t == "datetime") {
        type = Type::kTimestamp;
      } else if (t == "boolean" || t == "bool") {
        type = Type::kBool;
      } else if (t == "date") {
        type = Type::kDate;
      } else {
        throw SqlError(
            "unsupported type '" + t +
                "' in CAST (supported: BIGINT, INTEGER, SMALLINT, TINYINT, UTINYINT, "
                "USMALLINT, UINTEGER, UBIGINT, HUGEINT, DOUBLE, DECIMAL(p,s), VARCHAR, TIMESTAMP, "
                "DATE, BOOLEAN)",
            e.pos);
      }
      const ExprAst& arg = e.args[0];
      if (IsInteger(type) && arg.kind == ExprAst::Kind::kLiteral &&
          arg.literal.kind == LiteralAst::Kind::kDecimal) {
        // A DECIMAL literal casts half away from zero (2.5 -> 3), not as a DOUBLE would;
        // beyond the type the cast stays, to fail on the rows that evaluate it (as below).
        Expr c = StringLiteralAs(arg, Type::kInt64, "BIGINT");
        if (FitsInteger(type, c.value.i)) {
          c.type = type;
          c.text = ExprName(e);
          return c;
        }
      }
      Expr c = ExplicitCast(std::move(inner), type, e.pos);
      c.text = ExprName(e);
      return c;
    }
    case ExprAst::Kind::kBetween:
      return BindBetween(e);
    case ExprAst::Kind::kIn:
      return BindIn(e);
    case ExprAst::Kind::kLike:
      return BindLike(e);
    case ExprAst::Kind::kIsNull: {
      Expr a = Bind(e.args[0]);
      return MakeNode(e.negated ? ExprOp::kIsNotNull : ExprOp::kIsNull, Type::kBool, {a},
                      ExprName(e));
    }
    case ExprAst::Kind::kInterval:
      throw SqlError("an INTERVAL can only be added to or subtracted from a TIMESTAMP", e.pos);
    case ExprAst::Kind::kStar:
      throw SqlError("'*' is only allowed in count(*)", e.pos);
  }
  throw SqlError("unsupported expression", e.pos);
}

Expr ExprBinder::BindOp(const ExprAst& e) {
  const std::string& op = e.op;
  if (op == "and" || op == "or") {
    Expr a = BindCondition(e.args[0]);
    Expr b = BindCondition(e.args[1]);
    return MakeNode(op == "and" ? ExprOp::kAnd : ExprOp::kOr, Type::kBool, {a, b}, ExprName(e));
  }
  if (op == "not")
    return MakeNode(ExprOp::kNot, Type::kBool, {BindCondition(e.args[0])}, ExprName(e));
  if ((op == "neg" || op == "pos") && IsStringLiteral(e.args[0])) {  // DuckDB's words
    throw SqlError(
        std::string("Binder Error: Could not choose a best candidate function for the "
                    "function call \"") +
            (op == "neg" ? "-" : "+") +
            "(STRING_LITERAL)\". In order to select one, please add explicit type casts.",
        e.pos);
  }
  if (op == "pos") {  // +x is x, named +(x) as DuckDB names it
    Expr a = Bind(e.args[0]);
    if (!IsNumeric(a.type))
      Mismatch("cannot apply '+' to " + TypeText(a.type) + " '" + a.text + "'", e.pos);
    a.text = ExprName(e);
    return a;
  }
  if (op == "neg") {
    Expr a = Bind(e.args[0]);
    if (!IsNumeric(a.type))
      Mismatch("cannot negate " + TypeText(a.type) + " '" + a.text + "'", e.pos);
    const bool constant = a.op == ExprOp::kConstant;
    Expr n = MakeNode(ExprOp::kNeg, a.type, {a}, ExprName(e));
    return constant ? FoldConstant(n, e.pos) : n;  // -0.5 is a constant
  }
  if (op == "||") {
    Expr a = CastTo(Bind(e.args[0]), Type::kString, e.pos);
    Expr b = CastTo(Bind(e.args[1]), Type::kString, e.pos);
    return MakeNode(ExprOp::kConcat, Type::kString, {a, b}, ExprName(e));
  }
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "//" || op == "%") {
    return BindArith(e);
  }
  return BindCompare(e, CompareOp(op));
}

namespace {

// True when DuckDB 1.5 finds no best function for `op` with a string literal (on the left when
// `left`) and an operand of type `other`: its other candidates take the string as a DATE,
// TIMESTAMP or INTERVAL (DATE + INTEGER, DATE - INTEGER, INTERVAL * BIGINT and * DOUBLE,
// INTERVAL / ...). Checked against DuckDB for every operator, side and number type.
bool NoBestStringCandidate(const std::string& op, bool left, Type other) {
  if (op == "+") return other == Type::kInt32;
  if (op == "-") return left && other == Type::kInt32;
  if (op == "*") return other == Type::kInt64 || other == Type::kFloat64 || IsDecimal(other);
  if (op == "/") return left;
  return false;
}

// A string literal next to a number in arithmetic, as DuckDB 1.5 binds it: next to a DECIMAL or
// a DOUBLE both are DOUBLE (1.5 + '2' is 3.5); two strings, and the operators and types of
// NoBestStringCandidate, have no best function in DuckDB, an error here too; else the string is
// read as the number's type (aqi + '2', 1::TINYINT + '2').
void StringOperands(const ExprAst& e, Expr* a, Expr* b) {
  const bool sa = IsLiteral(e.args[0], LiteralAst::Kind::kString);
  const bool sb = IsLiteral(e.args[1], LiteralAst::Kind::kString);
  if (!sa && !sb) return;
  const Expr& other = sa ? *b : *a;
  auto kind = [&](std::size_t i, const Expr& x) -> std::string {
    if (IsLiteral(e.args[i], LiteralAst::Kind::kString)) return "STRING_LITERAL";
    if (IsLiteral(e.args[i], LiteralAst::Kind::kInteger)) return "INTEGER_LITERAL";
    return std::string(TypeName(x.type));
  };
  if ((sa && sb) || (IsNumeric(other.type) && NoBestStringCandidate(e.op, sa, other.type))) {
    throw SqlError(
        "Binder Error: Could not choose a best candidate function for the function "
        "call \"" +
            e.op + "(" + kind(0, *a) + ", " + kind(1, *b) +
            ")\". In order to select one, please add explicit type casts.",
        e.pos);
  }
  if (!IsNumeric(other.type)) return;
  const bool real = other.type == Type::kFloat64 || IsDecimal(other.type);
  const Type t = real ? Type::kFloat64 : other.type;
  if (sa) *a = StringLiteralAs(e.args[0], t, "'" + b->text + "'");
  if (sb) *b = StringLiteralAs(e.args[1], t, "'" + a->text + "'");
  if (real) {
    *a = CastTo(std::move(*a), t, e.pos);
    *b = CastTo(std::move(*b), t, e.pos);
  }
}

}  // namespace

Expr ExprBinder::BindArith(const ExprAst& e) {
  const std::string& op = e.op;
  const bool additive = op == "+" || op == "-";
  if (additive && e.args[1].kind == ExprAst::Kind::kInterval) {
    return BindInterval(e.args[1], Bind(e.args[0]), op == "-");
  }
  if (op == "+" && e.args[0].kind == ExprAst::Kind::kInterval) {
    return BindInterval(e.args[0], Bind(e.args[1]), false);
  }
  Expr a = Bind(e.args[0]);
  Expr b = Bind(e.args[1]);
  StringOperands(e, &a, &b);
  if (IsNullConstant(a)) a.type = IsNumeric(b.type) ? b.type : Type::kInt64;
  if (IsNullConstant(b)) b.type = IsNumeric(a.type) ? a.type : Type::kInt64;
  if (a.type == Type::kTimestamp && b.type == Type::kTimestamp && op == "-") {
    throw SqlError(
        "unsupported: TIMESTAMP - TIMESTAMP (an INTERVAL); use epoch: "
        "date_part('epoch', a) - date_part('epoch', b)",
        e.pos);
  }
  if (!IsNumeric(a.type) || !IsNumeric(b.type)) {
    Mismatch("cannot apply '" + op + "' to " + TypeText(a.type) + " '" + a.text + "' and " +
                 TypeText(b.type) + " '" + b.text + "'",
             e.pos);
  }
  const ExprOp o = op == "+"    ? ExprOp::kAdd
                   : op == "-"  ? ExprOp::kSub
                   : op == "*"  ? ExprOp::kMul
                   : op == "/"  ? ExprOp::kDiv
                   : op == "//" ? ExprOp::kIntDiv
                                : ExprOp::kMod;
  // INTEGER op INTEGER is INTEGER (its overflow DuckDB's INT32 error), with a BIGINT BIGINT;
  // the narrow types as DuckDB binds them (ArithInteger). With a UBIGINT, their common type
  // (UBIGINT or HUGEINT, CommonNumeric); with a HUGEINT among integers, HUGEINT.
  auto integral = [](Type t) { return IsInteger(t) || IsWideInteger(t); };
  const bool ints = integral(a.type) && integral(b.type);
  const bool wide = IsWideInteger(a.type) || IsWideInteger(b.type);
  Type type = !ints || op == "/" ? Type::kFloat64 : wide ? CommonNumeric(a, b) : ArithInteger(a, b);
  const bool decimal = (IsDecimal(a.type) || IsDecimal(b.type)) && a.type != Type::kFloat64 &&
                       b.type != Type::kFloat64 && o != ExprOp::kDiv && o != ExprOp::kIntDiv;
  if (decimal) {  // DuckDB: / and // of DECIMALs are DOUBLE, + - * % DECIMAL
    type = DecimalArithType(o, DecimalView(a), DecimalView(b), e.pos);
    // Operands at the result's scale for + - %; a product's units are the product of the units.
    const int scale = o == ExprOp::kMul ? -1 : DecimalScale(type);
    for (Expr* x : {&a, &b}) {
      const Type v = DecimalView(*x);
      *x = CastTo(std::move(*x), scale < 0 ? v : DecimalType(DecimalWidth(type), scale), e.pos);
    }
  } else {
    a = CastTo(std::move(a), type, e.pos);
    b = CastTo(std::move(b), type, e.pos);
  }
  const bool constant = a.op == ExprOp::kConstant && b.op == ExprOp::kConstant;
  Expr node = MakeNode(o, type, {a, b}, ExprName(e));
  if (!constant || !decimal) return node;
  try {  // 0.1 + 0.2 is the constant 0.3
    return FoldConstant(node, e.pos);
  } catch (const SqlError&) {  // beyond 38 digits: what the literals' exact value gives
    if (std::optional<Expr> c = FoldedDecimal(e)) return *c;
    throw;
  }
}

void UnifyNumbers(Expr* a, Expr* b, std::size_t pos) {
  if (a->type == b->type || !IsNumeric(a->type) || !IsNumeric(b->type)) return;
  const Type t = CommonNumeric(*a, *b);
  *a = CastTo(std::move(*a), t, pos);
  *b = CastTo(std::move(*b), t, pos);
}

Expr ExprBinder::BindInterval(const ExprAst& e, const Expr& ts, bool subtract) {
  if (ts.type != Type::kTimestamp) {
    Mismatch(
        "an INTERVAL can only be added to a TIMESTAMP, '" + ts.text + "' is " + TypeText(ts.type),
        e.pos);
  }
  const std::int64_t scale = IntervalUnitSeconds(e.op);
  if (scale == 0) {
    throw SqlError(
        "unsupported INTERVAL unit '" + e.op + "' (supported: SECOND, MINUTE, HOUR, DAY, WEEK)",
        e.pos);
  }
  Expr n = IsLiteral(e.args[0], LiteralAst::Kind::kString)
               ? StringLiteralAs(e.args[0], Type::kInt64, "an INTERVAL")
               : Bind(e.args[0]);
  if (n.type == Type::kFloat64 || IsNarrowInteger(n.type))
    n = CastTo(std::move(n), Type::kInt64, e.pos);
  if (n.type != Type::kInt64) Mismatch("an INTERVAL needs a number", e.pos);
  Expr seconds = MakeNode(ExprOp::kMul, Type::kInt64, {n, IntConstant(scale)}, ExprName(e));
  if (seconds.args[0].op == ExprOp::kConstant) seconds = IntConstant(n.value.i * scale);
  const std::string name = "(" + ts.text + (subtract ? " - " : " + ") + ExprName(e) + ")";
  return MakeNode(subtract ? ExprOp::kSub : ExprOp::kAdd, Type::kTimestamp, {ts, seconds}, name);
}

Expr ExprBinder::BindCompare(const ExprAst& e, ExprOp op) {
  Expr a = Bind(e.args[0]);
  Expr b = Bind(e.args[1]);
  const std::string name = ExprName(e);
  const ExprAst* la = &e.args[0];
  const ExprAst* lb = &e.args[1];
  if (la->kind == ExprAst::Kind::kLiteral && lb->kind != ExprAst::Kind::kLiteral) {
    std::swap(a, b);
    std::swap(la, lb);
    op = Flip(op);
  }
  if (IsNullConstant(b)) b.type = a.type;
  if (IsNullConstant(a)) a.type = b.type;
  if (lb->kind == ExprAst::Kind::kLiteral && lb->literal.kind == LiteralAst::Kind::kString &&
      a.type != Type::kString) {
    b = StringLiteralOrDeferred(*lb, a.type, "'" + a.text + "'");
  }
  if ((IsInteger(a.type) || IsWideInteger(a.type)) && lb->kind == ExprAst::Kind::kLiteral &&
      lb->literal.kind == LiteralAst::Kind::kDecimal && !LiteralIsDouble(lb->literal)) {
    return IntVersusDecimal(std::move(a), op, lb->literal.text, lb->pos, name);
  }
  if (IsInteger(a.type)) {  // aqi = 21.99999999999999999 + 0.00000000000000001, exactly
    if (const std::optional<std::string> exact = ExactDecimalText(*lb)) {
      return IntVersusDecimal(std::move(a), op, *exact, lb->pos, name);
    }
  }
  UnifyNumbers(&a, &b, e.pos);
  if ((a.type == Type::kDate && b.type == Type::kTimestamp) ||
      (a.type == Type::kTimestamp && b.type == Type::kDate)) {  // common type TIMESTAMP
    a = CastTo(std::move(a), Type::kTimestamp, e.pos);
    b = CastTo(std::move(b), Type::kTimestamp, e.pos);
  }
  if (a.type != b.type) {
    Mismatch("cannot compare " + TypeText(a.type) + " '" + a.text + "' with " + TypeText(b.type) +
                 " '" + b.text + "'",
             lb->pos);
  }
  return MakeNode(op, Type::kBool, {a, b}, name);
}

Expr ExprBinder::BindCase(const ExprAst& e) {
  std::vector<Expr> args;
  const std::size_t first = e.has_operand ? 1 : 0;
  const std::size_t end = e.args.size() - (e.has_else ? 1 : 0);
  std::optional<Type> type;
  std::vector<std::size_t> values;
  std::vector<const ExprAst*> asts;  // what each of `values` was bound from (none: NULL)
  for (std::size_t k = first; k < end; k += 2) {
    if (e.has_operand) {
      ExprAst eq;
      eq.kind = ExprAst::Kind::kOp;
      eq.op = "=";
      eq.pos = e.args[k].pos;
      eq.args = {e.args[0], e.args[k]};
      args.push_back(BindCondition(eq));
    } else {
      args.push_back(BindCondition(e.args[k]));
    }
    args.push_back(Bind(e.args[k + 1]));
    values.push_back(args.size() - 1);
    asts.push_back(&e.args[k + 1]);
  }
  args.push_back(e.has_else ? Bind(e.args.back()) : MakeConstant(Type::kInt64, Scalar{}, "NULL"));
  values.push_back(args.size() - 1);
  asts.push_back(e.has_else ? &e.args.back() : nullptr);
  bool others = false;  // a result that is neither a string literal nor NULL
  for (std::size_t j = 0; j < values.size(); ++j) {
    others |= asts[j] != nullptr && !IsStringLiteral(*asts[j]) && !IsNullConstant(args[values[j]]);
  }
  for (std::size_t j = 0; j < values.size(); ++j) {  // the common type of the results
    const Expr& x = args[values[j]];
    if (IsNullConstant(x)) continue;
    // a string literal takes the others' type, as in DuckDB (CASE ... THEN 1 ELSE '2' END)
    if (others && asts[j] != nullptr && IsStringLiteral(*asts[j])) continue;
    if (!type) {
      type = x.type;
    } else if (*type != x.type) {
      if (IsNumeric(*type) && IsNumeric(x.type)) {
        Expr so_far;
        so_far.type = *type;
        type = CommonValueNumeric(so_far, x);
      } else if (x.type == Type::kString || *type == Type::kString) {
        type = Type::kString;
      } else {
        Mismatch("CASE results of types " + TypeText(*type) + " and " + TypeText(x.type), e.pos);
      }
    }
  }
  const Type t = type.value_or(Type::kInt64);
  for (std::size_t j = 0; j < values.size(); ++j) {
    Expr& x = args[values[j]];
    x = asts[j] != nullptr ? CastToOrRead(*asts[j], std::move(x), t)
                           : CastTo(std::move(x), t, e.pos);
  }
  return MakeNode(ExprOp::kCase, t, std::move(args), ExprName(e));
}

}  // namespace plume::engine
