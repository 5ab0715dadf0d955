// PartitionExecution: filter (filter.h), then either sort/limit and gather the selected rows,
// or aggregate them into partial states (group_by.h). All work that decides the row count is
// done in the constructor, so total_rows() is exact before the first batch.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "engine/filter.h"
#include "engine/group_by.h"
#include "engine/partial.h"
#include "engine/query.h"
#include "engine/schema.h"

namespace plume::engine {

struct PartitionExecution::Impl {
  Plan plan;
  const Table& table;
  std::vector<const Column*> columns;  // by kSchema index; nullptr when not needed
  std::vector<std::uint32_t> rows;     // plain SELECT: the rows to emit, in order
  std::unique_ptr<PartitionAggregator> aggregator;
  std::uint64_t total = 0;
  std::size_t next = 0;

  Impl(const Plan& p, const Table& t) : plan(p), table(t) {}
  void BindColumns();
  void SortRows();
  void Gather(std::size_t begin, std::size_t end, Batch* out) const;
};

namespace {

int CompareCells(const Column& c, std::uint32_t a, std::uint32_t b) {
  switch (c.type) {
    case Type::kString:
      return c.codes[a] < c.codes[b] ? -1 : c.codes[a] > c.codes[b];
    case Type::kFloat64:
      return c.doubles[a] < c.doubles[b] ? -1 : c.doubles[a] > c.doubles[b];
    default:
      return c.ints[a] < c.ints[b] ? -1 : c.ints[a] > c.ints[b];
  }
}

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
    std::memcpy(out + o->offsets[i], s.data(), s.size());
  }
}

}  // namespace

void PartitionExecution::Impl::BindColumns() {
  const PlanData& d = plan.data();
  columns.assign(kSchema.size(), nullptr);
  for (int c : d.needed_columns) {
    const ColumnSpec& spec = kSchema[static_cast<std::size_t>(c)];
    const int i = table.Find(spec.name);
    if (i < 0) {
      throw std::runtime_error(std::string("partition lacks column '") + std::string(spec.name) +
                               "' needed by the statement");
    }
    const Column& col = table.columns[static_cast<std::size_t>(i)];
    if (col.type != spec.type || col.size() != table.rows ||
        (!col.valid.empty() && col.valid.size() != table.rows)) {
      throw std::runtime_error(std::string("partition column '") + std::string(spec.name) +
                               "' has the wrong type or length");
    }
    columns[static_cast<std::size_t>(c)] = &col;
  }
}

void PartitionExecution::Impl::SortRows() {
  const PlanData& d = plan.data();
  struct Key {
    const Column* column;
    bool desc, nulls_first;
  };
  std::vector<Key> keys;
  for (const SortKey& k : d.order) {
    const ResultRef& ref = d.result[static_cast<std::size_t>(k.result)];
    keys.push_back({columns[static_cast<std::size_t>(ref.index)], k.desc, k.nulls_first});
  }
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    for (const Key& k : keys) {
      const bool an = k.column->IsNull(a), bn = k.column->IsNull(b);
      int c;
      if (an || bn) {
        c = an == bn ? 0 : (an != k.nulls_first) ? 1 : -1;
      } else {
        c = CompareCells(*k.column, a, b);
        if (k.desc) c = -c;
      }
      if (c != 0) return c < 0;
    }
    return a < b;
  };
  if (d.limit && *d.limit < rows.size()) {
    const auto k = static_cast<std::ptrdiff_t>(*d.limit);
    std::partial_sort(rows.begin(), rows.begin() + k, rows.end(), less);
    rows.resize(static_cast<std::size_t>(k));
  } else {
    std::sort(rows.begin(), rows.end(), less);
  }
}

PartitionExecution::PartitionExecution(const Plan& plan, const Table& table)
    : impl_(std::make_unique<Impl>(plan, table)) {
  Impl& m = *impl_;
  const PlanData& d = plan.data();
  m.BindColumns();
  m.rows = CompiledFilter(d.filter, m.columns, table.rows).Select();
  if (d.aggregate) {
    m.aggregator = std::make_unique<PartitionAggregator>(d, m.columns);
    m.aggregator->Consume(m.rows.data(), m.rows.size());
    m.rows = {};
    m.total = m.aggregator->groups();
    return;
  }
  if (!d.order.empty()) {
    m.SortRows();
  } else if (d.limit && *d.limit < m.rows.size()) {
    m.rows.resize(static_cast<std::size_t>(*d.limit));
  }
  m.total = m.rows.size();
}

PartitionExecution::~PartitionExecution() = default;

std::uint64_t PartitionExecution::total_rows() const { return impl_->total; }

void PartitionExecution::Impl::Gather(std::size_t begin, std::size_t end, Batch* out) const {
  const PlanData& d = plan.data();
  const std::size_t n = end - begin;
  const std::uint32_t* sel = rows.data() + begin;
  *out = EmptyBatch(d.result_types);
  out->rows = n;
  for (std::size_t k = 0; k < d.result.size(); ++k) {
    const Column& c = *columns[static_cast<std::size_t>(d.result[k].index)];
    BatchColumn& o = out->columns[k];
    if (c.type == Type::kString) {
      GatherStrings(c, sel, n, &o);
    } else if (c.type == Type::kFloat64) {
      o.doubles.resize(n);
      for (std::size_t i = 0; i < n; ++i) o.doubles[i] = c.doubles[sel[i]];
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
}

bool PartitionExecution::Next(std::size_t max_rows, Batch* out) {
  Impl& m = *impl_;
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
