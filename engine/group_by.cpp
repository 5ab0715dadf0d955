#include "engine/group_by.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

#include "engine/simd.h"
#include "engine/valid_run.h"

namespace plume::engine {
namespace {

constexpr std::size_t kChunk = 2048;
constexpr std::size_t kMaxDense = std::size_t{1} << 20;

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 32);
}

std::uint64_t KeyWord(const Column& c, std::uint32_t r) {
  switch (c.type) {
    case Type::kString:
      return c.codes[r];
    case Type::kFloat64: {
      const double d = c.doubles[r] == 0 ? 0.0 : c.doubles[r];  // -0.0 groups with 0.0
      return std::bit_cast<std::uint64_t>(d);
    }
    default:
      return static_cast<std::uint64_t>(c.ints[r]);
  }
}

// Integer keys are dense over a small range: timestamps step by whole hours when all are.
constexpr std::int64_t kHourStep = IntSummary::kGridStep;

}  // namespace

// The dense code of a key column: strings by dictionary code; integer columns by
// (value - min) / step over their exact [min, max] (one pass; the zone maps reject wide ranges
// first); NULL is the last code. card 0 = not dense.
PartitionAggregator::DenseKey PartitionAggregator::DenseKeyOf(const Column& c) {
  if (c.type == Type::kString) return {0, 1, c.dict.size() + 1};
  if (c.type == Type::kFloat64 || IsWidePhysical(c.type) || c.ints.empty()) return {0, 1, 0};
  double zone_lo = std::numeric_limits<double>::infinity(), zone_hi = -zone_lo;
  for (const BlockStats& b : c.blocks)
    zone_lo = std::min(zone_lo, b.min), zone_hi = std::max(zone_hi, b.max);
  if (c.blocks.empty() || zone_hi - zone_lo > 2.0 * kMaxDense) return {0, 1, 0};
  IntSummary summary = c.summary;
  if (!summary.known)
    summary.Add(c.ints.data(), c.valid.empty() ? nullptr : c.valid.data(), c.ints.size());
  if (!summary.any) return {0, 1, 1};  // every value NULL
  const std::int64_t lo = summary.lo;
  const std::uint64_t span =
      static_cast<std::uint64_t>(summary.hi) - static_cast<std::uint64_t>(lo);
  if (span >= kMaxDense) return {0, 1, 0};
  const std::int64_t step = c.type == Type::kTimestamp && summary.on_grid ? kHourStep : 1;
  return {lo, step, span / static_cast<std::uint64_t>(step) + 2};
}

PartitionAggregator::PartitionAggregator(const PlanData& plan,
                                         const std::vector<const Column*>& columns)
    : plan_(plan), layout_(MakeStreamLayout(plan)) {
  if (plan.group_columns.size() > 63) throw std::runtime_error("too many GROUP BY columns");
  std::size_t words = 0;
  for (int c : plan.group_columns) {
    key_columns_.push_back(columns[static_cast<std::size_t>(c)]);
    key_word_.push_back(words);
    const bool wide = IsWidePhysical(key_columns_.back()->type);
    wide_keys_ = wide_keys_ || wide;
    words += wide ? 2 : 1;
  }
  width_ = words + 1;
  BindArguments(columns);
  row_keys_.resize(kChunk * width_);
  gids_.resize(kBlockRows);
  std::size_t product = 1;
  for (const Column* c : key_columns_) {
    dense_keys_.push_back(DenseKeyOf(*c));
    const std::uint64_t card = dense_keys_.back().card;
    product =
        card != 0 && product <= kMaxDense && card <= kMaxDense ? product * card : kMaxDense + 1;
  }
  if (!key_columns_.empty() && product <= kMaxDense) dense_.assign(product, 0);
  if (plan.group_columns.empty()) {  // one group, even over zero rows
    std::vector<std::uint64_t> key(width_, 0);
    FindOrAdd(key.data(), Mix(0, 0));
  }
}

void PartitionAggregator::ReserveGroups(std::size_t groups) {
  if (key_columns_.empty()) return;  // one group
  if (!dense_.empty()) groups = std::min(groups, dense_.size());
  keys_.reserve(groups * width_);
  reserved_words_ = keys_.capacity();
  for (auto& st : states_) st->Reserve(groups);
}

void PartitionAggregator::BindArguments(const std::vector<const Column*>& columns) {
  auto column = [&](int c) { return c < 0 ? nullptr : columns.at(static_cast<std::size_t>(c)); };
  for (const AggSpec& a : plan_.aggs) {
    args_.push_back(AggArgs{column(a.column), column(a.column2), column(a.filter)});
    states_.push_back(MakeAggregateStates(a, true));
  }
}

namespace {

bool SameKey(const std::uint64_t* a, const std::uint64_t* b, std::size_t width) {
  for (std::size_t w = 0; w < width; ++w) {
    if (a[w] != b[w]) return false;
  }
  return true;
}

}  // namespace

std::uint32_t PartitionAggregator::FindOrAdd(const std::uint64_t* key, std::uint64_t hash) {
  std::size_t at = 0;
  const std::uint64_t found = index_.Find(
      hash, [&](std::uint64_t g) { return SameKey(&keys_[g * width_], key, width_); }, &at);
  if (found != GroupIndex::kNone) return static_cast<std::uint32_t>(found);
  const std::uint32_t g = AddGroup(key);
  index_.Insert(at, hash, g, groups_, [&](std::uint64_t group) {
    std::uint64_t h = 0;
    for (std::size_t w = 0; w < width_; ++w) h = Mix(h, keys_[group * width_ + w]);
    return h;
  });
  return g;
}

std::uint32_t PartitionAggregator::AddGroup(const std::uint64_t* key) {
  const auto g = static_cast<std::uint32_t>(groups_++);
  keys_.insert(keys_.end(), key, key + width_);
  for (auto& st : states_) st->Resize(groups_);
  return g;
}

namespace {

// combined[i] = combined[i] * mult + the dense code of row rows[i] (a constant step divides
// without a division instruction).
void DenseInts(const std::int64_t* ints, const std::uint8_t* valid, const std::uint32_t* rows,
               std::size_t n, std::int64_t base, const std::int64_t step, std::uint32_t mult,
               std::uint32_t null_code, std::uint32_t* combined) {
  for (std::size_t i = 0; i < n; ++i) {
    const bool null = valid != nullptr && !valid[rows[i]];
    const auto code = static_cast<std::uint32_t>((ints[rows[i]] - base) / step);
    combined[i] = combined[i] * mult + (null ? null_code : code);
  }
}

}  // namespace

void PartitionAggregator::DenseIds(const std::uint32_t* rows, std::size_t n) {
  std::uint32_t* combined = gids_.data();
  std::fill(combined, combined + n, 0u);
  for (std::size_t k = 0; k < key_columns_.size(); ++k) {
    const Column* c = key_columns_[k];
    const DenseKey& d = dense_keys_[k];
    const auto mult = static_cast<std::uint32_t>(d.card);
    const auto null_code = static_cast<std::uint32_t>(d.card - 1);
    const std::uint8_t* valid = c->valid.empty() ? nullptr : c->valid.data();
    if (c->type == Type::kString) {
      const std::uint32_t* codes = c->codes.data();
      for (std::size_t i = 0; i < n; ++i) {
        const bool null = valid != nullptr && !valid[rows[i]];
        combined[i] = combined[i] * mult + (null ? null_code : codes[rows[i]]);
      }
    } else if (d.step == kHourStep) {
      DenseInts(c->ints.data(), valid, rows, n, d.base, kHourStep, mult, null_code, combined);
    } else {
      DenseInts(c->ints.data(), valid, rows, n, d.base, 1, mult, null_code, combined);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t& slot = dense_[combined[i]];
    if (slot == 0) {
      KeysOf(rows + i, 1);
      slot = AddGroup(row_keys_.data()) + 1;
    }
    combined[i] = slot - 1;
  }
}

namespace {

// Nonzero unless codes[0, n) are all `code` and the validity bytes ok[0, n) (ok == nullptr: none)
// all say `valid`: one pass each that vectorizes, compiled for the baseline and for AVX2 (twice
// the lanes), chosen at run time.
[[gnu::always_inline]] inline std::uint32_t RunDiffers(const std::uint32_t* codes,
                                                       const std::uint8_t* ok, std::size_t n,
                                                       std::uint32_t code, bool valid) {
  std::uint32_t differ = 0;
  for (std::size_t i = 0; i < n; ++i) differ |= codes[i] ^ code;
  if (ok != nullptr) {
    std::uint8_t bad = 0;
    const std::uint8_t want = valid;
    for (std::size_t i = 0; i < n; ++i) bad |= static_cast<std::uint8_t>((ok[i] != 0) ^ want);
    differ |= bad;
  }
  return differ;
}

std::uint32_t RunDiffersBaseline(const std::uint32_t* codes, const std::uint8_t* ok, std::size_t n,
                                 std::uint32_t code, bool valid) {
  return RunDiffers(codes, ok, n, code, valid);
}

PLUME_AVX2 std::uint32_t RunDiffersAvx2(const std::uint32_t* codes, const std::uint8_t* ok,
                                        std::size_t n, std::uint32_t code, bool valid) {
  return RunDiffers(codes, ok, n, code, valid);
}

}  // namespace

// The partitions are sorted, so almost every chunk of a GROUP BY on the leading sort key holds
// one key: one comparison of its codes (vectorized for contiguous rows) instead of a dense code
// and a table lookup per row (23% of GROUP BY parameter's time on a data rank at 10x). A single
// string key only; false (nothing done) otherwise.
bool PartitionAggregator::OneKeyChunk(const std::uint32_t* rows, std::size_t n) {
  if (key_columns_.size() != 1 || n == 0) return false;
  const Column& c = *key_columns_[0];
  if (c.type != Type::kString) return false;
  const std::uint8_t* valid = c.valid.empty() ? nullptr : c.valid.data();
  const std::uint32_t code0 = c.codes[rows[0]];
  const bool valid0 = valid == nullptr || valid[rows[0]] != 0;
  std::uint32_t differ = 0;
  if (rows[n - 1] - rows[0] == n - 1) {
    const std::uint32_t* codes = c.codes.data() + rows[0];
    const std::uint8_t* ok = valid == nullptr ? nullptr : valid + rows[0];
    differ = UseAvx2() ? RunDiffersAvx2(codes, ok, n, code0, valid0)
                       : RunDiffersBaseline(codes, ok, n, code0, valid0);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      differ |= c.codes[rows[i]] ^ code0;
      if (valid != nullptr) differ |= (valid[rows[i]] != 0) ^ valid0;
    }
  }
  if (differ != 0) return false;
  std::uint32_t& slot = dense_[valid0 ? code0 : dense_keys_[0].card - 1];
  if (slot == 0) {
    KeysOf(rows, 1);
    slot = AddGroup(row_keys_.data()) + 1;
  }
  std::fill(gids_.begin(), gids_.begin() + static_cast<std::ptrdiff_t>(n), slot - 1);
  return true;
}

// A whole zone-map block whose key column's zone map says one code (min = max, no NULL) or all
// NULL: its group without reading the codes, and the states may answer from their own columns'
// zone maps (valid_run.h, WholeBlock). Returns the block's rows, 0 when rows do not start one.
std::size_t PartitionAggregator::OneKeyBlock(const std::uint32_t* rows, std::size_t n) {
  if (key_columns_.size() != 1 || dense_.empty() || n == 0) return 0;
  const Column& c = *key_columns_[0];
  const std::size_t len = BlockRowsFrom(c, rows[0]);
  if (c.type != Type::kString || len == 0 || len > n || rows[len - 1] - rows[0] != len - 1) {
    return 0;
  }
  const BlockStats& s = c.blocks[rows[0] / kBlockRows];
  std::uint64_t code = 0;
  if (s.nulls == len) {
    code = dense_keys_[0].card - 1;
  } else if (s.nulls == 0 && s.min == s.max) {
    code = static_cast<std::uint64_t>(s.min);
  } else {
    return 0;
  }
  std::uint32_t& slot = dense_[code];
  if (slot == 0) {
    KeysOf(rows, 1);
    slot = AddGroup(row_keys_.data()) + 1;
  }
  std::fill(gids_.begin(), gids_.begin() + static_cast<std::ptrdiff_t>(len), slot - 1);
  return len;
}

namespace {

// The keys of rows[0, n) into keys (width words each: the key columns' words, then the NULL
// mask). kWide: some key column is wide (IsWidePhysical) and takes two words, low then high, at
// word[c]; without it column c's word is word c, so the 64-bit keys' loop stays as it was.
template <bool kWide>
void FillKeys(const std::vector<const Column*>& columns, const std::vector<std::size_t>& word,
              std::size_t width, const std::uint32_t* rows, std::size_t n, std::uint64_t* keys) {
  const std::size_t k = columns.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* key = keys + i * width;
    std::uint64_t nulls = 0;
    for (std::size_t c = 0; c < k; ++c) {
      const Column& col = *columns[c];
      const bool null = col.IsNull(rows[i]);
      if constexpr (kWide) {
        std::uint64_t* at = key + word[c];
        if (IsWidePhysical(col.type)) {
          const Int128 v = null ? 0 : col.wide[rows[i]];
          at[0] = static_cast<std::uint64_t>(Low(v));
          at[1] = static_cast<std::uint64_t>(High(v));
        } else {
          at[0] = null ? 0 : KeyWord(col, rows[i]);
        }
      } else {
        key[c] = null ? 0 : KeyWord(col, rows[i]);
      }
      nulls |= static_cast<std::uint64_t>(null) << c;
    }
    key[width - 1] = nulls;
  }
}

}  // namespace

void PartitionAggregator::KeysOf(const std::uint32_t* rows, std::size_t n) {
  if (wide_keys_) {
    FillKeys<true>(key_columns_, key_word_, width_, rows, n, row_keys_.data());
  } else {
    FillKeys<false>(key_columns_, key_word_, width_, rows, n, row_keys_.data());
  }
}

void PartitionAggregator::Consume(const std::uint32_t* rows, std::size_t total) {
  for (std::size_t off = 0, n = 0; off < total; off += n) {
    const std::uint32_t* chunk = rows + off;
    n = OneKeyBlock(chunk, total - off);
    if (n > 0) {
      for (std::size_t a = 0; a < states_.size(); ++a) Update(a, chunk, n, true);
      continue;
    }
    n = std::min(kChunk, total - off);
    bool one_group = n > 0;
    if (key_columns_.empty()) {
      std::fill(gids_.begin(), gids_.begin() + static_cast<std::ptrdiff_t>(n), 0u);
    } else if (dense_.empty() || !OneKeyChunk(chunk, n)) {
      if (!dense_.empty()) {
        DenseIds(chunk, n);
      } else {
        KeysOf(chunk, n);
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint64_t* key = &row_keys_[i * width_];
          std::uint64_t h = 0;
          for (std::size_t w = 0; w < width_; ++w) h = Mix(h, key[w]);
          gids_[i] = FindOrAdd(key, h);
        }
      }
      const std::uint32_t first = gids_[0];
      one_group = n > 0 && std::all_of(gids_.begin() + 1, gids_.begin() + n,
                                       [first](std::uint32_t g) { return g == first; });
    }
    for (std::size_t a = 0; a < states_.size(); ++a) Update(a, chunk, n, one_group);
  }
}

// Rows that fail the aggregate's FILTER never reach its states.
void PartitionAggregator::Update(std::size_t a, const std::uint32_t* rows, std::size_t n,
                                 bool one_group) {
  const std::uint32_t* gids = gids_.data();
  if (const Column* filter = args_[a].filter) {
    const std::int64_t* pass = filter->ints.data();
    const std::uint8_t* valid = filter->valid.empty() ? nullptr : filter->valid.data();
    kept_rows_.resize(n);
    kept_gids_.resize(n);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      kept_rows_[k] = rows[i];
      kept_gids_[k] = gids[i];
      k += pass[rows[i]] != 0 && (!valid || valid[rows[i]]);
    }
    rows = kept_rows_.data();
    gids = kept_gids_.data();
    n = k;
  }
  if (one_group) {
    states_[a]->UpdateOneGroup(args_[a], rows, gids, n);
  } else {
    states_[a]->Update(args_[a], rows, gids, n);
  }
}

// Column by column, each a typed loop into arrays sized once: a partition-local plan's final
// stage reads every group through here (Emit took 17% of a data rank's profile of the
// 677,000-group statement as a loop of pushes per group and column).
Batch PartitionAggregator::Emit(std::size_t begin, std::size_t end) const {
  Batch b = EmptyBatch(layout_.types);
  b.rows = end - begin;
  for (std::size_t c = 0; c < key_columns_.size(); ++c) EmitKeys(c, begin, end, &b.columns[c]);
  for (std::size_t a = 0; a < states_.size(); ++a) {
    BatchColumn* out = &b.columns[layout_.agg_first[a]];
    for (std::size_t g = begin; g < end; ++g) states_[a]->EmitPartial(g, out);
  }
  DropAllValid(&b);
  return b;
}

// Key column c of groups [begin, end): the values PushString/PushDouble/PushInt/PushWide would
// give (a NULL's value word as it is, a NULL string empty).
void PartitionAggregator::EmitKeys(std::size_t c, std::size_t begin, std::size_t end,
                                   BatchColumn* out) const {
  const Column& col = *key_columns_[c];
  const std::size_t n = end - begin;
  const std::uint64_t* mask = keys_.data() + begin * width_;
  const std::uint64_t* key = mask + key_word_[c];  // key[i * width_]: group begin + i's word
  out->valid.resize(n);
  for (std::size_t i = 0; i < n; ++i) out->valid[i] = !((mask[i * width_ + width_ - 1] >> c) & 1);
  if (col.type == Type::kString) {
    std::size_t bytes = out->chars.size();
    for (std::size_t i = 0; i < n; ++i)
      bytes += out->valid[i] ? col.dict[key[i * width_]].size() : 0;
    if (bytes > UINT32_MAX) throw std::runtime_error("batch strings exceed 4 GiB");
    out->chars.reserve(bytes);
    out->offsets.reserve(out->offsets.size() + n);
    for (std::size_t i = 0; i < n; ++i) {
      if (out->valid[i]) out->chars += col.dict[key[i * width_]];
      out->offsets.push_back(static_cast<std::uint32_t>(out->chars.size()));
    }
  } else if (col.type == Type::kFloat64) {
    out->doubles.resize(n);
    for (std::size_t i = 0; i < n; ++i) out->doubles[i] = std::bit_cast<double>(key[i * width_]);
  } else if (IsWidePhysical(col.type)) {
    out->wide.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      out->wide[i] = Join(static_cast<std::int64_t>(key[i * width_ + 1]),
                          static_cast<std::int64_t>(key[i * width_]));
    }
  } else {
    out->ints.resize(n);
    for (std::size_t i = 0; i < n; ++i) out->ints[i] = static_cast<std::int64_t>(key[i * width_]);
  }
}

std::size_t PartitionAggregator::memory_bytes() const {
  std::size_t per_group = 0;
  for (const AggSpec& a : plan_.aggs) per_group += StateBytesPerGroup(a);
  const std::size_t key_words =
      keys_.capacity() > reserved_words_ ? keys_.capacity() : keys_.size();
  return 8 * key_words + index_.memory_bytes() + 4 * dense_.capacity() + groups_ * per_group;
}

}  // namespace plume::engine
