// SplitStages and SubstituteSubqueries (stage_split.h).
#include "engine/stage_split.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "engine/binder.h"
#include "engine/expr_kernels.h"  // Pow10Wide
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/suggest.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

// Calls `f` on every expression of the statement's own clauses (not of its subqueries).
void ForEachExpr(StatementAst* st, const std::function<void(ExprAst&)>& f) {
  for (SelectItemAst& item : st->items) f(item.expr);
  for (std::optional<ExprAst>* e :
       {&st->where, &st->having, &st->qualify, &st->limit, &st->offset}) {
    if (*e) f(**e);
  }
  for (ExprAst& g : st->group_by) f(g);
  for (OrderAst& o : st->order_by) f(o.expr);
}

bool HasWindow(const ExprAst& e) {
  if (e.kind == ExprAst::Kind::kFunction && e.window) return true;
  return std::any_of(e.args.begin(), e.args.end(), HasWindow);
}

bool HasWindows(const StatementAst& st) {
  bool found = false;
  StatementAst copy = st;
  ForEachExpr(&copy, [&](ExprAst& e) { found = found || HasWindow(e); });
  return found;
}

bool AggregateOutsideWindows(const ExprAst& e) {
  if (e.kind == ExprAst::Kind::kFunction && e.window) return false;
  if (e.kind == ExprAst::Kind::kFunction && AggregateByName(e.op)) return true;
  return std::any_of(e.args.begin(), e.args.end(), AggregateOutsideWindows);
}

void CheckWindowPlacement(const StatementAst& st) {
  auto check = [](const ExprAst& e, const char* clause) {
    if (HasWindow(e)) {
      throw SqlError(std::string("window functions are not allowed in ") + clause, StartOf(e));
    }
  };
  if (st.where) check(*st.where, "WHERE");
  for (const ExprAst& g : st.group_by) check(g, "GROUP BY");
  if (st.having) check(*st.having, "HAVING");
}

std::string BoundText(const FrameBound& b) {
  const std::string offset = b.text.empty() ? std::to_string(b.offset) : b.text;
  switch (b.kind) {
    case FrameBound::Kind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case FrameBound::Kind::kPreceding:
      return offset + " PRECEDING";
    case FrameBound::Kind::kCurrentRow:
      return "CURRENT ROW";
    case FrameBound::Kind::kFollowing:
      return offset + " FOLLOWING";
    case FrameBound::Kind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "";
}

// DuckDB's name of a window call: "rank() OVER (PARTITION BY utc ORDER BY aqi DESC)".
std::string WindowName(const ExprAst& e) {
  ExprAst call = e;
  call.window.reset();
  std::string name = ExprName(call);
  if (name == "count_star()") name = "count()";
  if (e.ignore_nulls) name.insert(name.size() - 1, " IGNORE NULLS");  // before the ')'
  const WindowAst& w = *e.window;
  std::string over;
  for (std::size_t k = 0; k < w.partition.size(); ++k) {
    over += (k == 0 ? "PARTITION BY " : ", ") + ExprName(w.partition[k]);
  }
  for (std::size_t k = 0; k < w.order.size(); ++k) {
    const OrderAst& o = w.order[k];
    over += (k == 0 ? (over.empty() ? "ORDER BY " : " ORDER BY ") : ", ") + ExprName(o.expr) +
            (o.desc ? " DESC" : "") + (o.nulls_first ? " NULLS FIRST" : "");
  }
  using K = FrameBound::Kind;
  const bool whole = w.start.kind == K::kUnboundedPreceding && w.end.kind == K::kUnboundedFollowing;
  const bool default_range = !w.rows && !w.groups && w.start.kind == K::kUnboundedPreceding &&
                             w.end.kind == K::kCurrentRow && w.exclude == FrameExclude::kNoOthers;
  if (w.has_frame && !default_range) {
    const char* unit = w.rows || whole ? "ROWS" : w.groups ? "GROUPS" : "RANGE";
    over += std::string(over.empty() ? "" : " ") + unit + " BETWEEN " + BoundText(w.start) +
            " AND " + BoundText(w.end);
    static constexpr const char* kExclude[] = {"", " EXCLUDE CURRENT ROW", " EXCLUDE GROUP",
                                               " EXCLUDE TIES"};
    over += kExclude[static_cast<std::size_t>(w.exclude)];
  }
  return name + " OVER (" + over + ")";
}

std::int64_t ConstantInt(const ExprAst& e, const std::string& what, std::int64_t min) {
  std::int64_t v = 0;
  const std::string& t = e.literal.text;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (e.kind != ExprAst::Kind::kLiteral || e.literal.kind != LiteralAst::Kind::kInteger ||
      ec != std::errc() || end != t.data() + t.size() || v < min) {
    throw SqlError(what + " must be an integer constant of at least " + std::to_string(min),
                   StartOf(e));
  }
  return v;
}

class Splitter {
 public:
  std::vector<StageAst> Run(const StatementAst& root) {
    StatementAst last = Flatten(root);
    stages_.push_back({"result", StageAst::Role::kResult, std::move(last), {}});
    return std::move(stages_);
  }

 private:
  struct Cte {
    std::string name;
    std::shared_ptr<const StatementAst> body;
    std::size_t visible;  // the CTEs before it (scope_ entries) are what its body sees
    int stage = -1;       // once read
  };

  int Add(std::string name, StageAst::Role role, StatementAst ast) {
    stages_.push_back({std::move(name), role, std::move(ast), {}});
    return static_cast<int>(stages_.size() - 1);
  }

  std::string NextSubqueryName() { return "subquery " + std::to_string(++subqueries_); }

  StatementAst Flatten(const StatementAst& st) {
    const std::size_t mark = scope_.size();
    for (const CteAst& c : st.with) {
      scope_.push_back(std::make_shared<Cte>(Cte{c.name, c.body, scope_.size()}));
    }
    StatementAst out = st;
    out.with.clear();
    if (st.from_subquery) {
      const std::string name = NextSubqueryName();
      out.source = Add(name, StageAst::Role::kTable, Flatten(*st.from_subquery));
      out.from_subquery.reset();
    } else if (Cte* cte = Find(st.table)) {
      out.source = StageOf(*cte);
    }
    ForEachExpr(&out, [this](ExprAst& e) { Walk(e); });
    if (HasWindows(out)) {
      if (out.no_from) {
        throw SqlError("unsupported: window functions in a SELECT without FROM",
                       out.items.empty() ? 0 : out.items[0].pos);
      }
      if (Groups(out)) SplitGroups(&out);
      SplitWindows(&out);
    }
    scope_.resize(mark);
    return out;
  }

  // A stage reading what `st` reads, with its WHERE (taken from `st`).
  static StatementAst TakeSource(StatementAst* st) {
    StatementAst input;
    input.source = st->source;
    input.table = st->table;
    input.table_pos = st->table_pos;
    input.table_alias = st->table_alias;
    input.where = std::move(st->where);
    st->where.reset();
    return input;
  }

  // SELECT f(x) OVER (...) ... FROM src WHERE c QUALIFY q ORDER BY ... LIMIT n becomes a window
  // stage (SELECT <the columns and window arguments/keys> FROM src WHERE c, gathered, then the
  // windows computed over it) and `st` reads that stage: SELECT ... WHERE q ORDER BY ... LIMIT n.
  void SplitWindows(StatementAst* st) {
    CheckWindowPlacement(*st);
    WindowSplit split;
    split.input = TakeSource(st);
    if (st->qualify) QualifyAliases(&*st->qualify, *st);
    st->where = std::move(st->qualify);
    st->qualify.reset();
    ForEachExpr(st, [&](ExprAst& e) { split.Replace(e); });
    split.AddColumns(*st);
    const int stage = Add("window " + std::to_string(++windows_), StageAst::Role::kWindow,
                          std::move(split.input));
    stages_.back().windows = std::move(split.calls);
    st->source = stage;
  }

  // Whether the source of `st` (measurements or an earlier stage) has a column `name`; a
  // stage's columns are its select list's aliases and column names (a star: its source's).
  bool SourceHas(const StatementAst& st, const std::string& name) const {
    if (st.source < 0) {
      return std::any_of(kSchema.begin(), kSchema.end(), [&](const ColumnSpec& c) {
        return GroupSplit::Lower(std::string(c.name)) == name;
      });
    }
    const StatementAst& body = stages_[static_cast<std::size_t>(st.source)].ast;
    for (const SelectItemAst& i : body.items) {
      if (i.star && SourceHas(body, name)) return true;
      const std::string written = i.alias                                 ? *i.alias
                                  : i.expr.kind == ExprAst::Kind::kColumn ? i.expr.column.name
                                                                          : ExprName(i.expr);
      if (GroupSplit::Lower(written) == name) return true;
    }
    return false;
  }

  // QUALIFY sees the select list's aliases, as DuckDB's: `rank() OVER (...) AS r ... QUALIFY
  // r <= 3`. A column of the source of that name comes first (as in WHERE).
  void QualifyAliases(ExprAst* e, const StatementAst& st) const {
    if (e->kind == ExprAst::Kind::kColumn && e->column.qualifier.empty()) {
      const std::string name = GroupSplit::Lower(e->column.name);
      for (const SelectItemAst& i : st.items) {
        if (i.alias && GroupSplit::Lower(*i.alias) == name && !SourceHas(st, name)) {
          *e = i.expr;
          return;
        }
      }
      return;
    }
    for (ExprAst& a : e->args) QualifyAliases(&a, st);
  }

  static bool Groups(const StatementAst& st) {
    bool aggregate = !st.group_by.empty() || st.group_all || st.having.has_value();
    for (const SelectItemAst& i : st.items)
      aggregate = aggregate || AggregateOutsideWindows(i.expr);
    return aggregate;
  }

  // DuckDB computes windows after GROUP BY and HAVING: SELECT k, f(x), rank() OVER (ORDER BY
  // f(x)) FROM src WHERE c GROUP BY k HAVING h becomes a grouping stage (SELECT k AS $g0, f(x) AS
  // $a0 ... GROUP BY k HAVING h) that `st` reads, its group keys and aggregates replaced by
  // those columns (named as written), so only windows are left for SplitWindows.
  void SplitGroups(StatementAst* st) {
    if (st->group_all) throw SqlError("unsupported: GROUP BY ALL with window functions", 0);
    GroupSplit split;
    split.input = TakeSource(st);
    split.input.having = std::move(st->having);
    for (const ExprAst& g : st->group_by) split.AddKey(g, *st);
    st->where.reset();
    st->having.reset();
    st->group_by.clear();
    ForEachExpr(st, [&](ExprAst& e) { split.Replace(e); });
    std::set<std::string> aliases;
    for (const SelectItemAst& item : st->items) {
      if (!item.alias) continue;
      std::string a = *item.alias;
      for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      aliases.insert(std::move(a));
    }
    ForEachExpr(st, [&](ExprAst& e) { GroupSplit::CheckGrouped(e, aliases); });
    st->source = Add("aggregate " + std::to_string(++aggregates_), StageAst::Role::kTable,
                     std::move(split.input));
    st->table_alias.reset();
  }

  struct GroupSplit {
    StatementAst input;
    std::vector<std::string> names;              // ExprName of each column of `input`, in order
    std::map<std::string, std::string> aliases;  // a select-list alias GROUP BY named: its key

    void Column(const ExprAst& x, const std::string& prefix) {
      SelectItemAst item;
      item.expr = x;
      item.alias = prefix + std::to_string(names.size());
      item.pos = StartOf(x);
      input.items.push_back(std::move(item));
      names.push_back(ExprName(x));
    }
    // GROUP BY k: the select list's k-th expression, which holds no aggregate and no window.
    static const ExprAst& PositionKey(const ExprAst& g, const StatementAst& st) {
      if (g.literal.kind != LiteralAst::Kind::kInteger) {
        throw SqlError("unsupported: GROUP BY a constant with window functions", g.pos);
      }
      const ExprAst& key = st.items[SelectPosition(g, st.items.size(), "GROUP BY")].expr;
      if (HasWindow(key)) {
        throw SqlError("GROUP BY position " + g.literal.text + " refers to a window function",
                       g.pos);
      }
      if (ContainsAggregate(key)) {
        throw SqlError("GROUP BY position " + g.literal.text + " refers to an aggregate", g.pos);
      }
      return key;
    }
    // A GROUP BY key (an alias of the select list stands for its expression).
    void AddKey(const ExprAst& g, const StatementAst& st) {
      const ExprAst* key = &g;
      if (g.kind == ExprAst::Kind::kLiteral) key = &PositionKey(g, st);
      for (const SelectItemAst& item : st.items) {
        if (g.kind == ExprAst::Kind::kColumn && g.column.qualifier.empty() && item.alias &&
            Lower(*item.alias) == g.column.name && !HasWindow(item.expr)) {
          key = &item.expr;
          aliases[g.column.name] = ExprName(item.expr);
        }
      }
      input.group_by.push_back(*key);
      Column(*key, "$g");
    }
    static std::string Lower(std::string s) {
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }
    // A key or an aggregate becomes its column; other expressions are searched below.
    void Replace(ExprAst& e) {
      const bool aggregate =
          e.kind == ExprAst::Kind::kFunction && !e.window && AggregateByName(e.op).has_value();
      std::string name = ExprName(e);
      const bool alias = e.kind == ExprAst::Kind::kColumn && e.column.qualifier.empty() &&
                         aliases.contains(e.column.name);
      auto it = std::find(names.begin(), names.end(), alias ? aliases.at(e.column.name) : name);
      if (it == names.end() && aggregate) {
        Column(e, "$a");
        it = names.end() - 1;
      }
      if (it != names.end() && !(e.kind == ExprAst::Kind::kFunction && e.window)) {
        ExprAst column;
        column.kind = ExprAst::Kind::kColumn;
        column.pos = e.pos;
        column.column.name = *input.items[static_cast<std::size_t>(it - names.begin())].alias;
        column.column.written = name;
        column.column.pos = e.pos;
        e = std::move(column);
        return;
      }
      for (ExprAst& a : e.args) Replace(a);
      if (e.window) {
        auto w = std::make_shared<WindowAst>(*e.window);
        for (ExprAst& p : w->partition) Replace(p);
        for (OrderAst& o : w->order) Replace(o.expr);
        e.window = std::move(w);
      }
    }
    // What is left of the statement names no column of the source but through a key.
    static void CheckGrouped(const ExprAst& e, const std::set<std::string>& aliases) {
      if (e.kind == ExprAst::Kind::kColumn && !e.column.name.starts_with("$") &&
          (!e.column.qualifier.empty() || !aliases.contains(e.column.name))) {
        throw SqlError("column \"" + e.column.written +
                           "\" must appear in the GROUP BY clause or must be part of an aggregate "
                           "function",
                       e.pos);
      }
      for (const ExprAst& a : e.args) CheckGrouped(a, aliases);
      if (e.window) {
        for (const ExprAst& p : e.window->partition) CheckGrouped(p, aliases);
        for (const OrderAst& o : e.window->order) CheckGrouped(o.expr, aliases);
      }
    }
  };

  std::size_t aggregates_ = 0;

  struct WindowSplit {
    StatementAst input;
    std::vector<WindowCall> calls;
    int exprs = 0;

    // One column per distinct expression, so that windows partitioned alike name the same
    // columns (WindowStage hashes rows by the PARTITION BY columns they all have).
    std::string AddExpr(const ExprAst& x) {
      const std::string text = ExprName(x);
      for (const SelectItemAst& item : input.items) {
        if (item.alias && item.alias->starts_with("$e") && ExprName(item.expr) == text) {
          return *item.alias;
        }
      }
      std::string name = "$e" + std::to_string(exprs++);
      SelectItemAst item;
      item.expr = x;
      item.alias = name;
      item.pos = StartOf(x);
      input.items.push_back(std::move(item));
      return name;
    }
    void Replace(ExprAst& e) {
      if (e.kind == ExprAst::Kind::kFunction && e.window) {
        ExprAst column;
        column.kind = ExprAst::Kind::kColumn;
        column.pos = e.pos;
        column.column.name = "$w" + std::to_string(calls.size());
        column.column.written = WindowName(e);
        column.column.pos = e.pos;
        calls.push_back(CallOf(e));
        e = std::move(column);
        return;
      }
      for (ExprAst& a : e.args) Replace(a);
    }
    WindowCall CallOf(const ExprAst& e);
    // The columns of the source the rest of the statement names (`*` included).
    void AddColumns(const StatementAst& st);
  };

  std::size_t windows_ = 0;

  void Walk(ExprAst& e) {
    for (ExprAst& a : e.args) Walk(a);
    for (ExprAst& f : e.filter) Walk(f);
    if (e.kind == ExprAst::Kind::kIn && e.args.size() == 2 &&
        e.args[1].kind == ExprAst::Kind::kSubquery) {
      Stage(e.args[1], StageAst::Role::kIn);
    } else if (e.kind == ExprAst::Kind::kSubquery && e.subquery) {
      Stage(e, StageAst::Role::kScalar);
    }
  }

  void Stage(ExprAst& node, StageAst::Role role) {
    if (!node.subquery) return;  // already staged (IN's operand was walked first)
    const std::string name = NextSubqueryName();
    node.stage = Add(name, role, Flatten(*node.subquery));
    node.subquery.reset();
  }

  Cte* Find(const std::string& name) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if ((*it)->name == name) return it->get();
    }
    return nullptr;
  }

  int StageOf(Cte& cte) {
    if (cte.stage < 0) {
      std::vector<std::shared_ptr<Cte>> saved = scope_;
      scope_.resize(cte.visible);
      cte.stage = Add(cte.name, StageAst::Role::kTable, Flatten(*cte.body));
      scope_ = std::move(saved);
    }
    return cte.stage;
  }

  std::vector<std::shared_ptr<Cte>> scope_;
  std::vector<StageAst> stages_;
  int subqueries_ = 0;
};

std::string LowerTypeName(Type t) {
  std::string s(TypeName(t));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A literal holding row `r` of `c` exactly (doubles in their shortest round-trip text).
ExprAst CellLiteral(const Column& c, std::size_t r, std::size_t pos) {
  LiteralAst l;
  l.pos = pos;
  if (c.IsNull(r)) return LiteralExpr(l);  // kNull
  switch (c.type) {
    case Type::kBool:
      l.kind = LiteralAst::Kind::kBool;
      l.text = c.ints[r] != 0 ? "true" : "false";
      break;
    case Type::kInt64:
    case Type::kInt32:
    case Type::kInt16:
    case Type::kInt8:
    case Type::kUInt8:
    case Type::kUInt16:
    case Type::kUInt32:
      l.kind = LiteralAst::Kind::kInteger;
      AppendInt(l.text, c.ints[r]);
      break;
    case Type::kHugeint:
    case Type::kUbigint:
      l.kind = LiteralAst::Kind::kInteger;
      AppendWideInt(l.text, c.wide[r]);
      break;
    case Type::kFloat64:
      l.kind = LiteralAst::Kind::kDouble;
      AppendDouble(l.text, c.doubles[r]);
      break;
    case Type::kTimestamp:
      l.kind = LiteralAst::Kind::kTimestamp;
      AppendTimestamp(l.text, c.ints[r]);
      break;
    case Type::kDate:
      l.kind = LiteralAst::Kind::kDate;
      AppendDate(l.text, c.ints[r]);
      break;
    case Type::kString:
      l.kind = LiteralAst::Kind::kString;
      l.text = c.dict[c.codes[r]];
      break;
    default:  // a DECIMAL: its digits, typed back as DuckDB types them ("12.50" DECIMAL(4,2))
      if (IsWideDecimal(c.type)) {
        AppendWideDecimal(l.text, c.wide[r], DecimalScale(c.type));
      } else {
        AppendDecimal(l.text, c.ints[r], DecimalScale(c.type));
      }
      l.kind = l.text.find('.') == std::string::npos ? LiteralAst::Kind::kInteger
                                                     : LiteralAst::Kind::kDecimal;
      break;
  }
  return LiteralExpr(l);
}

ExprAst CastAst(ExprAst value, Type type) {
  ExprAst e;
  e.kind = ExprAst::Kind::kCast;
  e.op = LowerTypeName(type);
  e.pos = value.pos;
  e.args.push_back(std::move(value));
  return e;
}

ExprAst ScalarValue(const ExprAst& node, const std::vector<Table>* results, Type type) {
  LiteralAst null;
  null.pos = node.pos;
  if (results == nullptr) return CastAst(LiteralExpr(null), type);
  const Table& t = results->at(static_cast<std::size_t>(node.stage));
  if (t.rows > 1) {
    throw SqlError(
        "More than one row returned by a subquery used as an expression - scalar subqueries can "
        "only return a single row",
        node.pos);
  }
  if (t.rows == 0) return CastAst(LiteralExpr(null), type);
  return CastAst(CellLiteral(t.columns.at(0), 0, node.pos), type);
}

// x [NOT] IN (SELECT ...) -> x [NOT] IN (v1, v2, ...), keeping its name; with no values, the
// constant DuckDB gives (IN () is false and NOT IN () true, even for a NULL x).
void InValues(ExprAst& e, const std::vector<Table>* results) {
  const ExprAst sub = e.args[1];
  e.op = ExprName(e);
  e.args.pop_back();
  if (results == nullptr) {
    LiteralAst null;
    null.pos = sub.pos;
    e.args.push_back(LiteralExpr(null));
    return;
  }
  const Table& t = results->at(static_cast<std::size_t>(sub.stage));
  std::set<std::string> seen;
  for (std::size_t r = 0; r < t.rows; ++r) {
    ExprAst lit = CellLiteral(t.columns.at(0), r, sub.pos);
    const std::string key = std::to_string(static_cast<int>(lit.literal.kind)) + lit.literal.text;
    if (seen.insert(key).second) e.args.push_back(std::move(lit));
  }
  if (e.args.size() == 1) {
    LiteralAst b;
    b.kind = LiteralAst::Kind::kBool;
    b.text = e.negated ? "true" : "false";
    b.pos = sub.pos;
    e = LiteralExpr(b);
  }
}

void Substitute(ExprAst& e, const std::vector<Table>* results, const std::vector<Type>& types) {
  if (e.kind == ExprAst::Kind::kIn && e.args.size() == 2 &&
      e.args[1].kind == ExprAst::Kind::kSubquery && e.args[1].args.empty()) {
    Substitute(e.args[0], results, types);
    return InValues(e, results);
  }
  for (ExprAst& a : e.args) Substitute(a, results, types);
  for (ExprAst& f : e.filter) Substitute(f, results, types);
  if (e.kind == ExprAst::Kind::kSubquery && e.args.empty()) {
    e.args.push_back(ScalarValue(e, results, types.at(static_cast<std::size_t>(e.stage))));
  }
}

WindowCall Splitter::WindowSplit::CallOf(const ExprAst& e) {
  const std::optional<WindowFn> named = WindowByName(e.op);
  if (!named) {
    throw SqlError(
        "unknown window function '" + e.op + "'" + DidYouMean(e.op, WindowFunctionNames()), e.pos);
  }
  if (e.distinct) throw SqlError("unsupported: DISTINCT in a window function", e.pos);
  const bool value_fn = *named == WindowFn::kLag || *named == WindowFn::kLead ||
                        *named == WindowFn::kFirstValue || *named == WindowFn::kLastValue ||
                        *named == WindowFn::kNthValue;
  const bool aggregate = *named == WindowFn::kSum || *named == WindowFn::kAvg ||
                         *named == WindowFn::kMin || *named == WindowFn::kMax ||
                         *named == WindowFn::kCount;
  if (e.nulls_clause && aggregate) {  // elsewhere (ntile, ...) it changes nothing, as DuckDB's
    throw SqlError("RESPECT/IGNORE NULLS is not supported for windowed aggregates", e.pos);
  }
  if (!e.filter.empty()) throw SqlError("unsupported: FILTER in a window function", e.pos);
  for (const ExprAst& a : e.args) {
    if (HasWindow(a)) throw SqlError("window function calls cannot be nested", StartOf(a));
  }
  WindowCall call;
  call.fn = *named;
  call.ignore_nulls = e.ignore_nulls && value_fn;
  const bool star = e.args.size() == 1 && e.args[0].kind == ExprAst::Kind::kStar;
  if (call.fn == WindowFn::kCount && (star || e.args.empty())) call.fn = WindowFn::kCountStar;
  std::size_t lo = 1, hi = 1;
  switch (call.fn) {
    case WindowFn::kRowNumber:
    case WindowFn::kRank:
    case WindowFn::kDenseRank:
    case WindowFn::kPercentRank:
    case WindowFn::kCumeDist:
      lo = hi = 0;
      break;
    case WindowFn::kNthValue:
      lo = hi = 2;
      break;
    case WindowFn::kCountStar:
      lo = 0;
      break;
    case WindowFn::kLag:
    case WindowFn::kLead:
      hi = 3;
      break;
    default:
      break;
  }
  if (e.args.size() < lo || e.args.size() > hi) {
    throw SqlError(e.op + "() takes " + std::to_string(lo) +
                       (lo == hi ? "" : (hi == lo + 1 ? " or " : " to ") + std::to_string(hi)) +
                       " argument" + (hi == 1 ? "" : "s") + ", not " +
                       std::to_string(e.args.size()),
                   e.pos);
  }
  if (call.fn == WindowFn::kNtile) {
    call.param = ConstantInt(e.args[0], "the argument of ntile", 1);
  } else if (call.fn != WindowFn::kCountStar && !e.args.empty()) {
    if (e.args[0].kind == ExprAst::Kind::kStar) throw SqlError(e.op + "(*) is not allowed", e.pos);
    call.arg = AddExpr(e.args[0]);
  }
  if ((call.fn == WindowFn::kLag || call.fn == WindowFn::kLead) && e.args.size() >= 2) {
    call.param = ConstantInt(e.args[1], "the offset of " + e.op, 0);
  }
  if (call.fn == WindowFn::kNthValue) {  // n, cast to BIGINT per row (DuckDB's)
    call.nth = AddExpr(CastAst(e.args[1], Type::kInt64));
  }
  if (e.args.size() == 3) {  // lag/lead's default, cast to the argument's type (DuckDB's)
    ExprAst cast;
    cast.kind = ExprAst::Kind::kFunction;
    cast.op = std::string(kCastLike);
    cast.pos = e.args[2].pos;
    cast.args = {e.args[2], e.args[0]};
    call.fallback = AddExpr(cast);
  }
  const WindowAst& w = *e.window;
  for (const ExprAst& p : w.partition) call.partition.push_back(AddExpr(p));
  for (const OrderAst& o : w.order) call.order.push_back({AddExpr(o.expr), o.desc, o.nulls_first});
  using K = FrameBound::Kind;
  if (w.has_frame) {
    call.rows = w.rows;
    call.groups = w.groups;
    call.start = w.start;
    call.end = w.end;
    if (w.rows || w.groups) {  // a decimal count of rows or groups: cast to BIGINT (DuckDB's)
      for (FrameBound* b : {&call.start, &call.end}) {
        const auto unit = static_cast<std::int64_t>(Pow10Wide(b->scale));
        b->offset = (b->offset + unit / 2) / unit;  // half away from zero (offsets are >= 0)
        b->scale = 0;
      }
    }
    call.exclude = w.exclude;
    const bool offsets = w.start.kind == K::kPreceding || w.start.kind == K::kFollowing ||
                         w.end.kind == K::kPreceding || w.end.kind == K::kFollowing;
    if (!w.rows && !w.groups && offsets && w.order.size() != 1) {
      throw SqlError("RANGE frames must have only one ORDER BY expression", e.pos);
    }
    if ((w.rows || w.groups) && (w.start.interval() || w.end.interval())) {
      throw SqlError(std::string("an INTERVAL frame offset needs RANGE (") +
                         (w.rows ? "ROWS counts rows)" : "GROUPS counts peer groups)"),
                     e.pos);
    }
  } else if (w.order.empty()) {
    call.end = {K::kUnboundedFollowing, 0};
  }
  call.name = "$w" + std::to_string(calls.size());
  return call;
}

void Splitter::WindowSplit::AddColumns(const StatementAst& st) {
  std::set<std::string> aliases, seen;
  for (const SelectItemAst& i : st.items) {
    if (i.alias) {
      std::string a = *i.alias;
      for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      aliases.insert(a);
    }
  }
  // A name in the WHERE clause (QUALIFY's, its aliases replaced) is a column even where an
  // alias has it; elsewhere (ORDER BY) an alias comes first.
  bool in_where = false;
  std::function<void(const ExprAst&)> collect = [&](const ExprAst& e) {
    if (e.kind == ExprAst::Kind::kColumn && !e.column.name.starts_with("$w") &&
        (in_where || !e.column.qualifier.empty() || !aliases.contains(e.column.name)) &&
        seen.insert(e.column.name).second) {
      SelectItemAst item;
      item.expr = e;
      item.pos = e.pos;
      // A grouping stage's column ($gN, $aN) keeps its name through the window stage.
      if (e.column.name.starts_with("$")) item.alias = e.column.name;
      input.items.push_back(std::move(item));
    }
    for (const ExprAst& a : e.args) collect(a);
  };
  StatementAst copy = st;
  for (const SelectItemAst& i : st.items) {
    if (i.star) input.items.push_back(i);
  }
  if (copy.where) {
    in_where = true;
    collect(*copy.where);
    in_where = false;
    copy.where.reset();
  }
  ForEachExpr(&copy, [&](ExprAst& e) { collect(e); });
  if (input.items.empty()) {  // only window functions of no column: count the rows
    LiteralAst one{LiteralAst::Kind::kInteger, "1", 0};
    SelectItemAst item;
    item.expr = LiteralExpr(one);
    item.alias = "$one";
    input.items.push_back(std::move(item));
  }
}

}  // namespace

std::vector<StageAst> SplitStages(const StatementAst& st) { return Splitter().Run(st); }

void SubstituteSubqueries(StatementAst* st, const std::vector<Table>* results,
                          const std::vector<Type>& types) {
  ForEachExpr(st, [&](ExprAst& e) { Substitute(e, results, types); });
}

}  // namespace plume::engine
