// WHERE clause binding. Predicates of one column against literals become the filter's leaf
// kernels (zone maps, dictionary masks), with DuckDB's implicit casts done exactly: a BIGINT
// column against a decimal literal is compared with the literal's exact floor, a string is cast
// to BIGINT without a double in between, and an IN list or BETWEEN takes DuckDB's common type
// (a decimal or a DOUBLE next to a string makes the string a decimal or a DOUBLE). Every other
// condition becomes an expression leaf. NOT is pushed down to the leaves (3-valued logic).
#include <cmath>
#include <optional>

#include "engine/binder.h"
#include "engine/query.h"
#include "engine/scalar_cast.h"
#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

CmpOp Negate(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return CmpOp::kNe;
    case CmpOp::kNe:
      return CmpOp::kEq;
    case CmpOp::kLt:
      return CmpOp::kGe;
    case CmpOp::kLe:
      return CmpOp::kGt;
    case CmpOp::kGt:
      return CmpOp::kLe;
    case CmpOp::kGe:
      return CmpOp::kLt;
  }
  return op;
}

CmpOp Flip(CmpOp op) {
  switch (op) {
    case CmpOp::kLt:
      return CmpOp::kGt;
    case CmpOp::kLe:
      return CmpOp::kGe;
    case CmpOp::kGt:
      return CmpOp::kLt;
    case CmpOp::kGe:
      return CmpOp::kLe;
    default:
      return op;
  }
}

std::optional<CmpOp> CmpOf(const std::string& op) {
  if (op == "=") return CmpOp::kEq;
  if (op == "<>") return CmpOp::kNe;
  if (op == "<") return CmpOp::kLt;
  if (op == "<=") return CmpOp::kLe;
  if (op == ">") return CmpOp::kGt;
  if (op == ">=") return CmpOp::kGe;
  return std::nullopt;
}

// How a literal next to a BIGINT column is read (DuckDB's common type of the predicate).
enum class IntMode : std::uint8_t { kInt, kDecimal, kDouble };

// A literal against a BIGINT column, exactly: its floor and whether it has a fraction.
struct Exact {
  std::int64_t floor = 0;
  bool fraction = false;
  bool above = false;  // larger than every BIGINT
  bool below = false;  // smaller than every BIGINT
};

bool IsLiteralOf(const ExprAst& e) { return e.kind == ExprAst::Kind::kLiteral; }

// The input of the statement whose WHERE clause is being bound: set by BindFilter for the
// duration of the call, so the leaf helpers below can name and type a column by its index.
thread_local const std::vector<InputColumn>* t_input = nullptr;

const InputColumn& Spec(int column) { return (*t_input)[static_cast<std::size_t>(column)]; }

// Types the leaf kernels (filter_leaf.h) compare; columns of other types (BOOLEAN and DATE
// columns of an earlier stage's result) are filtered as expressions.
bool LeafType(Type t) {
  return t == Type::kInt64 || t == Type::kFloat64 || t == Type::kString || t == Type::kTimestamp;
}

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

[[noreturn]] void Mismatch(const LiteralAst& lit, int column, const std::string& what) {
  throw SqlError("type mismatch: cannot compare " + std::string(TypeName(Spec(column).type)) +
                     " column " + Quoted(Spec(column).name) + " with " + what,
                 lit.pos);
}

[[noreturn]] void OutOfRange(const LiteralAst& lit, int column) {
  throw SqlError("number " + lit.text + " is out of range for column " + Quoted(Spec(column).name) +
                     " (" + std::string(TypeName(Spec(column).type)) + ")",
                 lit.pos);
}

Exact FromDouble(double d) {
  Exact x;
  if (std::isnan(d)) {
    x.above = true;  // DuckDB orders NaN above every number
    return x;
  }
  const double f = std::floor(d);
  if (f >= 9223372036854775808.0) x.above = true;
  if (f < -9223372036854775808.0) x.below = true;
  if (!x.above && !x.below) x.floor = static_cast<std::int64_t>(f);
  x.fraction = d != f;
  return x;
}

// An integer literal beyond BIGINT against a BIGINT column: DuckDB compares the two as HUGEINTs
// (as DOUBLEs beyond INT128), so it is above or below every value of the column.
Exact BeyondBigint(const LiteralAst& lit) {
  Exact x;
  Int128 w = 0;
  double d = 0;
  if (StringToHugeint(lit.text, &w)) {
    (w > 0 ? x.above : x.below) = true;
    return x;
  }
  if (IntegerLiteralIsDouble(lit.text, &d)) return FromDouble(d);
  x.above = true;  // UHUGEINT's range: above every BIGINT
  return x;
}

Exact IntLiteral(const LiteralAst& lit, int column, IntMode mode) {
  Exact x;
  const bool is_string = lit.kind == LiteralAst::Kind::kString;
  if (lit.kind == LiteralAst::Kind::kTimestamp || lit.kind == LiteralAst::Kind::kDate ||
      lit.kind == LiteralAst::Kind::kBool) {
    Mismatch(lit, column,
             "a " + std::string(lit.kind == LiteralAst::Kind::kBool ? "BOOLEAN" : "TIMESTAMP") +
                 " literal");
  }
  if (lit.kind == LiteralAst::Kind::kInteger || (is_string && mode == IntMode::kInt)) {
    if (!StringToInt(lit.text, &x.floor)) {
      if (!is_string) return BeyondBigint(lit);
      double d = 0;
      if (StringToDouble(lit.text, &d) && !std::isnan(d)) {
        throw SqlError("number " + lit.text + " is out of range for column " +
                           Quoted(Spec(column).name) + " (BIGINT)",
                       lit.pos);
      }
      throw SqlError("type mismatch: cannot convert string '" + lit.text +
                         "' to BIGINT for comparison with column " + Quoted(Spec(column).name),
                     lit.pos);
    }
    return x;
  }
  // DuckDB's DOUBLE: a literal that is one, or any literal of a list or BETWEEN with one (a
  // decimal there is read as its double: aqi IN (1e0, 3.0000000000000000000001) holds 3)
  if (LiteralIsDouble(lit) ||
      ((is_string || lit.kind == LiteralAst::Kind::kDecimal) && mode == IntMode::kDouble)) {
    double d = 0;
    if (!StringToDouble(lit.text, &d)) Mismatch(lit, column, "string '" + lit.text + "'");
    return FromDouble(d);
  }
  if (!DecimalFloor(lit.text, &x.floor, &x.fraction)) {  // a decimal (or a string read as one)
    double d = 0;
    if (!StringToDouble(lit.text, &d)) {
      throw SqlError("type mismatch: cannot convert string '" + lit.text +
                         "' to DECIMAL for comparison with column " + Quoted(Spec(column).name),
                     lit.pos);
    }
    return FromDouble(d);
  }
  return x;
}

FilterNode Leaf(LeafKind kind, int column = -1) {
  FilterNode n;
  n.leaf = kind;
  n.column = column;
  return n;
}

FilterNode CompareLeaf(int column, CmpOp op, Literal value) {
  FilterNode n = Leaf(LeafKind::kCompare, column);
  n.op = op;
  n.value = std::move(value);
  return n;
}

// column op x for a BIGINT column, exactly.
FilterNode IntCompare(int column, CmpOp op, const Exact& x) {
  const bool eq = op == CmpOp::kEq, ne = op == CmpOp::kNe;
  const bool greater = op == CmpOp::kGt || op == CmpOp::kGe;
  if (x.above || x.below) {
    if (eq) return Leaf(LeafKind::kFalse);
    if (ne) return Leaf(LeafKind::kIsNotNull, column);
    return greater == x.below ? Leaf(LeafKind::kIsNotNull, column) : Leaf(LeafKind::kFalse);
  }
  if (!x.fraction) return CompareLeaf(column, op, Literal{x.floor, 0, {}});
  if (eq) return Leaf(LeafKind::kFalse);
  if (ne) return Leaf(LeafKind::kIsNotNull, column);
  // column > 2.5 and column >= 2.5 are column > 2; column < 2.5 and <= 2.5 are column <= 2.
  return CompareLeaf(column, greater ? CmpOp::kGt : CmpOp::kLe, Literal{x.floor, 0, {}});
}

// A literal for a VARCHAR, TIMESTAMP or DOUBLE column; nullopt for NULL.
std::optional<Literal> OtherLiteral(const LiteralAst& lit, int column) {
  if (lit.kind == LiteralAst::Kind::kNull) return std::nullopt;
  const InputColumn& spec = Spec(column);
  Literal out;
  if (spec.type == Type::kString) {
    if (lit.kind != LiteralAst::Kind::kString) Mismatch(lit, column, "a number or timestamp");
    out.s = lit.text;
    return out;
  }
  if (spec.type == Type::kTimestamp) {
    if (lit.kind != LiteralAst::Kind::kString && lit.kind != LiteralAst::Kind::kTimestamp &&
        lit.kind != LiteralAst::Kind::kDate) {
      Mismatch(lit, column, "the number " + lit.text);
    }
    if (!ParseTimestamp(lit.text, &out.i)) {
      throw SqlError("bad time literal '" + lit.text + "' for column " + Quoted(spec.name) +
                         " (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS])",
                     lit.pos);
    }
    return out;
  }
  if (lit.kind == LiteralAst::Kind::kTimestamp || lit.kind == LiteralAst::Kind::kDate ||
      lit.kind == LiteralAst::Kind::kBool) {
    Mismatch(lit, column, "a non-numeric literal");
  }
  if (!StringToDouble(lit.text, &out.d)) {
    if (lit.kind != LiteralAst::Kind::kString) OutOfRange(lit, column);
    throw SqlError("type mismatch: cannot convert string '" + lit.text +
                       "' to DOUBLE for comparison with column " + Quoted(spec.name),
                   lit.pos);
  }
  return out;
}

FilterNode CompareWith(int column, CmpOp op, const LiteralAst& lit, IntMode mode) {
  if (lit.kind == LiteralAst::Kind::kNull) return Leaf(LeafKind::kFalse);
  if (Spec(column).type == Type::kInt64)
    return IntCompare(column, op, IntLiteral(lit, column, mode));
  Literal value = *OtherLiteral(lit, column);
  if (Spec(column).type == Type::kFloat64 && std::isnan(value.d)) {
    // DuckDB orders NaN above every number (and equal to itself): x < NaN and x <> NaN hold
    // for every number, x = NaN, x >= NaN, x > NaN for none (NaN is never a stored value).
    const bool all = op == CmpOp::kLt || op == CmpOp::kLe || op == CmpOp::kNe;
    return all ? Leaf(LeafKind::kIsNotNull, column) : Leaf(LeafKind::kFalse);
  }
  return CompareLeaf(column, op, std::move(value));
}

IntMode ModeOf(const std::vector<ExprAst>& items, std::size_t from) {
  IntMode mode = IntMode::kInt;
  for (std::size_t i = from; i < items.size(); ++i) {
    if (LiteralIsDouble(items[i].literal)) return IntMode::kDouble;
    if (items[i].literal.kind == LiteralAst::Kind::kDecimal) mode = IntMode::kDecimal;
  }
  return mode;
}

FilterNode Combine(FilterNode::Kind kind, std::vector<FilterNode> children) {
  FilterNode n;
  n.kind = kind;
  for (FilterNode& c : children) {
    if (c.kind == kind) {
      for (FilterNode& g : c.children) n.children.push_back(std::move(g));
    } else {
      n.children.push_back(std::move(c));
    }
  }
  return n;
}

// The column of a plain column reference (for the leaf kernels), or -1.
int PlainColumn(const ExprAst& e, ExprBinder& binder) {
  if (e.kind != ExprAst::Kind::kColumn) return -1;
  const int c = binder.ResolveColumn(e.column);
  return LeafType(Spec(c).type) ? c : -1;
}

bool AllLiterals(const std::vector<ExprAst>& args, std::size_t from) {
  for (std::size_t i = from; i < args.size(); ++i) {
    if (!IsLiteralOf(args[i])) return false;
  }
  return true;
}

// Whether a string literal reads as the value it is compared with (a number column, in the
// predicate's mode). One that does not leaves the leaf kernels: the expression binder makes it
// a cast that fails on the rows that reach it, as DuckDB's (StringLiteralOrDeferred).
bool StringReads(const LiteralAst& lit, int column, IntMode mode) {
  if (lit.kind != LiteralAst::Kind::kString) return true;
  const Type t = Spec(column).type;
  std::int64_t i = 0;
  double d = 0;
  bool fraction = false;
  if (t == Type::kFloat64 || (t == Type::kInt64 && mode == IntMode::kDouble)) {
    return StringToDouble(lit.text, &d);
  }
  if (t != Type::kInt64) return true;
  return mode == IntMode::kInt ? StringToInt(lit.text, &i) : DecimalFloor(lit.text, &i, &fraction);
}

bool AllStringsRead(const std::vector<ExprAst>& items, int column) {
  const IntMode mode = ModeOf(items, 1);
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (!StringReads(items[i].literal, column, mode)) return false;
  }
  return true;
}

FilterNode InLeaf(int column, const ExprAst& e, bool negated) {
  FilterNode n = Leaf(LeafKind::kIn, column);
  n.negated = negated;
  const bool is_int = Spec(column).type == Type::kInt64;
  const IntMode mode = ModeOf(e.args, 1);
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    const LiteralAst& lit = e.args[i].literal;
    if (lit.kind == LiteralAst::Kind::kNull) {
      n.list_has_null = true;
      continue;
    }
    if (!is_int) {
      n.list.push_back(*OtherLiteral(lit, column));
      continue;
    }
    const Exact x = IntLiteral(lit, column, mode);
    // A value with a fraction (or beyond BIGINT) never equals a BIGINT: it drops out.
    if (!x.fraction && !x.above && !x.below) n.list.push_back(Literal{x.floor, 0, {}});
  }
  return n;
}

// Whether a BIGINT column against `lit` (read in `mode`) compares with a DOUBLE of 2^53 or more:
// DuckDB casts the BIGINT to DOUBLE there, so 9007199254740993 = 9007199254740992.0e0 holds. The
// exact leaf would say no; the expression binder casts as DuckDB, so such a condition goes there.
bool RoundsTheColumn(const LiteralAst& lit, int column, IntMode mode) {
  if (Spec(column).type != Type::kInt64 || lit.kind == LiteralAst::Kind::kNull) return false;
  if (!LiteralIsDouble(lit) && mode != IntMode::kDouble) return false;
  double d = 0;
  return StringToDouble(lit.text, &d) && std::fabs(d) >= 9007199254740992.0 && !std::isinf(d);
}

bool AnyRoundsTheColumn(const std::vector<ExprAst>& items, int column) {
  const IntMode mode = ModeOf(items, 1);
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (RoundsTheColumn(items[i].literal, column, mode)) return true;
  }
  return false;
}

std::optional<FilterNode> ColumnLeaf(const ExprAst& e, bool negate, ExprBinder& binder) {
  if (e.kind == ExprAst::Kind::kOp) {
    std::optional<CmpOp> op = CmpOf(e.op);
    if (!op) return std::nullopt;
    const ExprAst* col = &e.args[0];
    const ExprAst* lit = &e.args[1];
    if (IsLiteralOf(*col) && !IsLiteralOf(*lit)) {
      std::swap(col, lit);
      op = Flip(*op);
    }
    const int c = PlainColumn(*col, binder);
    if (c < 0 || !IsLiteralOf(*lit) || lit->literal.kind == LiteralAst::Kind::kBool ||
        !StringReads(lit->literal, c, IntMode::kInt) ||
        RoundsTheColumn(lit->literal, c, IntMode::kInt)) {
      return std::nullopt;
    }
    return CompareWith(c, negate ? Negate(*op) : *op, lit->literal, IntMode::kInt);
  }
  const int c = e.args.empty() ? -1 : PlainColumn(e.args[0], binder);
  if (c < 0) return std::nullopt;
  const bool flip = e.negated != negate;
  switch (e.kind) {
    case ExprAst::Kind::kIsNull:
      return Leaf(flip ? LeafKind::kIsNotNull : LeafKind::kIsNull, c);
    case ExprAst::Kind::kBetween: {
      if (!AllLiterals(e.args, 1) || !AllStringsRead(e.args, c) || AnyRoundsTheColumn(e.args, c)) {
        return std::nullopt;
      }
      const IntMode mode = ModeOf(e.args, 1);
      std::vector<FilterNode> both;
      both.push_back(CompareWith(c, flip ? CmpOp::kLt : CmpOp::kGe, e.args[1].literal, mode));
      both.push_back(CompareWith(c, flip ? CmpOp::kGt : CmpOp::kLe, e.args[2].literal, mode));
      return Combine(flip ? FilterNode::Kind::kOr : FilterNode::Kind::kAnd, std::move(both));
    }
    case ExprAst::Kind::kIn: {
      if (!AllLiterals(e.args, 1) || !AllStringsRead(e.args, c) || AnyRoundsTheColumn(e.args, c)) {
        return std::nullopt;
      }
      return InLeaf(c, e, flip);
    }
    case ExprAst::Kind::kLike: {
      if (e.ilike || !IsLiteralOf(e.args[1])) return std::nullopt;
      if (Spec(c).type != Type::kString) return std::nullopt;  // the expression binder reports it
      const LiteralAst& pattern = e.args[1].literal;
      if (pattern.kind == LiteralAst::Kind::kNull) return Leaf(LeafKind::kFalse);
      if (pattern.kind != LiteralAst::Kind::kString) {
        throw SqlError("type mismatch: the LIKE pattern must be a string", pattern.pos);
      }
      FilterNode n = Leaf(LeafKind::kLike, c);
      n.negated = flip;
      n.value.s = pattern.text;
      return n;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

FilterNode BindFilter(const ExprAst& e, bool negate, ExprBinder& binder) {
  const std::vector<InputColumn>* outer = t_input;
  t_input = binder.scope().input;
  struct Restore {
    const std::vector<InputColumn>* saved;
    ~Restore() { t_input = saved; }
  } restore{outer};
  if (e.kind == ExprAst::Kind::kOp && (e.op == "and" || e.op == "or")) {
    std::vector<FilterNode> children;
    for (const ExprAst& c : e.args) children.push_back(BindFilter(c, negate, binder));
    const bool is_and = (e.op == "and") != negate;
    return Combine(is_and ? FilterNode::Kind::kAnd : FilterNode::Kind::kOr, std::move(children));
  }
  if (e.kind == ExprAst::Kind::kOp && e.op == "not") return BindFilter(e.args[0], !negate, binder);
  if (std::optional<FilterNode> leaf = ColumnLeaf(e, negate, binder)) return std::move(*leaf);
  binder.set_clause("WHERE");
  Expr cond = binder.BindCondition(e);
  if (cond.op == ExprOp::kConstant) {  // WHERE true / WHERE NULL / WHERE 1 = 2
    const bool pass = !cond.value.null && (cond.value.i != 0) != negate;
    return Leaf(pass ? LeafKind::kTrue : LeafKind::kFalse);
  }
  if (negate) {
    // The text first: the argument order is unspecified, and the move empties cond.text.
    std::string text = "NOT " + cond.text;
    cond = MakeNode(ExprOp::kNot, Type::kBool, {std::move(cond)}, std::move(text));
  }
  FilterNode n = Leaf(LeafKind::kExpr);
  n.expr.push_back(std::move(cond));
  return n;
}

}  // namespace plume::engine
