#include "engine/partial.h"

#include "engine/aggregate.h"
#include "engine/schema.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace plume::engine {

bool AggregateSupported(AggFn fn, bool distinct) {
  // every function has its states (aggregate*.cpp), and with DISTINCT too, as DuckDB's: the
  // set of distinct values for those it changes (DistinctByValues), the states without
  // DISTINCT for min, max, arg_min, arg_max, bool_and and bool_or
  return !distinct || fn != AggFn::kCountStar;
}

bool AggregateFilterSupported() { return true; }  // AggArgs::filter, group_by.cpp

StreamLayout MakeStreamLayout(const PlanData& plan) {
  StreamLayout l;
  if (!plan.aggregate) {
    l.types = plan.result_types;
    return l;
  }
  for (int c : plan.group_columns) l.types.push_back(ColumnSpaceType(plan, c));
  l.keys = l.types.size();
  for (const AggSpec& a : plan.aggs) {
    l.agg_first.push_back(l.types.size());
    const std::vector<Type> state = PartialTypes(a);
    l.types.insert(l.types.end(), state.begin(), state.end());
  }
  return l;
}

std::vector<Type> ExchangeTypes(const PlanData& plan) {
  std::vector<Type> types = plan.result_types;
  for (int c : plan.group_columns) types.push_back(ColumnSpaceType(plan, c));
  return types;
}

std::vector<SortKey> ExchangeOrder(const PlanData& plan) {
  std::vector<SortKey> order = plan.order;
  for (std::size_t k = 0; k < plan.group_columns.size(); ++k) {
    order.push_back(SortKey{static_cast<int>(plan.result.size() + k), false, false});
  }
  return order;
}

void AppendKeyBytes(const BatchColumn& c, std::size_t row, std::string* out) {
  if (c.IsNull(row)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  if (c.type == Type::kString) {
    const std::string_view s = c.StringAt(row);
    const auto n = static_cast<std::uint32_t>(s.size());
    out->append(reinterpret_cast<const char*>(&n), sizeof n);
    out->append(s);
  } else if (c.type == Type::kFloat64) {
    double d = c.doubles[row] == 0 ? 0.0 : c.doubles[row];
    if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
    out->append(reinterpret_cast<const char*>(&d), sizeof d);
  } else if (IsWidePhysical(c.type)) {
    out->append(reinterpret_cast<const char*>(&c.wide[row]), sizeof(Int128));
  } else {
    out->append(reinterpret_cast<const char*>(&c.ints[row]), sizeof(std::int64_t));
  }
}

void CheckStreamBatch(const StreamLayout& layout, const Batch& batch, const char* who) {
  bool ok = batch.columns.size() == layout.types.size();
  for (std::size_t i = 0; ok && i < layout.types.size(); ++i) {
    const BatchColumn& c = batch.columns[i];
    ok = c.type == layout.types[i] && (c.valid.empty() || c.valid.size() == batch.rows);
    if (c.type == Type::kString) {
      ok = ok && c.offsets.size() == batch.rows + 1 && c.offsets.back() == c.chars.size();
    } else if (c.type == Type::kFloat64) {
      ok = ok && c.doubles.size() == batch.rows;
    } else if (IsWidePhysical(c.type)) {
      ok = ok && c.wide.size() == batch.rows;
    } else {
      ok = ok && c.ints.size() == batch.rows;
    }
  }
  if (!ok) {
    throw std::runtime_error(std::string(who) +
                             ": batch does not match the statement's stream columns");
  }
}

Batch EmptyBatch(const std::vector<Type>& types) {
  Batch b;
  b.columns.resize(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    b.columns[i].type = types[i];
    if (types[i] == Type::kString) b.columns[i].offsets.push_back(0);
  }
  return b;
}

void DropAllValid(Batch* b) {
  for (BatchColumn& c : b->columns) {
    if (std::find(c.valid.begin(), c.valid.end(), 0) == c.valid.end()) c.valid.clear();
  }
}

void AppendValue(const BatchColumn& f, std::size_t row, std::size_t to_rows, BatchColumn* t) {
  if (f.IsNull(row)) {
    if (t->valid.empty()) t->valid.assign(to_rows, 1);
    t->valid.push_back(0);
  } else if (!t->valid.empty()) {
    t->valid.push_back(1);
  }
  if (t->type == Type::kString) {
    t->chars.append(f.StringAt(row));
    t->offsets.push_back(static_cast<std::uint32_t>(t->chars.size()));
  } else if (t->type == Type::kFloat64) {
    t->doubles.push_back(f.doubles[row]);
  } else if (IsWidePhysical(t->type)) {
    t->wide.push_back(f.wide[row]);
  } else {
    t->ints.push_back(f.ints[row]);
  }
}

void AppendRow(const Batch& from, std::size_t row, Batch* to) {
  for (std::size_t c = 0; c < from.columns.size(); ++c) {
    AppendValue(from.columns[c], row, to->rows, &to->columns[c]);
  }
  ++to->rows;
}

void AppendColumnRows(const BatchColumn& f, std::size_t begin, std::size_t end, std::size_t to_rows,
                      BatchColumn* t) {
  const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
  if (!f.valid.empty() || !t->valid.empty()) {
    if (t->valid.empty()) t->valid.assign(to_rows, 1);
    if (f.valid.empty()) {
      t->valid.insert(t->valid.end(), end - begin, 1);
    } else {
      t->valid.insert(t->valid.end(), f.valid.begin() + b, f.valid.begin() + e);
    }
  }
  if (f.type == Type::kString) {
    const std::uint32_t from_base = f.offsets[begin];
    const auto to_base = static_cast<std::uint32_t>(t->chars.size());
    for (std::size_t i = begin + 1; i <= end; ++i) {
      t->offsets.push_back(to_base + (f.offsets[i] - from_base));
    }
    t->chars.append(f.chars, from_base, f.offsets[end] - from_base);
  } else if (f.type == Type::kFloat64) {
    t->doubles.insert(t->doubles.end(), f.doubles.begin() + b, f.doubles.begin() + e);
  } else if (IsWidePhysical(f.type)) {
    t->wide.insert(t->wide.end(), f.wide.begin() + b, f.wide.begin() + e);
  } else {
    t->ints.insert(t->ints.end(), f.ints.begin() + b, f.ints.begin() + e);
  }
}

void AppendRows(const Batch& from, std::size_t begin, std::size_t end, Batch* to) {
  for (std::size_t k = 0; k < from.columns.size(); ++k) {
    AppendColumnRows(from.columns[k], begin, end, to->rows, &to->columns[k]);
  }
  to->rows += end - begin;
}

Batch SliceBatch(const Batch& from, std::size_t begin, std::size_t end) {
  Batch out;
  out.rows = end - begin;
  out.columns.resize(from.columns.size());
  const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
  for (std::size_t k = 0; k < from.columns.size(); ++k) {
    const BatchColumn& f = from.columns[k];
    BatchColumn& t = out.columns[k];
    t.type = f.type;
    if (!f.valid.empty()) t.valid.assign(f.valid.begin() + b, f.valid.begin() + e);
    if (f.type == Type::kString) {
      const std::uint32_t base = f.offsets[begin];
      t.offsets.resize(out.rows + 1);
      for (std::size_t i = 0; i <= out.rows; ++i) t.offsets[i] = f.offsets[begin + i] - base;
      t.chars.assign(f.chars, base, f.offsets[end] - base);
    } else if (f.type == Type::kFloat64) {
      t.doubles.assign(f.doubles.begin() + b, f.doubles.begin() + e);
    } else if (IsWidePhysical(f.type)) {
      t.wide.assign(f.wide.begin() + b, f.wide.begin() + e);
    } else {
      t.ints.assign(f.ints.begin() + b, f.ints.begin() + e);
    }
  }
  return out;
}

int CompareValues(const BatchColumn& a, std::size_t i, const BatchColumn& b, std::size_t j) {
  const bool an = a.IsNull(i), bn = b.IsNull(j);
  if (an || bn) return an == bn ? 0 : an ? 1 : -1;
  switch (a.type) {
    case Type::kString: {
      const int c = a.StringAt(i).compare(b.StringAt(j));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Type::kFloat64: {
      const double x = a.doubles[i], y = b.doubles[j];  // NaN after every number (DuckDB)
      if (std::isnan(x) || std::isnan(y))
        return std::isnan(x) == std::isnan(y) ? 0 : std::isnan(x) ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    default: {
      if (IsWidePhysical(a.type)) {  // HUGEINT, UBIGINT, DECIMAL(19..38)
        const Int128 x = a.wide[i], y = b.wide[j];
        return x < y ? -1 : x > y ? 1 : 0;
      }
      const std::int64_t x = a.ints[i], y = b.ints[j];
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

int CompareRows(const std::vector<SortKey>& keys, const Batch& a, std::size_t i, const Batch& b,
                std::size_t j) {
  for (const SortKey& k : keys) {
    const BatchColumn& ca = a.columns[static_cast<std::size_t>(k.result)];
    const BatchColumn& cb = b.columns[static_cast<std::size_t>(k.result)];
    const bool an = ca.IsNull(i), bn = cb.IsNull(j);
    int c;
    if (an || bn) {
      c = an == bn ? 0 : (an != k.nulls_first) ? 1 : -1;
    } else {
      c = CompareValues(ca, i, cb, j);
      if (k.desc) c = -c;
    }
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace plume::engine
