#include "engine/merge_groups.h"

#include "engine/final_rows.h"
#include "engine/schema.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace plume::engine {
namespace {

void KeyBytes(const BatchColumn& c, std::size_t row, std::string* out) {
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
    const double d = c.doubles[row] == 0 ? 0.0 : c.doubles[row];
    out->append(reinterpret_cast<const char*>(&d), sizeof d);
  } else {
    out->append(reinterpret_cast<const char*>(&c.ints[row]), sizeof(std::int64_t));
  }
}

void PushValue(BatchColumn* c, bool null) { c->valid.push_back(!null); }

}  // namespace

GroupMerger::GroupMerger(const PlanData& plan)
    : plan_(plan), layout_(MakeStreamLayout(plan)), states_(plan.aggs.size()) {
  keys_ = EmptyBatch(std::vector<Type>(
      layout_.types.begin(), layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys)));
}

std::size_t GroupMerger::GroupOf(const Batch& batch, std::size_t row, std::string* scratch) {
  scratch->clear();
  for (std::size_t c = 0; c < layout_.keys; ++c) KeyBytes(batch.columns[c], row, scratch);
  auto [it, inserted] = index_.try_emplace(*scratch, groups_);
  if (!inserted) return it->second;
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    AppendValue(batch.columns[c], row, keys_.rows, &keys_.columns[c]);
  }
  ++keys_.rows;
  AddEmptyStates();
  return groups_++;
}

void GroupMerger::AddEmptyStates() {
  for (std::size_t a = 0; a < states_.size(); ++a) {
    State& s = states_[a];
    s.count.push_back(0);
    s.isum.push_back(0);
    s.dsum.push_back(0);
    s.iext.push_back(0);
    s.dext.push_back(0);
    s.sext.emplace_back();
  }
}

void GroupMerger::EnsureOneGroup() {
  if (!plan_.group_columns.empty() || groups_ > 0) return;
  index_.emplace(std::string(), 0);
  AddEmptyStates();
  keys_.rows = 1;
  groups_ = 1;
}

void GroupMerger::Fold(std::size_t a, const Batch& batch, std::size_t row, std::size_t g) {
  const AggSpec& spec = plan_.aggs[a];
  State& s = states_[a];
  const std::size_t first = layout_.agg_first[a];
  const BatchColumn& c = batch.columns[first];
  switch (spec.fn) {
    case AggFn::kCountStar:
    case AggFn::kCount:
      s.count[g] += c.ints[row];
      return;
    case AggFn::kSum:
    case AggFn::kAvg: {
      const bool is_int = spec.input == Type::kInt64;
      if (spec.fn == AggFn::kAvg) {
        s.count[g] += batch.columns[first + (is_int ? 2 : 1)].ints[row];
      } else if (!c.IsNull(row)) {
        ++s.count[g];
      }
      if (c.IsNull(row)) return;
      if (is_int) {
        s.isum[g] += Join(c.ints[row], batch.columns[first + 1].ints[row]);
      } else {
        s.dsum[g] += c.doubles[row];
      }
      return;
    }
    default:
      break;
  }
  if (c.IsNull(row)) return;
  const bool is_max = spec.fn == AggFn::kMax, first_value = s.count[g]++ == 0;
  if (c.type == Type::kString) {
    const std::string_view v = c.StringAt(row);
    if (first_value || (is_max ? v > s.sext[g] : v < s.sext[g])) s.sext[g] = std::string(v);
  } else if (c.type == Type::kFloat64) {
    const double v = c.doubles[row];
    if (first_value || (is_max ? v > s.dext[g] : v < s.dext[g])) s.dext[g] = v;
  } else {
    const std::int64_t v = c.ints[row];
    if (first_value || (is_max ? v > s.iext[g] : v < s.iext[g])) s.iext[g] = v;
  }
}

void GroupMerger::Add(const Batch& batch) {
  std::string scratch;
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const std::size_t g = GroupOf(batch, r, &scratch);
    for (std::size_t a = 0; a < states_.size(); ++a) Fold(a, batch, r, g);
  }
}

void GroupMerger::PartialState(std::size_t a, BatchColumn* out) const {
  const AggSpec& spec = plan_.aggs[a];
  const State& s = states_[a];
  const bool is_int = spec.input == Type::kInt64;
  for (std::size_t g = 0; g < groups_; ++g) {
    const bool empty = s.count[g] == 0;
    switch (spec.fn) {
      case AggFn::kCountStar:
      case AggFn::kCount:
        out->ints.push_back(s.count[g]);
        PushValue(out, false);
        break;
      case AggFn::kSum:
      case AggFn::kAvg:
        if (is_int) {
          out[0].ints.push_back(High(s.isum[g]));
          out[1].ints.push_back(Low(s.isum[g]));
          PushValue(out + 1, empty);
        } else {
          out[0].doubles.push_back(s.dsum[g]);
        }
        PushValue(out, empty);
        if (spec.fn == AggFn::kAvg) {
          out[is_int ? 2 : 1].ints.push_back(s.count[g]);
          PushValue(out + (is_int ? 2 : 1), false);
        }
        break;
      default:
        PushExtreme(s, g, out);
        PushValue(out, empty);
    }
  }
}

void GroupMerger::PushExtreme(const State& s, std::size_t g, BatchColumn* out) {
  if (out->type == Type::kString) {
    out->chars.append(s.sext[g]);
    out->offsets.push_back(static_cast<std::uint32_t>(out->chars.size()));
  } else if (out->type == Type::kFloat64) {
    out->doubles.push_back(s.dext[g]);
  } else {
    out->ints.push_back(s.iext[g]);
  }
}

Batch GroupMerger::Partial() const {
  Batch b = EmptyBatch(layout_.types);
  for (std::size_t c = 0; c < layout_.keys; ++c) b.columns[c] = keys_.columns[c];
  b.rows = groups_;
  for (std::size_t a = 0; a < states_.size(); ++a) {
    PartialState(a, &b.columns[layout_.agg_first[a]]);
  }
  DropAllValid(&b);
  return b;
}

void GroupMerger::FinalColumn(const ResultRef& ref, BatchColumn* out) const {
  if (ref.kind == ResultRef::Kind::kGroup) {
    *out = keys_.columns[static_cast<std::size_t>(ref.index)];
    return;
  }
  const AggSpec& spec = plan_.aggs[static_cast<std::size_t>(ref.index)];
  const State& s = states_[static_cast<std::size_t>(ref.index)];
  for (std::size_t g = 0; g < groups_; ++g) {
    const bool empty = s.count[g] == 0;
    switch (spec.fn) {
      case AggFn::kCountStar:
      case AggFn::kCount:
        out->ints.push_back(s.count[g]);
        PushValue(out, false);
        continue;
      case AggFn::kSum:
        if (spec.input == Type::kInt64) {
          if (s.isum[g] > std::numeric_limits<std::int64_t>::max() ||
              s.isum[g] < std::numeric_limits<std::int64_t>::min()) {
            const auto c = static_cast<std::size_t>(spec.column);
            throw std::runtime_error("sum over BIGINT " +
                                     (c < kSchema.size()
                                          ? "column '" + std::string(kSchema[c].name) + "'"
                                          : "'" + plan_.computed[c - kSchema.size()].text + "'") +
                                     " is out of BIGINT range");
          }
          out->ints.push_back(empty ? 0 : static_cast<std::int64_t>(s.isum[g]));
        } else {
          out->doubles.push_back(empty ? 0 : s.dsum[g]);
        }
        break;
      case AggFn::kAvg: {
        const long double sum = spec.input == Type::kInt64 ? static_cast<long double>(s.isum[g])
                                                           : static_cast<long double>(s.dsum[g]);
        out->doubles.push_back(empty ? 0 : static_cast<double>(sum / s.count[g]));
        break;
      }
      default:
        PushExtreme(s, g, out);
    }
    PushValue(out, empty);
  }
}

Batch GroupMerger::Final() const {
  // The group slots: the keys, then every aggregate's final value (final_rows.h).
  std::vector<Type> types(layout_.types.begin(),
                          layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys));
  for (const AggSpec& a : plan_.aggs) types.push_back(a.result);
  Batch slots = EmptyBatch(types);
  slots.rows = groups_;
  for (std::size_t k = 0; k < layout_.keys; ++k) {
    FinalColumn({ResultRef::Kind::kGroup, static_cast<int>(k)}, &slots.columns[k]);
  }
  for (std::size_t a = 0; a < plan_.aggs.size(); ++a) {
    FinalColumn({ResultRef::Kind::kAgg, static_cast<int>(a)}, &slots.columns[layout_.keys + a]);
  }
  DropAllValid(&slots);
  return FinishGroups(plan_, slots);
}

}  // namespace plume::engine
