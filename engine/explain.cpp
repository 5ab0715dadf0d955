// EXPLAIN: the distributed plan of a statement as text, and the plan that returns it. The
// EXPLAIN plan is an aggregate without groups whose filter matches nothing, so every rank runs
// its usual steps on no rows and the gateway's final merge yields the one row (explain_key,
// explain_value) that DuckDB's EXPLAIN has; no runtime change is needed.
#include "engine/explain.h"

#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

std::string ColumnText(const PlanData& p, int c) {
  const auto k = static_cast<std::size_t>(c);
  const std::vector<InputColumn>& input = InputOf(p);
  return k < input.size() ? input[k].name : p.computed[k - input.size()].text;
}

const char* OpText(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "=";
    case CmpOp::kNe:
      return "<>";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
  }
  return "?";
}

std::string LiteralText(const Literal& l, Type type) {
  std::string out;
  if (type == Type::kString) return "'" + l.s + "'";
  if (type == Type::kFloat64) {
    AppendDouble(out, l.d);
  } else if (type == Type::kTimestamp) {
    out = "'";
    AppendTimestamp(out, l.i);
    out += "'";
  } else {
    AppendInt(out, l.i);
  }
  return out;
}

std::string LeafText(const FilterNode& n, const std::vector<InputColumn>& input) {
  if (n.leaf == LeafKind::kTrue) return "true";
  if (n.leaf == LeafKind::kFalse) return "false";
  if (n.leaf == LeafKind::kExpr) return n.expr[0].text + "   [expression, per block of rows]";
  const std::string col(input[static_cast<std::size_t>(n.column)].name);
  const Type type = input[static_cast<std::size_t>(n.column)].type;
  const std::string zone =
      type == Type::kString ? "   [dictionary mask, zone maps]" : "   [zone maps]";
  switch (n.leaf) {
    case LeafKind::kCompare:
      return col + " " + OpText(n.op) + " " + LiteralText(n.value, type) + zone;
    case LeafKind::kIn: {
      std::string list;
      for (const Literal& l : n.list) list += (list.empty() ? "" : ", ") + LiteralText(l, type);
      if (n.list_has_null) list += list.empty() ? "NULL" : ", NULL";
      return col + (n.negated ? " NOT IN (" : " IN (") + list + ")" + zone;
    }
    case LeafKind::kLike:
      return col + (n.negated ? " NOT LIKE '" : " LIKE '") + n.value.s + "'" + zone;
    case LeafKind::kIsNull:
      return col + " IS NULL" + zone;
    default:
      return col + " IS NOT NULL" + zone;
  }
}

void FilterText(const FilterNode& n, const std::vector<InputColumn>& input, int depth,
                std::string* out) {
  const std::string indent(static_cast<std::size_t>(4 + 2 * depth), ' ');
  if (n.kind == FilterNode::Kind::kLeaf) {
    *out += indent + LeafText(n, input) + "\n";
    return;
  }
  *out += indent + (n.kind == FilterNode::Kind::kAnd ? "AND" : "OR") + "\n";
  for (const FilterNode& c : n.children) FilterText(c, input, depth + 1, out);
}

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string AggText(const PlanData& p, const AggSpec& a) {
  if (a.fn == AggFn::kCountStar) return "count_star()";
  std::string s = std::string(AggregateName(a.fn)) + "(" + (a.distinct ? "DISTINCT " : "") +
                  ColumnText(p, a.column);
  if (a.column2 >= 0) s += ", " + ColumnText(p, a.column2);
  if (a.fn == AggFn::kQuantileCont || a.fn == AggFn::kQuantileDisc) {
    AppendDouble(s += ", ", a.param);
  }
  s += ")";
  if (a.filter >= 0) s += " FILTER (WHERE " + ColumnText(p, a.filter) + ")";
  return s;
}

std::string OrderText(const PlanData& p) {
  std::vector<std::string> keys;
  for (const SortKey& k : p.order) {
    const ResultRef& r = p.result[static_cast<std::size_t>(k.result)];
    std::string name = static_cast<std::size_t>(k.result) < p.output.size()
                           ? p.output[static_cast<std::size_t>(k.result)].name
                           : (r.kind == ResultRef::Kind::kColumn ? ColumnText(p, r.index)
                                                                 : std::string("hidden column"));
    keys.push_back(name + (k.desc ? " DESC" : " ASC") +
                   (k.nulls_first ? " NULLS FIRST" : " NULLS LAST"));
  }
  return List(keys);
}

std::string Stage1(const PlanData& p) {
  std::string s = "stage 1: every data rank, on its own partition, in parallel\n";
  std::vector<std::string> cols;
  for (int c : p.needed_columns) cols.push_back(ColumnText(p, c));
  s += "  read columns: " + (cols.empty() ? std::string("(none)") : List(cols)) + "\n";
  if (p.utc_lo > p.utc_hi) {
    s += "  partition pruning: no row can match (every partition skipped)\n";
  } else if (p.utc_lo != INT64_MIN || p.utc_hi != INT64_MAX) {
    std::string lo, hi;
    if (p.utc_lo != INT64_MIN) AppendTimestamp(lo, p.utc_lo);
    if (p.utc_hi != INT64_MAX) AppendTimestamp(hi, p.utc_hi);
    s += "  partition pruning by the manifest's utc range: utc in [" + (lo.empty() ? "-inf" : lo) +
         ", " + (hi.empty() ? "+inf" : hi) + "]\n";
  } else {
    s += "  partition pruning: none (WHERE does not bound utc)\n";
  }
  s += "  filter (vectorized per 8192-row block; zone maps skip or accept whole blocks):\n";
  FilterText(p.filter, InputOf(p), 0, &s);
  if (!p.computed.empty()) {
    std::vector<std::string> names;
    for (const Expr& e : p.computed) names.push_back(e.text);
    s += "  computed columns (evaluated once on the selected rows): " + List(names) + "\n";
  }
  if (p.aggregate) {
    std::vector<std::string> keys, aggs;
    for (int c : p.group_columns) keys.push_back(ColumnText(p, c));
    for (const AggSpec& a : p.aggs) aggs.push_back(AggText(p, a));
    s += "  partial aggregation: " +
         (keys.empty() ? std::string("one group") : "hash GROUP BY " + List(keys)) +
         " -> partial states of " + (aggs.empty() ? std::string("(none)") : List(aggs)) + "\n";
  } else if (!p.order.empty()) {
    s += "  sort by " + OrderText(p) +
         (p.limit ? ", keep the top " + std::to_string(*p.limit + p.offset) + " (LIMIT + OFFSET)"
                  : std::string()) +
         "\n";
  } else {
    s += "  stream the matching rows" +
         (p.limit ? ", at most " + std::to_string(*p.limit + p.offset) + " (LIMIT + OFFSET)"
                  : std::string()) +
         "\n";
  }
  return s;
}

std::string FinalizeLines(const PlanData& p) {
  std::string s = "  final merge of the partial states; finalize the aggregates\n";
  if (!p.having.empty()) s += "  HAVING " + p.having[0].text + "\n";
  if (!p.post.empty()) {
    std::vector<std::string> names;
    for (const Expr& e : p.post) names.push_back(e.text);
    s += "  select-list expressions over the groups: " + List(names) + "\n";
  }
  return s;
}

std::string TreeStages(const PlanData& p) {
  std::string s = "stage 2: each team leader (ranks 1 and 4 at 6 ranks), over its team's streams\n";
  if (p.aggregate) {
    s += "  merge the partial states by group key (not final)\n";
  } else if (!p.order.empty()) {
    s += "  k-way merge of the sorted streams\n";
  } else {
    s += "  forward the frames unchanged\n";
  }
  s += "stage 3: the gateway (rank 0), over the leaders' streams\n";
  if (p.aggregate) {
    s += FinalizeLines(p);
  } else {
    s += p.order.empty() ? "  concatenate the streams\n" : "  k-way merge of the sorted streams\n";
  }
  return s;
}

// After a hash exchange, or (local) with partition-local groups.
std::string ExchangeStages(const PlanData& p, bool local) {
  std::string s =
      local ? "stage 2: every data rank, over its own groups (no other partition holds them)\n"
            : "stage 2: every data rank, over its share of the groups (hash of the GROUP BY keys) "
              "from every data rank (hash exchange, nonblocking all-to-all)\n";
  s += FinalizeLines(p);
  s += "  sort by " + (p.order.empty() ? std::string() : OrderText(p) + ", then ") +
       "the group keys" +
       (p.limit ? ", keep the top " + std::to_string(*p.limit + p.offset) + " (LIMIT + OFFSET)"
                : std::string()) +
       "\n";
  s += "stage 3: each team leader, over its team's final rows: k-way merge of the sorted streams\n";
  s += "stage 4: the gateway (rank 0), over the leaders' streams: k-way merge of the sorted "
       "streams\n";
  return s;
}

}  // namespace

std::string ExplainText(const PlanData& p) {
  const std::string why = p.merge_why.empty() ? std::string() : "; " + p.merge_why;
  std::string s = "distributed plan (exchange: ";
  switch (p.merge) {
    case MergePlan::kTree:
      s += "none; tree merge data ranks -> team leaders -> gateway" + why + ")\n";
      break;
    case MergePlan::kExchange:
      s += "hash of the GROUP BY keys among the data ranks; only final rows travel to the "
           "gateway" +
           why + ")\n";
      break;
    case MergePlan::kLocal:
      s += "none; each data rank finalizes its own groups, only final rows travel" + why + ")\n";
      break;
  }
  s += Stage1(p);
  s +=
      p.merge == MergePlan::kTree ? TreeStages(p) : ExchangeStages(p, p.merge == MergePlan::kLocal);
  if (!p.order.empty()) s += "  ORDER BY " + OrderText(p) + "\n";
  if (p.offset > 0) s += "  OFFSET " + std::to_string(p.offset) + "\n";
  if (p.limit) s += "  LIMIT " + std::to_string(*p.limit) + "\n";
  std::vector<std::string> out;
  for (const Field& f : p.output) out.push_back(f.name + " " + std::string(TypeName(f.type)));
  s += "  output: " + List(out) + "\n";
  return s;
}

PlanData ExplainPlan(const PlanData& explained) {
  PlanData p;
  p.sql = explained.sql;
  p.aggregate = true;
  FilterNode none;
  none.leaf = LeafKind::kFalse;
  p.filter = none;
  auto text = [](std::string v, std::string name) {
    return MakeExplainConstant(std::move(v), std::move(name));
  };
  p.post.push_back(text("physical_plan", "explain_key"));
  p.post.push_back(text(ExplainText(explained), "explain_value"));
  for (int k = 0; k < 2; ++k) {
    p.result.push_back({ResultRef::Kind::kExpr, k});
    p.result_types.push_back(Type::kString);
    p.output.push_back(Field{k == 0 ? "explain_key" : "explain_value", Type::kString});
  }
  FinishPlan(&p);
  return p;
}

Expr MakeExplainConstant(std::string value, std::string name) {
  Expr e;
  e.op = ExprOp::kConstant;
  e.type = Type::kString;
  e.value.null = false;
  e.value.s = std::move(value);
  e.text = std::move(name);
  return e;
}

}  // namespace plume::engine
