// PartitionExecution: filter (filter.h), then either sort/limit and gather the selected rows,
// or aggregate them into partial states (group_by.h). All work that decides the row count is
// done in the constructor, so total_rows() is exact before the first batch.
#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "engine/computed.h"
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
  ComputedColumns computed;
  std::unique_ptr<PartitionAggregator> aggregator;
  std::uint64_t total = 0;
  std::size_t next = 0;

  Impl(const Plan& p, const Table& t) : plan(p), table(t) {}
  void BindColumns();
  void SortRows();
  void Gather(std::size_t begin, std::size_t end, Batch* out) const;
};

namespace {

// An unsigned word that orders like the cell: sign-flipped ints, IEEE-754 doubles with the
// usual bit trick (-0.0 as 0.0), dictionary codes (dictionaries are sorted).
std::uint64_t SortWord(const Column& c, std::uint32_t r) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  switch (c.type) {
    case Type::kString:
      return c.codes[r];
    case Type::kFloat64: {
      const std::uint64_t bits =
          std::bit_cast<std::uint64_t>(c.doubles[r] == 0 ? 0.0 : c.doubles[r]);
      return (bits & kSign) ? ~bits : bits | kSign;
    }
    default:
      return static_cast<std::uint64_t>(c.ints[r]) ^ kSign;
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
    std::copy(s.begin(), s.end(), out + o->offsets[i]);  // no terminating NUL: offsets say where
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

namespace {

// One row with its normalized sort keys inline, so sorting moves contiguous memory: word k
// orders like key k's value (DESC inverted) and rank k puts NULLs before (0) or after (2) the
// values (1).
template <std::size_t K>
struct SortEntry {
  std::uint64_t word[K];
  std::uint32_t row;
  std::uint8_t rank[K];

  bool operator<(const SortEntry& o) const {
    for (std::size_t k = 0; k < K; ++k) {
      if (rank[k] != o.rank[k]) return rank[k] < o.rank[k];
      if (word[k] != o.word[k]) return word[k] < o.word[k];
    }
    return row < o.row;
  }
};

struct KeyColumn {
  const Column* column;
  bool desc, nulls_first;
};

template <std::size_t K>
void SortByKeys(const std::vector<KeyColumn>& keys, std::size_t keep,
                std::vector<std::uint32_t>* rows) {
  const std::size_t n = rows->size();
  std::vector<SortEntry<K>> entries(n);
  for (std::size_t i = 0; i < n; ++i) entries[i].row = (*rows)[i];
  for (std::size_t k = 0; k < K; ++k) {
    const KeyColumn& key = keys[k];
    const Column& c = *key.column;
    for (SortEntry<K>& e : entries) {
      const bool null = c.IsNull(e.row);
      e.rank[k] = null ? (key.nulls_first ? 0 : 2) : 1;
      const std::uint64_t w = null ? 0 : SortWord(c, e.row);
      e.word[k] = key.desc ? ~w : w;
    }
  }
  if (keep < n) {
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(keep),
                      entries.end());
  } else {
    std::sort(entries.begin(), entries.end());
  }
  rows->resize(keep);
  for (std::size_t i = 0; i < keep; ++i) (*rows)[i] = entries[i].row;
}

// A comparator over the columns: for a small top-k, and for more than four keys (rare).
void SortManyKeys(const std::vector<KeyColumn>& keys, std::size_t keep,
                  std::vector<std::uint32_t>* rows_out) {
  std::vector<std::uint32_t>& rows = *rows_out;
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    for (const KeyColumn& k : keys) {
      const bool an = k.column->IsNull(a), bn = k.column->IsNull(b);
      if (an || bn) {
        if (an != bn) return an == k.nulls_first;
        continue;
      }
      const std::uint64_t x = SortWord(*k.column, a), y = SortWord(*k.column, b);
      if (x != y) return k.desc ? x > y : x < y;
    }
    return a < b;
  };
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                    less);
  rows.resize(keep);
}

}  // namespace

void PartitionExecution::Impl::SortRows() {
  const PlanData& d = plan.data();
  std::vector<KeyColumn> keys;
  for (const SortKey& k : d.order) {
    const ResultRef& ref = d.result[static_cast<std::size_t>(k.result)];
    keys.push_back({columns[static_cast<std::size_t>(ref.index)], k.desc, k.nulls_first});
  }
  const std::size_t keep =
      d.limit ? static_cast<std::size_t>(std::min<std::uint64_t>(*d.limit + d.offset, rows.size()))
              : rows.size();
  // A small top-k only compares most rows with the heap's top: normalizing every row first
  // would cost more than it saves.
  if (keep < rows.size() / 16) return SortManyKeys(keys, keep, &rows);
  switch (keys.size()) {
    case 1:
      return SortByKeys<1>(keys, keep, &rows);
    case 2:
      return SortByKeys<2>(keys, keep, &rows);
    case 3:
      return SortByKeys<3>(keys, keep, &rows);
    case 4:
      return SortByKeys<4>(keys, keep, &rows);
    default:
      return SortManyKeys(keys, keep, &rows);
  }
}

PartitionExecution::PartitionExecution(const Plan& plan, const Table& table)
    : impl_(std::make_unique<Impl>(plan, table)) {
  Impl& m = *impl_;
  const PlanData& d = plan.data();
  m.BindColumns();
  m.rows = CompiledFilter(d.filter, m.columns, table.rows).Select();
  // Rows beyond LIMIT + OFFSET of an unordered plain SELECT are never computed.
  const std::optional<std::uint64_t> keep =
      d.limit ? std::optional<std::uint64_t>(*d.limit + d.offset) : std::nullopt;
  if (!d.aggregate && d.order.empty() && keep && *keep < m.rows.size()) {
    m.rows.resize(static_cast<std::size_t>(*keep));
  }
  m.computed.Materialize(d, m.rows.data(), m.rows.size(), table.rows, &m.columns);
  if (d.aggregate) {
    m.aggregator = std::make_unique<PartitionAggregator>(d, m.columns);
    m.aggregator->Consume(m.rows.data(), m.rows.size());
    m.rows = {};
    m.total = m.aggregator->groups();
    return;
  }
  if (!d.order.empty()) m.SortRows();
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
