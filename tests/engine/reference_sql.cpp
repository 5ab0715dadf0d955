// Rendering of a QuerySpec as SQL text and its DuckDB column names.
#include "engine/schema.h"
#include "tests/engine/reference.h"

namespace plume::engine::testing {
namespace {

std::string Name(int column) { return std::string(kSchema[static_cast<std::size_t>(column)].name); }

std::string AggName(RefAgg fn) {
  static const char* const kNames[] = {
      "count",         "count",   "sum",         "avg",        "min",    "max",
      "var_samp",      "var_pop", "stddev_samp", "stddev_pop", "median", "quantile_cont",
      "quantile_disc", "arg_min", "arg_max",     "bool_and",   "bool_or"};
  return kNames[static_cast<int>(fn)];
}

std::string ExprSql(const RefExpr& e);

std::string ScalarSql(const RefScalar& e) {
  using K = RefScalar::Kind;
  auto arg = [&](std::size_t i) { return ScalarSql(e.args[i]); };
  auto binary = [&](const char* op) { return "(" + arg(0) + " " + op + " " + arg(1) + ")"; };
  switch (e.kind) {
    case K::kColumn:
      return Name(e.column);
    case K::kConst:
      return e.lit.sql;
    case K::kAdd:
      return binary("+");
    case K::kSub:
      return binary("-");
    case K::kMul:
      return binary("*");
    case K::kDiv:
      return binary("/");
    case K::kIntDiv:
      return binary("//");
    case K::kMod:
      return binary("%");
    case K::kConcat:
      return binary("||");
    case K::kNeg:
      return "(- " + arg(0) + ")";
    case K::kAbs:
      return "abs(" + arg(0) + ")";
    case K::kLength:
      return "length(" + arg(0) + ")";
    case K::kCoalesce:
      return "COALESCE(" + arg(0) + ", " + arg(1) + ")";
    case K::kCase:
      return "CASE WHEN " + ExprSql(e.cond[0]) + " THEN " + arg(0) + " ELSE " + arg(1) + " END";
  }
  return "";
}

// The call as SQL; without FILTER and predicates also DuckDB's name of it.
std::string AggSql(RefAgg fn, int column, const RefAggExtra& x) {
  std::string s;
  if (fn == RefAgg::kCountStar) {
    s = "count(*)";
  } else if (fn == RefAgg::kBoolAnd || fn == RefAgg::kBoolOr) {
    s = AggName(fn) + "(" + ExprSql(x.predicate[0]) + ")";
  } else {
    s = AggName(fn) + "(" + (x.distinct ? "DISTINCT " : "") +
        (x.arg.empty() ? Name(column) : ScalarSql(x.arg[0]));
    if (fn == RefAgg::kArgMin || fn == RefAgg::kArgMax) s += ", " + Name(x.column2);
    if (fn == RefAgg::kQuantileCont || fn == RefAgg::kQuantileDisc) s += ", " + x.quantile;
    s += ")";
  }
  if (!x.filter.empty()) s += " FILTER (WHERE " + ExprSql(x.filter[0]) + ")";
  return s;
}

std::string Flip(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

std::string ExprSql(const RefExpr& e) {
  const std::string col = e.kind <= RefExpr::Kind::kNot ? "" : Name(e.column);
  const std::string neg = e.negated ? "NOT " : "";
  std::string s;
  switch (e.kind) {
    case RefExpr::Kind::kAnd:
    case RefExpr::Kind::kOr:
      for (std::size_t i = 0; i < e.children.size(); ++i) {
        if (i) s += e.kind == RefExpr::Kind::kAnd ? " AND " : " OR ";
        s += std::string("(") + ExprSql(e.children[i]) + ")";
      }
      return s;
    case RefExpr::Kind::kNot:
      return std::string("NOT (") + ExprSql(e.children[0]) + ")";
    case RefExpr::Kind::kCompare:
      return e.literal_first ? e.args[0].sql + std::string(" ") + Flip(e.op) + " " + col
                             : col + " " + e.op + " " + e.args[0].sql;
    case RefExpr::Kind::kBetween:
      return col + " " + neg + "BETWEEN " + e.args[0].sql + " AND " + e.args[1].sql;
    case RefExpr::Kind::kIn:
      s = col + " " + neg + "IN (";
      for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + e.args[i].sql;
      return s + ")";
    case RefExpr::Kind::kLike:
      return col + " " + neg + "LIKE " + e.args[0].sql;
    case RefExpr::Kind::kIsNull:
      return col + " IS " + neg + "NULL";
    case RefExpr::Kind::kScalar:
      return ScalarSql(e.scalar[0]) + " " + e.op + " " + e.args[0].sql;
    case RefExpr::Kind::kColumns: {
      const std::string lhs =
          e.offset == 0 ? col : "(" + col + " + " + std::to_string(e.offset) + ")";
      return lhs + " " + e.op + " " + Name(e.column2);
    }
  }
  return s;
}

}  // namespace

bool QuerySpec::IsAggregate() const {
  if (!group_by.empty() || having) return true;
  for (const RefItem& i : items) {
    if (i.aggregate) return true;
  }
  for (const RefOrder& o : order_by) {
    if (o.by == RefOrder::By::kAggregate) return true;
  }
  return false;
}

std::string QuerySpec::Sql() const {
  std::string s = distinct ? "SELECT DISTINCT " : "SELECT ";
  if (star) s += "*";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += items[i].aggregate      ? AggSql(items[i].fn, items[i].column, items[i].x)
         : items[i].expr.empty() ? Name(items[i].column)
                                 : ScalarSql(items[i].expr[0]);
    if (items[i].alias) s += " AS " + *items[i].alias;
  }
  s += " FROM measurements";
  if (where) s += std::string(" WHERE ") + ExprSql(*where);
  for (std::size_t i = 0; i < group_by.size(); ++i)
    s += (i ? ", " : " GROUP BY ") + Name(group_by[i]);
  if (having) {
    s += " HAVING " + AggSql(having->fn, having->column, having->x) + " " + having->op + " " +
         having->lit.sql;
  }
  for (std::size_t i = 0; i < order_by.size(); ++i) {
    const RefOrder& o = order_by[i];
    s += i ? ", " : " ORDER BY ";
    switch (o.by) {
      case RefOrder::By::kColumn:
        s += Name(o.column);
        break;
      case RefOrder::By::kAggregate:
        s += AggSql(o.fn, o.column, o.x);
        break;
      case RefOrder::By::kAlias:
        s += *items[static_cast<std::size_t>(o.item)].alias;
        break;
      case RefOrder::By::kOrdinal:
        s += std::to_string(o.item + 1);
        break;
    }
    if (o.desc) s += " DESC";
    if (o.nulls_first) s += *o.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  if (limit) s += std::string(" LIMIT ") + std::to_string(*limit);
  return s + ";";
}

std::vector<std::string> QuerySpec::ColumnNames() const {
  std::vector<std::string> names;
  if (star) {
    for (const ColumnSpec& c : kSchema) names.emplace_back(c.name);
  }
  for (const RefItem& i : items) {
    if (i.alias) {
      names.push_back(*i.alias);
    } else if (!i.aggregate) {
      names.push_back(Name(i.column));
    } else {
      names.push_back(i.fn == RefAgg::kCountStar ? "count_star()" : AggSql(i.fn, i.column, i.x));
    }
  }
  return names;
}

}  // namespace plume::engine::testing
