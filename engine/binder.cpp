// Statement binding: select list, GROUP BY, ORDER BY and LIMIT (the WHERE clause is in
// bind_filter.cpp). Naming and typing rules copy DuckDB (docs/SQL.md).
#include "engine/binder.h"

#include <algorithm>
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
    AggSpec spec;
    spec.fn = a.fn;
    if (a.fn != AggFn::kCountStar) {
      spec.column = ResolveColumnIndex(a.column);
      spec.input = ColumnType(spec.column);
    }
    try {
      spec.result = AggregateResultType(a.fn, spec.input);
    } catch (const std::invalid_argument&) {
      throw SqlError("type mismatch: " + a.name.substr(0, a.name.find('(')) +
                         " needs a numeric column, '" + a.column.written + "' is " +
                         std::string(TypeName(spec.input)),
                     a.pos);
    }
    auto it = std::find(plan_.aggs.begin(), plan_.aggs.end(), spec);
    if (it != plan_.aggs.end()) return static_cast<int>(it - plan_.aggs.begin());
    plan_.aggs.push_back(spec);
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
