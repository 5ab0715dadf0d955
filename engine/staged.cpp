// StagedStatement (split, check, bind, EXPLAIN of every stage) and GatheredTable.
#include "engine/staged.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "engine/binder.h"
#include "engine/bounded_sort.h"
#include "engine/explain.h"
#include "engine/expr_kernels.h"  // Pow10Wide
#include "engine/plan_builder.h"
#include "engine/stage_split.h"

namespace plume::engine {

struct StagedStatement::Data {
  std::string sql;
  std::vector<StageAst> stages;
  std::vector<std::vector<Field>> fields;  // per stage: its plan's output (what is gathered)
  std::vector<std::vector<Field>> tables;  // per stage: what later stages read (+ windows)
  std::vector<Type> types;                 // per stage: its first column's type
  std::vector<bool> on_ranks;              // per stage: run on the data ranks inside the next
  std::vector<std::string> local_key;      // per window stage: its partition-local key, if any
  // A window stage over an aggregate stage that runs on the data ranks before it (WindowStage
  // pre): per window stage, that stage (-1: none), the GROUP BY keys its exchange hashes by, and
  // whether those are the windows' PARTITION BY keys (no second exchange); per aggregate stage,
  // the window stage that reads it (-1: none).
  std::vector<int> pre_of;
  std::vector<std::vector<std::size_t>> pre_keys;
  std::vector<bool> pre_local;
  std::vector<int> pre_for;
  std::optional<Plan> explain;  // EXPLAIN: the one plan that returns the text
  PlanOptions options;          // how stages over measurements merge (ChooseMerge)
  std::vector<PlanData> bound;  // every stage bound without results: what the planner read
};

namespace {

std::vector<InputColumn> InputFrom(const std::vector<Field>& fields) {
  std::vector<InputColumn> input;
  input.reserve(fields.size());
  for (const Field& f : fields) input.push_back({f.name, f.type, true});
  return input;
}

PlanData BindStage(const StagedStatement::Data& d, std::size_t i,
                   const std::vector<Table>* results) {
  StatementAst ast = d.stages.at(i).ast;
  SubstituteSubqueries(&ast, results, d.types);
  if (ast.source < 0) {
    // A stage over measurements runs on the data ranks: tree merge or hash exchange.
    PlanData p = Bind(ast, d.sql);
    ChooseMerge(&p, d.options);
    return p;
  }
  const std::vector<InputColumn> input =
      InputFrom(d.tables.at(static_cast<std::size_t>(ast.source)));
  BindScope scope;
  scope.table = ast.table;
  scope.input = &input;
  return Bind(ast, d.sql, scope);
}

// RANGE with an offset orders by one key that the offset applies to: a number (an integer
// type, DOUBLE or DECIMAL) with a number, a TIMESTAMP with an INTERVAL, a DATE with an INTERVAL
// or a whole number of days (DuckDB's rules; a HUGEINT or UBIGINT key is not supported here).
template <typename TypeOf>
void CheckRangeOffsets(const WindowCall& call, const TypeOf& type_of) {
  using K = FrameBound::Kind;
  if (call.rows || call.groups || call.order.empty()) return;
  for (const FrameBound* b : {&call.start, &call.end}) {
    if (b->kind != K::kPreceding && b->kind != K::kFollowing) continue;
    const Type key = type_of(call.order[0].column);
    const bool number = IsInteger(key) || key == Type::kFloat64 || IsDecimal(key);
    const bool fits = b->interval() ? key == Type::kTimestamp || key == Type::kDate
                                    : number || (key == Type::kDate && b->scale == 0);
    if (!fits) {
      throw SqlError("type mismatch: a RANGE frame offset " +
                         std::string(b->interval() ? "INTERVAL"
                                     : b->scale    ? "decimal"
                                                   : "integer") +
                         " over an ORDER BY key of type " + std::string(TypeName(key)) +
                         " (a number offset orders numbers, an INTERVAL a TIMESTAMP or DATE, a "
                         "whole number of days a DATE)",
                     0);
    }
    if (IsWideDecimal(key) &&
        b->scale > DecimalScale(key)) {  // its units times 10^k: beyond 128 bits
      throw SqlError("not supported: a RANGE frame offset (" +
                         (b->text.empty() ? std::to_string(b->offset) : b->text) +
                         ") with more decimal places than its ORDER BY key of type " +
                         std::string(TypeName(key)) + "; cast the key to a larger scale",
                     0);
    }
    if (IsDecimal(key)) {  // key +- offset must fit a DECIMAL's 38 digits at the larger scale
      const int scale = std::max(DecimalScale(key), b->scale);
      if (b->offset >= Pow10Wide(kMaxDecimalWidth - scale + b->scale)) {
        throw SqlError("Conversion Error: Could not cast value " +
                           (b->text.empty() ? std::to_string(b->offset) : b->text) + " to " +
                           std::string(TypeName(key)) + " (a RANGE frame offset)",
                       0);
      }
    }
  }
}

// The window stage's result: its own columns, then one per window call.
void AddWindowFields(StageAst* stage, std::vector<Field>* fields) {
  auto type_of = [&](const std::string& name) {
    for (const Field& f : *fields) {
      if (f.name == name) return f.type;
    }
    return Type::kInt64;
  };
  for (WindowCall& call : stage->windows) {
    const Type arg = type_of(call.arg);
    if (call.fn == WindowFn::kNowcast && (call.order.size() != 1 || call.order[0].desc ||
                                          type_of(call.order[0].column) != Type::kTimestamp)) {
      throw SqlError(
          "nowcast() needs OVER (PARTITION BY ... ORDER BY one TIMESTAMP column, ascending)", 0);
    }
    CheckRangeOffsets(call, type_of);
    try {
      call.result = WindowResultType(call.fn, arg);
    } catch (const std::invalid_argument& e) {
      throw SqlError(std::string("type mismatch: window function ") + e.what(), 0);
    }
  }
  for (const WindowCall& call : stage->windows) fields->push_back({call.name, call.result});
}

// The PARTITION BY keys a distributed window stage hashes its rows by, as written.
std::string KeysText(const StageAst& s, const WindowStage& w) {
  std::string text;
  for (std::size_t k : w.keys()) {
    const std::string& name = w.fields().at(k).name;
    for (const SelectItemAst& item : s.ast.items) {
      if (item.alias && *item.alias == name) {
        text += (text.empty() ? "" : ", ") + ExprName(item.expr);
      }
    }
  }
  return text;
}

// The key of window stage `s` (bound as `p`) that keeps its window partitions inside the data
// partitions, or "" (PartitionLocalWindowKey).
std::string LocalWindowKey(const StageAst& s, const PlanData& p, const PlanOptions& options) {
  const WindowStage w(PlanBuilder::Make(PlanData(p)), s.windows, s.name);
  return PartitionLocalWindowKey(p, w.keys(), options);
}

// A stage that only filters and projects its rows: run on each data rank over its share, its
// rows together are the stage's result.
bool RowWise(const PlanData& p) {
  return !p.aggregate && p.order.empty() && !p.limit && p.offset == 0;
}

// Stage i is a table that stage i + 1 reads and no other stage does.
bool ReadOnlyByNext(const StagedStatement::Data& d, std::size_t i) {
  if (d.stages[i].role != StageAst::Role::kTable || i + 1 >= d.stages.size()) return false;
  for (std::size_t j = 0; j < d.stages.size(); ++j) {
    if (d.stages[j].ast.source == static_cast<int>(i) && j != i + 1) return false;
  }
  return d.stages[i + 1].ast.source == static_cast<int>(i);
}

// The GROUP BY keys of aggregate `agg` that window input `input` (a plan over agg's result)
// passes on as its PARTITION BY keys `keys` (plain columns), in the keys' order; nullopt when
// one is not a plain group key column.
std::optional<std::vector<std::size_t>> GroupKeysOf(const PlanData& agg, const PlanData& input,
                                                    const std::vector<std::size_t>& keys) {
  std::vector<std::size_t> out;
  for (std::size_t k : keys) {
    const ResultRef& r = input.result.at(k);
    if (r.kind != ResultRef::Kind::kColumn || r.index < 0 ||
        static_cast<std::size_t>(r.index) >= agg.result.size()) {
      return std::nullopt;
    }
    const ResultRef& g = agg.result[static_cast<std::size_t>(r.index)];
    if (g.kind != ResultRef::Kind::kGroup) return std::nullopt;
    out.push_back(static_cast<std::size_t>(g.index));
  }
  return out;
}

// Stage `a` is an aggregate over measurements that window stage `w` (the next) alone reads and
// that can finalize its groups on the data ranks (GROUP BY, no LIMIT or ORDER BY).
bool PreAggregate(const StagedStatement::Data& d, const std::vector<PlanData>& plans, std::size_t a,
                  std::size_t w) {
  const StageAst& s = d.stages[a];
  const PlanData& p = plans[a];
  if (w != a + 1 || s.role != StageAst::Role::kTable || s.ast.source >= 0 || !p.aggregate ||
      p.group_columns.empty() || !p.order.empty() || p.limit || p.offset != 0) {
    return false;
  }
  for (std::size_t j = 0; j < d.stages.size(); ++j) {
    if (j != w && d.stages[j].ast.source == static_cast<int>(a)) return false;
  }
  return true;
}

// Stage a, bound to run before window stage w on the data ranks: through the exchange, hashed
// by the keys Parse chose.
PlanData BindPre(const StagedStatement::Data& d, std::size_t a, std::size_t w,
                 const std::vector<Table>* results) {
  PlanData p = BindStage(d, a, results);
  p.merge = MergePlan::kExchange;
  p.merge_why =
      "each data rank keeps its final groups for the window stage '" + d.stages[w].name + "'";
  return p;
}

// The measurements columns that column c of stage s's table derives from (through computed
// keys and earlier stages); nullopt for a window's or an aggregate's value.
std::optional<std::vector<int>> SourceColumns(const StagedStatement::Data& d,
                                              const std::vector<PlanData>& plans, std::size_t s,
                                              std::size_t c);

std::optional<std::vector<int>> SpaceColumns(const StagedStatement::Data& d,
                                             const std::vector<PlanData>& plans, std::size_t s,
                                             int col) {
  const PlanData& p = plans[s];
  const std::size_t n = InputOf(p).size();
  std::vector<int> cols;
  if (static_cast<std::size_t>(col) >= n) {
    CollectExprColumns(p.computed.at(static_cast<std::size_t>(col) - n), &cols);
  } else {
    cols.push_back(col);
  }
  const int src = d.stages[s].ast.source;
  if (src < 0) return cols;
  std::vector<int> out;
  for (int k : cols) {
    const auto from =
        SourceColumns(d, plans, static_cast<std::size_t>(src), static_cast<std::size_t>(k));
    if (!from) return std::nullopt;
    out.insert(out.end(), from->begin(), from->end());
  }
  return out;
}

std::optional<std::vector<int>> SourceColumns(const StagedStatement::Data& d,
                                              const std::vector<PlanData>& plans, std::size_t s,
                                              std::size_t c) {
  const PlanData& p = plans[s];
  if (c >= p.output.size()) return std::nullopt;  // a window's column
  const ResultRef& ref = p.result[c];
  if (ref.kind == ResultRef::Kind::kColumn) return SpaceColumns(d, plans, s, ref.index);
  if (ref.kind == ResultRef::Kind::kGroup) {
    return SpaceColumns(d, plans, s, p.group_columns.at(static_cast<std::size_t>(ref.index)));
  }
  return std::nullopt;
}

// Column c of stage s's table as a column of window stage w's table (its share on a data rank),
// through the row-wise stages between that pass it on as it is; nullopt when one computes it.
std::optional<std::size_t> ShareColumn(const StagedStatement::Data& d,
                                       const std::vector<PlanData>& plans, std::size_t s,
                                       std::size_t c, std::size_t w) {
  for (; s != w; s = static_cast<std::size_t>(d.stages[s].ast.source)) {
    const PlanData& p = plans[s];
    if (c >= p.output.size() || p.result[c].kind != ResultRef::Kind::kColumn ||
        static_cast<std::size_t>(p.result[c].index) >= InputOf(p).size()) {
      return std::nullopt;
    }
    c = static_cast<std::size_t>(p.result[c].index);
  }
  return c;
}

// The merge of stage i, which reads the windows' shares on the data ranks (the stage after a
// window stage and the row-wise stages between): partition-local when its GROUP BY keys include
// the keys the windows' rows were hashed by (every group is then whole in one share), else the
// hash exchange when ChooseMerge's estimate finds many groups, as over measurements.
void ChooseReaderMerge(const StagedStatement::Data& d, const std::vector<PlanData>& plans,
                       std::size_t i, PlanData* p) {
  std::size_t w = i - 1;
  while (d.stages.at(w).role != StageAst::Role::kWindow) --w;
  const WindowStage ws(PlanBuilder::Make(PlanData(plans[w])), d.stages[w].windows,
                       d.stages[w].name);
  std::vector<std::optional<std::vector<int>>> key_columns;
  std::vector<std::size_t> share_keys;
  const std::size_t n = InputOf(*p).size();
  for (int g : p->group_columns) {
    std::vector<int> cols;
    if (static_cast<std::size_t>(g) >= n) {
      CollectExprColumns(p->computed.at(static_cast<std::size_t>(g) - n), &cols);
    } else {
      cols.push_back(g);
      const auto share = ShareColumn(d, plans, i - 1, static_cast<std::size_t>(g), w);
      if (share) share_keys.push_back(*share);
    }
    std::optional<std::vector<int>> from = std::vector<int>{};
    for (int k : cols) {
      const auto c = SourceColumns(d, plans, i - 1, static_cast<std::size_t>(k));
      if (!c) {
        from.reset();
        break;
      }
      from->insert(from->end(), c->begin(), c->end());
    }
    key_columns.push_back(std::move(from));
  }
  // Columns a and b of the window stage's table hold the same values: one column, or two that
  // select one input column or expression (a key is its own column "$e", beside the one the
  // statement selects).
  const PlanData& wp = plans[w];
  const auto same = [&](std::size_t a, std::size_t b) {
    if (a == b) return true;
    if (a >= wp.output.size() || b >= wp.output.size()) return false;
    const ResultRef &x = wp.result[a], &y = wp.result[b];
    if (x.kind != ResultRef::Kind::kColumn || y.kind != ResultRef::Kind::kColumn) return false;
    if (x.index == y.index) return true;
    const std::size_t inputs = InputOf(wp).size();
    const auto u = static_cast<std::size_t>(x.index), v = static_cast<std::size_t>(y.index);
    return u >= inputs && v >= inputs &&
           wp.computed.at(u - inputs).text == wp.computed.at(v - inputs).text;
  };
  const bool local = std::all_of(ws.keys().begin(), ws.keys().end(), [&](std::size_t k) {
    return std::any_of(share_keys.begin(), share_keys.end(),
                       [&](std::size_t c) { return same(c, k); });
  });
  std::string why;
  if (local) {
    why = ws.keys().empty() ? "the windows' rows all went to one data rank (rank 1)"
                            : "the GROUP BY keys include (" + KeysText(d.stages[w], ws) +
                                  "), the keys the windows' rows were hashed by";
  }
  ChooseMergeOverShares(p, d.options, key_columns, why);
}

std::string WindowPlacementText(const StageAst& s, const PlanData& p, const std::string& local) {
  const WindowStage w(PlanBuilder::Make(PlanData(p)), s.windows, s.name);
  if (!local.empty()) {
    return "  on the data ranks over measurements, partition-local (no exchange): PARTITION BY " +
           local +
           " keeps every window partition inside one data partition (their utc ranges do not "
           "overlap and no partition boundary splits a bucket); each data rank sorts its own "
           "rows by PARTITION BY then ORDER BY keys and computes the windows there, inside the "
           "next stage\n";
  }
  std::string text =
      "  on the data ranks over measurements; then through the hash exchange between the data "
      "ranks: ";
  text += w.keys().empty()
              ? "the windows have no PARTITION BY key in common, so every row goes to one data "
                "rank (rank 1), within its --memory-limit"
              : "each row to the data rank that owns the hash of (" + KeysText(s, w) +
                    "), so every window partition is whole on one rank";
  return text +
         "; each data rank sorts its share by PARTITION BY then ORDER BY keys and computes the "
         "windows there, inside the next stage\n";
}

std::string RoleText(const StageAst& s, bool on_ranks) {
  switch (s.role) {
    case StageAst::Role::kWindow:
      return "the input of " + std::to_string(s.windows.size()) + " window function(s), " +
             (on_ranks ? std::string("computed on the data ranks over their shares")
                       : std::string("computed on the gateway over the gathered rows (sorted by "
                                     "PARTITION BY then ORDER BY keys)"));
    case StageAst::Role::kTable:
      return "a table the next stages read";
    case StageAst::Role::kScalar:
      return "a scalar subquery: its one value becomes a constant of the stages that use it";
    case StageAst::Role::kIn:
      return "an IN subquery: its values become the IN list of the stages that use it";
    case StageAst::Role::kResult:
      return "the statement's result";
  }
  return "";
}

// The lines of `text` (without their '\n').
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string Indent(const std::string& text) {
  std::string out;
  for (const std::string& line : Lines(text)) out += "  " + line + "\n";
  return out;
}

// ExplainText of a plan that runs over one gathered table in one process: its partition and
// final parts, without the tree merge's framing and the manifest's pruning.
std::string LocalText(const PlanData& p, const std::string& scan = "scan of the gathered table:") {
  std::string out;
  bool leaders = false;
  for (const std::string& line : Lines(ExplainText(p))) {
    if (line.starts_with("stage 2:")) leaders = true;
    if (line.starts_with("stage 3:")) leaders = false;
    if (line.starts_with("distributed plan") || leaders ||
        line.find("partition pruning") != std::string::npos) {
      continue;
    }
    if (line.starts_with("stage 1:")) {
      out += scan + "\n";
    } else if (line.starts_with("stage 3:")) {
      out += "final merge:\n";
    } else {
      out += line + "\n";
    }
  }
  return out;
}

// ExplainText of reading stage p through the exchange (or partition-local): its scan over each
// data rank's share, then its exchange's stages as over measurements.
std::string ShareExchangeText(const PlanData& p) {
  std::string out;
  for (const std::string& line : Lines(ExplainText(p))) {
    if (line.starts_with("distributed plan") ||
        line.find("partition pruning") != std::string::npos) {
      continue;
    }
    out += (line.starts_with("stage 1:") ? "on each data rank, over its share:" : line) + "\n";
  }
  return out;
}

// The GROUP BY keys `keys` of aggregate `p`, as written.
std::string GroupKeysText(const StageAst& s, const PlanData& p,
                          const std::vector<std::size_t>& keys) {
  std::string text;
  for (std::size_t k : keys) {
    for (std::size_t r = 0; r < p.result.size() && r < s.ast.items.size(); ++r) {
      if (p.result[r].kind == ResultRef::Kind::kGroup &&
          static_cast<std::size_t>(p.result[r].index) == k) {
        text += (text.empty() ? "" : ", ") + p.output[r].name;
        break;
      }
    }
  }
  return text;
}

// Aggregate stage a, run on the data ranks before the window stage that reads it.
std::string PreAggregateText(const StagedStatement::Data& d, std::size_t a, const PlanData& p) {
  const std::size_t w = static_cast<std::size_t>(d.pre_for[a]);
  const std::vector<std::size_t>& keys = d.pre_keys[w];
  std::string text = "  on the data ranks over measurements, through the hash exchange ";
  if (!d.pre_local[w]) {
    text += "of its GROUP BY keys";
  } else if (keys.empty()) {
    text +=
        "to one data rank, rank 1 (the windows have no PARTITION BY key in common: every group "
        "goes to it, within its --memory-limit)";
  } else {
    text += "of (" + GroupKeysText(d.stages[a], p, keys) +
            ") only, the windows' PARTITION BY keys, so every window partition's groups meet on "
            "one data rank";
  }
  text += "; each data rank finalizes its share of the groups and keeps it for '" +
          d.stages[w].name + "' (nothing is gathered)\n";
  PlanData shown = p;
  shown.merge = MergePlan::kExchange;
  const std::string plan = ExplainText(shown);
  const std::size_t from = plan.find("stage 1:"), to = plan.find("stage 3:");
  return text + Indent(plan.substr(from, to == std::string::npos ? to : to - from));
}

// Window stage w over the final groups of the aggregate stage before it, on the data ranks.
std::string WindowOverAggregateText(const StagedStatement::Data& d, std::size_t w,
                                    const PlanData& p) {
  const StageAst& s = d.stages[w];
  const std::string& agg = d.stages[static_cast<std::size_t>(d.pre_of[w])].name;
  if (d.pre_local[w]) {
    const std::string why = d.pre_keys[w].empty()
                                ? "every group is on one data rank (rank 1)"
                                : "they were hashed by the windows' PARTITION BY keys";
    return "  on the data ranks, each over its final groups of '" + agg +
           "' where they are (no second exchange): " + why +
           "; each data rank sorts them by PARTITION BY then ORDER BY keys and computes the "
           "windows there, inside the next stage\n";
  }
  const WindowStage ws(PlanBuilder::Make(PlanData(p)), s.windows, s.name);
  std::string text = "  on the data ranks over their final groups of '" + agg +
                     "'; then through a second hash exchange between the data ranks: ";
  text += ws.keys().empty() ? "every row to one data rank, within its --memory-limit"
                            : "each row to the data rank that owns the hash of (" +
                                  KeysText(s, ws) + "), so every window partition is whole there";
  return text +
         "; each data rank sorts its share by PARTITION BY then ORDER BY keys and computes the "
         "windows there, inside the next stage\n";
}

std::string StageText(const StagedStatement::Data& d, std::size_t i, const PlanData& p) {
  const StageAst& s = d.stages[i];
  std::string text = "stage " + std::to_string(i + 1) + " of " + std::to_string(d.stages.size()) +
                     ": '" + s.name + "', " + RoleText(s, d.on_ranks[i]) + "\n";
  if (d.pre_for[i] >= 0) return text + PreAggregateText(d, i, p);
  if (d.pre_of[i] >= 0) {
    // Its rows go to the windows where they are (or to the exchange), not up the tree.
    const std::string plan =
        LocalText(p, "on each data rank, over its final groups of '" +
                         d.stages[static_cast<std::size_t>(d.pre_of[i])].name + "':");
    return text + WindowOverAggregateText(d, i, p) +
           Indent(plan.substr(0, plan.find("final merge:")));
  }
  if (d.on_ranks[i] && s.role == StageAst::Role::kWindow) {
    // Its rows go to the exchange (or stay), not up the tree: the partition part only.
    const std::string plan = ExplainText(p);
    const std::size_t from = plan.find("stage 1:"), to = plan.find("stage 2:");
    return text + WindowPlacementText(s, p, d.local_key[i]) +
           Indent(plan.substr(from, to == std::string::npos ? to : to - from));
  }
  if (d.on_ranks[i]) {
    text += "  on the data ranks, each over its share of '" + d.stages[i - 1].name +
            "' (row-wise: filter and projection only); its rows stay there for the next stage, "
            "nothing is gathered\n";
    return text + Indent(LocalText(p, "on each data rank, over its share:"));
  }
  if (i > 0 && d.on_ranks[i - 1]) {
    text += "  on the data ranks, each over its share of '" + d.stages[i - 1].name +
            "' with the windows (the same filter, aggregation and sort code as a partition), ";
    const std::string why = p.aggregate && !p.group_columns.empty() ? " (" + p.merge_why + ")" : "";
    if (p.merge == MergePlan::kTree) {
      text += "merged through the tree" + why + "\n";
      return text + Indent(LocalText(p, "on each data rank, over its share:"));
    }
    text += p.merge == MergePlan::kLocal
                ? "each data rank finalizing its own groups" + why
                : "its partial groups through the hash exchange between the data ranks (hash of "
                  "the GROUP BY keys)" +
                      why + ", each data rank finalizing its share of the groups";
    text += "; only final rows travel to the gateway\n";
    return text + Indent(ShareExchangeText(p));
  }
  if (s.ast.source < 0) {
    text += i + 1 < d.stages.size()
                ? "  on the data ranks over measurements; the result is gathered to the gateway\n"
                : "  on the data ranks over measurements\n";
    return text + Indent(ExplainText(p));
  }
  const std::string& from = d.stages[static_cast<std::size_t>(s.ast.source)].name;
  text += "  on the gateway (rank 0), in one process, over the gathered result of '" + from +
          "' (the same filter, aggregation and sort code as a partition)\n";
  return text + Indent(LocalText(p));
}

// Where stage i runs: a window stage read by the next one on the data ranks (over measurements,
// or over an aggregate stage that finalizes its groups there first), and a row-wise stage over
// such windows that only the next stage reads there too. Stages before i are placed already.
void Place(StagedStatement::Data* d, const std::vector<PlanData>& plans, std::size_t i) {
  const StageAst& s = d->stages[i];
  const int src = s.ast.source;
  const bool read_by_next =
      i + 1 < d->stages.size() && d->stages[i + 1].ast.source == static_cast<int>(i);
  if (d->options.windows_on_data_ranks && s.role == StageAst::Role::kWindow && read_by_next) {
    if (src < 0) {
      d->on_ranks[i] = true;
      d->local_key[i] = LocalWindowKey(s, plans[i], d->options);
    } else if (PreAggregate(*d, plans, static_cast<std::size_t>(src), i)) {
      const std::size_t a = static_cast<std::size_t>(src);
      const WindowStage w(PlanBuilder::Make(PlanData(plans[i])), s.windows, s.name);
      const auto keys = GroupKeysOf(plans[a], plans[i], w.keys());
      d->on_ranks[i] = d->on_ranks[a] = true;
      d->pre_of[i] = src;
      d->pre_for[a] = static_cast<int>(i);
      d->pre_local[i] = keys.has_value();
      if (keys) {
        d->pre_keys[i] = *keys;
      } else {
        for (std::size_t k = 0; k < plans[a].group_columns.size(); ++k) d->pre_keys[i].push_back(k);
      }
    }
    return;
  }
  if (i > 0 && d->on_ranks[i - 1] && d->pre_for[i - 1] < 0 && RowWise(plans[i]) &&
      ReadOnlyByNext(*d, i)) {
    d->on_ranks[i] = true;
  }
}

}  // namespace

StagedStatement StagedStatement::Parse(std::string_view sql, const PlanOptions& options) {
  const StatementAst root = ParseStatement(sql);
  auto d = std::make_shared<Data>();
  d->sql = std::string(sql);
  d->options = options;
  StatementAst plain = root;
  plain.explain = false;
  d->stages = SplitStages(plain);
  const std::size_t n = d->stages.size();
  d->on_ranks.assign(n, false);
  d->local_key.assign(n, "");
  d->pre_of.assign(n, -1);
  d->pre_keys.assign(n, {});
  d->pre_local.assign(n, false);
  d->pre_for.assign(n, -1);
  std::vector<PlanData> plans;
  for (std::size_t i = 0; i < n; ++i) {
    plans.push_back(BindStage(*d, i, nullptr));
    const PlanData& p = plans.back();
    const StageAst& s = d->stages[i];
    const bool one = s.role == StageAst::Role::kScalar || s.role == StageAst::Role::kIn;
    if (one && p.output.size() != 1) {
      throw SqlError(
          "Subquery returns " + std::to_string(p.output.size()) + " columns - expected 1",
          s.ast.items.empty() ? 0 : s.ast.items[0].pos);
    }
    std::vector<Field> fields = p.output;
    if (s.role == StageAst::Role::kWindow) AddWindowFields(&d->stages[i], &fields);
    d->fields.push_back(p.output);
    d->tables.push_back(std::move(fields));
    d->types.push_back(p.output.empty() ? Type::kInt64 : p.output[0].type);
  }
  for (std::size_t i = 0; i < n; ++i) Place(d.get(), plans, i);
  for (std::size_t i = 1; i < n; ++i) {
    if (d->on_ranks[i - 1] && !d->on_ranks[i]) ChooseReaderMerge(*d, plans, i, &plans[i]);
  }
  d->bound = plans;
  std::string text;
  for (std::size_t i = 0; root.explain && i < n; ++i) text += StageText(*d, i, plans[i]);
  if (root.explain) {
    PlanData last = BindStage(*d, d->stages.size() - 1, nullptr);
    PlanData e = ExplainPlan(last);
    e.input.clear();  // the EXPLAIN plan reads nothing (its filter matches no row)
    if (d->stages.size() > 1) {
      e.post.at(1).value.s = "multi-stage plan: " + std::to_string(d->stages.size()) +
                             " stages, run in order; a stage's result is gathered to the gateway "
                             "and read from there by the stages that use it\n" +
                             text;
    }
    d->explain = PlanBuilder::Make(std::move(e));
  }
  return StagedStatement(std::move(d));
}

std::size_t StagedStatement::stages() const { return data_->explain ? 1 : data_->stages.size(); }

const std::string& StagedStatement::name(std::size_t i) const {
  return data_->stages.at(data_->explain ? data_->stages.size() - 1 : i).name;
}

int StagedStatement::source(std::size_t i) const {
  return data_->explain || window_input(i) ? -1 : data_->stages.at(i).ast.source;
}

bool StagedStatement::on_data_ranks(std::size_t i) const {
  return !data_->explain && data_->on_ranks.at(i);
}

WindowStage StagedStatement::Window(std::size_t i, const std::vector<Table>& results) const {
  if (!window_input(i)) throw std::logic_error("stage does not read windows on the data ranks");
  if (results.size() < i) throw std::invalid_argument("results of earlier stages missing");
  std::size_t w = i - 1;
  std::vector<std::pair<Plan, std::string>> between;
  while (data_->stages.at(w).role != StageAst::Role::kWindow) {
    between.insert(between.begin(),
                   {PlanBuilder::Make(BindStage(*data_, w, &results)), data_->stages[w].name});
    --w;
  }
  std::optional<Plan> pre;
  const int a = data_->pre_of[w];
  if (a >= 0) pre = PlanBuilder::Make(BindPre(*data_, static_cast<std::size_t>(a), w, &results));
  return WindowStage(PlanBuilder::Make(BindStage(*data_, w, &results)), data_->stages[w].windows,
                     "stage " + std::to_string(w + 1) + " of " + std::to_string(stages()) + " ('" +
                         data_->stages[w].name + "')",
                     a >= 0 ? data_->pre_local[w] : !data_->local_key[w].empty(),
                     std::move(between), std::move(pre), data_->pre_keys[w]);
}

const std::vector<Field>& StagedStatement::fields(std::size_t i) const {
  return data_->explain ? data_->explain->output() : data_->fields.at(i);
}

const std::vector<WindowCall>& StagedStatement::windows(std::size_t i) const {
  static const std::vector<WindowCall> kNone;
  return data_->explain ? kNone : data_->stages.at(i).windows;
}

Table StagedStatement::Complete(std::size_t i, Table gathered) const {
  if (!data_->explain) ComputeWindows(data_->stages.at(i).windows, &gathered);
  return gathered;
}

Plan StagedStatement::Bind(std::size_t i, const std::vector<Table>& results) const {
  if (data_->explain) return *data_->explain;
  if (i >= data_->stages.size()) throw std::out_of_range("no such stage");
  if (results.size() < i) throw std::invalid_argument("results of earlier stages missing");
  PlanData p = BindStage(*data_, i, &results);
  if (window_input(i) && !data_->on_ranks[i]) ChooseReaderMerge(*data_, data_->bound, i, &p);
  return PlanBuilder::Make(std::move(p));
}

GatheredTable::GatheredTable(const std::vector<Field>& fields, std::uint64_t limit_bytes,
                             std::string where)
    : codes_(fields.size()), limit_(limit_bytes), where_(std::move(where)) {
  for (const Field& f : fields) {
    Column c;
    c.name = f.name;
    c.type = f.type;
    table_.columns.push_back(std::move(c));
  }
}

void GatheredTable::Append(const Batch& batch) {
  if (batch.columns.size() != table_.columns.size()) {
    throw std::runtime_error("gathered result: batch has the wrong number of columns");
  }
  std::uint64_t add = 0;
  for (std::size_t k = 0; k < batch.columns.size(); ++k) {
    const BatchColumn& b = batch.columns[k];
    if (b.type != table_.columns[k].type) {
      throw std::runtime_error("gathered result: column " + std::to_string(k) +
                               " has the wrong type");
    }
    add += batch.rows * (b.type == Type::kString ? 4 : 8) + b.chars.size() + b.valid.size();
  }
  if (bytes_ + add > limit_) {
    throw StageMemoryError(where_ + " passed the --memory-limit of " + FormatBytes(limit_) + " (" +
                           std::to_string(table_.rows + batch.rows) + " rows so far)");
  }
  bytes_ += add;
  for (std::size_t k = 0; k < batch.columns.size(); ++k) {
    const BatchColumn& b = batch.columns[k];
    Column& c = table_.columns[k];
    if (!b.valid.empty() || !c.valid.empty()) {
      if (c.valid.empty()) c.valid.assign(table_.rows, 1);
      if (b.valid.empty()) {
        c.valid.insert(c.valid.end(), batch.rows, 1);
      } else {
        c.valid.insert(c.valid.end(), b.valid.begin(), b.valid.end());
      }
    }
    if (b.type == Type::kString) {
      for (std::size_t r = 0; r < batch.rows; ++r) {
        auto [it, fresh] = codes_[k].try_emplace(std::string(b.StringAt(r)),
                                                 static_cast<std::uint32_t>(c.dict.size()));
        if (fresh) c.dict.push_back(it->first);
        c.codes.push_back(it->second);
      }
    } else if (b.type == Type::kFloat64) {
      c.doubles.insert(c.doubles.end(), b.doubles.begin(), b.doubles.end());
    } else if (IsWidePhysical(b.type)) {
      c.wide.insert(c.wide.end(), b.wide.begin(), b.wide.end());
    } else {
      c.ints.insert(c.ints.end(), b.ints.begin(), b.ints.end());
    }
  }
  table_.rows += batch.rows;
}

struct GatheredTable::Finishing {
  using Less = std::function<bool(std::uint32_t, std::uint32_t)>;
  enum class Phase : std::uint8_t { kSort, kPermute, kRemap, kZones, kDone };
  Phase phase = Phase::kSort;
  std::size_t column = 0;  // the column being finished
  std::size_t cursor = 0;  // entries, rows or blocks done of the phase
  std::unique_ptr<BoundedSort<std::uint32_t, Less>> sort;
  std::vector<std::uint32_t> order;  // the dictionary's codes in string order
  std::vector<std::uint32_t> remap;  // old code -> new code
  std::vector<std::string> dict;     // the dictionary being put in order
};

GatheredTable::~GatheredTable() = default;
GatheredTable::GatheredTable(GatheredTable&&) noexcept = default;
GatheredTable& GatheredTable::operator=(GatheredTable&&) noexcept = default;

// Sorted dictionary: codes compare like the strings, as in a partition. The strings are unique
// (codes_ made them), so their order is a strict total order, that of one std::sort.
void GatheredTable::StepString(Finishing& f, Column& c) {
  using Phase = Finishing::Phase;
  const std::size_t d = c.dict.size();
  if (f.phase == Phase::kSort) {
    if (!f.sort) {
      std::vector<std::uint32_t> codes(d);
      std::iota(codes.begin(), codes.end(), 0u);
      const std::vector<std::string>* dict = &c.dict;
      f.sort = std::make_unique<BoundedSort<std::uint32_t, Finishing::Less>>(
          std::move(codes), d,
          [dict](std::uint32_t a, std::uint32_t b) { return (*dict)[a] < (*dict)[b]; });
    }
    if (f.sort->Step()) return;
    f.order = f.sort->Take();
    f.sort.reset();
    f.remap.resize(d);
    f.dict.resize(d);
    f.phase = Phase::kPermute;
    f.cursor = 0;
    return;
  }
  if (f.phase == Phase::kPermute) {
    const std::size_t end = std::min(d, f.cursor + kStepItems);
    for (std::size_t i = f.cursor; i < end; ++i) {
      f.remap[f.order[i]] = static_cast<std::uint32_t>(i);
      f.dict[i] = std::move(c.dict[f.order[i]]);
    }
    f.cursor = end;
    if (end < d) return;
    c.dict = std::move(f.dict);
    f.dict = {};
    f.order = {};
    f.phase = Phase::kRemap;
    f.cursor = 0;
    return;
  }
  const std::size_t end = std::min(c.codes.size(), f.cursor + kStepItems);
  for (std::size_t i = f.cursor; i < end; ++i) c.codes[i] = f.remap[c.codes[i]];
  f.cursor = end;
  if (end < c.codes.size()) return;
  f.remap = {};
  f.phase = Phase::kSort;
  f.cursor = 0;
  ++f.column;
}

bool GatheredTable::Step() {
  using Phase = Finishing::Phase;
  if (!finishing_) finishing_ = std::make_unique<Finishing>();
  Finishing& f = *finishing_;
  const std::size_t n = table_.columns.size();
  if (f.phase != Phase::kZones && f.phase != Phase::kDone) {
    while (f.column < n && table_.columns[f.column].type != Type::kString) ++f.column;
    if (f.column < n) {
      StepString(f, table_.columns[f.column]);
      return true;
    }
    f.phase = Phase::kZones;
    f.column = 0;
    f.cursor = 0;
  }
  if (f.phase == Phase::kZones) {
    if (f.column < n) {
      constexpr std::size_t kBlocks = kStepItems / kBlockRows;
      BuildZoneMaps(table_.columns[f.column], f.cursor, kBlocks);
      f.cursor += kBlocks;
      if (f.cursor * kBlockRows >= table_.rows) {
        ++f.column;
        f.cursor = 0;
      }
      return true;
    }
    f.phase = Phase::kDone;
  }
  return false;
}

Table GatheredTable::Finish() {
  while (Step()) {
  }
  finishing_.reset();
  return std::move(table_);  // codes_ goes with the destructor (rank 0: on its reaper's thread)
}

Batch TableRows(const Table& table, const std::vector<std::size_t>& columns, std::size_t begin,
                std::size_t end) {
  if (begin > end || end > table.rows) throw std::out_of_range("TableRows: rows past the end");
  Batch batch;
  batch.rows = end - begin;
  for (std::size_t k : columns) {
    const Column& c = table.columns.at(k);
    BatchColumn b;
    b.type = c.type;
    if (!c.valid.empty()) b.valid.assign(c.valid.begin() + begin, c.valid.begin() + end);
    if (c.type == Type::kString) {
      b.offsets.reserve(batch.rows + 1);
      b.offsets.push_back(0);
      for (std::size_t r = begin; r < end; ++r) {
        if (c.valid.empty() || c.valid[r] != 0) b.chars += c.dict[c.codes[r]];  // NULL: ""
        b.offsets.push_back(static_cast<std::uint32_t>(b.chars.size()));
      }
    } else if (c.type == Type::kFloat64) {
      b.doubles.assign(c.doubles.begin() + begin, c.doubles.begin() + end);
    } else if (IsWidePhysical(c.type)) {
      b.wide.assign(c.wide.begin() + begin, c.wide.begin() + end);
    } else {
      b.ints.assign(c.ints.begin() + begin, c.ints.begin() + end);
    }
    batch.columns.push_back(std::move(b));
  }
  return batch;
}

}  // namespace plume::engine
