// ExprBinder: BETWEEN and IN with DuckDB's common type over the whole list, [I]LIKE, and the
// scalar functions (names, argument types, result types as DuckDB 1.5).
#include <algorithm>

#include "engine/binder.h"
#include "engine/query.h"
#include "engine/scalar_cast.h"
#include "engine/suggest.h"

namespace plume::engine {
namespace {

// How literals next to a BIGINT value are read: as BIGINTs (strings rounded), exactly as
// decimals (a decimal literal is in the list, so DuckDB's common type is DECIMAL), or as
// DOUBLEs (a literal with an exponent is in the list).
enum class ListMode : int { kInt, kDecimal, kDouble };

ListMode ModeOf(const Expr& x, const std::vector<ExprAst>& items, std::size_t from) {
  if (!IsInteger(x.type)) return ListMode::kInt;
  ListMode mode = ListMode::kInt;
  for (std::size_t i = from; i < items.size(); ++i) {
    if (items[i].kind != ExprAst::Kind::kLiteral) continue;
    if (LiteralIsDouble(items[i].literal)) return ListMode::kDouble;
    if (items[i].literal.kind == LiteralAst::Kind::kDecimal) mode = ListMode::kDecimal;
  }
  return mode;
}

// The digits before the point of a value of integer type t as a DECIMAL (DuckDB: BIGINT is
// DECIMAL(19,0), INTEGER DECIMAL(10,0), HUGEINT DECIMAL(38,0)).
int IntegerDigits(Type t) {
  switch (t) {
    case Type::kInt32:
    case Type::kUInt32:
      return 10;
    case Type::kInt16:
    case Type::kUInt16:
      return 5;
    case Type::kInt8:
    case Type::kUInt8:
      return 3;
    case Type::kHugeint:
      return 38;
    case Type::kUbigint:
      return 20;
    default:
      return 19;
  }
}

// DuckDB's common DECIMAL of an integer x and a list's decimal literals: the most digits
// before the point and the most after it, at most 38 (aqi IN ('0x10', 34.0000000000000000001)
// is DECIMAL(38,19)); it names the type in the error of a string that does not read as one.
Type ListDecimal(Type x, const std::vector<ExprAst>& items, std::size_t from) {
  int whole = IntegerDigits(x), scale = 0;
  for (std::size_t i = from; i < items.size(); ++i) {
    if (items[i].kind != ExprAst::Kind::kLiteral) continue;
    if (items[i].literal.kind != LiteralAst::Kind::kDecimal) continue;
    const std::string& t = items[i].literal.text;
    const std::size_t dot = t.find('.');
    const std::string w = t.substr(0, dot);
    const std::size_t lead = w.find_first_not_of("+-0");
    whole = std::max(whole, static_cast<int>(lead == std::string::npos ? 0 : w.size() - lead));
    if (dot != std::string::npos) scale = std::max(scale, static_cast<int>(t.size() - dot - 1));
  }
  scale = std::min(scale, kMaxDecimalWidth);
  return DecimalType(std::min(whole + scale, kMaxDecimalWidth), scale);
}

// x op 'text' for a string that does not read as the list's DECIMAL: a comparison whose
// right side fails on the rows that evaluate it, as DuckDB's cast of the literal does.
Expr DeferredDecimalItem(const Expr& x, ExprOp op, const ExprAst& item, Type decimal,
                         std::string name) {
  const Type side = IsWideInteger(x.type) ? Type::kHugeint : Type::kInt64;
  Expr a = CastTo(x, side, item.pos);
  Expr v = CastTo(DeferredStringCast(item, decimal), side, item.pos);
  return MakeNode(op, Type::kBool, {std::move(a), std::move(v)}, std::move(name));
}

bool ReadsAsDecimal(const std::string& text) {
  std::int64_t f = 0;
  bool fraction = false;
  return DecimalFloor(text, &f, &fraction);
}

}  // namespace

bool IsStringLiteral(const ExprAst& e) {
  return e.kind == ExprAst::Kind::kLiteral && e.literal.kind == LiteralAst::Kind::kString;
}

Expr CastToOrRead(const ExprAst& ast, Expr x, Type t) {
  // A string literal is read as t (DuckDB's string literal casts implicitly to any type); a
  // DECIMAL takes the explicit cast's rules.
  if (IsStringLiteral(ast) && t != Type::kString && !IsDecimal(t)) {
    return StringLiteralAs(ast, t, "a value of type " + std::string(TypeName(t)));
  }
  return CastTo(std::move(x), t, ast.pos);
}

namespace {

bool IsNumberOrString(const ExprAst& e) {
  return e.kind == ExprAst::Kind::kLiteral && (e.literal.kind == LiteralAst::Kind::kString ||
                                               e.literal.kind == LiteralAst::Kind::kDecimal ||
                                               e.literal.kind == LiteralAst::Kind::kInteger ||
                                               e.literal.kind == LiteralAst::Kind::kDouble);
}

[[noreturn]] void Mismatch(const std::string& what, std::size_t pos) {
  throw SqlError("type mismatch: " + what, pos);
}

Expr Node(ExprFn fn, Type type, std::vector<Expr> args, std::string text) {
  Expr e = MakeNode(ExprOp::kFunction, type, std::move(args), std::move(text));
  e.fn = fn;
  return e;
}

}  // namespace

// x op item, with item read in `mode` (ListMode) when x is a BIGINT.
Expr ExprBinder::CompareItem(const Expr& x, ExprOp op, const ExprAst& item, int mode,
                             std::string name, Type decimal) {
  const auto m = static_cast<ListMode>(mode);
  if (m == ListMode::kDecimal && IsStringLiteral(item) && !ReadsAsDecimal(item.literal.text)) {
    return DeferredDecimalItem(x, op, item, decimal, name);
  }
  if (m == ListMode::kDecimal && IsNumberOrString(item)) {
    return IntVersusDecimal(x, op, item.literal.text, item.pos, name);
  }
  Expr v;
  if (m == ListMode::kDouble && IsNumberOrString(item)) {
    v = StringLiteralOrDeferred(
        LiteralExpr({LiteralAst::Kind::kString, item.literal.text, item.pos}), Type::kFloat64,
        "'" + x.text + "'");
    return MakeNode(op, Type::kBool, {CastTo(x, Type::kFloat64, item.pos), v}, std::move(name));
  }
  if (item.kind == ExprAst::Kind::kLiteral && item.literal.kind == LiteralAst::Kind::kString &&
      x.type != Type::kString) {
    v = StringLiteralOrDeferred(item, x.type, "'" + x.text + "'");
  } else {
    v = Bind(item);
  }
  Expr a = x;
  if (v.op == ExprOp::kConstant && v.value.null) v.type = a.type;
  UnifyNumbers(&a, &v, item.pos);
  if (a.type != v.type) {
    Mismatch("cannot compare " + std::string(TypeName(a.type)) + " '" + a.text + "' with " +
                 std::string(TypeName(v.type)) + " '" + v.text + "'",
             item.pos);
  }
  return MakeNode(op, Type::kBool, {std::move(a), std::move(v)}, std::move(name));
}

Expr ExprBinder::BindBetween(const ExprAst& e) {
  const Expr x = Bind(e.args[0]);
  const int mode = static_cast<int>(ModeOf(x, e.args, 1));
  const std::string name = ExprName(e);
  const Type decimal = ListDecimal(x.type, e.args, 1);
  Expr lo = CompareItem(x, ExprOp::kGe, e.args[1], mode, name, decimal);
  Expr hi = CompareItem(x, ExprOp::kLe, e.args[2], mode, name, decimal);
  Expr both = MakeNode(ExprOp::kAnd, Type::kBool, {std::move(lo), std::move(hi)}, name);
  if (!e.negated) return both;
  return MakeNode(ExprOp::kNot, Type::kBool, {std::move(both)}, name);
}

Expr ExprBinder::BindIn(const ExprAst& e) {
  const Expr x = Bind(e.args[0]);
  const int mode = static_cast<int>(ModeOf(x, e.args, 1));
  const std::string name = ExprName(e);
  // One equality per item; items that can never equal a BIGINT (fractions) drop out.
  std::vector<Expr> list{x};
  std::vector<Expr> others;
  const Type decimal = ListDecimal(x.type, e.args, 1);
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    // Named only when kept: the list's text in every item's node made binding quadratic (a
    // 100,000-element list took 19 s).
    Expr eq = CompareItem(x, ExprOp::kEq, e.args[i], mode, std::string(), decimal);
    const bool simple = eq.op == ExprOp::kEq && eq.args[0] == x;
    if (simple) {
      list.push_back(std::move(eq.args[1]));
    } else {
      eq.text = name;
      others.push_back(std::move(eq));
    }
  }
  Expr in;
  if (list.size() > 1) {
    in = MakeNode(ExprOp::kIn, Type::kBool, std::move(list), name);
  } else {
    in = MakeConstant(Type::kBool, Scalar{false, 0, 0, {}}, name);
  }
  for (Expr& o : others)
    in = MakeNode(ExprOp::kOr, Type::kBool, {std::move(in), std::move(o)}, name);
  if (!e.negated) return in;
  return MakeNode(ExprOp::kNot, Type::kBool, {std::move(in)}, name);
}

Expr ExprBinder::BindLike(const ExprAst& e) {
  Expr a = Bind(e.args[0]);
  Expr p = Bind(e.args[1]);
  if (p.op == ExprOp::kConstant && p.value.null) p.type = Type::kString;
  if (a.type != Type::kString) {
    Mismatch(std::string(e.ilike ? "ILIKE" : "LIKE") + " needs a VARCHAR, '" + a.text + "' is " +
                 std::string(TypeName(a.type)),
             e.pos);
  }
  if (p.type != Type::kString) Mismatch("the LIKE pattern must be a string", e.args[1].pos);
  Expr like = MakeNode(ExprOp::kLike, Type::kBool, {std::move(a), std::move(p)}, ExprName(e));
  like.negated = e.negated;
  like.flag = e.ilike;
  return like;
}

namespace {

struct FunctionSpec {
  std::string_view name;
  ExprFn fn;
  std::size_t min_args, max_args;
};

constexpr FunctionSpec kFunctions[] = {
    {"date_trunc", ExprFn::kDateTrunc, 2, 2},
    {"datetrunc", ExprFn::kDateTrunc, 2, 2},
    {"date_part", ExprFn::kDatePart, 2, 2},
    {"datepart", ExprFn::kDatePart, 2, 2},
    {"strftime", ExprFn::kStrftime, 2, 2},
    {"abs", ExprFn::kAbs, 1, 1},
    {"round", ExprFn::kRound, 1, 2},
    {"floor", ExprFn::kFloor, 1, 1},
    {"ceil", ExprFn::kCeil, 1, 1},
    {"ceiling", ExprFn::kCeil, 1, 1},
    {"sqrt", ExprFn::kSqrt, 1, 1},
    {"ln", ExprFn::kLn, 1, 1},
    {"log10", ExprFn::kLog10, 1, 1},
    {"power", ExprFn::kPower, 2, 2},
    {"pow", ExprFn::kPower, 2, 2},
    {"greatest", ExprFn::kGreatest, 1, 64},
    {"least", ExprFn::kLeast, 1, 64},
    {"lower", ExprFn::kLower, 1, 1},
    {"lcase", ExprFn::kLower, 1, 1},
    {"upper", ExprFn::kUpper, 1, 1},
    {"ucase", ExprFn::kUpper, 1, 1},
    {"length", ExprFn::kLength, 1, 1},
    {"substring", ExprFn::kSubstring, 2, 3},
    {"substr", ExprFn::kSubstring, 2, 3},
    {"trim", ExprFn::kTrim, 1, 1},
    {"starts_with", ExprFn::kStartsWith, 2, 2},
    {"contains", ExprFn::kContains, 2, 2},
    {"replace", ExprFn::kReplace, 3, 3},
    {"regexp_matches", ExprFn::kRegexpMatches, 2, 2},
    {"aqi", ExprFn::kAqi, 2, 2},
    {"aqi_category", ExprFn::kAqiCategory, 1, 1},
    {"aqi_category_name", ExprFn::kAqiCategoryName, 1, 1},
};

const std::vector<std::string>& KnownFunctions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const FunctionSpec& f : kFunctions) n.emplace_back(f.name);
    for (int f = 1; f <= static_cast<int>(kLastAggFn); ++f) {
      n.emplace_back(AggregateName(static_cast<AggFn>(f)));
    }
    for (const char* x : {"coalesce", "nullif", "concat", "extract", "cast", "typeof"}) {
      n.emplace_back(x);
    }
    return n;
  }();
  return names;
}

const std::vector<std::string> kDateParts = {"year",   "quarter", "month",  "day", "hour", "minute",
                                             "second", "dow",     "isodow", "doy", "epoch"};
const std::vector<std::string> kTruncUnits = {"second", "minute", "hour",    "day",
                                              "week",   "month",  "quarter", "year"};

[[noreturn]] void UnknownFunction(const std::string& name, std::size_t pos) {
  throw SqlError("unknown function '" + name + "'" + DidYouMean(name, KnownFunctions()), pos);
}

// The constant text argument of date_trunc / date_part / strftime / regexp_matches.
std::string ConstantText(const Expr& e, const char* what, std::size_t pos) {
  if (e.op != ExprOp::kConstant || e.type != Type::kString || e.value.null) {
    throw SqlError(std::string(what) + " must be a constant string", pos);
  }
  std::string s = e.value.s;
  return s;
}

// The type of abs/round/floor/ceil of a DECIMAL (DuckDB 1.5): abs keeps it, floor and ceil
// have scale 0, round(x, n) scale min(n, s) (0 for n < 0); nullopt when round's n is not a
// constant (DuckDB rejects that).
std::optional<Type> DecimalRoundType(ExprFn fn, const std::vector<Expr>& args) {
  const Type x = args[0].type;
  if (fn == ExprFn::kAbs) return x;
  if (args.size() < 2) return DecimalType(DecimalWidth(x), 0);
  const Expr& n = args[1];
  if (n.op != ExprOp::kConstant || !IsInteger(n.type) || n.value.null) return std::nullopt;
  const std::int64_t digits = std::clamp<std::int64_t>(n.value.i, 0, DecimalScale(x));
  return DecimalType(DecimalWidth(x), static_cast<int>(digits));
}

Expr NeedType(Expr a, Type t, const std::string& fname, std::size_t pos) {
  if (a.op == ExprOp::kConstant && a.value.null) a.type = t;
  if (a.type == Type::kString && a.op == ExprOp::kConstant && t != Type::kString) {
    return CastTo(std::move(a), t, pos);
  }
  if (a.type == t ||
      (t == Type::kFloat64 && (IsInteger(a.type) || IsDecimal(a.type) || IsWideInteger(a.type))) ||
      (t == Type::kInt64 && IsNarrowInteger(a.type)) ||
      (t == Type::kTimestamp && a.type == Type::kDate)) {
    return CastTo(std::move(a), t, pos);
  }
  throw SqlError("type mismatch: " + fname + "() needs " + std::string(TypeName(t)) + ", '" +
                     a.text + "' is " + std::string(TypeName(a.type)),
                 pos);
}

Expr TimeFunction(const FunctionSpec& spec, std::vector<Expr> args, std::string text,
                  const ExprAst& e) {
  const std::string fname(spec.name);
  const bool format = spec.fn == ExprFn::kStrftime;
  const std::size_t ts = format ? 0 : 1, what = format ? 1 : 0;
  args[ts] = NeedType(std::move(args[ts]), Type::kTimestamp, fname, e.args[ts].pos);
  std::string w =
      ConstantText(args[what], format ? "the strftime format" : "the date part", e.args[what].pos);
  Type type = Type::kString;
  if (!format) {
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (w.size() > 1 && w.back() == 's' && w != "dow" && w != "isodow" && w != "doy") w.pop_back();
    const auto& allowed = spec.fn == ExprFn::kDateTrunc ? kTruncUnits : kDateParts;
    if (std::find(allowed.begin(), allowed.end(), w) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw SqlError(
          "unsupported " +
              std::string(spec.fn == ExprFn::kDateTrunc ? "date_trunc unit" : "date part") + " '" +
              w + "' (supported: " + list + ")" + DidYouMean(w, allowed),
          e.args[what].pos);
    }
    args[what].value.s = w;
    type = spec.fn == ExprFn::kDateTrunc ? Type::kTimestamp
           : w == "epoch"                ? Type::kFloat64
                                         : Type::kInt64;
  }
  return Node(spec.fn, type, std::move(args), std::move(text));
}

Expr BindScalarFunction(const FunctionSpec& spec, std::vector<Expr> args, std::string text,
                        const ExprAst& e) {
  const std::string fname(spec.name);
  auto pos = [&](std::size_t i) { return e.args[i].pos; };
  switch (spec.fn) {
    case ExprFn::kDateTrunc:
    case ExprFn::kDatePart:
    case ExprFn::kStrftime:
      return TimeFunction(spec, std::move(args), std::move(text), e);
    case ExprFn::kAbs:
    case ExprFn::kRound:
    case ExprFn::kFloor:
    case ExprFn::kCeil: {
      if (IsStringLiteral(e.args[0])) {  // DuckDB: no best candidate for abs(STRING_LITERAL)
        throw SqlError(
            "Binder Error: Could not choose a best candidate function for the function "
            "call \"" +
                fname + "(STRING_LITERAL" + (args.size() == 2 ? ", ...)" : ")") +
                "\". In order to select one, please add explicit type casts.",
            e.pos);
      }
      if (!IsNumeric(args[0].type))
        args[0] = NeedType(std::move(args[0]), Type::kFloat64, fname, pos(0));
      if (args.size() == 2) args[1] = NeedType(std::move(args[1]), Type::kInt64, fname, pos(1));
      if (IsDecimal(args[0].type)) {
        if (const std::optional<Type> t = DecimalRoundType(spec.fn, args)) {
          return Node(spec.fn, *t, std::move(args), std::move(text));
        }
        throw SqlError(
            "Binder Error: round(" + std::string(TypeName(args[0].type)) +
                ", n) needs a constant n (as in DuckDB); cast to DOUBLE for a computed n",
            pos(1));
      }
      // DuckDB 1.5: floor/ceil of a BIGINT are DOUBLE; abs and round keep the BIGINT.
      Type t = args[0].type;
      if (spec.fn == ExprFn::kFloor || spec.fn == ExprFn::kCeil) {
        t = Type::kFloat64;
        args[0] = CastTo(std::move(args[0]), t, pos(0));
      }
      if (spec.fn == ExprFn::kRound && t == Type::kUbigint) {  // DuckDB 1.5: HUGEINT
        t = Type::kHugeint;
        args[0] = CastTo(std::move(args[0]), t, pos(0));
      }
      if (args.size() == 2) {
        args[1] = NeedType(std::move(args[1]), Type::kInt64, fname, pos(1));
        if (IsUnsigned(t)) {  // DuckDB 1.5: round(UTINYINT, n) is BIGINT
          t = Type::kInt64;
          args[0] = CastTo(std::move(args[0]), t, pos(0));
        }
      }
      return Node(spec.fn, t, std::move(args), std::move(text));
    }
    case ExprFn::kSqrt:
    case ExprFn::kLn:
    case ExprFn::kLog10:
    case ExprFn::kPower:
      for (std::size_t i = 0; i < args.size(); ++i) {
        args[i] = NeedType(std::move(args[i]), Type::kFloat64, fname, pos(i));
      }
      return Node(spec.fn, Type::kFloat64, std::move(args), std::move(text));
    case ExprFn::kGreatest:
    case ExprFn::kLeast: {
      // A string literal takes the other arguments' type, as DuckDB's (least(1, '2') is
      // INTEGER, least(utc, '2020-09-01') TIMESTAMP); only strings give VARCHAR.
      auto text_literal = [&](std::size_t i) {
        return e.args[i].kind == ExprAst::Kind::kLiteral &&
               e.args[i].literal.kind == LiteralAst::Kind::kString;
      };
      std::size_t first = 0;
      while (first + 1 < args.size() && text_literal(first)) ++first;
      Type t = args[first].type;
      Expr so_far = args[first];  // a literal while t is its type (greatest(1, x::TINYINT))
      for (std::size_t i = first; i < args.size(); ++i) {
        const Expr& a = args[i];
        if (a.type == t || text_literal(i)) continue;
        t = IsNumeric(a.type) && IsNumeric(t) ? CommonValueNumeric(so_far, a) : Type::kString;
        so_far = Expr();
        so_far.type = t;
      }
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (text_literal(i) && t != Type::kString && !IsDecimal(t)) {
          args[i] = StringLiteralAs(e.args[i], t, fname + "()");
        } else {
          args[i] = CastTo(std::move(args[i]), t, pos(i));
        }
      }
      return Node(spec.fn, t, std::move(args), std::move(text));
    }
    case ExprFn::kSubstring:
      args[0] = NeedType(std::move(args[0]), Type::kString, fname, pos(0));
      for (std::size_t i = 1; i < args.size(); ++i) {
        args[i] = NeedType(std::move(args[i]), Type::kInt64, fname, pos(i));
      }
      return Node(spec.fn, Type::kString, std::move(args), std::move(text));
    case ExprFn::kAqi:  // the AQI is BIGINT, as the aqi column
      args[0] = NeedType(std::move(args[0]), Type::kString, fname, pos(0));
      args[1] = NeedType(std::move(args[1]), Type::kFloat64, fname, pos(1));
      return Node(spec.fn, Type::kInt64, std::move(args), std::move(text));
    case ExprFn::kAqiCategory:
    case ExprFn::kAqiCategoryName:
      args[0] = NeedType(std::move(args[0]), Type::kInt64, fname, pos(0));
      return Node(spec.fn, spec.fn == ExprFn::kAqiCategory ? Type::kInt64 : Type::kString,
                  std::move(args), std::move(text));
    case ExprFn::kRegexpMatches:
      args[0] = NeedType(std::move(args[0]), Type::kString, fname, pos(0));
      ConstantText(args[1], "the regular expression", pos(1));
      return Node(spec.fn, Type::kBool, std::move(args), std::move(text));
    default: {  // string functions
      for (std::size_t i = 0; i < args.size(); ++i) {
        args[i] = NeedType(std::move(args[i]), Type::kString, fname, pos(i));
      }
      const Type t = spec.fn == ExprFn::kLength ? Type::kInt64
                     : spec.fn == ExprFn::kStartsWith || spec.fn == ExprFn::kContains
                         ? Type::kBool
                         : Type::kString;
      return Node(spec.fn, t, std::move(args), std::move(text));
    }
  }
}

}  // namespace

// typeof(x): DuckDB's name of x's type, a constant.
Expr ExprBinder::BindTypeof(const ExprAst& e) {
  if (e.args.size() != 1) throw SqlError("typeof() takes one argument", e.pos);
  const ExprAst& a = e.args[0];
  Scalar v;
  v.null = false;
  if (a.kind == ExprAst::Kind::kInterval) {
    v.s = "INTERVAL";
  } else {
    // Only the argument's type: DuckDB does not evaluate it (typeof(sum(aqi::TINYINT)) is
    // 'HUGEINT' even where the cast would fail), so an aggregate in it adds no state.
    const bool outer = typing_only_;
    typing_only_ = true;
    Expr x;
    try {
      x = Bind(a);
    } catch (...) {
      typing_only_ = outer;
      throw;
    }
    typing_only_ = outer;
    if (x.op == ExprOp::kConstant && x.value.null && a.kind == ExprAst::Kind::kLiteral) {
      v.s = "\"NULL\"";
    } else {
      v.s = std::string(TypeName(x.type));
    }
  }
  return MakeConstant(Type::kString, v, ExprName(e));
}

Expr ExprBinder::BindFunction(const ExprAst& e) {
  const std::string& name = e.op;
  if (name == kCastLike && e.args.size() == 2) {
    const Type like = Bind(e.args[1]).type;
    return CastTo(Bind(e.args[0]), like, e.pos);
  }
  // The name first: `coutn(*)` is an unknown function, not a misplaced '*'.
  const std::vector<std::string>& known = KnownFunctions();
  if (std::find(known.begin(), known.end(), name) == known.end()) UnknownFunction(name, e.pos);
  const std::string text = ExprName(e);
  if (name == "typeof") return BindTypeof(e);
  std::vector<Expr> args;
  for (const ExprAst& a : e.args) args.push_back(Bind(a));
  if (name == "coalesce" || name == "concat") {
    if (args.empty()) throw SqlError(name + "() needs at least one argument", e.pos);
    Type t = Type::kString;
    if (name == "coalesce") {
      t = Type::kInt64;
      bool any = false;
      for (std::size_t i = 0; i < args.size(); ++i) {
        const Expr& a = args[i];
        // A bare NULL has no type of its own; CAST(NULL AS DECIMAL(38,0)) has one, as in DuckDB.
        const bool bare_null = e.args[i].kind == ExprAst::Kind::kLiteral &&
                               e.args[i].literal.kind == LiteralAst::Kind::kNull;
        if (bare_null) continue;
        if (IsStringLiteral(e.args[i])) continue;  // it takes the others' type, as in DuckDB
        Expr so_far;
        so_far.type = t;
        t = !any ? a.type
                 : (t == a.type                         ? t
                    : IsNumeric(t) && IsNumeric(a.type) ? CommonValueNumeric(so_far, a)
                    : (t != Type::kString && a.type != Type::kString && t != Type::kTimestamp &&
                       a.type != Type::kTimestamp)
                        ? Type::kFloat64
                        : Type::kString);
        any = true;
      }
      if (!any && std::any_of(e.args.begin(), e.args.end(), IsStringLiteral)) t = Type::kString;
    }
    for (std::size_t i = 0; i < args.size(); ++i) args[i] = CastToOrRead(e.args[i], args[i], t);
    Expr c = MakeNode(name == "coalesce" ? ExprOp::kCoalesce : ExprOp::kConcat, t, std::move(args),
                      text);
    c.flag = true;
    return c;
  }
  if (name == "nullif") {
    if (args.size() != 2) throw SqlError("nullif() takes two arguments", e.pos);
    ExprAst eq;
    eq.kind = ExprAst::Kind::kOp;
    eq.op = "=";
    eq.pos = e.pos;
    eq.args = e.args;
    Expr cmp = Bind(eq);  // types the two sides as `=` does
    const Type t = args[0].type;
    return MakeNode(ExprOp::kNullIf, t, {args[0], CastTo(cmp.args.back(), t, e.pos)}, text);
  }
  const FunctionSpec* spec = nullptr;
  for (const FunctionSpec& f : kFunctions) {
    if (f.name == name) spec = &f;
  }
  if (!spec) UnknownFunction(name, e.pos);
  if (args.size() < spec->min_args || args.size() > spec->max_args) {
    throw SqlError(
        name + "() takes " + std::to_string(spec->min_args) +
            (spec->min_args == spec->max_args ? "" : " to " + std::to_string(spec->max_args)) +
            " arguments, not " + std::to_string(args.size()),
        e.pos);
  }
  return BindScalarFunction(*spec, std::move(args), text, e);
}

}  // namespace plume::engine
