// Recursive-descent parser of the SQL subset (grammar in docs/SQL.md). Operator precedence as
// DuckDB (PostgreSQL): OR < AND < NOT < IS < comparison < BETWEEN/IN/LIKE < || < + - < * / // %
// < unary minus < :: .
#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "engine/query.h"
#include "engine/schema.h"
#include "engine/sql_ast.h"
#include "engine/sql_lexer.h"
#include "engine/suggest.h"

namespace plume::engine {
namespace {

// Words that cannot stand as a column name or an alias without AS (DuckDB's reserved keywords
// that this subset meets). `first`, `last`, `nulls` and the like are not: `AS first` is fine.
const std::set<std::string, std::less<>>& Reserved() {
  static const std::set<std::string, std::less<>> kWords = {
      "select", "from", "where", "group", "order",    "limit",   "and",    "or",     "not",
      "in",     "is",   "null",  "as",    "asc",      "desc",    "having", "case",   "when",
      "then",   "else", "end",   "cast",  "distinct", "offset",  "union",  "true",   "false",
      "all",    "join", "on",    "like",  "ilike",    "between", "using",  "window", "qualify"};
  return kWords;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ExprAst Op(std::string op, std::size_t pos, std::vector<ExprAst> args) {
  ExprAst e;
  e.kind = ExprAst::Kind::kOp;
  e.op = std::move(op);
  e.pos = pos;
  e.args = std::move(args);
  return e;
}

class Parser {
 public:
  explicit Parser(std::string_view sql) : tokens_(Tokenize(sql)) {}

  StatementAst Statement() {
    const bool explain = Accept("explain");
    StatementAst st = Select();
    st.explain = explain;
    Accept(";");
    if (Peek().kind != TokenKind::kEnd) Trailing();
    return st;
  }

 private:
  // [WITH name AS (SELECT ...), ...] SELECT ... : a whole statement or a subquery's body.
  StatementAst Select() {
    StatementAst st;
    const std::size_t visible = ctes_.size();
    const std::size_t refs = window_refs_.size();  // this SELECT's OVER name / OVER (name ...)
    if (Accept("with")) With(&st);
    if (!Peek().Is("select")) NotASelect();
    Expect("select", st.with.empty() ? "a statement must start with SELECT or WITH"
                                     : "expected SELECT after the WITH clause");
    st.distinct = Accept("distinct");
    if (st.distinct && Peek().Is("on")) Unsupported("DISTINCT ON");
    if (!st.distinct) Accept("all");
    SelectList(&st);
    if (Accept("from")) {
      Table(&st);
    } else if (EndsSelectList(Peek())) {
      st.no_from = true;  // DuckDB's SELECT 1 + 1: one row of constants
      st.table.clear();
      st.table_pos = Peek().pos;
    } else {
      UnsupportedInSelect(Peek());
      Fail("expected FROM after the select list, found " + Describe(Peek()));
    }
    if (Accept("where")) st.where = Expr();
    GroupBy(&st);
    if (Accept("having")) st.having = Expr();
    std::vector<NamedWindow> named;
    if (Accept("window")) NamedWindows(&named);
    if (Accept("qualify")) st.qualify = Expr();
    if (Accept("order")) {
      Expect("by", "expected BY after ORDER");
      if (Peek().Is("all")) Unsupported("ORDER BY ALL (name the columns)");
      do st.order_by.push_back(OrderTerm());
      while (Accept(","));
    }
    LimitOffset(&st);
    if (Peek().Is("window")) {
      Fail(
          "the WINDOW clause is out of order (... HAVING ... WINDOW ... QUALIFY ... ORDER BY ...)");
    }
    for (std::size_t k = refs; k < window_refs_.size(); ++k) Resolve(named, window_refs_[k].get());
    window_refs_.resize(refs);
    ctes_.resize(visible);  // a statement's CTEs are not visible after it
    return st;
  }

  struct NamedWindow {
    std::string name;
    std::shared_ptr<WindowAst> window;
    bool derived = false;  // written as (other_name ...)
  };

  // WINDOW name AS (spec) {, name AS (spec)}: a spec may build on another name of the clause,
  // before or after it, as DuckDB's (one that builds on another itself cannot be built on).
  void NamedWindows(std::vector<NamedWindow>* named) {
    do {
      const Token& t = Peek();
      if (!IsName(t)) Fail("expected a window name after WINDOW, found " + Describe(t));
      const std::string name = Lower(t.text);
      for (const NamedWindow& w : *named) {
        if (w.name == name) throw SqlError("window \"" + name + "\" is already defined", t.pos);
      }
      ++i_;
      Expect("as", "expected AS after the window name");
      Expect("(", "expected '(' after AS in the WINDOW clause");
      auto w = std::make_shared<WindowAst>(Window());
      const bool derived = !w->base.empty();
      named->push_back({name, std::move(w), derived});
    } while (Accept(","));
    // Built only on windows that build on none, so the order of resolving does not matter.
    for (NamedWindow& w : *named) Resolve(*named, w.window.get());
  }

  // A window that names another (`OVER w`, `OVER (w ORDER BY ...)`): the named one's clauses,
  // then its own, which may only add what the named one lacks (DuckDB's rules and messages).
  static void Resolve(const std::vector<NamedWindow>& named, WindowAst* w) {
    if (w->base.empty()) return;
    const NamedWindow* found = nullptr;
    for (const NamedWindow& n : named) {
      if (n.name == w->base) found = &n;
    }
    if (found == nullptr) {
      throw SqlError("window \"" + w->base + "\" does not exist", w->base_pos);
    }
    const WindowAst* base = found->window.get();
    const std::string quoted = "window \"" + w->base + "\"";
    // DuckDB's OVER (v ...) takes only v's own clauses when v builds on another window (v AS
    // (w ORDER BY x) loses w's PARTITION BY there, not under OVER v): rejected, not guessed.
    if (w->copy && found->derived) {
      throw SqlError("unsupported: building on " + quoted +
                         ", which builds on another named window (DuckDB then drops what it "
                         "took from that one; write its clauses out, or use OVER " +
                         w->base + ")",
                     w->base_pos);
    }
    if (w->copy) {
      if (base->has_frame) {
        throw SqlError("cannot copy " + quoted + " because it has a frame clause", w->base_pos);
      }
      if (!w->partition.empty() && !base->partition.empty()) {
        throw SqlError("Cannot override PARTITION BY clause of " + quoted, w->base_pos);
      }
      if (!w->order.empty() && !base->order.empty()) {
        throw SqlError("Cannot override ORDER BY clause of " + quoted, w->base_pos);
      }
    }
    if (w->partition.empty()) w->partition = base->partition;
    if (w->order.empty()) w->order = base->order;
    if (!w->has_frame) {
      w->has_frame = base->has_frame;
      w->rows = base->rows;
      w->groups = base->groups;
      w->start = base->start;
      w->end = base->end;
      w->exclude = base->exclude;
    }
    w->base.clear();
  }

  // What may follow a select list without FROM: the end, a closing ')' or a later clause.
  static bool EndsSelectList(const Token& t) {
    if (t.kind == TokenKind::kEnd) return true;
    for (std::string_view w : {";", ")", "where", "group", "having", "window", "qualify", "order",
                               "limit", "offset", "union", "except", "intersect"}) {
      if (t.Is(w)) return true;
    }
    return false;
  }

  void With(StatementAst* st) {
    if (Peek().Is("recursive")) Fail("unsupported: WITH RECURSIVE");
    do {
      const Token& t = Peek();
      if (!IsName(t)) Fail("expected a CTE name after WITH, found " + Describe(t));
      CteAst cte{Lower(t.text), t.pos, nullptr};
      ++i_;
      if (Peek().Is("(")) Fail("unsupported: column names after a CTE's name (use aliases)");
      Expect("as", "expected AS after the CTE name");
      if (Peek().Is("materialized") || Peek().Is("not")) Fail("unsupported: [NOT] MATERIALIZED");
      Expect("(", "expected '(' before the CTE's SELECT");
      Enter();
      cte.body = std::make_shared<const StatementAst>(Select());
      --depth_;
      Expect(")", "expected ')' after the CTE's SELECT");
      for (const CteAst& c : st->with) {
        if (c.name == cte.name) throw SqlError("duplicate CTE name '" + cte.name + "'", cte.pos);
      }
      ctes_.push_back(cte.name);
      st->with.push_back(std::move(cte));
    } while (Accept(","));
  }

  // (SELECT ...) after its '(' was taken: the subquery and its closing ')'.
  std::shared_ptr<const StatementAst> Subquery() {
    Enter();
    auto sub = std::make_shared<const StatementAst>(Select());
    --depth_;
    Expect(")", "expected ')' after the subquery");
    return sub;
  }

  // A scalar or IN subquery node, from its '(' (taken) to its ')'. Its name is its text as
  // DuckDB prints it: keywords upper-cased, one space between words.
  ExprAst SubqueryNode(std::size_t pos) {
    ExprAst e;
    e.kind = ExprAst::Kind::kSubquery;
    e.pos = pos;
    const std::size_t first = i_;
    e.subquery = Subquery();
    e.op = TokensText(first, i_ - 1);
    return e;
  }

  std::string TokensText(std::size_t begin, std::size_t end) const {
    std::string out;
    for (std::size_t k = begin; k < end; ++k) {
      const Token& t = tokens_[k];
      const bool tight = k == begin || t.Is(")") || t.Is(",") || t.Is(".") ||
                         tokens_[k - 1].Is("(") || tokens_[k - 1].Is(".") ||
                         (t.Is("(") && tokens_[k - 1].kind == TokenKind::kIdent &&
                          !Reserved().contains(tokens_[k - 1].text));
      if (!tight) out += ' ';
      if (t.kind == TokenKind::kIdent && Reserved().contains(t.text)) {
        for (char c : t.raw) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else {
        out += t.raw;
      }
    }
    return out;
  }
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
  [[noreturn]] void Fail(const std::string& message) const {
    throw SqlError(message + KeywordHint(), Peek().pos);
  }
  // A misspelt keyword where the parse failed: the word at the error (`SELEC 1`, `ORDER BY aqi
  // DSC`), or the word before it, which a misspelling turns into an alias (`FROM measurements
  // WHER aqi > 1`: 'WHER' names the table, then 'aqi' is unexpected).
  std::string KeywordHint() const {
    const Token& here = Peek();
    if (here.kind == TokenKind::kIdent) {
      const std::string k = MisspeltKeyword(here.raw);
      if (!k.empty()) return " (did you mean '" + k + "'?)";
    }
    if (i_ == 0 || i_ > tokens_.size()) return "";
    const Token& before = tokens_[i_ - 1];
    if (before.kind != TokenKind::kIdent || Reserved().contains(before.text)) return "";
    const std::string k = MisspeltKeyword(before.raw);
    return k.empty() ? ""
                     : " (did you mean '" + k + "' instead of '" + std::string(before.raw) + "'?)";
  }
  static std::string Describe(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "end of statement";
    std::string out = t.kind == TokenKind::kString ? "string '" : "'";
    out.append(t.kind == TokenKind::kString ? std::string_view(t.text) : t.raw).append("'");
    return out;
  }
  static bool IsName(const Token& t) {
    return t.kind == TokenKind::kQuotedIdent ||
           (t.kind == TokenKind::kIdent && !Reserved().contains(t.text));
  }
  // An identifier as DuckDB names it in a result column: as written, without its quotes.
  static std::string Spelling(const Token& t) {
    return t.kind == TokenKind::kQuotedIdent ? t.text : std::string(t.raw);
  }

  // What follows a complete statement: name the construct when we know it.
  [[noreturn]] void Trailing() {
    const Token& t = Peek();
    if (tokens_[i_ - 1].Is(";")) Fail("only one statement is allowed");
    UnsupportedInSelect(t);
    for (std::string_view w : {"join", "union", "using", "on"}) {
      if (t.Is(w)) Fail("unsupported: " + Lower(std::string(t.raw)) + " (one table, one SELECT)");
    }
    if (t.Is("where") || t.Is("group") || t.Is("having") || t.Is("order") || t.Is("limit") ||
        t.Is("offset")) {
      Fail("clause " + Describe(t) +
           " is out of order (SELECT ... FROM ... WHERE ... GROUP BY "
           "... HAVING ... ORDER BY ... LIMIT ... OFFSET ...)");
    }
    Fail("unexpected " + Describe(t));
  }

  void Table(StatementAst* st) {
    const Token& t = Peek();
    st->table_pos = t.pos;
    if (Accept("(")) {
      if (!Peek().Is("select") && !Peek().Is("with")) {
        Fail("expected SELECT in a subquery in FROM, found " + Describe(Peek()));
      }
      st->from_subquery = Subquery();
      st->table = "unnamed_subquery";  // DuckDB's name for a subquery without an alias
    } else {
      if (!IsName(t)) Fail("expected a table name, found " + Describe(t));
      if (Peek(1).Is("(")) {
        Unsupported("table functions (" + Lower(std::string(t.raw)) +
                    "(...)); the only table is measurements");
      }
      st->table = Lower(t.text);
      if (st->table != kTableName &&
          std::find(ctes_.begin(), ctes_.end(), st->table) == ctes_.end()) {
        UnknownTable(t, ctes_);
      }
      ++i_;
    }
    AfterTable();
    if (Accept("as")) {
      if (Peek().kind != TokenKind::kIdent && Peek().kind != TokenKind::kQuotedIdent) {
        Fail("expected a table alias after AS, found " + Describe(Peek()));
      }
      st->table_alias = Lower(Take().text);
    } else if (IsName(Peek()) && !ConstructWord(Peek())) {
      st->table_alias = Lower(Take().text);
    }
    if (st->table_alias && Peek().Is("(")) Unsupported("column aliases after a table alias");
    AfterTable();
  }

  // Joins, set operations and the other ways DuckDB goes past one table, named (issue 10).
  static bool JoinWord(const Token& t) {
    for (std::string_view w : {"join", "left", "right", "full", "inner", "outer", "cross",
                               "natural", "positional", "asof", "anti", "semi", "lateral"}) {
      if (t.Is(w)) return true;
    }
    return false;
  }
  // Words that start a construct plume lacks: never an alias without AS, so they are named.
  static bool ConstructWord(const Token& t) {
    for (std::string_view w : {"except", "intersect", "exclude", "replace", "rename", "collate",
                               "similar", "glob", "fetch", "pivot", "unpivot", "tablesample"}) {
      if (t.Is(w)) return true;
    }
    return JoinWord(t);
  }
  void AfterTable() {
    const Token& t = Peek();
    if (t.Is(",")) {
      if (Peek(1).Is("lateral")) Unsupported("LATERAL");
      Unsupported("more than one table in FROM (a join); the only table is measurements");
    }
    if (JoinWord(t)) Unsupported("JOIN (one table: measurements)");
    if (t.Is("pivot") || t.Is("unpivot")) Unsupported(Upper(t.raw));
    if (t.Is("tablesample") || (t.Is("using") && Peek(1).Is("sample"))) {
      Unsupported("TABLESAMPLE / USING SAMPLE");
    }
  }
  [[noreturn]] void Unsupported(const std::string& what) const { Fail("unsupported: " + what); }
  static std::string Upper(std::string_view raw) {
    std::string out;
    for (char c : raw) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  // A statement that is not a SELECT: what DuckDB would do with it, named.
  void NotASelect() const {
    const Token& t = Peek();
    for (std::string_view w : {"insert", "update", "delete", "create", "drop", "alter", "copy",
                               "attach", "install", "load", "set", "pragma", "export", "import"}) {
      if (t.Is(w)) Unsupported(Upper(t.raw) + " (plume answers SELECT statements only)");
    }
    if (t.Is("from")) Unsupported("FROM-first statements (write SELECT ... FROM measurements)");
    if (t.Is("values")) Unsupported("VALUES lists");
    if (t.Is("pivot") || t.Is("unpivot")) Unsupported(Upper(t.raw));
    if (t.Is("(")) Unsupported("a parenthesized statement (write the SELECT without parentheses)");
  }
  // Where a select list, an expression or a clause may end: DuckDB constructs that plume lacks.
  void UnsupportedInSelect(const Token& t) const {
    if (t.Is("union") || t.Is("except") || t.Is("intersect")) {
      Unsupported(Upper(t.raw) + " (set operations)");
    }
    if (JoinWord(t)) Unsupported("JOIN (one table: measurements)");
    if (t.Is("exclude") || t.Is("replace") || t.Is("rename")) Unsupported("* " + Upper(t.raw));
    if (t.Is("collate")) Unsupported("COLLATE");
    if (t.Is("similar")) Unsupported("SIMILAR TO (use regexp_matches)");
    if (t.Is("glob")) Unsupported("GLOB (use LIKE)");
    if (t.Is("fetch")) Unsupported("FETCH FIRST (use LIMIT)");
    if (t.Is("using")) Unsupported("ORDER BY ... USING");
    if (t.kind == TokenKind::kString && i_ > 0 && tokens_[i_ - 1].kind == TokenKind::kIdent &&
        (tokens_[i_ - 1].text == "e" || tokens_[i_ - 1].text == "x") &&
        tokens_[i_ - 1].pos + 1 == t.pos) {
      Unsupported("escape and blob string literals (" + std::string(tokens_[i_ - 1].raw) +
                  "'...')");
    }
  }

  [[noreturn]] static void UnknownTable(const Token& t, const std::vector<std::string>& ctes);

  void GroupBy(StatementAst* st) {
    if (!Accept("group")) return;
    st->group_pos = tokens_[i_ - 1].pos;
    Expect("by", "expected BY after GROUP");
    if (Accept("all")) {
      st->group_all = true;
      return;
    }
    if (Peek().Is("rollup") || Peek().Is("cube") || (Peek().Is("grouping") && Peek(1).Is("sets"))) {
      Unsupported(Peek().Is("grouping") ? std::string("GROUPING SETS") : Upper(Peek().raw));
    }
    do st->group_by.push_back(Expr());
    while (Accept(","));
  }

  void LimitOffset(StatementAst* st) {
    if (Peek().Is("limit") && Peek(2).Is("%")) {
      ++i_;
      Unsupported("LIMIT with a percentage");
    }
    for (int k = 0; k < 2; ++k) {
      if (!st->limit && Accept("limit")) {
        st->limit = Expr();
      } else if (!st->offset && Accept("offset")) {
        st->offset = Expr();
      }
    }
  }

  std::optional<std::string> Alias() {
    if (Accept("as")) {
      const Token& t = Peek();
      if (t.kind != TokenKind::kIdent && t.kind != TokenKind::kQuotedIdent) {
        Fail("expected an alias after AS, found " + Describe(t));
      }
      ++i_;
      return Spelling(t);
    }
    if (IsName(Peek()) && !ConstructWord(Peek())) return Spelling(Take());
    return std::nullopt;
  }

  void SelectList(StatementAst* st) {
    do {
      SelectItemAst item;
      item.pos = Peek().pos;
      if (Peek().Is("*")) {
        item.star = true;
        ++i_;
      } else if (IsName(Peek()) && Peek(1).Is(".") && Peek(2).Is("*")) {
        item.star = true;
        item.expr.column.qualifier = Lower(Peek().text);
        item.expr.column.pos = Peek().pos;
        i_ += 3;
      } else {
        item.expr = Expr();
        item.alias = Alias();
      }
      st->items.push_back(std::move(item));
    } while (Accept(","));
  }

  OrderAst OrderTerm() {
    OrderAst t;
    t.expr = Expr();
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

  void Enter() {
    if (++depth_ > kMaxDepth) Fail("expression nested too deeply (more than 200 levels)");
  }

  ExprAst Expr() { return Or(); }

  ExprAst Or() {
    ExprAst e = And();
    while (Peek().Is("or")) {
      const std::size_t pos = Take().pos;
      e = Op("or", pos, {std::move(e), And()});
    }
    return e;
  }

  ExprAst And() {
    ExprAst e = Not();
    while (Peek().Is("and")) {
      const std::size_t pos = Take().pos;
      e = Op("and", pos, {std::move(e), Not()});
    }
    return e;
  }

  ExprAst Not() {
    if (!Peek().Is("not")) return Predicate();
    const std::size_t pos = Take().pos;
    Enter();
    ExprAst inner = Not();
    --depth_;
    return Op("not", pos, {std::move(inner)});
  }

  static std::optional<std::string> Comparison(const Token& t) {
    if (t.kind != TokenKind::kSymbol) return std::nullopt;
    for (std::string_view op : {"=", "<>", "<", "<=", ">", ">="}) {
      if (t.text == op) return std::string(op);
    }
    return std::nullopt;
  }

  ExprAst Predicate() {
    ExprAst e = Concat();
    while (true) {
      const std::size_t pos = Peek().pos;
      if (auto op = Comparison(Peek())) {
        ++i_;
        e = Op(*op, pos, {std::move(e), Concat()});
      } else if (Accept("is")) {
        e = IsTail(std::move(e), pos);
      } else if (Peek().Is("between") || Peek().Is("in") || Peek().Is("like") ||
                 Peek().Is("ilike") || (Peek().Is("not") && !Peek(1).Is("null"))) {
        if (Peek().Is("not") && !(Peek(1).Is("between") || Peek(1).Is("in") || Peek(1).Is("like") ||
                                  Peek(1).Is("ilike"))) {
          return e;
        }
        e = RangeTail(std::move(e));
      } else {
        return e;
      }
    }
  }

  ExprAst IsTail(ExprAst lhs, std::size_t pos) {
    const bool negated = Accept("not");
    if (Accept("null")) {
      ExprAst e;
      e.kind = ExprAst::Kind::kIsNull;
      e.negated = negated;
      e.pos = pos;
      e.args.push_back(std::move(lhs));
      return e;
    }
    if (Accept("distinct")) {
      Expect("from", "expected FROM after IS DISTINCT");
      return Op(negated ? "is not distinct" : "is distinct", pos, {std::move(lhs), Concat()});
    }
    if (Peek().Is("true") || Peek().Is("false")) {  // x IS [NOT] TRUE
      ExprAst lit;
      lit.kind = ExprAst::Kind::kLiteral;
      lit.literal = Literal();
      return Op(negated ? "is distinct" : "is not distinct", pos, {std::move(lhs), lit});
    }
    Fail("expected NULL, DISTINCT FROM, TRUE or FALSE after IS, found " + Describe(Peek()));
  }

  ExprAst RangeTail(ExprAst lhs) {
    ExprAst e;
    e.negated = Accept("not");
    e.pos = Peek().pos;
    e.args.push_back(std::move(lhs));
    if (Accept("between")) {
      e.kind = ExprAst::Kind::kBetween;
      e.args.push_back(Concat());
      Expect("and", "expected AND in BETWEEN");
      e.args.push_back(Concat());
    } else if (Accept("in")) {
      e.kind = ExprAst::Kind::kIn;
      Expect("(", "expected '(' after IN");
      if (Peek().Is("select") || Peek().Is("with")) {
        e.args.push_back(SubqueryNode(Peek().pos));
        return e;
      }
      if (Peek().Is(")")) Fail("expected a column or a literal, found " + Describe(Peek()));
      do e.args.push_back(Expr());
      while (Accept(","));
      Expect(")", "expected ')' to close the IN list");
    } else {
      e.kind = ExprAst::Kind::kLike;
      e.ilike = Take().Is("ilike");
      e.args.push_back(Concat());
      if (Peek().Is("escape")) Fail("unsupported: LIKE ... ESCAPE");
    }
    return e;
  }

  ExprAst Concat() {
    ExprAst e = Additive();
    while (Peek().Is("||")) {
      const std::size_t pos = Take().pos;
      e = Op("||", pos, {std::move(e), Additive()});
    }
    return e;
  }

  ExprAst Additive() {
    ExprAst e = Multiplicative();
    while (Peek().Is("+") || Peek().Is("-")) {
      const Token& t = Take();
      e = Op(t.text, t.pos, {std::move(e), Multiplicative()});
    }
    return e;
  }

  ExprAst Multiplicative() {
    ExprAst e = Unary();
    while (Peek().Is("*") || Peek().Is("/") || Peek().Is("//") || Peek().Is("%")) {
      const Token& t = Take();
      e = Op(t.text, t.pos, {std::move(e), Unary()});
    }
    return e;
  }

  ExprAst Unary() {
    if (Peek().Is("-") || Peek().Is("+")) {
      const Token& sign = Take();
      // A signed number is one literal (so -9223372036854775808 is a BIGINT).
      if (Peek().kind == TokenKind::kNumber && !Peek(1).Is("::")) {
        ExprAst lit;
        lit.kind = ExprAst::Kind::kLiteral;
        lit.literal = Literal();
        lit.pos = sign.pos;
        lit.literal.pos = sign.pos;
        if (sign.Is("-")) lit.literal.text.insert(0, "-");
        return lit;
      }
      Enter();
      ExprAst inner = Unary();
      --depth_;
      const LiteralAst::Kind k = inner.literal.kind;
      const bool number = inner.kind == ExprAst::Kind::kLiteral &&
                          (k == LiteralAst::Kind::kInteger || k == LiteralAst::Kind::kDecimal ||
                           k == LiteralAst::Kind::kDouble);
      if (sign.Is("+")) return number ? inner : Op("pos", sign.pos, {std::move(inner)});
      if (number) {  // -(7) is the literal -7, as DuckDB folds it
        std::string& text = inner.literal.text;
        text = text[0] == '-' ? text.substr(1) : "-" + text;
        inner.pos = inner.literal.pos = sign.pos;
        return inner;
      }
      return Op("neg", sign.pos, {std::move(inner)});
    }
    return Postfix();
  }

  ExprAst Postfix() {
    ExprAst e = Primary();
    while (Peek().Is("::")) {
      const std::size_t pos = Take().pos;
      ExprAst c;
      c.kind = ExprAst::Kind::kCast;
      c.pos = pos;
      c.op = TypeName();
      c.args.push_back(std::move(e));
      e = std::move(c);
    }
    return e;
  }

  std::string TypeName() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdent) Fail("expected a type name, found " + Describe(t));
    std::string name = t.text;
    ++i_;
    if (name == "double" && Accept("precision")) name = "double";
    if (Accept("(")) {  // DECIMAL(p, s), VARCHAR(n): kept in the name, "decimal(5,2)"
      name += "(";
      do {
        if (Peek().kind != TokenKind::kNumber) Fail("expected a number in the type's parameters");
        name += (name.back() == '(' ? "" : ",") + Peek().text;
        ++i_;
      } while (Accept(","));
      Expect(")", "expected ')' after the type's parameters");
      name += ")";
    }
    return name;
  }

  ExprAst Primary() {
    const Token& t = Peek();
    if (t.Is("(")) {
      ++i_;
      if (Peek().Is("select") || Peek().Is("with")) return SubqueryNode(t.pos);
      Enter();
      ExprAst inner = Expr();
      --depth_;
      Expect(")", "expected ')'");
      return inner;
    }
    if (t.Is("exists") && Peek(1).Is("(")) Unsupported("EXISTS (write x IN (SELECT ...))");
    if ((t.Is("any") || t.Is("all") || t.Is("some")) && Peek(1).Is("(")) {
      Unsupported(Upper(t.raw) + " (subquery) comparisons (write x IN (SELECT ...))");
    }
    if (t.Is("columns") && Peek(1).Is("(")) Unsupported("COLUMNS(...) expressions");
    if ((t.Is("struct_pack") || t.Is("row") || t.Is("map")) && Peek(1).Is("(")) {
      Unsupported(Upper(t.raw) + "(...) (STRUCT and MAP values)");
    }
    if (t.Is("case")) return Case();
    if (t.Is("cast") && Peek(1).Is("(")) return CastCall();
    if (t.Is("extract") && Peek(1).Is("(")) return Extract();
    if (t.Is("interval")) return Interval();
    if (t.kind == TokenKind::kIdent && Peek(1).Is("(")) return Function();
    if (t.Is("*")) Fail("'*' cannot be combined with other select items");
    if (IsName(t) && !(TypedString(t) && Peek(1).kind == TokenKind::kString)) return Column();
    ExprAst e;
    e.kind = ExprAst::Kind::kLiteral;
    e.pos = t.pos;
    e.literal = Literal();
    return e;
  }

  static bool TypedString(const Token& t) { return t.Is("timestamp") || t.Is("date"); }

  ExprAst Column() {
    const Token& t = Take();
    ExprAst e;
    e.kind = ExprAst::Kind::kColumn;
    e.pos = t.pos;
    e.column = ColumnAst{Lower(t.text), Spelling(t), "", t.pos, t.kind == TokenKind::kQuotedIdent,
                         Spelling(t)};
    if (Peek().Is(".")) {
      ++i_;
      const Token& n = Peek();
      if (!IsName(n) && n.kind != TokenKind::kIdent) {
        Fail("expected a column name after '.', found " + Describe(n));
      }
      e.column.qualifier = e.column.name;
      e.column.name = Lower(n.text);
      e.column.written += '.';
      e.column.written += Spelling(n);
      e.column.spelled = Spelling(n);
      e.column.quoted = n.kind == TokenKind::kQuotedIdent;
      ++i_;
    }
    return e;
  }

  LiteralAst Literal() {
    LiteralAst l;
    const Token& t = Peek();
    l.pos = t.pos;
    if (t.kind == TokenKind::kNumber) {
      l.text = t.text;
      l.kind = t.text.find_first_of("eE") != std::string::npos ? LiteralAst::Kind::kDouble
               : t.text.find('.') != std::string::npos         ? LiteralAst::Kind::kDecimal
                                                               : LiteralAst::Kind::kInteger;
    } else if (t.kind == TokenKind::kString) {
      l.kind = LiteralAst::Kind::kString;
      l.text = t.text;
    } else if (TypedString(t) && Peek(1).kind == TokenKind::kString) {
      l.kind = t.Is("date") ? LiteralAst::Kind::kDate : LiteralAst::Kind::kTimestamp;
      l.text = Peek(1).text;
      l.pos = Peek(1).pos;
      ++i_;
    } else if (t.Is("null")) {
      l.kind = LiteralAst::Kind::kNull;
    } else if (t.Is("true") || t.Is("false")) {
      l.kind = LiteralAst::Kind::kBool;
      l.text = t.text;
    } else {
      Fail("expected a column or a literal, found " + Describe(t));
    }
    ++i_;
    return l;
  }

  ExprAst Case() {
    ExprAst e;
    e.kind = ExprAst::Kind::kCase;
    e.pos = Take().pos;
    if (!Peek().Is("when")) {
      e.has_operand = true;
      e.args.push_back(Expr());
    }
    if (!Peek().Is("when")) Fail("expected WHEN in CASE, found " + Describe(Peek()));
    while (Accept("when")) {
      e.args.push_back(Expr());
      Expect("then", "expected THEN after the WHEN condition");
      e.args.push_back(Expr());
    }
    if (Accept("else")) {
      e.has_else = true;
      e.args.push_back(Expr());
    }
    Expect("end", "expected END to close CASE");
    return e;
  }

  ExprAst CastCall() {
    ExprAst e;
    e.kind = ExprAst::Kind::kCast;
    e.pos = Take().pos;
    Take();  // (
    e.args.push_back(Expr());
    Expect("as", "expected AS in CAST");
    e.op = TypeName();
    Expect(")", "expected ')' to close CAST");
    return e;
  }

  ExprAst Extract() {
    ExprAst e;
    e.kind = ExprAst::Kind::kFunction;
    e.op = "date_part";
    e.from_extract = true;
    e.pos = Take().pos;
    Take();  // (
    const Token& part = Peek();
    if (part.kind != TokenKind::kIdent && part.kind != TokenKind::kString) {
      Fail("expected a date part (year, month, day, hour, ...) in EXTRACT, found " +
           Describe(part));
    }
    ExprAst name;
    name.kind = ExprAst::Kind::kLiteral;
    name.pos = part.pos;
    name.literal = LiteralAst{LiteralAst::Kind::kString, Lower(part.text), part.pos};
    ++i_;
    Expect("from", "expected FROM in EXTRACT");
    e.args.push_back(std::move(name));
    e.args.push_back(Expr());
    Expect(")", "expected ')' to close EXTRACT");
    return e;
  }

  ExprAst Interval() {
    ExprAst e;
    e.kind = ExprAst::Kind::kInterval;
    e.pos = Take().pos;
    ExprAst n;
    n.kind = ExprAst::Kind::kLiteral;
    n.pos = Peek().pos;
    if (Peek().kind == TokenKind::kString) {  // INTERVAL '7 hours' / INTERVAL '7' HOUR
      std::string text = Peek().text;
      ++i_;
      const std::size_t space = text.find(' ');
      n.literal = LiteralAst{LiteralAst::Kind::kString, text.substr(0, space), n.pos};
      if (space != std::string::npos) {
        e.op = Lower(text.substr(space + 1));
        e.args.push_back(std::move(n));
        return e;
      }
    } else if (Peek().kind == TokenKind::kNumber || Peek().Is("-")) {
      n = Unary();
    } else {
      n = Primary();
    }
    const Token& unit = Peek();
    if (unit.kind != TokenKind::kIdent) Fail("expected an interval unit (HOUR, DAY, ...)");
    e.op = unit.text;
    ++i_;
    e.args.push_back(std::move(n));
    return e;
  }

  ExprAst Function() {
    ExprAst e;
    e.kind = ExprAst::Kind::kFunction;
    e.pos = Peek().pos;
    e.op = Take().text;
    Take();  // (
    e.distinct = Accept("distinct");
    if (!e.distinct) Accept("all");
    if (!Peek().Is(")")) {
      do {
        if (Peek().Is("*")) {
          ExprAst star;
          star.kind = ExprAst::Kind::kStar;
          star.pos = Take().pos;
          e.args.push_back(std::move(star));
        } else {
          e.args.push_back(Expr());
        }
      } while (Accept(","));
    }
    std::size_t nulls_pos = 0;
    if ((Peek().Is("ignore") || Peek().Is("respect")) && Peek(1).Is("nulls")) {
      nulls_pos = Peek().pos;
      e.ignore_nulls = Take().Is("ignore");
      e.nulls_clause = true;
      Take();
    }
    if (Peek().Is("order")) Fail("unsupported: ORDER BY inside an aggregate call");
    Expect(")", "expected ')' to close " + e.op + "(");
    if (Accept("filter")) {
      Expect("(", "expected '(' after FILTER");
      Accept("where");  // DuckDB also takes FILTER (cond)
      e.filter.push_back(Expr());
      Expect(")", "expected ')' to close FILTER (WHERE ...)");
    }
    if (Accept("over")) {
      std::shared_ptr<WindowAst> w;
      if (Accept("(")) {
        w = std::make_shared<WindowAst>(Window());
      } else if (IsName(Peek())) {  // OVER name: the WINDOW clause's, resolved after it
        w = std::make_shared<WindowAst>();
        w->base = Lower(Peek().text);
        w->base_pos = Take().pos;
      } else {
        Fail("expected '(' or a window name after OVER, found " + Describe(Peek()));
      }
      if (!w->base.empty()) window_refs_.push_back(w);
      e.window = w;
    } else if (nulls_pos != 0) {
      throw SqlError("RESPECT/IGNORE NULLS is not supported for non-window functions", nulls_pos);
    }
    return e;
  }

  // After OVER's '(': [PARTITION BY ...] [ORDER BY ...] [frame] ')'.
  WindowAst Window() {
    WindowAst w;
    const Token& t = Peek();
    const bool clause =
        t.Is("partition") || t.Is("order") || t.Is("rows") || t.Is("range") || t.Is("groups");
    if (IsName(t) && !clause) {  // OVER (name ...): builds on a named window
      w.base = Lower(t.text);
      w.base_pos = Take().pos;
      w.copy = true;
    }
    if (Accept("partition")) {
      Expect("by", "expected BY after PARTITION");
      do w.partition.push_back(Expr());
      while (Accept(","));
    }
    if (Accept("order")) {
      Expect("by", "expected BY after ORDER");
      do w.order.push_back(OrderTerm());
      while (Accept(","));
    }
    if (Peek().Is("rows") || Peek().Is("range") || Peek().Is("groups")) {
      w.has_frame = true;
      const Token& unit = Take();
      w.rows = unit.Is("rows");
      w.groups = unit.Is("groups");
      Frame(&w);
    }
    Expect(")", "expected ')' to close OVER (");
    return w;
  }

  // A frame's bounds after ROWS, RANGE or GROUPS, then [EXCLUDE ...]; DuckDB's errors for the
  // bounds that cannot frame anything.
  void Frame(WindowAst* w) {
    using K = FrameBound::Kind;
    const std::size_t pos = Peek().pos;
    const bool between = Accept("between");
    w->start = Bound();
    if (between) {
      Expect("and", "expected AND in the frame's BETWEEN");
      w->end = Bound();
    }
    if (w->start.kind == K::kUnboundedFollowing) {
      throw SqlError("frame start cannot be UNBOUNDED FOLLOWING", pos);
    }
    if (w->end.kind == K::kUnboundedPreceding) {
      throw SqlError("frame end cannot be UNBOUNDED PRECEDING", pos);
    }
    if (w->start.kind == K::kCurrentRow && w->end.kind == K::kPreceding) {
      throw SqlError("frame starting from current row cannot have preceding rows", pos);
    }
    if (w->start.kind == K::kFollowing &&
        (w->end.kind == K::kPreceding || w->end.kind == K::kCurrentRow)) {
      throw SqlError(between ? "frame starting from following row cannot have preceding rows"
                             : "frame starting from following row cannot end with current row",
                     pos);
    }
    if (!Accept("exclude")) return;
    if (Accept("current")) {
      Expect("row", "expected ROW after EXCLUDE CURRENT");
      w->exclude = FrameExclude::kCurrentRow;
    } else if (Accept("group")) {
      w->exclude = FrameExclude::kGroup;
    } else if (Accept("ties")) {
      w->exclude = FrameExclude::kTies;
    } else if (Accept("no")) {
      Expect("others", "expected OTHERS after EXCLUDE NO");
    } else {
      Fail("expected CURRENT ROW, GROUP, TIES or NO OTHERS after EXCLUDE, found " +
           Describe(Peek()));
    }
  }

  // INTERVAL n SECOND|MINUTE|HOUR|DAY|WEEK as a RANGE offset, in seconds (a month or a year has
  // no fixed length: an error naming it).
  void IntervalOffset(FrameBound* b) {
    const std::size_t pos = Peek().pos;
    const ExprAst e = Interval();
    const ExprAst& n = e.args[0];
    const std::int64_t seconds = IntervalUnitSeconds(Lower(e.op));
    std::int64_t count = -1;
    const std::string& digits = n.literal.text;
    if (n.kind == ExprAst::Kind::kLiteral && !digits.empty() &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      std::from_chars(digits.data(), digits.data() + digits.size(), count);
    }
    if (seconds == 0 || count < 0 || __builtin_mul_overflow(count, seconds, &b->offset)) {
      throw SqlError(
          "unsupported: this INTERVAL as a frame offset (a non-negative whole number of SECOND, "
          "MINUTE, HOUR, DAY or WEEK)",
          pos);
    }
    b->text = ExprName(e);
    b->is_interval = true;
  }

  // A decimal frame offset (`0.5 PRECEDING`): its digits and scale, named as the literal.
  void DecimalOffset(const Token& n, FrameBound* b) {
    std::string digits;
    for (char c : n.raw) {
      if (c != '.') digits += c;
    }
    const std::size_t dot = n.raw.find('.');
    b->scale = static_cast<int>(n.raw.size() - dot - 1);
    const std::size_t first = std::min(digits.find_first_not_of('0'), digits.size());
    std::errc ec{};
    const char* end = digits.data() + digits.size();
    b->offset = 0;
    if (first < digits.size()) {  // all zeros ("0.0"): the offset is 0
      const auto parsed =
          std::from_chars(digits.data() + first, digits.data() + digits.size(), b->offset);
      ec = parsed.ec;
      end = parsed.ptr;
    }
    if (digits.size() - first > 18 || b->scale > 18 || ec != std::errc() ||
        end != digits.data() + digits.size()) {
      throw SqlError("unsupported: a frame offset of more than 18 digits", n.pos);
    }
    LiteralAst l;
    l.kind = LiteralAst::Kind::kDecimal;
    l.text = n.text;
    l.pos = n.pos;
    b->text = ExprName(LiteralExpr(l));
  }

  FrameBound Bound() {
    using K = FrameBound::Kind;
    FrameBound b;
    if (Accept("unbounded")) {
      if (Accept("preceding")) {
        b.kind = K::kUnboundedPreceding;
      } else if (Accept("following")) {
        b.kind = K::kUnboundedFollowing;
      } else {
        Fail("expected PRECEDING or FOLLOWING after UNBOUNDED, found " + Describe(Peek()));
      }
      return b;
    }
    if (Accept("current")) {
      Expect("row", "expected ROW after CURRENT");
      return b;
    }
    if (Peek().Is("interval")) {
      IntervalOffset(&b);
    } else {
      if (Peek().kind != TokenKind::kNumber) {
        Fail(
            "expected UNBOUNDED, CURRENT ROW, a non-negative integer or an INTERVAL in the frame, "
            "found " +
            Describe(Peek()));
      }
      const Token& n = Take();
      if (n.raw.find_first_of("eE") == std::string_view::npos &&
          n.raw.find('.') != std::string_view::npos) {
        DecimalOffset(n, &b);
      } else {
        const auto [end, ec] = std::from_chars(n.raw.data(), n.raw.data() + n.raw.size(), b.offset);
        if (ec != std::errc() || end != n.raw.data() + n.raw.size()) {
          throw SqlError(
              "the frame offset must be a non-negative integer, a decimal or an INTERVAL", n.pos);
        }
      }
    }
    if (Accept("preceding")) {
      b.kind = K::kPreceding;
    } else if (Accept("following")) {
      b.kind = K::kFollowing;
    } else {
      Fail("expected PRECEDING or FOLLOWING after the frame offset, found " + Describe(Peek()));
    }
    return b;
  }

  static constexpr int kMaxDepth = 200;
  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  int depth_ = 0;
  std::vector<std::string> ctes_;  // CTE names visible where the parser is
  // The windows that name a WINDOW clause's window, of every SELECT under way (each resolves
  // and drops its own at its end).
  std::vector<std::shared_ptr<WindowAst>> window_refs_;
};

void Parser::UnknownTable(const Token& t, const std::vector<std::string>& ctes) {
  std::vector<std::string> names{std::string(kTableName)};
  names.insert(names.end(), ctes.begin(), ctes.end());
  const std::string suggestion = DidYouMean(Lower(t.text), names);
  throw SqlError(std::string("unknown table '") + std::string(t.raw) + "'" +
                     (suggestion.empty() ? " (the only table is " + std::string(kTableName) + ")"
                                         : suggestion),
                 t.pos);
}

}  // namespace

StatementAst ParseStatement(std::string_view sql) { return Parser(sql).Statement(); }

}  // namespace plume::engine
