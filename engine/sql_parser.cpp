// Recursive-descent parser of the SQL subset (grammar in docs/SQL.md).
#include <cctype>
#include <charconv>
#include <set>
#include <string_view>

#include "engine/query.h"
#include "engine/schema.h"
#include "engine/sql_ast.h"
#include "engine/sql_lexer.h"

namespace plume::engine {
namespace {

const std::set<std::string, std::less<>>& Reserved() {
  static const std::set<std::string, std::less<>> kWords = {
      "select", "from",    "where", "group",  "by",       "order",  "limit", "and",  "or",
      "not",    "between", "in",    "like",   "is",       "null",   "as",    "asc",  "desc",
      "nulls",  "first",   "last",  "having", "distinct", "offset", "join",  "union"};
  return kWords;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view sql) : tokens_(Tokenize(sql)) {}

  StatementAst Statement() {
    StatementAst st;
    Expect("select", "a statement must start with SELECT");
    if (Peek().Is("distinct")) Fail("SELECT DISTINCT is not supported");
    SelectList(&st);
    Expect("from", "expected FROM after the select list");
    Table();
    if (Accept("where")) st.where = Or();
    if (Accept("group")) {
      Expect("by", "expected BY after GROUP");
      do st.group_by.push_back(Term(false));
      while (Accept(","));
    }
    if (Peek().Is("having")) Fail("HAVING is not supported");
    if (Accept("order")) {
      Expect("by", "expected BY after ORDER");
      do st.order_by.push_back(Term(true));
      while (Accept(","));
    }
    if (Accept("limit")) st.limit = Limit();
    Accept(";");
    if (Peek().kind != TokenKind::kEnd) {
      Fail(tokens_[i_ - 1].Is(";") ? "only one statement is allowed"
                                   : "unexpected " + Describe(Peek()));
    }
    return st;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(i_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() { return tokens_[std::min(i_++, tokens_.size() - 1)]; }
  bool Accept(std::string_view word) {
    if (!Peek().Is(word)) return false;
    ++i_;
    return true;
  }
  void Expect(std::string_view word, const std::string& message) {
    if (!Accept(word)) Fail(message + ", found " + Describe(Peek()));
  }
  [[noreturn]] void Fail(const std::string& message) const { throw SqlError(message, Peek().pos); }
  static std::string Describe(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "end of statement";
    std::string out = t.kind == TokenKind::kString ? "string '" : "'";
    out.append(t.kind == TokenKind::kString ? std::string_view(t.text) : t.raw).append("'");
    return out;
  }
  bool IsName(const Token& t) const {
    return t.kind == TokenKind::kQuotedIdent ||
           (t.kind == TokenKind::kIdent && !Reserved().contains(t.text));
  }

  void Table() {
    const Token& t = Peek();
    if (!IsName(t)) Fail("expected a table name, found " + Describe(t));
    if (Lower(t.text) != kTableName) {
      throw SqlError(std::string("unknown table '") + std::string(t.raw) + "' (the only table is " +
                         std::string(kTableName) + ")",
                     t.pos);
    }
    ++i_;
  }

  // An identifier as DuckDB names it in a result column: as written, without its quotes.
  static std::string Spelling(const Token& t) {
    return t.kind == TokenKind::kQuotedIdent ? t.text : std::string(t.raw);
  }

  ColumnAst Column() {
    const Token& t = Peek();
    if (!IsName(t)) Fail("expected a column name, found " + Describe(t));
    ColumnAst c{Lower(t.text), Spelling(t), t.pos};
    ++i_;
    if (Peek().Is(".")) {
      if (c.name != kTableName) {
        throw SqlError("unknown table '" + c.written + "'", c.pos);
      }
      ++i_;
      const Token& n = Peek();
      if (!IsName(n)) Fail("expected a column name after '.', found " + Describe(n));
      c.name = Lower(n.text);
      c.written += '.';
      c.written += Spelling(n);
      ++i_;
    }
    return c;
  }

  static std::optional<AggFn> AggregateName(const Token& t, const Token& next) {
    static const std::pair<std::string_view, AggFn> kNames[] = {
        {"count", AggFn::kCount},
        {"sum", AggFn::kSum},
        {"avg", AggFn::kAvg},
        {"min", AggFn::kMin},
        {"max", AggFn::kMax},
        {"var_samp", AggFn::kVarSamp},
        {"variance", AggFn::kVarSamp},
        {"var_pop", AggFn::kVarPop},
        {"stddev_samp", AggFn::kStddevSamp},
        {"stddev", AggFn::kStddevSamp},
        {"stddev_pop", AggFn::kStddevPop},
        {"median", AggFn::kMedian},
        {"quantile_cont", AggFn::kQuantileCont},
        {"quantile_disc", AggFn::kQuantileDisc},
        {"quantile", AggFn::kQuantileDisc},
        {"arg_min", AggFn::kArgMin},
        {"arg_max", AggFn::kArgMax},
        {"bool_and", AggFn::kBoolAnd},
        {"bool_or", AggFn::kBoolOr},
    };
    if (t.kind != TokenKind::kIdent || !next.Is("(")) return std::nullopt;
    for (const auto& [name, fn] : kNames) {
      if (t.text == name) return fn;
    }
    return std::nullopt;
  }

  AggregateAst Aggregate(AggFn fn) {
    AggregateAst a;
    a.fn = fn;
    a.pos = Peek().pos;
    const std::string fname = Take().text;
    Take();  // (
    if (fn == AggFn::kCount && Accept("*")) {
      a.fn = AggFn::kCountStar;
      a.name = "count_star()";
    } else {
      if (Peek().Is("*")) Fail(fname + "(*) is not allowed; only count(*)");
      a.name = fname + "(" + Arguments(&a, fname) + ")";
    }
    Expect(")", "expected ')' to close " + fname + "(");
    if (Peek().Is("filter") && Peek(1).Is("(")) {
      i_ += 2;
      Accept("where");  // DuckDB also takes FILTER (cond)
      a.filter = Or();
      Expect(")", "expected ')' to close FILTER (WHERE ...");
      a.name += " FILTER (WHERE " + Render(*a.filter) + ")";
    }
    return a;
  }

  // The arguments of an aggregate call; returns them as DuckDB spells them in a column name.
  std::string Arguments(AggregateAst* a, const std::string& fname) {
    std::string text;
    if (Accept("distinct")) {
      a->distinct = true;
      text = "DISTINCT ";
    }
    if (PredicateArgument(a->fn)) {
      a->predicate = Or();
      return text + Render(*a->predicate);
    }
    a->column = Column();
    text += a->column.written;
    const bool two = a->fn == AggFn::kArgMin || a->fn == AggFn::kArgMax;
    const bool quantile = a->fn == AggFn::kQuantileCont || a->fn == AggFn::kQuantileDisc;
    if (!two && !quantile) return text;
    Expect(",", fname + " needs two arguments");
    if (two) {
      a->column2 = Column();
      return text + ", " + a->column2->written;
    }
    a->param = Literal();
    return text + ", " + RenderLiteral(*a->param);
  }

  // DuckDB's rendering of an expression in a column name: every operator in parentheses.
  static std::string RenderLiteral(const LiteralAst& l) {
    switch (l.kind) {
      case LiteralAst::Kind::kNull:
        return "NULL";
      case LiteralAst::Kind::kString: {
        std::string out = "'";
        for (char c : l.text) out += c == '\'' ? std::string("''") : std::string(1, c);
        return out + "'";
      }
      case LiteralAst::Kind::kTimestamp:
        return "CAST('" + l.text + "' AS TIMESTAMP)";
      default:
        return l.text;
    }
  }
  static std::string RenderOperand(const OperandAst& o) {
    return o.is_column ? o.column.written : RenderLiteral(o.literal);
  }
  static std::string Render(const ExprAst& e) {
    static const char* const kOps[] = {"=", "!=", "<", "<=", ">", ">="};
    static const char* const kNegated[] = {"!=", "=", ">=", ">", "<=", "<"};
    const std::string lhs = e.kind <= ExprAst::Kind::kNot ? "" : RenderOperand(e.lhs);
    const std::string neg = e.negated ? "NOT " : "";
    std::string out;
    switch (e.kind) {
      case ExprAst::Kind::kAnd:
      case ExprAst::Kind::kOr:
        for (const ExprAst& c : e.children) {
          out += (out.empty() ? "" : e.kind == ExprAst::Kind::kAnd ? " AND " : " OR ") + Render(c);
        }
        return "(" + out + ")";
      case ExprAst::Kind::kNot: {
        const ExprAst& c = e.children[0];
        if (c.kind != ExprAst::Kind::kCompare) return "(NOT " + Render(c) + ")";
        return "(" + RenderOperand(c.lhs) + " " + kNegated[static_cast<int>(c.op)] + " " +
               RenderOperand(c.args[0]) + ")";  // DuckDB folds NOT into the comparison
      }
      case ExprAst::Kind::kCompare:
        return "(" + lhs + " " + kOps[static_cast<int>(e.op)] + " " + RenderOperand(e.args[0]) +
               ")";
      case ExprAst::Kind::kBetween:
        out = "(" + lhs + " BETWEEN " + RenderOperand(e.args[0]) + " AND " +
              RenderOperand(e.args[1]) + ")";
        return e.negated ? "(NOT " + out + ")" : out;
      case ExprAst::Kind::kIn:
        for (const OperandAst& o : e.args) out += (out.empty() ? "" : ", ") + RenderOperand(o);
        return "(" + lhs + " " + neg + "IN (" + out + "))";
      case ExprAst::Kind::kLike:
        return "(" + lhs + (e.negated ? " !~~ " : " ~~ ") + RenderOperand(e.args[0]) + ")";
      case ExprAst::Kind::kIsNull:
        return "(" + lhs + " IS " + neg + "NULL)";
    }
    return out;
  }

  void SelectList(StatementAst* st) {
    if (Peek().Is("*")) {
      st->star = true;
      st->star_pos = Take().pos;
      return;
    }
    do {
      SelectItemAst item;
      item.pos = Peek().pos;
      if (auto fn = AggregateName(Peek(), Peek(1))) {
        item.is_aggregate = true;
        item.aggregate = Aggregate(*fn);
      } else if (Peek().kind == TokenKind::kIdent && Peek(1).Is("(")) {
        Fail(std::string("unknown function '") + std::string(Peek().raw) +
             "' (supported aggregates: docs/SQL.md)");
      } else if (Peek().Is("*")) {
        Fail("'*' cannot be combined with other select items");
      } else {
        item.column = Column();
      }
      if (Accept("as")) {
        if (!IsName(Peek())) Fail("expected an alias after AS, found " + Describe(Peek()));
        item.alias = std::string(Peek().kind == TokenKind::kQuotedIdent ? Peek().text : Peek().raw);
        ++i_;
      } else if (IsName(Peek())) {
        item.alias = std::string(Peek().kind == TokenKind::kQuotedIdent ? Peek().text : Peek().raw);
        ++i_;
      }
      st->items.push_back(std::move(item));
    } while (Accept(","));
  }

  TermAst Term(bool order) {
    TermAst t;
    t.pos = Peek().pos;
    if (auto fn = AggregateName(Peek(), Peek(1))) {
      t.kind = TermAst::Kind::kAggregate;
      t.aggregate = Aggregate(*fn);
    } else if (Peek().kind == TokenKind::kNumber) {
      t.kind = TermAst::Kind::kOrdinal;
      const std::string& text = Peek().text;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), t.ordinal);
      if (ec != std::errc() || p != text.data() + text.size()) {
        Fail("expected a column position (a positive integer), found " + Describe(Peek()));
      }
      ++i_;
    } else {
      t.column = Column();
    }
    if (!order) return t;
    if (Accept("desc")) {
      t.desc = true;
    } else {
      Accept("asc");
    }
    if (Accept("nulls")) {
      if (Accept("first")) {
        t.nulls_first = true;
      } else if (!Accept("last")) {
        Fail("expected FIRST or LAST after NULLS, found " + Describe(Peek()));
      }
    }
    return t;
  }

  std::uint64_t Limit() {
    const Token& t = Peek();
    if (t.Is("-") && Peek(1).kind == TokenKind::kNumber) {
      throw SqlError("LIMIT must not be negative", t.pos);
    }
    if (t.kind != TokenKind::kNumber) Fail("expected a number after LIMIT, found " + Describe(t));
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec == std::errc::result_out_of_range ||
        (ec == std::errc() && p == t.text.data() + t.text.size() &&
         v > static_cast<std::uint64_t>(INT64_MAX))) {
      throw SqlError("LIMIT " + t.text + " is out of range (at most 9223372036854775807)", t.pos);
    }
    if (ec != std::errc() || p != t.text.data() + t.text.size()) {
      throw SqlError("LIMIT needs a whole number, found " + t.text, t.pos);
    }
    ++i_;
    return v;
  }

  ExprAst Or() {
    ExprAst first = And();
    if (!Peek().Is("or")) return first;
    ExprAst e;
    e.kind = ExprAst::Kind::kOr;
    e.pos = first.pos;
    e.children.push_back(std::move(first));
    while (Accept("or")) e.children.push_back(And());
    return e;
  }

  ExprAst And() {
    ExprAst first = Not();
    if (!Peek().Is("and")) return first;
    ExprAst e;
    e.kind = ExprAst::Kind::kAnd;
    e.pos = first.pos;
    e.children.push_back(std::move(first));
    while (Accept("and")) e.children.push_back(Not());
    return e;
  }

  ExprAst Not() {
    if (++depth_ > kMaxDepth) Fail("expression nested too deeply (more than 200 levels)");
    ExprAst e = NotBody();
    --depth_;
    return e;
  }

  ExprAst NotBody() {
    if (Peek().Is("not")) {
      ExprAst e;
      e.kind = ExprAst::Kind::kNot;
      e.pos = Take().pos;
      e.children.push_back(Not());
      return e;
    }
    if (Peek().Is("(")) {
      ++i_;
      ExprAst inner = Or();
      Expect(")", "expected ')'");
      return inner;
    }
    return Predicate();
  }

  LiteralAst Literal() {
    LiteralAst l;
    const Token& t = Peek();
    l.pos = t.pos;
    if (t.Is("-") || t.Is("+")) {
      const bool minus = t.Is("-");
      ++i_;
      if (Peek().kind != TokenKind::kNumber) Fail("expected a number after a sign");
      l.text = (minus ? "-" : "") + Peek().text;
    } else if (t.kind == TokenKind::kNumber) {
      l.text = t.text;
    } else if (t.kind == TokenKind::kString) {
      l.kind = LiteralAst::Kind::kString;
      l.text = t.text;
      ++i_;
      return l;
    } else if (t.Is("timestamp") && Peek(1).kind == TokenKind::kString) {
      l.kind = LiteralAst::Kind::kTimestamp;
      l.text = Peek(1).text;
      l.pos = Peek(1).pos;
      i_ += 2;
      return l;
    } else if (t.Is("null")) {
      l.kind = LiteralAst::Kind::kNull;
      ++i_;
      return l;
    } else {
      Fail("expected a column or a literal, found " + Describe(t));
    }
    l.kind = l.text.find_first_of(".eE") == std::string::npos ? LiteralAst::Kind::kInteger
                                                              : LiteralAst::Kind::kDecimal;
    ++i_;
    return l;
  }

  OperandAst Operand() {
    OperandAst o;
    if (IsName(Peek()) && !(Peek().Is("timestamp") && Peek(1).kind == TokenKind::kString)) {
      if (Peek(1).Is("(")) Fail("functions are not supported in WHERE");
      o.is_column = true;
      o.column = Column();
    } else {
      o.literal = Literal();
    }
    return o;
  }

  static std::optional<CmpOp> Comparison(const Token& t) {
    if (t.kind != TokenKind::kSymbol) return std::nullopt;
    if (t.text == "=") return CmpOp::kEq;
    if (t.text == "<>") return CmpOp::kNe;
    if (t.text == "<") return CmpOp::kLt;
    if (t.text == "<=") return CmpOp::kLe;
    if (t.text == ">") return CmpOp::kGt;
    if (t.text == ">=") return CmpOp::kGe;
    return std::nullopt;
  }

  ExprAst Predicate() {
    ExprAst e;
    e.lhs = Operand();
    e.pos = Peek().pos;
    if (auto op = Comparison(Peek())) {
      ++i_;
      e.kind = ExprAst::Kind::kCompare;
      e.op = *op;
      e.args.push_back(Operand());
      return e;
    }
    if (Accept("is")) {
      e.kind = ExprAst::Kind::kIsNull;
      e.negated = Accept("not");
      Expect("null", "expected NULL after IS");
      return e;
    }
    e.negated = Accept("not");
    if (Accept("between")) {
      e.kind = ExprAst::Kind::kBetween;
      e.args.push_back(Operand());
      Expect("and", "expected AND in BETWEEN");
      e.args.push_back(Operand());
    } else if (Accept("in")) {
      e.kind = ExprAst::Kind::kIn;
      Expect("(", "expected '(' after IN");
      do e.args.push_back(Operand());
      while (Accept(","));
      Expect(")", "expected ')' to close the IN list");
    } else if (Accept("like")) {
      e.kind = ExprAst::Kind::kLike;
      e.args.push_back(Operand());
    } else {
      Fail("expected a comparison, BETWEEN, IN, LIKE or IS after the operand, found " +
           Describe(Peek()));
    }
    return e;
  }

  static constexpr int kMaxDepth = 200;
  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

StatementAst ParseStatement(std::string_view sql) { return Parser(sql).Statement(); }

}  // namespace plume::engine
