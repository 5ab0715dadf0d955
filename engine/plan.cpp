// Plan: parsing entry point, accessors, derived facts (needed columns, utc bounds) and the
// compact binary form that the runtime broadcasts.
#include <algorithm>
#include <limits>

#include "engine/binder.h"
#include "engine/explain.h"
#include "engine/plan_builder.h"
#include "engine/plan_codec.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/sql_ast.h"
#include "engine/staged.h"

namespace plume::engine {

Plan PlanBuilder::Make(PlanData data) {
  return Plan(std::make_shared<const PlanData>(std::move(data)));
}

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
const int kUtc = static_cast<int>(Col::kUtc);

void CollectColumns(const FilterNode& n, std::vector<int>* out) {
  if (n.kind != FilterNode::Kind::kLeaf) {
    for (const FilterNode& c : n.children) CollectColumns(c, out);
  } else if (n.column >= 0) {
    out->push_back(n.column);
  }
  for (const Expr& e : n.expr) CollectExprColumns(e, out);
}

struct Range {
  std::int64_t lo, hi;
};

Range UtcLeafRange(const FilterNode& n) {
  if (n.leaf == LeafKind::kFalse) return {kMax, kMin};
  if (n.column != kUtc) return {kMin, kMax};
  if (n.leaf == LeafKind::kIn && !n.negated) {
    Range r{kMax, kMin};
    for (const Literal& l : n.list) r = {std::min(r.lo, l.i), std::max(r.hi, l.i)};
    return r;
  }
  if (n.leaf != LeafKind::kCompare) return {kMin, kMax};
  const std::int64_t v = n.value.i;
  switch (n.op) {
    case CmpOp::kEq:
      return {v, v};
    case CmpOp::kNe:
      return {kMin, kMax};
    case CmpOp::kLt:
      return v == kMin ? Range{kMax, kMin} : Range{kMin, v - 1};
    case CmpOp::kLe:
      return {kMin, v};
    case CmpOp::kGt:
      return v == kMax ? Range{kMax, kMin} : Range{v + 1, kMax};
    case CmpOp::kGe:
      return {v, kMax};
  }
  return {kMin, kMax};
}

Range UtcRange(const FilterNode& n) {
  if (n.kind == FilterNode::Kind::kLeaf) return UtcLeafRange(n);
  const bool is_and = n.kind == FilterNode::Kind::kAnd;
  Range r = is_and ? Range{kMin, kMax} : Range{kMax, kMin};
  for (const FilterNode& c : n.children) {
    const Range cr = UtcRange(c);
    r = is_and ? Range{std::max(r.lo, cr.lo), std::min(r.hi, cr.hi)}
               : Range{std::min(r.lo, cr.lo), std::max(r.hi, cr.hi)};
  }
  return r;
}

}  // namespace

const std::vector<InputColumn>& InputOf(const PlanData& plan) {
  return plan.input.empty() ? MeasurementsInput() : plan.input;
}

Type ColumnSpaceType(const PlanData& plan, int column) {
  const auto c = static_cast<std::size_t>(column);
  const std::vector<InputColumn>& input = InputOf(plan);
  return c < input.size() ? input[c].type : plan.computed.at(c - input.size()).type;
}

Type ResultRefType(const PlanData& plan, const ResultRef& ref) {
  const auto k = static_cast<std::size_t>(ref.index);
  switch (ref.kind) {
    case ResultRef::Kind::kColumn:
      return ColumnSpaceType(plan, ref.index);
    case ResultRef::Kind::kGroup:
      return ColumnSpaceType(plan, plan.group_columns.at(k));
    case ResultRef::Kind::kAgg:
      return plan.aggs.at(k).result;
    case ResultRef::Kind::kExpr:
      return plan.post.at(k).type;
  }
  return Type::kInt64;
}

void FinishPlan(PlanData* plan) {
  std::vector<int> cols;
  CollectColumns(plan->filter, &cols);
  for (const ResultRef& r : plan->result) {
    if (r.kind == ResultRef::Kind::kColumn) cols.push_back(r.index);
  }
  cols.insert(cols.end(), plan->group_columns.begin(), plan->group_columns.end());
  for (const AggSpec& a : plan->aggs) {
    for (int c : {a.column, a.column2, a.filter}) {
      if (c >= 0) cols.push_back(c);
    }
  }
  for (const Expr& e : plan->computed) CollectExprColumns(e, &cols);
  // Computed columns are not read from the table: only the kSchema columns they use are.
  const int inputs = static_cast<int>(InputOf(*plan).size());
  std::erase_if(cols, [inputs](int c) { return c >= inputs; });
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  plan->needed_columns = std::move(cols);
  const Range r = UtcRange(plan->filter);
  plan->utc_lo = r.lo;
  plan->utc_hi = r.hi;
}

Plan Plan::Parse(std::string_view sql) { return Parse(sql, PlanOptions{}); }

Plan Plan::Parse(std::string_view sql, const PlanOptions& options) {
  const StagedStatement staged = StagedStatement::Parse(sql, options);
  if (staged.stages() != 1 || staged.source(0) != -1) {
    throw SqlError(
        "the statement runs in " + std::to_string(staged.stages()) +
            " stages (WITH, subqueries or window functions): plan it with StagedStatement",
        0);
  }
  return staged.Single();
}

std::string Plan::Serialize() const { return EncodePlan(source_ ? *source_ : *data_); }

Plan Plan::Deserialize(std::string_view bytes) { return PlanBuilder::Make(DecodePlan(bytes)); }

const std::string& Plan::sql() const { return data_->sql; }
const std::vector<Field>& Plan::output() const { return data_->output; }
bool Plan::aggregate() const { return data_->aggregate; }
bool Plan::ordered() const { return !data_->order.empty(); }
std::optional<std::uint64_t> Plan::limit() const { return data_->limit; }
std::int64_t Plan::utc_lo() const { return data_->utc_lo; }
MergePlan Plan::merge() const { return data_->merge; }
std::int64_t Plan::utc_hi() const { return data_->utc_hi; }

std::vector<std::string> Plan::needed_columns() const {
  std::vector<std::string> names;
  for (int c : data_->needed_columns)
    names.push_back(InputOf(*data_).at(static_cast<std::size_t>(c)).name);
  return names;
}

}  // namespace plume::engine
