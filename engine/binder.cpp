// Statement binding: select list, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, DISTINCT (the
// WHERE clause is in bind_filter.cpp, expressions in bind_expr.cpp). Naming and typing rules
// copy DuckDB (docs/SQL.md).
#include "engine/binder.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/query.h"
#include "engine/scalar_cast.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

bool SameName(std::string_view a, std::string_view b) { return SameColumnName(a, b); }

bool IsOrdinal(const ExprAst& e) {
  return e.kind == ExprAst::Kind::kLiteral && e.literal.kind == LiteralAst::Kind::kInteger;
}

// Column references in the order they are written (for the first unknown one's position).
void CollectColumnRefs(const ExprAst& e, std::vector<const ExprAst*>* out) {
  if (e.kind == ExprAst::Kind::kColumn) out->push_back(&e);
  for (const ExprAst& a : e.args) CollectColumnRefs(a, out);
  for (const ExprAst& f : e.filter) CollectColumnRefs(f, out);
}

class Binder {
 public:
  Binder(const StatementAst& st, const BindScope& scope)
      : st_(st), scope_(WithAlias(scope, st.table_alias)), row_(scope_, "WHERE") {}

  PlanData Run(std::string_view sql) {
    plan_.sql = std::string(sql);
    if (scope_.input != &MeasurementsInput()) plan_.input = *scope_.input;
    ExpandStar();
    CheckColumnsInOrder();
    if (st_.where && !st_.no_from) plan_.filter = BindFilter(*st_.where, false, row_);
    plan_.aggregate = st_.no_from || IsAggregate();
    if (st_.no_from) {
      BindWithoutFrom();
    } else if (plan_.aggregate) {
      BindGroups();
      BindAggregateItems();
    } else {
      BindPlainItems();
    }
    for (const OrderAst& t : st_.order_by) {
      plan_.order.push_back(SortKey{OrderTerm(t.expr), t.desc, t.nulls_first});
    }
    if (st_.limit) plan_.limit = Count(*st_.limit, "LIMIT");
    if (st_.offset) plan_.offset = Count(*st_.offset, "OFFSET").value_or(0);
    for (const ResultRef& r : plan_.result) plan_.result_types.push_back(ResultRefType(plan_, r));
    FinishPlan(&plan_);
    return std::move(plan_);
  }

 private:
  static BindScope WithAlias(BindScope scope, const std::optional<std::string>& alias) {
    if (alias) scope.alias = alias;
    return scope;
  }
  const std::vector<InputColumn>& Input() const { return *scope_.input; }
  std::string ColumnName(int column) const {
    return Input()[static_cast<std::size_t>(column)].name;
  }

  // SELECT without FROM (DuckDB's `SELECT 1 + 1`): one group with no key and no aggregate over
  // no row (the filter is false: no data rank reads a row), so the final merge makes exactly one
  // row, on which the select items, WHERE (as that group's HAVING) and ORDER BY are evaluated.
  void BindWithoutFrom() {
    auto unsupported = [](const std::string& what, std::size_t pos) {
      throw SqlError("unsupported: " + what + " in a SELECT without FROM", pos);
    };
    for (const SelectItemAst& item : st_.items) {
      if (ContainsAggregate(item.expr)) unsupported("aggregates", StartOf(item.expr));
    }
    if (!st_.group_by.empty() || st_.group_all) unsupported("GROUP BY", st_.group_pos);
    if (st_.having) unsupported("HAVING", StartOf(*st_.having));
    plan_.filter.kind = FilterNode::Kind::kLeaf;
    plan_.filter.leaf = LeafKind::kFalse;
    BindAggregateItems();
    if (st_.where) {
      ExprBinder w = GroupBinder("WHERE");
      plan_.having.push_back(w.BindCondition(*st_.where));
    }
  }

  // '*' and 'm.*' become one item per table column.
  void ExpandStar() {
    for (const SelectItemAst& item : st_.items) {
      if (item.star && st_.no_from) {
        throw SqlError("SELECT * needs a FROM clause (there is no table to expand)", item.pos);
      }
      if (!item.star) {
        items_.push_back(item);
        continue;
      }
      if (!item.expr.column.qualifier.empty()) {
        ColumnAst probe = item.expr.column;
        probe.name = Input().at(0).name;
        row_.ResolveColumn(probe);  // throws for an unknown qualifier
      }
      for (std::size_t i = 0; i < Input().size(); ++i) {
        if (Input()[i].name.starts_with("$")) continue;  // a window stage's internal columns
        SelectItemAst c;
        c.pos = item.pos;
        c.expr.kind = ExprAst::Kind::kColumn;
        c.expr.pos = item.pos;
        const std::string name = ColumnName(static_cast<int>(i));
        c.expr.column = ColumnAst{name, name, "", item.pos, false, name};
        items_.push_back(std::move(c));
      }
    }
  }

  bool IsAlias(const ExprAst& e) const {
    if (e.kind != ExprAst::Kind::kColumn || !e.column.qualifier.empty()) return false;
    for (const SelectItemAst& item : items_) {
      if (item.alias && SameName(*item.alias, e.column.written)) return true;
    }
    return false;
  }

  void CheckColumnsInOrder() const {
    std::vector<const ExprAst*> refs;
    for (const SelectItemAst& item : items_) CollectColumnRefs(item.expr, &refs);
    if (st_.where) CollectColumnRefs(*st_.where, &refs);
    for (const ExprAst& g : st_.group_by) CollectColumnRefs(g, &refs);
    if (st_.having) CollectColumnRefs(*st_.having, &refs);
    for (const OrderAst& o : st_.order_by) CollectColumnRefs(o.expr, &refs);
    std::sort(refs.begin(), refs.end(),
              [](const ExprAst* a, const ExprAst* b) { return a->pos < b->pos; });
    for (const ExprAst* r : refs) {
      if (!IsAlias(*r)) row_.ResolveColumn(r->column);
    }
  }

  bool IsAggregate() const {
    if (!st_.group_by.empty() || st_.group_all || st_.having || st_.distinct) return true;
    for (const SelectItemAst& i : items_) {
      if (ContainsAggregate(i.expr)) return true;
    }
    for (const OrderAst& t : st_.order_by) {
      if (ContainsAggregate(t.expr)) return true;
    }
    return false;
  }

  // The column-space index of a row expression: a table column, or a computed column.
  int ColumnOf(const Expr& e) {
    if (e.op == ExprOp::kColumn) return e.column;
    auto it = std::find(plan_.computed.begin(), plan_.computed.end(), e);
    if (it == plan_.computed.end()) it = plan_.computed.insert(plan_.computed.end(), e);
    return static_cast<int>(Input().size() + static_cast<std::size_t>(it - plan_.computed.begin()));
  }

  std::string ItemName(const SelectItemAst& item) const {
    if (item.alias) return *item.alias;
    if (item.expr.kind == ExprAst::Kind::kColumn) {
      const std::string name = ColumnName(row_.ResolveColumn(item.expr.column));
      // A window stage's column stands for the call it computed: named as written.
      return name.starts_with("$") ? item.expr.column.written : name;
    }
    return ExprName(item.expr);
  }

  void AddOutput(std::string name, ResultRef ref) {
    plan_.output.push_back(Field{std::move(name), ResultRefType(plan_, ref)});
    plan_.result.push_back(ref);
  }

  void BindPlainItems() {
    row_.set_clause("the select list");
    for (const SelectItemAst& item : items_) {
      const Expr e = row_.Bind(item.expr);
      row_exprs_.push_back(e);
      AddOutput(ItemName(item), {ResultRef::Kind::kColumn, ColumnOf(e)});
    }
  }

  void AddGroup(const Expr& key) {
    const int c = ColumnOf(key);
    if (std::find(plan_.group_columns.begin(), plan_.group_columns.end(), c) !=
        plan_.group_columns.end()) {
      return;
    }
    plan_.group_columns.push_back(c);
    group_exprs_.push_back(key);
  }

  // GROUP BY terms: expressions, aliases of select items, 1-based positions, or ALL.
  void BindGroups() {
    row_.set_clause("GROUP BY");
    if (st_.group_all || (st_.distinct && st_.group_by.empty())) {
      if (st_.distinct && (!st_.group_by.empty() || st_.group_all)) {
        throw SqlError("unsupported: SELECT DISTINCT with GROUP BY", st_.group_pos);
      }
      for (const SelectItemAst& item : items_) {
        if (!ContainsAggregate(item.expr)) AddGroup(row_.Bind(item.expr));
      }
      return;
    }
    for (const ExprAst& t : st_.group_by) {
      const ExprAst* term = &t;
      if (IsOrdinal(t)) {
        term = &items_[SelectPosition(t, items_.size(), "GROUP BY")].expr;
        if (ContainsAggregate(*term)) {
          throw SqlError("GROUP BY position " + t.literal.text + " refers to an aggregate", t.pos);
        }
      } else if (IsAlias(t) && !IsSchemaColumn(t)) {
        term = &AliasedItem(t).expr;
        if (ContainsAggregate(*term)) {
          throw SqlError("GROUP BY alias '" + t.column.written + "' refers to an aggregate", t.pos);
        }
      } else if (ContainsAggregate(t)) {
        throw SqlError("aggregates are not allowed in GROUP BY", t.pos);
      }
      AddGroup(row_.Bind(*term));
    }
  }

  bool IsSchemaColumn(const ExprAst& e) const {
    for (const InputColumn& c : Input()) {
      if (SameName(c.name, e.column.name)) return true;
    }
    return false;
  }

  const SelectItemAst& AliasedItem(const ExprAst& e) const {
    for (const SelectItemAst& item : items_) {
      if (item.alias && SameName(*item.alias, e.column.written)) return item;
    }
    throw std::logic_error("no such alias");
  }

  Expr AggregateSlot(const ExprAst& e, bool typing_only);

  ExprBinder GroupBinder(const char* clause) {
    ExprBinder b(scope_, clause);
    b.set_groups(&group_exprs_, [this](const ExprAst& a, bool typing_only) {
      return AggregateSlot(a, typing_only);
    });
    return b;
  }

  ResultRef RefOf(const Expr& e) {
    const auto groups = static_cast<int>(plan_.group_columns.size());
    if (e.op == ExprOp::kColumn) {
      return e.column < groups ? ResultRef{ResultRef::Kind::kGroup, e.column}
                               : ResultRef{ResultRef::Kind::kAgg, e.column - groups};
    }
    auto it = std::find(plan_.post.begin(), plan_.post.end(), e);
    if (it == plan_.post.end()) it = plan_.post.insert(plan_.post.end(), e);
    return {ResultRef::Kind::kExpr, static_cast<int>(it - plan_.post.begin())};
  }

  void BindAggregateItems() {
    ExprBinder b = GroupBinder("the select list");
    for (const SelectItemAst& item : items_) AddOutput(ItemName(item), RefOf(b.Bind(item.expr)));
    if (st_.having) {
      ExprBinder h = GroupBinder("HAVING");
      plan_.having.push_back(h.BindCondition(*st_.having));
    }
  }

  int FindOrAddResult(ResultRef ref) {
    for (std::size_t i = 0; i < plan_.result.size(); ++i) {
      if (plan_.result[i].kind == ref.kind && plan_.result[i].index == ref.index) {
        return static_cast<int>(i);
      }
    }
    if (st_.distinct) {
      throw SqlError("for SELECT DISTINCT, ORDER BY expressions must appear in the select list", 0);
    }
    plan_.result.push_back(ref);  // hidden: only for ORDER BY
    return static_cast<int>(plan_.result.size() - 1);
  }

  // ORDER BY term: a position, an alias, or an expression.
  int OrderTerm(const ExprAst& t) {
    if (IsOrdinal(t)) return static_cast<int>(SelectPosition(t, plan_.output.size(), "ORDER BY"));
    if (IsAlias(t)) {
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].alias && SameName(*items_[i].alias, t.column.written)) {
          return static_cast<int>(i);
        }
      }
    }
    if (plan_.aggregate) {
      ExprBinder b = GroupBinder("ORDER BY");
      try {
        return FindOrAddResult(RefOf(b.Bind(t)));
      } catch (const SqlError& e) {
        if (!st_.distinct) throw;
        throw SqlError("for SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                       StartOf(t));
      }
    }
    row_.set_clause("ORDER BY");
    return FindOrAddResult({ResultRef::Kind::kColumn, ColumnOf(row_.Bind(t))});
  }

  // LIMIT / OFFSET: a constant, cast to BIGINT as DuckDB does ('5', 1.5 -> 2); NULL = none.
  std::optional<std::uint64_t> Count(const ExprAst& e, const char* clause) {
    ExprBinder b(scope_, clause);
    Expr v = b.Bind(e);
    std::vector<int> cols;
    CollectExprColumns(v, &cols);
    if (!cols.empty() || ContainsAggregate(e)) {
      throw SqlError(std::string(clause) + " must be a constant", e.pos);
    }
    if (v.type == Type::kFloat64 && v.op == ExprOp::kConstant && !v.value.null) {
      v.value.d = std::round(v.value.d);  // half away from zero, as DuckDB
    }
    if (v.type != Type::kInt64) v = CastTo(std::move(v), Type::kInt64, e.pos);
    if (v.op != ExprOp::kConstant) {
      throw SqlError(std::string(clause) + " must be a constant", e.pos);
    }
    if (v.value.null) return std::nullopt;
    if (v.value.i < 0) throw SqlError(std::string(clause) + " must not be negative", e.pos);
    return static_cast<std::uint64_t>(v.value.i);
  }

  const StatementAst& st_;
  BindScope scope_;
  std::vector<SelectItemAst> items_;
  ExprBinder row_;
  std::vector<Expr> row_exprs_;
  std::vector<Expr> group_exprs_;  // row expressions of the group keys, by group_columns index
  PlanData plan_;
};

Expr Binder::AggregateSlot(const ExprAst& e, bool typing_only) {
  const AggFn named = *AggregateByName(e.op);
  AggSpec spec;
  spec.fn = named;
  spec.distinct = e.distinct;
  const std::string name = ExprName(e);
  const bool star = e.args.size() == 1 && e.args[0].kind == ExprAst::Kind::kStar;
  if (star && named != AggFn::kCount) {
    throw SqlError(e.op + "(*) is not allowed; only count(*)", e.args[0].pos);
  }
  if (named == AggFn::kCount && (star || e.args.empty())) spec.fn = AggFn::kCountStar;
  const bool two = spec.fn == AggFn::kArgMin || spec.fn == AggFn::kArgMax ||
                   spec.fn == AggFn::kQuantileCont || spec.fn == AggFn::kQuantileDisc;
  const std::size_t want = spec.fn == AggFn::kCountStar ? e.args.size() : two ? 2 : 1;
  if (e.args.size() != want) {
    throw SqlError(e.op + "() takes " + std::to_string(want) + " argument" +
                       (want == 1 ? "" : "s") + ", not " + std::to_string(e.args.size()),
                   e.pos);
  }
  ExprBinder args(scope_, "aggregate arguments");
  for (const ExprAst& a : e.args) {
    if (ContainsAggregate(a)) throw SqlError("aggregate function calls cannot be nested", a.pos);
  }
  if (spec.fn != AggFn::kCountStar) {
    Expr x = args.Bind(e.args[0]);
    const bool moments = spec.fn == AggFn::kStddevSamp || spec.fn == AggFn::kStddevPop ||
                         spec.fn == AggFn::kVarSamp || spec.fn == AggFn::kVarPop;
    if (moments && IsDecimal(x.type)) {  // DuckDB's stddev and variances read DOUBLEs
      x = CastTo(std::move(x), Type::kFloat64, e.args[0].pos);
    }
    // A HUGEINT's moments, median and quantile_cont are DOUBLE, as DuckDB's, which reads (and
    // interpolates) its values as DOUBLEs; with DISTINCT two values could meet as one DOUBLE.
    const bool cont = spec.fn == AggFn::kMedian || spec.fn == AggFn::kQuantileCont;
    if ((moments || cont) && IsWideInteger(x.type) && !spec.distinct) {
      x = CastTo(std::move(x), Type::kFloat64, e.args[0].pos);
    }
    spec.column = typing_only ? -1 : ColumnOf(x);
    spec.input = x.type;
  }
  if (spec.fn == AggFn::kArgMin || spec.fn == AggFn::kArgMax) {
    const Expr y = args.Bind(e.args[1]);
    spec.column2 = typing_only ? -1 : ColumnOf(y);
    spec.input2 = y.type;
  } else if (two) {
    const Expr q = CastTo(args.Bind(e.args[1]), Type::kFloat64, e.args[1].pos);
    if (q.op != ExprOp::kConstant || q.value.null) {
      throw SqlError(e.op + "() needs a constant quantile", e.args[1].pos);
    }
    if (!(q.value.d >= -1 && q.value.d <= 1)) {  // DuckDB's words; a negative q counts from the top
      throw SqlError(
          "Binder Error: QUANTILE can only take parameters in the range [-1, 1] (" + name + ")",
          e.args[1].pos);
    }
    spec.param = q.value.d;
  }
  if (!e.filter.empty()) {
    if (!AggregateFilterSupported()) {
      throw SqlError(
          "unsupported: FILTER (WHERE ...) on aggregates (not implemented yet) in " + name, e.pos);
    }
    ExprBinder f(scope_, "FILTER");
    const Expr cond = f.BindCondition(e.filter[0]);
    spec.filter = typing_only ? -1 : ColumnOf(cond);
  }
  if (!AggregateSupported(spec.fn, spec.distinct)) {
    throw SqlError("unsupported aggregate '" + std::string(AggregateName(spec.fn)) + "'" +
                       (spec.distinct ? " with DISTINCT" : "") + " in " + name,
                   e.pos);
  }
  try {
    spec.result = AggregateResultType(spec.fn, spec.input);
  } catch (const std::invalid_argument& err) {
    throw SqlError(std::string("type mismatch: ") + err.what() + " (" + name + ")", e.pos);
  }
  if (typing_only) {
    Expr typed;
    typed.op = ExprOp::kColumn;
    typed.column = -1;
    typed.type = spec.result;
    typed.text = name;
    return typed;
  }
  auto it = std::find(plan_.aggs.begin(), plan_.aggs.end(), spec);
  if (it == plan_.aggs.end()) it = plan_.aggs.insert(plan_.aggs.end(), spec);
  Expr slot;
  slot.op = ExprOp::kColumn;
  slot.column = static_cast<int>(plan_.group_columns.size() +
                                 static_cast<std::size_t>(it - plan_.aggs.begin()));
  slot.type = spec.result;
  slot.text = name;
  return slot;
}

}  // namespace

std::size_t SelectPosition(const ExprAst& t, std::size_t items, const char* clause) {
  std::int64_t k = 0;
  if (!StringToInt(t.literal.text, &k) || k < 1 || static_cast<std::uint64_t>(k) > items) {
    throw SqlError(
        std::string(clause) + " position " + t.literal.text + " is not in the select list", t.pos);
  }
  return static_cast<std::size_t>(k - 1);
}

PlanData Bind(const StatementAst& st, std::string_view sql) { return Bind(st, sql, BindScope{}); }

PlanData Bind(const StatementAst& st, std::string_view sql, const BindScope& scope) {
  if (st.no_from) {
    static const std::vector<InputColumn> kNoColumns;
    BindScope none;
    none.table.clear();
    none.input = &kNoColumns;
    return Binder(st, none).Run(sql);
  }
  return Binder(st, scope).Run(sql);
}

}  // namespace plume::engine
