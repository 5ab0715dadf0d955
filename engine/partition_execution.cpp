// PartitionExecution: filter (filter.h), then either sort/limit and gather the selected rows,
// or aggregate them into partial states (group_by.h). The work that decides the row count runs
// in bounded steps (Step(): a morsel of kMorselRows rows of one phase), so that a rank's loop
// keeps its turn for cancels, deadlines, its team and other statements.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "engine/computed.h"
#include "engine/filter.h"
#include "engine/group_by.h"
#include "engine/partial.h"
#include "engine/query.h"
#include "engine/row_sorter.h"
#include "engine/row_text.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

// Rows per step of every phase: 4 filter blocks. About 0.1-3 ms of work per step here (a
// simple comparison to a 100,000-element IN list), far below the ~10 ms turn the runtime needs.
constexpr std::size_t kMorselBlocks = 4;
constexpr std::size_t kMorselRows = kMorselBlocks * kBlockRows;

}  // namespace

// Filter -> [Compute] -> Aggregate | Sort | (nothing) -> Ready.
enum class ExecPhase : std::uint8_t { kFilter, kCompute, kAggregate, kSort, kReady };

struct PartitionExecution::Impl {
  Plan plan;
  const Table& table;
  std::vector<const Column*> columns;  // by input column index; nullptr when not needed
  std::vector<std::uint32_t> rows;     // plain SELECT: the rows to emit, in order
  ComputedColumns computed;
  std::unique_ptr<CompiledFilter> filter;
  std::unique_ptr<PartitionAggregator> aggregator;
  std::unique_ptr<RowSorter> sorter;
  ExecPhase phase = ExecPhase::kFilter;
  std::size_t cursor = 0;  // kFilter: the next block; kCompute, kAggregate: the next row index
  std::uint64_t total = 0;
  std::size_t next = 0;
  std::uint64_t memory_limit = 0;  // 0 = none
  bool fused = false;              // kFilter also aggregates (ReserveRows)

  RowWriter lines;                          // Plan::WithRowText: renders result[0]
  std::vector<const Column*> line_columns;  // its visible columns, once DirectLines() checked

  Impl(const Plan& p, const Table& t)
      : plan(p), table(t), lines(p.row_text(), p.data().row_text_fields) {}
  void BindColumns();
  void ReserveRows();  // before the filter; decides `fused`
  void StepFilter();
  void StepCompute();
  void StepAggregate();
  void NewAggregator(std::size_t rows_in);
  // Groups first seen in a morsel cost most (their keys, states and index slots are written to
  // pages never touched before: at 10x a morsel of 32,768 rows that were nearly all new groups
  // faulted in ~700 pages, a 7-12 ms step), so after a morsel that added more than
  // kManyNewGroups groups the next one folds one block (8,192 rows) instead of kMorselBlocks.
  static constexpr std::size_t kManyNewGroups = kMorselRows / 8;
  bool ManyNewGroups() const { return new_groups > kManyNewGroups; }
  std::size_t new_groups = kManyNewGroups + 1;  // added by the last morsel (first: one block)
  void EndRows();  // after the filter (and computed columns): start the next phase
  void StartSort();
  void CheckMemory() const;
  std::size_t MemoryBytes(const char** stage) const;
  void Gather(std::size_t begin, std::size_t end, Batch* out);
  bool DirectLines();
};

namespace {

// Two passes: offsets first, then one allocation and a memcpy per value.
void GatherStrings(const Column& c, const std::uint32_t* sel, std::size_t n, BatchColumn* o) {
  o->offsets.resize(n + 1);
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += c.dict[c.codes[sel[i]]].size();
    o->offsets[i + 1] = static_cast<std::uint32_t>(total);
  }
  if (total > UINT32_MAX) throw std::runtime_error("batch strings exceed 4 GiB");
  o->chars.resize(total);
  char* out = o->chars.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& s = c.dict[c.codes[sel[i]]];
    std::copy(s.begin(), s.end(), out + o->offsets[i]);  // no terminating NUL: offsets say where
  }
}

}  // namespace

void PartitionExecution::Impl::BindColumns() {
  const PlanData& d = plan.data();
  const std::vector<InputColumn>& input = InputOf(d);
  columns.assign(input.size(), nullptr);
  for (int c : d.needed_columns) {
    const InputColumn& spec = input[static_cast<std::size_t>(c)];
    const int i = table.Find(spec.name);
    if (i < 0) {
      throw std::runtime_error(std::string("partition lacks column '") + spec.name +
                               "' needed by the statement");
    }
    const Column& col = table.columns[static_cast<std::size_t>(i)];
    if (col.type != spec.type || col.size() != table.rows ||
        (!col.valid.empty() && col.valid.size() != table.rows)) {
      throw std::runtime_error(std::string("partition column '") + spec.name +
                               "' has the wrong type or length");
    }
    columns[static_cast<std::size_t>(c)] = &col;
  }
}

// Rows beyond LIMIT + OFFSET of an unordered plain SELECT are never computed: the filter stops
// once it has them.
void PartitionExecution::Impl::StepFilter() {
  const PlanData& d = plan.data();
  if (fused) {  // a morsel's selected rows are folded while they are in the cache
    if (!aggregator) NewAggregator(table.rows);
    rows.clear();
    const std::size_t before = aggregator->groups();
    cursor = filter->SelectBlocks(cursor, ManyNewGroups() ? 1 : kMorselBlocks, &rows);
    aggregator->Consume(rows.data(), rows.size());
    new_groups = aggregator->groups() - before;
    if (cursor < filter->blocks()) return;
    filter.reset();
    rows = {};
    total = aggregator->groups();
    phase = ExecPhase::kReady;
    return;
  }
  cursor = filter->SelectBlocks(cursor, kMorselBlocks, &rows);
  bool done = cursor >= filter->blocks();
  if (!d.aggregate && d.order.empty() && d.limit && *d.limit + d.offset <= rows.size()) {
    rows.resize(static_cast<std::size_t>(*d.limit + d.offset));
    done = true;
  }
  if (!done) return;
  filter.reset();
  rows.shrink_to_fit();
  cursor = 0;
  if (!d.computed.empty()) {
    computed.Begin(d, table.rows, columns);
    phase = ExecPhase::kCompute;
    return;
  }
  EndRows();
}

// An aggregate over table columns only folds each morsel's rows as the filter selects them, so
// the partition's row ids (9 MB a rank at 10x, written by the filter and read back by every
// aggregate: a third of GROUP BY parameter's memory traffic) never exist; computed columns need
// every selected row first. Otherwise, without a WHERE every row is selected: one allocation of
// the final size, instead of the vector's doublings, whose copies were 12% of GROUP BY
// parameter's time on a data rank.
void PartitionExecution::Impl::ReserveRows() {
  const PlanData& d = plan.data();
  if (d.aggregate && d.computed.empty()) {
    fused = true;
    rows.reserve(kMorselRows);
    return;
  }
  const FilterNode& f = d.filter;
  if (f.kind != FilterNode::Kind::kLeaf || f.leaf != LeafKind::kTrue) return;
  std::uint64_t n = table.rows;
  if (!d.aggregate && d.order.empty() && d.limit)
    n = std::min<std::uint64_t>(n, *d.limit + d.offset);
  rows.reserve(static_cast<std::size_t>(n));
}

void PartitionExecution::Impl::StepCompute() {
  const std::size_t n = std::min(kMorselRows, rows.size() - cursor);
  computed.Add(rows.data() + cursor, n);
  cursor += n;
  if (cursor < rows.size()) return;
  computed.Finish(rows.data(), rows.size(), &columns);
  cursor = 0;
  EndRows();
}

void PartitionExecution::Impl::EndRows() {
  const PlanData& d = plan.data();
  if (d.aggregate) {
    NewAggregator(rows.size());
    phase = ExecPhase::kAggregate;
  } else if (!d.order.empty()) {
    StartSort();
  } else {
    total = rows.size();
    phase = ExecPhase::kReady;
  }
}

// Its group table reserved for every row its own group (`rows`: the rows it may fold), within
// the memory limit, so that it never grows by copying in one step.
void PartitionExecution::Impl::NewAggregator(std::size_t rows_in) {
  const PlanData& d = plan.data();
  aggregator = std::make_unique<PartitionAggregator>(d, columns);
  std::size_t groups = rows_in;
  if (memory_limit != 0) {
    std::size_t per_group = aggregator->key_bytes();
    for (const AggSpec& a : d.aggs) per_group += StateBytesPerGroup(a);
    groups = std::min<std::size_t>(groups, memory_limit / per_group);
  }
  aggregator->ReserveGroups(groups);
}

void PartitionExecution::Impl::StepAggregate() {
  const std::size_t n = std::min(ManyNewGroups() ? kBlockRows : kMorselRows, rows.size() - cursor);
  const std::size_t before = aggregator->groups();
  aggregator->Consume(rows.data() + cursor, n);
  new_groups = aggregator->groups() - before;
  cursor += n;
  if (cursor < rows.size()) return;
  rows = {};
  total = aggregator->groups();
  phase = ExecPhase::kReady;
}

void PartitionExecution::Impl::StartSort() {
  const PlanData& d = plan.data();
  std::vector<KeyColumn> keys;
  for (const SortKey& k : d.order) {
    const ResultRef& ref = d.result[static_cast<std::size_t>(k.result)];
    keys.push_back({columns[static_cast<std::size_t>(ref.index)], k.desc, k.nulls_first});
  }
  const std::size_t keep =
      d.limit ? static_cast<std::size_t>(std::min<std::uint64_t>(*d.limit + d.offset, rows.size()))
              : rows.size();
  sorter = std::make_unique<RowSorter>(std::move(keys), keep, std::move(rows));
  rows = {};
  phase = ExecPhase::kSort;
}

std::size_t PartitionExecution::Impl::MemoryBytes(const char** stage) const {
  *stage = "filter";
  std::size_t bytes = 4 * rows.capacity() + computed.memory_bytes();
  if (aggregator) {
    *stage = "group table";
    bytes += aggregator->memory_bytes();
  }
  if (sorter) {
    *stage = "sort";
    bytes += sorter->memory_bytes();
  }
  return bytes;
}

void PartitionExecution::Impl::CheckMemory() const {
  if (memory_limit == 0) return;
  const char* stage = nullptr;
  if (MemoryBytes(&stage) > memory_limit) throw MemoryLimitExceeded(stage, memory_limit);
}

PartitionExecution::PartitionExecution(const Plan& plan, const Table& table)
    : impl_(std::make_unique<Impl>(plan, table)) {
  impl_->BindColumns();
  impl_->filter = std::make_unique<CompiledFilter>(plan.data().filter, impl_->columns, table.rows);
  impl_->ReserveRows();
}

PartitionExecution::~PartitionExecution() = default;

void PartitionExecution::set_memory_limit(std::uint64_t bytes) { impl_->memory_limit = bytes; }

bool PartitionExecution::Step() {
  Impl& m = *impl_;
  switch (m.phase) {
    case ExecPhase::kFilter:
      m.StepFilter();
      break;
    case ExecPhase::kCompute:
      m.StepCompute();
      break;
    case ExecPhase::kAggregate:
      m.StepAggregate();
      break;
    case ExecPhase::kSort:
      if (!m.sorter->Step()) {
        m.rows = m.sorter->Take();
        m.sorter.reset();
        m.total = m.rows.size();
        m.phase = ExecPhase::kReady;
      }
      break;
    case ExecPhase::kReady:
      return false;
  }
  m.CheckMemory();
  return m.phase != ExecPhase::kReady;
}

bool PartitionExecution::ready() const { return impl_->phase == ExecPhase::kReady; }

std::uint64_t PartitionExecution::memory_bytes() const {
  const char* stage = nullptr;
  return impl_->MemoryBytes(&stage);
}

std::uint64_t PartitionExecution::total_rows() {
  while (Step()) {
  }
  return impl_->total;
}

namespace {

void GatherSelected(const Column& c, const std::uint32_t* sel, std::size_t n, BatchColumn* out) {
  BatchColumn& o = *out;
  if (c.type == Type::kString) {
    GatherStrings(c, sel, n, &o);
  } else if (c.type == Type::kFloat64) {
    o.doubles.resize(n);
    for (std::size_t i = 0; i < n; ++i) o.doubles[i] = c.doubles[sel[i]];
  } else if (IsWidePhysical(c.type)) {
    o.wide.resize(n);
    for (std::size_t i = 0; i < n; ++i) o.wide[i] = c.wide[sel[i]];
  } else {
    o.ints.resize(n);
    for (std::size_t i = 0; i < n; ++i) o.ints[i] = c.ints[sel[i]];
  }
  if (!c.valid.empty()) {
    o.valid.resize(n);
    std::uint8_t all = 1;
    for (std::size_t i = 0; i < n; ++i) all &= o.valid[i] = c.valid[sel[i]];
    if (all) o.valid.clear();
  }
}

}  // namespace

// Whether the lines can be made from the columns in place (RowWriter::RenderSelected): each
// visible column has its field's type, as every column reference and computed column has.
bool PartitionExecution::Impl::DirectLines() {
  const PlanData& d = plan.data();
  if (line_columns.size() == d.row_text_refs.size()) return true;
  std::vector<const Column*> refs;
  for (std::size_t k = 0; k < d.row_text_refs.size(); ++k) {
    const Column* c = columns[static_cast<std::size_t>(d.row_text_refs[k].index)];
    if (c->type != d.row_text_fields[k].type) return false;
    refs.push_back(c);
  }
  line_columns = std::move(refs);
  return true;
}

void PartitionExecution::Impl::Gather(std::size_t begin, std::size_t end, Batch* out) {
  const PlanData& d = plan.data();
  const std::size_t n = end - begin;
  const std::uint32_t* sel = rows.data() + begin;
  *out = EmptyBatch(d.result_types);
  out->rows = n;
  std::size_t first = 0;
  if (d.row_text != RowText::kNone && DirectLines()) {  // lines straight from the columns
    lines.RenderSelected(line_columns, sel, n, &out->columns[0]);
    first = 1;
  } else if (d.row_text != RowText::kNone) {  // the lines of the visible columns, then the keys
    Batch values;
    values.rows = n;
    values.columns.resize(d.row_text_refs.size());
    for (std::size_t k = 0; k < d.row_text_refs.size(); ++k) {
      values.columns[k].type = d.row_text_fields[k].type;
      const auto c = static_cast<std::size_t>(d.row_text_refs[k].index);
      GatherSelected(*columns[c], sel, n, &values.columns[k]);
    }
    lines.RenderColumn(values, &out->columns[0]);
    first = 1;
  }
  for (std::size_t k = first; k < d.result.size(); ++k) {
    const auto c = static_cast<std::size_t>(d.result[k].index);
    GatherSelected(*columns[c], sel, n, &out->columns[k]);
  }
}

bool PartitionExecution::Next(std::size_t max_rows, Batch* out) {
  Impl& m = *impl_;
  while (Step()) {
  }
  const std::size_t end = static_cast<std::size_t>(
      std::min<std::uint64_t>(m.total, m.next + std::max<std::size_t>(max_rows, 1)));
  if (m.next >= end) {
    *out = EmptyBatch(MakeStreamLayout(m.plan.data()).types);
    return false;
  }
  if (m.aggregator) {
    *out = m.aggregator->Emit(m.next, end);
  } else {
    m.Gather(m.next, end, out);
  }
  m.next = end;
  return true;
}

}  // namespace plume::engine
