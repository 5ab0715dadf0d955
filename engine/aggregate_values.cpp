// Aggregates over the multiset of values of a group: count/sum/avg/var_*/stddev_*(DISTINCT x),
// median, quantile_cont and quantile_disc (exact; with DISTINCT over the set). The state is a value
// -> count map kept as a sorted vector of (value, count) pairs plus a short unsorted tail that is
// folded in when it grows as long as the sorted part (amortized O(log n) per value; memory by
// distinct values, not rows). Merging adds counts, so the state, and everything computed from it,
// is the same in any order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/aggregate.h"
#include "engine/byte_io.h"
#include "engine/exact_sum.h"
#include "engine/partial.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

// Value order: numbers ascending with NaN last and -0.0 equal to 0.0 (DuckDB's order).
bool KeyLess(double a, double b) { return a < b || (std::isnan(b) && !std::isnan(a)); }
bool KeyEqual(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
template <typename K>
bool KeyLess(const K& a, const K& b) {
  return a < b;
}
template <typename K>
bool KeyEqual(const K& a, const K& b) {
  return a == b;
}

bool IsMoment(AggFn fn) {
  return fn == AggFn::kVarSamp || fn == AggFn::kVarPop || fn == AggFn::kStddevSamp ||
         fn == AggFn::kStddevPop;
}

double Normalize(double v) {
  if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
  return v == 0 ? 0.0 : v;
}

template <typename K>
class ValueCounts {
 public:
  void Add(K key, std::int64_t count) {
    pending_.emplace_back(std::move(key), count);
    if (pending_.size() >= 16 && pending_.size() >= sorted_.size()) Compact();
  }
  // The (value, count) pairs, ascending and unique.
  const std::vector<std::pair<K, std::int64_t>>& Sorted() const {
    Compact();
    return sorted_;
  }

 private:
  void Compact() const;
  // mutable: folding the tail in does not change the multiset the object stands for
  mutable std::vector<std::pair<K, std::int64_t>> sorted_, pending_;
};

template <typename K>
void ValueCounts<K>::Compact() const {
  if (pending_.empty()) return;
  auto less = [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); };
  std::sort(pending_.begin(), pending_.end(), less);
  std::vector<std::pair<K, std::int64_t>> all;
  all.reserve(sorted_.size() + pending_.size());
  std::merge(std::make_move_iterator(sorted_.begin()), std::make_move_iterator(sorted_.end()),
             std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()),
             std::back_inserter(all), less);
  pending_.clear();
  sorted_.clear();
  for (auto& e : all) {
    if (!sorted_.empty() && KeyEqual(sorted_.back().first, e.first)) {
      sorted_.back().second += e.second;
    } else {
      sorted_.push_back(std::move(e));
    }
  }
}

void WriteKey(ByteWriter& w, std::int64_t v) { w.Fixed(v); }
void WriteKey(ByteWriter& w, double v) { w.Fixed(v); }
void WriteKey(ByteWriter& w, Int128 v) { w.Fixed(v); }
void WriteKey(ByteWriter& w, const std::string& v) { w.String(v); }
void ReadKey(ByteReader& r, std::int64_t* v) { *v = r.Fixed<std::int64_t>(); }
void ReadKey(ByteReader& r, double* v) { *v = Normalize(r.Fixed<double>()); }
void ReadKey(ByteReader& r, Int128* v) { *v = r.Fixed<Int128>(); }
void ReadKey(ByteReader& r, std::string* v) { *v = r.String(); }

double AsDouble(std::int64_t v) { return static_cast<double>(v); }
double AsDouble(double v) { return v; }
double AsDouble(Int128 v) { return static_cast<double>(v); }  // as CAST(x AS DOUBLE)
double AsDouble(const std::string&) { return 0; }

// K: std::int64_t (BIGINT, TIMESTAMP, and on a partition VARCHAR dictionary codes), double,
// Int128 (the wide types, IsWidePhysical), std::string (VARCHAR on the merge side).
template <typename K>
class ValueStates final : public AggregateStates {
 public:
  ValueStates(const AggSpec& spec, bool partition)
      : spec_(spec), codes_(partition && spec.input == Type::kString) {}
  void Reserve(std::size_t groups) override { values_.reserve(groups); }
  void Resize(std::size_t groups) override { values_.resize(groups); }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override;
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override;
  void EmitPartial(std::size_t g, BatchColumn* out) const override;
  void EmitFinal(std::size_t g, BatchColumn* out) const override;

 private:
  void WriteEntry(ByteWriter& w, const K& key) const;
  void PushKey(const K& key, BatchColumn* out) const;
  const K& AtRank(std::size_t g, std::int64_t rank) const;
  void FinalDistinct(std::size_t g, BatchColumn* out) const;

  AggSpec spec_;
  bool codes_;  // K = std::int64_t holds dictionary codes of dict_
  const Column* dict_ = nullptr;
  std::vector<ValueCounts<K>> values_;
};

template <typename K>
void ValueStates<K>::Update(const AggArgs& args, const std::uint32_t* rows,
                            const std::uint32_t* gids, std::size_t n) {
  const Column& c = *args.arg;
  dict_ = &c;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rows[i];
    if (c.IsNull(r)) continue;
    if constexpr (std::is_same_v<K, double>) {
      values_[gids[i]].Add(Normalize(c.doubles[r]), 1);
    } else if constexpr (std::is_same_v<K, Int128>) {
      values_[gids[i]].Add(c.wide[r], 1);
    } else if constexpr (std::is_same_v<K, std::int64_t>) {
      values_[gids[i]].Add(codes_ ? static_cast<std::int64_t>(c.codes[r]) : c.ints[r], 1);
    } else {
      values_[gids[i]].Add(c.dict[c.codes[r]], 1);
    }
  }
}

// Wire form of the state: varint n, then n times (value, varint count), values ascending;
// NULL when the group had no value.
template <typename K>
void ValueStates<K>::Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) {
  const BatchColumn& c = b.columns[first];
  if (c.IsNull(row)) return;
  ByteReader r(c.StringAt(row), "partial value-count state");
  for (std::size_t i = 0, n = r.Count(2); i < n; ++i) {
    K key{};
    ReadKey(r, &key);
    const std::uint64_t count = r.Varint();
    if (count == 0 ||
        count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      r.Fail("bad value count");
    }
    values_[g].Add(std::move(key), static_cast<std::int64_t>(count));
  }
  if (!r.AtEnd()) r.Fail("trailing bytes");
}

template <typename K>
void ValueStates<K>::WriteEntry(ByteWriter& w, const K& key) const {
  if constexpr (std::is_same_v<K, std::int64_t>) {
    if (codes_) {
      w.String(dict_->dict[static_cast<std::size_t>(key)]);
      return;
    }
  }
  WriteKey(w, key);
}

template <typename K>
void ValueStates<K>::EmitPartial(std::size_t g, BatchColumn* out) const {
  const auto& sorted = values_[g].Sorted();
  std::string bytes;
  ByteWriter w(&bytes);
  w.Varint(sorted.size());
  for (const auto& [key, count] : sorted) {
    WriteEntry(w, key);
    w.Varint(static_cast<std::uint64_t>(count));
  }
  PushString(out, bytes, sorted.empty());
}

template <typename K>
void ValueStates<K>::PushKey(const K& key, BatchColumn* out) const {
  if constexpr (std::is_same_v<K, std::int64_t>) {
    if (codes_) {
      PushString(out, dict_->dict[static_cast<std::size_t>(key)], false);
    } else {
      PushInt(out, key, false);
    }
  } else if constexpr (std::is_same_v<K, double>) {
    PushDouble(out, key, false);
  } else if constexpr (std::is_same_v<K, Int128>) {
    PushWide(out, key, false);
  } else {
    PushString(out, key, false);
  }
}

// The value at 0-based position `rank` of the group's sorted multiset (its set with DISTINCT).
template <typename K>
const K& ValueStates<K>::AtRank(std::size_t g, std::int64_t rank) const {
  for (const auto& [key, count] : values_[g].Sorted()) {
    const std::int64_t times = spec_.distinct ? 1 : count;
    if (rank < times) return key;
    rank -= times;
  }
  throw std::logic_error("quantile rank beyond the values");
}

template <typename K>
void ValueStates<K>::FinalDistinct(std::size_t g, BatchColumn* out) const {
  const auto& sorted = values_[g].Sorted();
  if (spec_.fn == AggFn::kCount) {
    PushInt(out, static_cast<std::int64_t>(sorted.size()), false);
    return;
  }
  if constexpr (!std::is_same_v<K, std::string>) {
    if (IsMoment(spec_.fn)) {  // var_samp(DISTINCT x), ...: the variance of the set
      std::vector<double> xs;
      xs.reserve(sorted.size());
      for (const auto& e : sorted) xs.push_back(AsDouble(e.first));
      EmitMomentsOf(spec_, xs, out);
      return;
    }
  }
  if (sorted.empty()) {
    PushNull(out);
    return;
  }
  const auto n = static_cast<std::int64_t>(sorted.size());
  if constexpr (std::is_same_v<K, double>) {
    ExactSum sum;
    for (const auto& e : sorted) sum.Add(e.first);
    PushDouble(out, spec_.fn == AggFn::kAvg ? ExactMean(sum, n) : sum.Value(), false);
  } else if constexpr (!std::is_same_v<K, std::string>) {  // BIGINT, DECIMAL units, the wide
    Int128 sum = 0;
    for (const auto& e : sorted) {
      if constexpr (std::is_same_v<K, Int128>) {
        AddHuge(&sum, e.first);  // DuckDB's error beyond INT128
      } else {
        sum += e.first;
      }
    }
    if (spec_.fn == AggFn::kAvg) {
      PushDouble(out,
                 static_cast<double>(static_cast<long double>(sum) / n / DecimalUnit(spec_.input)),
                 false);
    } else if (IsWidePhysical(spec_.result)) {  // HUGEINT, DECIMAL(38,s)
      PushWide(out, sum, false);
    } else if (sum > std::numeric_limits<std::int64_t>::max() ||
               sum < std::numeric_limits<std::int64_t>::min()) {
      throw std::runtime_error(
          "sum(DISTINCT " +
          (static_cast<std::size_t>(spec_.column) < kSchema.size()
               ? std::string(kSchema[static_cast<std::size_t>(spec_.column)].name)
               : std::string("expression")) +
          ") is out of BIGINT range");
    } else {
      PushInt(out, static_cast<std::int64_t>(sum), false);
    }
  }
}

template <typename K>
void ValueStates<K>::EmitFinal(std::size_t g, BatchColumn* out) const {
  const bool quantile = spec_.fn == AggFn::kMedian || spec_.fn == AggFn::kQuantileCont ||
                        spec_.fn == AggFn::kQuantileDisc;
  if (spec_.distinct && !quantile) {
    FinalDistinct(g, out);
    return;
  }
  std::int64_t total = 0;  // the values, or with DISTINCT the distinct values
  for (const auto& e : values_[g].Sorted()) total += spec_.distinct ? 1 : e.second;
  if (total == 0) {
    PushNull(out);
    return;
  }
  // A negative q is DuckDB's quantile of the values in descending order: ranks count from the
  // top, and quantile_cont interpolates from the higher value (so it can differ from 1 + q in
  // the last digit).
  const double q = spec_.fn == AggFn::kMedian ? 0.5 : std::fabs(spec_.param);
  const bool descending = spec_.fn != AggFn::kMedian && spec_.param < 0;
  const auto at = [&](double rank) {
    const auto r = static_cast<std::int64_t>(rank);
    return AtRank(g, descending ? total - 1 - r : r);
  };
  const double n = static_cast<double>(total);
  const bool continuous = spec_.fn == AggFn::kQuantileCont ||
                          (spec_.fn == AggFn::kMedian && spec_.input != Type::kString);
  if (continuous) {
    const double rn = (n - 1) * q, lo_rank = std::floor(rn), hi_rank = std::ceil(rn);
    if constexpr (std::is_same_v<K, std::int64_t>) {
      if (IsDecimal(spec_.input)) {
        // DuckDB: lo + the fraction of (hi - lo) truncated, in the scaled integers of a width up
        // to 18
        const std::int64_t a = at(lo_rank);
        const std::int64_t b = at(hi_rank);
        PushInt(out, a + static_cast<std::int64_t>(static_cast<double>(b - a) * (rn - lo_rank)),
                false);
        return;
      }
    }
    if constexpr (std::is_same_v<K, Int128>) {
      if (IsDecimal(spec_.input)) {    // a width of 19-38 (its hugeint): in doubles, truncated,
        const Int128 a = at(lo_rank);  // and the value itself at a whole rank (DuckDB's)
        if (lo_rank == hi_rank) return PushWide(out, a, false);
        const auto lo = static_cast<double>(a);
        const auto hi = static_cast<double>(at(hi_rank));
        PushWide(out, static_cast<Int128>(lo + (hi - lo) * (rn - lo_rank)), false);
        return;
      }
    }
    const double lo = AsDouble(at(lo_rank));
    if (lo_rank == hi_rank) {
      PushDouble(out, lo, false);
      return;
    }
    const double hi = AsDouble(at(hi_rank));
    PushDouble(out, lo + (hi - lo) * (rn - lo_rank), false);
    return;
  }
  // discrete: DuckDB's index max(1, n - floor(n - n q)) - 1
  const double index = std::max(1.0, n - std::floor(n - n * q)) - 1;
  PushKey(at(index), out);
}

}  // namespace

std::unique_ptr<AggregateStates> MakeValueStates(const AggSpec& spec, bool partition) {
  if (spec.input == Type::kFloat64) return std::make_unique<ValueStates<double>>(spec, partition);
  if (IsWidePhysical(spec.input)) return std::make_unique<ValueStates<Int128>>(spec, partition);
  if (spec.input != Type::kString || partition) {
    return std::make_unique<ValueStates<std::int64_t>>(spec, partition);
  }
  return std::make_unique<ValueStates<std::string>>(spec, partition);
}

}  // namespace plume::engine
