// WHERE clause binding: literal conversion with DuckDB's implicit casts, exact integer bounds
// for comparisons with fractional literals, and NOT pushed down to the leaves (3-valued logic).
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "engine/binder.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

constexpr double kTwo63 = 9223372036854775808.0;

int ResolveColumn(const ColumnAst& c) {
  for (std::size_t i = 0; i < kSchema.size(); ++i) {
    if (kSchema[i].name == c.name) return static_cast<int>(i);
  }
  throw SqlError("unknown column '" + c.written + "' in table measurements", c.pos);
}

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

// A number as written: integral when it has no '.', exponent or fraction.
struct Number {
  bool integral = true;
  std::int64_t i = 0;
  double d = 0;
};

std::optional<Number> ParseNumber(std::string_view text, bool* out_of_range) {
  *out_of_range = false;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::string_view digits = text.front() == '+' ? text.substr(1) : text;
  Number n;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n.i);
  if (ec == std::errc() && p == digits.data() + digits.size()) {
    n.d = static_cast<double>(n.i);
    return n;
  }
  if (ec == std::errc::result_out_of_range && p == digits.data() + digits.size()) {
    *out_of_range = true;
    return std::nullopt;
  }
  auto [q, ec2] = std::from_chars(digits.data(), digits.data() + digits.size(), n.d);
  if (q != digits.data() + digits.size()) return std::nullopt;
  if (ec2 == std::errc::result_out_of_range || std::isinf(n.d)) {
    *out_of_range = true;
    return std::nullopt;
  }
  if (ec2 != std::errc() || std::isnan(n.d)) return std::nullopt;
  // 33.0 or 1e3 name an integer: exact for BIGINT columns.
  n.integral = n.d == std::floor(n.d) && n.d >= -kTwo63 && n.d < kTwo63;
  if (n.integral) n.i = static_cast<std::int64_t>(n.d);
  return n;
}

[[noreturn]] void Mismatch(const LiteralAst& lit, int column, const char* what) {
  const ColumnSpec& spec = kSchema[static_cast<std::size_t>(column)];
  throw SqlError(std::string("type mismatch: cannot compare ") + std::string(TypeName(spec.type)) +
                     " column '" + std::string(spec.name) + "' with " + what,
                 lit.pos);
}

std::string Quoted(std::string_view name) {
  std::string q = "'";
  q.append(name).append("'");
  return q;
}

// A string or timestamp literal for a VARCHAR or TIMESTAMP column.
Literal BindText(const LiteralAst& lit, int column) {
  const ColumnSpec& spec = kSchema[static_cast<std::size_t>(column)];
  Literal out;
  if (spec.type == Type::kString) {
    if (lit.kind != LiteralAst::Kind::kString) Mismatch(lit, column, "a number or timestamp");
    out.s = lit.text;
    return out;
  }
  if (lit.kind != LiteralAst::Kind::kString && lit.kind != LiteralAst::Kind::kTimestamp) {
    Mismatch(lit, column, ("the number " + lit.text).c_str());
  }
  if (!ParseTimestamp(lit.text, &out.i)) {
    throw SqlError("bad time literal '" + lit.text + "' for column " + Quoted(spec.name) +
                       " (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS])",
                   lit.pos);
  }
  return out;
}

// A number (or a string cast to one, as DuckDB does) for a BIGINT or DOUBLE column.
Number BindNumber(const LiteralAst& lit, int column) {
  const ColumnSpec& spec = kSchema[static_cast<std::size_t>(column)];
  const std::string col = Quoted(spec.name);
  if (lit.kind == LiteralAst::Kind::kTimestamp) Mismatch(lit, column, "a TIMESTAMP literal");
  bool out_of_range = false;
  std::optional<Number> n = ParseNumber(lit.text, &out_of_range);
  if (out_of_range) {
    throw SqlError("number " + lit.text + " is out of range for column " + col + " (" +
                       std::string(TypeName(spec.type)) + ")",
                   lit.pos);
  }
  if (!n) {
    throw SqlError("type mismatch: cannot convert string '" + lit.text + "' to " +
                       std::string(TypeName(spec.type)) + " for comparison with column " + col,
                   lit.pos);
  }
  if (spec.type == Type::kInt64 && !n->integral && lit.kind == LiteralAst::Kind::kString) {
    // DuckDB casts a string to BIGINT by rounding half away from zero.
    const double r = std::round(n->d);
    if (r >= kTwo63 || r < -kTwo63) {
      throw SqlError("number " + lit.text + " is out of range for column " + col + " (BIGINT)",
                     lit.pos);
    }
    *n = Number{true, static_cast<std::int64_t>(r), r};
  }
  return *n;
}

// Converts a literal for comparison with `column`; nullopt for NULL. For BIGINT columns a
// fractional number stays in `number` (callers turn it into exact bounds).
std::optional<Literal> BindLiteral(const LiteralAst& lit, int column, Number* number) {
  if (lit.kind == LiteralAst::Kind::kNull) return std::nullopt;
  const Type type = kSchema[static_cast<std::size_t>(column)].type;
  if (type == Type::kString || type == Type::kTimestamp) return BindText(lit, column);
  *number = BindNumber(lit, column);
  Literal out;
  out.i = number->i;
  out.d = number->d;
  return out;
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

// column op d for a BIGINT column and a fractional (or huge) d, as exact integer bounds.
FilterNode IntVersusFraction(int column, CmpOp op, double d) {
  switch (op) {
    case CmpOp::kEq:
      return Leaf(LeafKind::kFalse);
    case CmpOp::kNe:
      return Leaf(LeafKind::kIsNotNull, column);
    case CmpOp::kGt:
    case CmpOp::kGe: {
      const double b = op == CmpOp::kGt ? std::floor(d) + 1 : std::ceil(d);
      if (b >= kTwo63) return Leaf(LeafKind::kFalse);
      if (b <= -kTwo63) return Leaf(LeafKind::kIsNotNull, column);
      return CompareLeaf(column, CmpOp::kGe, Literal{static_cast<std::int64_t>(b), 0, {}});
    }
    default: {
      const double b = op == CmpOp::kLt ? std::ceil(d) - 1 : std::floor(d);
      if (b >= kTwo63) return Leaf(LeafKind::kIsNotNull, column);
      if (b < -kTwo63) return Leaf(LeafKind::kFalse);
      return CompareLeaf(column, CmpOp::kLe, Literal{static_cast<std::int64_t>(b), 0, {}});
    }
  }
}

int ColumnOperand(const OperandAst& o, const char* construct) {
  if (!o.is_column) {
    throw SqlError(std::string("the left side of ") + construct + " must be a column", o.pos());
  }
  return ResolveColumn(o.column);
}

const LiteralAst& LiteralOperand(const OperandAst& o) {
  if (o.is_column) {
    throw SqlError("comparing a column with another column ('" + o.column.written +
                       "') is not supported; compare with a literal",
                   o.column.pos);
  }
  return o.literal;
}

FilterNode BindCompare(int column, CmpOp op, const LiteralAst& lit) {
  Number n;
  std::optional<Literal> v = BindLiteral(lit, column, &n);
  if (!v) return Leaf(LeafKind::kFalse);
  if (kSchema[static_cast<std::size_t>(column)].type == Type::kInt64 && !n.integral) {
    return IntVersusFraction(column, op, n.d);
  }
  return CompareLeaf(column, op, std::move(*v));
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

FilterNode BindComparison(const ExprAst& e, bool negate) {
  OperandAst lhs = e.lhs;
  OperandAst rhs = e.args[0];
  CmpOp op = e.op;
  if (!lhs.is_column && rhs.is_column) {
    std::swap(lhs, rhs);
    op = Flip(op);
  }
  if (!lhs.is_column) {
    throw SqlError("a comparison needs a column on one side", e.lhs.pos());
  }
  const int column = ResolveColumn(lhs.column);
  return BindCompare(column, negate ? Negate(op) : op, LiteralOperand(rhs));
}

FilterNode BindBetween(const ExprAst& e, bool negate) {
  const int column = ColumnOperand(e.lhs, "BETWEEN");
  const bool outside = e.negated != negate;
  FilterNode lo = BindCompare(column, outside ? CmpOp::kLt : CmpOp::kGe, LiteralOperand(e.args[0]));
  FilterNode hi = BindCompare(column, outside ? CmpOp::kGt : CmpOp::kLe, LiteralOperand(e.args[1]));
  std::vector<FilterNode> both;
  both.push_back(std::move(lo));
  both.push_back(std::move(hi));
  return Combine(outside ? FilterNode::Kind::kOr : FilterNode::Kind::kAnd, std::move(both));
}

FilterNode BindIn(const ExprAst& e, bool negate) {
  const int column = ColumnOperand(e.lhs, "IN");
  FilterNode n = Leaf(LeafKind::kIn, column);
  n.negated = e.negated != negate;
  const bool is_int = kSchema[static_cast<std::size_t>(column)].type == Type::kInt64;
  for (const OperandAst& o : e.args) {
    Number num;
    std::optional<Literal> v = BindLiteral(LiteralOperand(o), column, &num);
    if (!v) {
      n.list_has_null = true;
    } else if (!is_int || num.integral) {
      n.list.push_back(std::move(*v));  // a fractional value never equals a BIGINT: dropped
    }
  }
  return n;
}

FilterNode BindLike(const ExprAst& e, bool negate) {
  const int column = ColumnOperand(e.lhs, "LIKE");
  const ColumnSpec& spec = kSchema[static_cast<std::size_t>(column)];
  if (spec.type != Type::kString) {
    throw SqlError(std::string("type mismatch: LIKE needs a VARCHAR column, '") +
                       std::string(spec.name) + std::string("' is ") +
                       std::string(TypeName(spec.type)),
                   e.pos);
  }
  const LiteralAst& pattern = LiteralOperand(e.args[0]);
  if (pattern.kind == LiteralAst::Kind::kNull) return Leaf(LeafKind::kFalse);
  if (pattern.kind != LiteralAst::Kind::kString) {
    throw SqlError("type mismatch: the LIKE pattern must be a string", pattern.pos);
  }
  FilterNode n = Leaf(LeafKind::kLike, column);
  n.negated = e.negated != negate;
  n.value.s = pattern.text;
  return n;
}

}  // namespace

int ResolveColumnIndex(const ColumnAst& c) { return ResolveColumn(c); }

FilterNode BindFilter(const ExprAst& e, bool negate) {
  switch (e.kind) {
    case ExprAst::Kind::kAnd:
    case ExprAst::Kind::kOr: {
      std::vector<FilterNode> children;
      for (const ExprAst& c : e.children) children.push_back(BindFilter(c, negate));
      const bool is_and = (e.kind == ExprAst::Kind::kAnd) != negate;
      return Combine(is_and ? FilterNode::Kind::kAnd : FilterNode::Kind::kOr, std::move(children));
    }
    case ExprAst::Kind::kNot:
      return BindFilter(e.children[0], !negate);
    case ExprAst::Kind::kCompare:
      return BindComparison(e, negate);
    case ExprAst::Kind::kBetween:
      return BindBetween(e, negate);
    case ExprAst::Kind::kIn:
      return BindIn(e, negate);
    case ExprAst::Kind::kLike:
      return BindLike(e, negate);
    case ExprAst::Kind::kIsNull: {
      const int column = ColumnOperand(e.lhs, "IS NULL");
      return Leaf(e.negated != negate ? LeafKind::kIsNotNull : LeafKind::kIsNull, column);
    }
  }
  return Leaf(LeafKind::kTrue);
}

}  // namespace plume::engine
