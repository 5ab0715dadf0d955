// Statement binding: select list, GROUP BY, ORDER BY and LIMIT (the WHERE clause is in
// bind_filter.cpp). Naming and typing rules copy DuckDB (docs/SQL.md).
#include "engine/binder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "engine/query.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

Type ColumnType(int column) { return kSchema[static_cast<std::size_t>(column)].type; }
std::string ColumnName(int column) {
  return std::string(kSchema[static_cast<std::size_t>(column)].name);
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string FunctionName(const AggregateAst& a) { return a.name.substr(0, a.name.find('(')); }

double BindQuantile(const AggregateAst& a) {
  const LiteralAst& l = *a.param;
  double q = NAN;
  if (l.kind == LiteralAst::Kind::kInteger || l.kind == LiteralAst::Kind::kDecimal) {
    q = std::strtod(l.text.c_str(), nullptr);
  }
  if (!(q >= 0 && q <= 1)) {
    throw SqlError(FunctionName(a) + ": the quantile must be a number between 0 and 1, found " +
                       (l.text.empty() ? std::string("NULL") : l.text),
                   l.pos);
  }
  return q;
}

Type CheckedResultType(const AggregateAst& a, const AggSpec& spec) {
  if (spec.fn == AggFn::kMedian && spec.input == Type::kTimestamp) {
    throw SqlError(
        "median of a TIMESTAMP is not supported (plume's timestamps have whole "
        "seconds); use quantile_disc(" +
            a.column.written + ", 0.5)",
        a.pos);
  }
  try {
    return AggregateResultType(spec.fn, spec.input);
  } catch (const std::invalid_argument&) {
    throw SqlError("type mismatch: " + FunctionName(a) + " needs a numeric column, '" +
                       a.column.written + "' is " + std::string(TypeName(spec.input)),
                   a.pos);
  }
}

Expr Constant(Type type, bool null, std::int64_t i, double d = 0, std::string s = {}) {
  Expr e;
  e.op = ExprOp::kConstant;
  e.type = type;
  e.value = Scalar{null, i, d, std::move(s)};
  return e;
}

Expr Node(ExprOp op, std::vector<Expr> args, bool negated = false) {
  Expr e;
  e.op = op;
  e.type = Type::kBool;
  e.negated = negated;
  e.args = std::move(args);
  return e;
}

Expr LiteralExpr(const Literal& l, Type type) {
  return Constant(type, false, l.i, l.d, type == Type::kString ? l.s : std::string());
}

// The filter as a two-valued BOOLEAN expression: true exactly where the filter passes a row.
Expr FilterTruth(const FilterNode& n) {
  if (n.kind != FilterNode::Kind::kLeaf) {
    std::vector<Expr> args;
    for (const FilterNode& c : n.children) args.push_back(FilterTruth(c));
    return Node(n.kind == FilterNode::Kind::kAnd ? ExprOp::kAnd : ExprOp::kOr, std::move(args));
  }
  const Type type = n.column >= 0 ? ColumnType(n.column) : Type::kBool;
  Expr col;
  col.op = ExprOp::kColumn;
  col.type = type;
  col.column = n.column;
  static const ExprOp kOps[] = {ExprOp::kEq, ExprOp::kNe, ExprOp::kLt,
                                ExprOp::kLe, ExprOp::kGt, ExprOp::kGe};
  Expr e;
  switch (n.leaf) {
    case LeafKind::kCompare:
      e = Node(kOps[static_cast<int>(n.op)], {col, LiteralExpr(n.value, type)});
      break;
    case LeafKind::kIn: {
      if (n.list.empty()) {  // no literal fits the column: IN is never true, NOT IN where non-NULL
        if (n.negated && !n.list_has_null) return Node(ExprOp::kIsNotNull, {col});
        return Constant(Type::kBool, false, 0);
      }
      std::vector<Expr> args{col};
      for (const Literal& l : n.list) args.push_back(LiteralExpr(l, type));
      if (n.list_has_null) args.push_back(Constant(type, true, 0));
      e = Node(ExprOp::kIn, std::move(args), n.negated);
      break;
    }
    case LeafKind::kLike:
      e = Node(ExprOp::kLike, {col, Constant(Type::kString, false, 0, 0, n.value.s)}, n.negated);
      break;
    case LeafKind::kIsNull:
    case LeafKind::kIsNotNull:
      return Node(n.leaf == LeafKind::kIsNull ? ExprOp::kIsNull : ExprOp::kIsNotNull, {col});
    case LeafKind::kTrue:
    case LeafKind::kFalse:
      return Constant(Type::kBool, false, n.leaf == LeafKind::kTrue);
    case LeafKind::kExpr:
      e = n.expr[0];
      break;
  }
  e.type = Type::kBool;
  return Node(ExprOp::kCoalesce, {e, Constant(Type::kBool, false, 0)});
}

// A predicate as a BOOLEAN expression with SQL's three values: true where it holds, false where
// its negation holds, NULL otherwise (from the negation-normal-form filters of both).
Expr PredicateExpr(const ExprAst& p) {
  return Node(ExprOp::kCase, {FilterTruth(BindFilter(p, false)), Constant(Type::kBool, false, 1),
                              FilterTruth(BindFilter(p, true)), Constant(Type::kBool, false, 0),
                              Constant(Type::kBool, true, 0)});
}

// Adds `e` as a computed column of the plan; returns its column-space index.
int AddComputed(PlanData* plan, Expr e, const std::string& text) {
  e.text = text;
  for (std::size_t k = 0; k < plan->computed.size(); ++k) {
    if (plan->computed[k] == e) return static_cast<int>(kSchema.size() + k);
  }
  plan->computed.push_back(std::move(e));
  return static_cast<int>(kSchema.size() + plan->computed.size() - 1);
}

// An aggregate call: function, argument columns and types, DISTINCT, quantile, FILTER.
// Predicates (bool_and/bool_or arguments, FILTER) become computed BOOLEAN columns.
AggSpec BindAggregate(const AggregateAst& a, PlanData* plan) {
  AggSpec spec;
  spec.fn = a.fn;
  if (a.distinct && !AggregateSupported(a.fn, true)) {
    throw SqlError(
        "DISTINCT is supported in count, sum, avg, min and max only, not in " + FunctionName(a),
        a.pos);
  }
  spec.distinct = a.distinct && a.fn != AggFn::kMin && a.fn != AggFn::kMax;  // same answer
  if (PredicateArgument(a.fn)) {
    spec.input = Type::kBool;
    spec.column = AddComputed(plan, PredicateExpr(*a.predicate), a.name);
  } else if (a.fn != AggFn::kCountStar) {
    spec.column = ResolveColumnIndex(a.column);
    spec.input = ColumnType(spec.column);
  }
  if (a.column2) {
    spec.column2 = ResolveColumnIndex(*a.column2);
    spec.input2 = ColumnType(spec.column2);
  }
  spec.param = a.param ? BindQuantile(a) : 0.5;  // median: 0.5
  if (a.filter) spec.filter = AddComputed(plan, FilterTruth(BindFilter(*a.filter, false)), a.name);
  spec.result = CheckedResultType(a, spec);
  return spec;
}

class Binder {
 public:
  explicit Binder(const StatementAst& st) : st_(st) {}

  PlanData Run(std::string_view sql) {
    plan_.sql = std::string(sql);
    plan_.aggregate = IsAggregate();
    if (st_.where) plan_.filter = BindFilter(*st_.where, false);
    if (plan_.aggregate) {
      BindGroups();
      BindAggregateItems();
    } else {
      BindPlainItems();
    }
    for (const TermAst& t : st_.order_by) {
      plan_.order.push_back(SortKey{OrderTerm(t), t.desc, t.nulls_first});
    }
    plan_.limit = st_.limit;
    for (const ResultRef& r : plan_.result) plan_.result_types.push_back(RefType(r));
    FinishPlan(&plan_);
    return std::move(plan_);
  }

 private:
  bool IsAggregate() const {
    if (!st_.group_by.empty()) return true;
    for (const SelectItemAst& i : st_.items) {
      if (i.is_aggregate) return true;
    }
    for (const TermAst& t : st_.order_by) {
      if (t.kind == TermAst::Kind::kAggregate) return true;
    }
    return false;
  }

  Type RefType(const ResultRef& r) const { return ResultRefType(plan_, r); }

  void AddOutput(std::string name, ResultRef ref) {
    plan_.output.push_back(Field{std::move(name), RefType(ref)});
    plan_.result.push_back(ref);
  }

  void BindPlainItems() {
    if (st_.star) {
      for (std::size_t i = 0; i < kSchema.size(); ++i) {
        AddOutput(ColumnName(static_cast<int>(i)), {ResultRef::Kind::kColumn, static_cast<int>(i)});
      }
      return;
    }
    for (const SelectItemAst& item : st_.items) {
      const int column = ResolveColumnIndex(item.column);
      AddOutput(item.alias.value_or(ColumnName(column)), {ResultRef::Kind::kColumn, column});
    }
  }

  // GROUP BY terms: a column, an alias of a plain column item, or a select-list position.
  void BindGroups() {
    for (const TermAst& t : st_.group_by) {
      int column = -1;
      if (t.kind == TermAst::Kind::kAggregate) {
        throw SqlError("aggregates are not allowed in GROUP BY", t.pos);
      } else if (t.kind == TermAst::Kind::kOrdinal) {
        const SelectItemAst& item = ItemAt(t, "GROUP BY");
        if (item.is_aggregate) throw SqlError("GROUP BY position refers to an aggregate", t.pos);
        column = ResolveColumnIndex(item.column);
      } else {
        column = GroupName(t.column);
      }
      if (std::find(plan_.group_columns.begin(), plan_.group_columns.end(), column) ==
          plan_.group_columns.end()) {
        plan_.group_columns.push_back(column);
      }
    }
  }

  int GroupName(const ColumnAst& c) const {
    for (std::size_t i = 0; i < kSchema.size(); ++i) {
      if (kSchema[i].name == c.name) return static_cast<int>(i);
    }
    for (const SelectItemAst& item : st_.items) {
      if (!item.is_aggregate && item.alias && SameName(*item.alias, c.written)) {
        return ResolveColumnIndex(item.column);
      }
    }
    return ResolveColumnIndex(c);  // throws "unknown column"
  }

  const SelectItemAst& ItemAt(const TermAst& t, const char* clause) const {
    if (st_.star || t.ordinal < 1 || static_cast<std::size_t>(t.ordinal) > st_.items.size()) {
      throw SqlError(std::string(clause) + std::string(" position ") + std::to_string(t.ordinal) +
                         " is not in the select list",
                     t.pos);
    }
    return st_.items[static_cast<std::size_t>(t.ordinal - 1)];
  }

  int GroupIndex(const ColumnAst& c) const {
    const int column = ResolveColumnIndex(c);
    auto it = std::find(plan_.group_columns.begin(), plan_.group_columns.end(), column);
    if (it == plan_.group_columns.end()) {
      throw SqlError("column '" + c.written +
                         "' must appear in the GROUP BY clause or be used in an aggregate function",
                     c.pos);
    }
    return static_cast<int>(it - plan_.group_columns.begin());
  }

  int AggIndex(const AggregateAst& a) {
    AggSpec spec = BindAggregate(a, &plan_);
    auto it = std::find(plan_.aggs.begin(), plan_.aggs.end(), spec);
    if (it != plan_.aggs.end()) return static_cast<int>(it - plan_.aggs.begin());
    plan_.aggs.push_back(std::move(spec));
    return static_cast<int>(plan_.aggs.size() - 1);
  }

  void BindAggregateItems() {
    if (st_.star) {
      throw SqlError("SELECT * cannot be used with GROUP BY or aggregates; list the columns",
                     st_.star_pos);
    }
    for (const SelectItemAst& item : st_.items) {
      if (item.is_aggregate) {
        const int agg = AggIndex(item.aggregate);
        AddOutput(item.alias.value_or(item.aggregate.name), {ResultRef::Kind::kAgg, agg});
      } else {
        const int group = GroupIndex(item.column);
        AddOutput(item.alias.value_or(ColumnName(ResolveColumnIndex(item.column))),
                  {ResultRef::Kind::kGroup, group});
      }
    }
  }

  int FindOrAddResult(ResultRef ref) {
    for (std::size_t i = 0; i < plan_.result.size(); ++i) {
      if (plan_.result[i].kind == ref.kind && plan_.result[i].index == ref.index) {
        return static_cast<int>(i);
      }
    }
    plan_.result.push_back(ref);  // hidden: only for ORDER BY
    return static_cast<int>(plan_.result.size() - 1);
  }

  // ORDER BY term: alias or select-list name first, then a column, a position or an aggregate.
  int OrderTerm(const TermAst& t) {
    if (t.kind == TermAst::Kind::kOrdinal) {
      if (t.ordinal < 1 || static_cast<std::size_t>(t.ordinal) > plan_.output.size()) {
        throw SqlError(std::string("ORDER BY position ") + std::to_string(t.ordinal) +
                           " is not in the select list",
                       t.pos);
      }
      return static_cast<int>(t.ordinal - 1);
    }
    if (t.kind == TermAst::Kind::kAggregate) {
      return FindOrAddResult({ResultRef::Kind::kAgg, AggIndex(t.aggregate)});
    }
    for (std::size_t i = 0; i < plan_.output.size(); ++i) {
      const bool aliased = st_.star ? false : st_.items[i].alias.has_value();
      if (aliased && SameName(plan_.output[i].name, t.column.written)) return static_cast<int>(i);
    }
    if (plan_.aggregate) return FindOrAddResult({ResultRef::Kind::kGroup, GroupIndex(t.column)});
    return FindOrAddResult({ResultRef::Kind::kColumn, ResolveColumnIndex(t.column)});
  }

  const StatementAst& st_;
  PlanData plan_;
};

}  // namespace

PlanData Bind(const StatementAst& st, std::string_view sql) { return Binder(st).Run(sql); }

}  // namespace plume::engine
