// count(*), count(x), sum(x), avg(x), min(x), max(x), bool_and(p), bool_or(p): states of a
// fixed size per group. Integer sums are exact in 128 bits, double sums exact (exact_sum.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/aggregate.h"
#include "engine/byte_io.h"
#include "engine/exact_sum.h"
#include "engine/partial.h"
#include "engine/schema.h"
#include "engine/simd.h"
#include "engine/valid_run.h"
#include "engine/value_format.h"

#if PLUME_HAVE_AVX2_KERNELS
#include <immintrin.h>
#endif

namespace plume::engine {
namespace {

// Calls f(i) for every i < n whose argument row is not NULL.
template <typename F>
void EachValid(const Column& c, const std::uint32_t* rows, std::size_t n, F&& f) {
  if (c.valid.empty()) {
    for (std::size_t i = 0; i < n; ++i) f(i);
  } else {
    const std::uint8_t* valid = c.valid.data();
    for (std::size_t i = 0; i < n; ++i) {
      if (valid[rows[i]]) f(i);
    }
  }
}

// Calls f(v) for the value v of every row of a run whose argument is not NULL; `values` is the
// column's array. Ascending rows that are contiguous are read without the row indirection.
template <typename T, typename F>
void EachValidValue(const Column& c, const T* values, const std::uint32_t* rows, std::size_t n,
                    F&& f) {
  const bool contiguous = n > 0 && rows[n - 1] - rows[0] == n - 1;
  if (c.valid.empty() && contiguous) {
    const T* v = values + rows[0];
    for (std::size_t i = 0; i < n; ++i) f(v[i]);
  } else {
    EachValid(c, rows, n, [&](std::size_t i) { f(values[rows[i]]); });
  }
}

template <bool kMax>
constexpr std::int64_t kIdentity = kMax ? std::numeric_limits<std::int64_t>::min()
                                        : std::numeric_limits<std::int64_t>::max();

// lane[j] = the extreme of lane[j] and the valid v[i], i = j mod 4; *seen nonzero if any is.
template <bool kMax>
void FoldLanes(const std::int64_t* v, const std::uint8_t* ok, std::size_t n, std::int64_t* lane,
               std::uint32_t* seen) {
  std::uint32_t any = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (std::size_t j = 0; j < 4; ++j) {
      const std::int64_t x = ok[i + j] ? v[i + j] : kIdentity<kMax>;
      lane[j] = kMax ? std::max(lane[j], x) : std::min(lane[j], x);
      any |= ok[i + j];
    }
  }
  for (; i < n; ++i) {
    const std::int64_t x = ok[i] ? v[i] : kIdentity<kMax>;
    lane[0] = kMax ? std::max(lane[0], x) : std::min(lane[0], x);
    any |= ok[i];
  }
  *seen |= any;
}

#if PLUME_HAVE_AVX2_KERNELS
// The extreme (kMax: largest) of v[0, n) where ok[i] (ok == nullptr: every i) into *best, from
// the identity, in two sets of four AVX2 lanes (SSE2 has no 64-bit compare, so the baseline's
// lanes are scalar selects); the NULL mask is applied as the values are read, so a run with
// NULLs costs what one without does. False when every row is NULL.
template <bool kMax>
PLUME_AVX2 bool ExtremeRunAvx2(const std::int64_t* v, const std::uint8_t* ok, std::size_t n,
                               std::int64_t* best) {
  const __m256i identity = _mm256_set1_epi64x(kIdentity<kMax>), zero = _mm256_setzero_si256();
  __m256i acc[2] = {identity, identity};
  std::uint32_t seen = ok == nullptr && n > 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t k = 0; k < 2; ++k) {
      __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + i + 4 * k));
      if (ok != nullptr) {
        std::uint32_t bytes;
        std::memcpy(&bytes, ok + i + 4 * k, sizeof bytes);
        seen |= bytes;
        const __m256i wide = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(bytes)));
        x = _mm256_blendv_epi8(identity, x, _mm256_cmpgt_epi64(wide, zero));
      }
      const __m256i better = kMax ? _mm256_cmpgt_epi64(x, acc[k]) : _mm256_cmpgt_epi64(acc[k], x);
      acc[k] = _mm256_blendv_epi8(acc[k], x, better);
    }
  }
  alignas(32) std::int64_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[0]);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes + 4), acc[1]);
  std::int64_t b = kIdentity<kMax>;
  for (std::int64_t x : lanes) b = kMax ? std::max(b, x) : std::min(b, x);
  for (; i < n; ++i) {
    if (ok != nullptr && !ok[i]) continue;
    b = kMax ? std::max(b, v[i]) : std::min(b, v[i]);
    seen = 1;
  }
  *best = b;
  return seen != 0;
}
#endif

// The extreme (kMax: largest) of a run's non-NULL integers into *best; false when all are NULL.
// Branchless, from the identity of the fold, so that the loops vectorize: the run's `any` test
// per row was 14% of GROUP BY parameter's time on a data rank at 10x.
template <bool kMax>
bool ExtremeInts(const Column& c, const std::uint32_t* rows, std::size_t n, std::int64_t* best) {
  using Limits = std::numeric_limits<std::int64_t>;
  std::int64_t b = kMax ? Limits::min() : Limits::max();
  auto fold = [&b](std::int64_t v) { b = kMax ? std::max(b, v) : std::min(b, v); };
  const std::int64_t* values = c.ints.data();
  bool any = n > 0;
  const bool contiguous = n > 0 && rows[n - 1] - rows[0] == n - 1;
#if PLUME_HAVE_AVX2_KERNELS
  if (contiguous && UseAvx2()) {
    return ExtremeRunAvx2<kMax>(values + rows[0],
                                c.valid.empty() ? nullptr : c.valid.data() + rows[0], n, best);
  }
#endif
  if (contiguous && (c.valid.empty() || AllValid(c.valid.data() + rows[0], n))) {
    const std::int64_t* v = values + rows[0];
    for (std::size_t i = 0; i < n; ++i) fold(v[i]);
  } else if (c.valid.empty()) {
    for (std::size_t i = 0; i < n; ++i) fold(values[rows[i]]);
  } else {
    // A NULL row folds the identity (not b, which would chain each row's select to the last
    // row's fold), in four lanes, so that no row waits for the previous one.
    const std::uint8_t* valid = c.valid.data();
    std::int64_t lane[4] = {b, b, b, b};
    std::uint32_t seen = 0;
    if (contiguous) {
      FoldLanes<kMax>(values + rows[0], valid + rows[0], n, lane, &seen);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t ok = valid[rows[i]] != 0;
        fold(ok ? values[rows[i]] : kIdentity<kMax>);
        seen |= ok;
      }
    }
    for (std::int64_t x : lane) fold(x);
    any = seen != 0;
  }
  *best = b;
  return any;
}

std::int64_t CountValid(const Column& c, const std::uint32_t* rows, std::size_t n) {
  if (c.valid.empty()) return static_cast<std::int64_t>(n);
  if (const BlockStats* s = WholeBlock(c, rows, n)) return static_cast<std::int64_t>(n - s->nulls);
  std::int64_t k = 0;
  if (n > 0 && rows[n - 1] - rows[0] == n - 1) {  // contiguous: a loop that vectorizes
    const std::uint8_t* ok = c.valid.data() + rows[0];
    for (std::size_t i = 0; i < n; ++i) k += ok[i] != 0;
    return k;
  }
  for (std::size_t i = 0; i < n; ++i) k += c.valid[rows[i]] != 0;
  return k;
}

class CountStates final : public AggregateStates {
 public:
  explicit CountStates(bool star) : star_(star) {}
  void Reserve(std::size_t groups) override { count_.reserve(groups); }
  void Resize(std::size_t groups) override { count_.resize(groups, 0); }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override {
    if (star_) {
      for (std::size_t i = 0; i < n; ++i) ++count_[gids[i]];
    } else {
      EachValid(*args.arg, rows, n, [&](std::size_t i) { ++count_[gids[i]]; });
    }
  }
  void UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
                      std::size_t n) override {
    if (n > 0)
      count_[gids[0]] += star_ ? static_cast<std::int64_t>(n) : CountValid(*args.arg, rows, n);
  }
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override {
    count_[g] += b.columns[first].ints[row];
  }
  void EmitPartial(std::size_t g, BatchColumn* out) const override {
    PushInt(out, count_[g], false);
  }
  void EmitFinal(std::size_t g, BatchColumn* out) const override { PushInt(out, count_[g], false); }

 private:
  bool star_;
  std::vector<std::int64_t> count_;
};

std::string ColumnName(int column) {
  const auto c = static_cast<std::size_t>(column);
  return column < 0 || c >= kSchema.size() ? std::string("expression")
                                           : std::string(kSchema[c].name);
}

}  // namespace

// BIGINT inputs cannot leave INT128: 2^64 rows of them would be needed.
void AddHuge(Int128* sum, Int128 v) {
  const Int128 before = *sum;  // the message's operand (the wrapped sum minus v overflows too)
  if (__builtin_add_overflow(before, v, sum)) {
    std::string a, b;
    AppendWideInt(a, before);
    AppendWideInt(b, v);
    throw std::runtime_error("Out of Range Error: Overflow in HUGEINT addition: " + a + " + " + b);
  }
}

namespace {

// sum and avg; BIGINT and HUGEINT inputs in 128 bits (hi, lo columns), DOUBLE inputs exactly.
class SumStates final : public AggregateStates {
 public:
  explicit SumStates(const AggSpec& spec)
      : avg_(spec.fn == AggFn::kAvg),
        ints_(spec.input != Type::kFloat64),
        huge_(IsWidePhysical(spec.input)),  // HUGEINT, UBIGINT, DECIMAL(19..38)
        column_(spec.column),
        unit_(DecimalUnit(spec.input)),
        type_(spec.result) {}
  void Reserve(std::size_t groups) override {
    count_.reserve(groups);
    if (ints_) {
      isum_.reserve(groups);
    } else {
      dsum_.reserve(groups);
    }
  }
  void Resize(std::size_t groups) override {
    count_.resize(groups, 0);
    if (ints_) {
      isum_.resize(groups, 0);
    } else {
      dsum_.resize(groups);
    }
  }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override {
    const Column& c = *args.arg;
    if (huge_) {
      const Int128* v = c.wide.data();
      EachValid(c, rows, n, [&](std::size_t i) {
        ++count_[gids[i]];
        AddHuge(&isum_[gids[i]], v[rows[i]]);
      });
    } else if (ints_) {
      const std::int64_t* v = c.ints.data();
      EachValid(c, rows, n, [&](std::size_t i) {
        ++count_[gids[i]];
        isum_[gids[i]] += v[rows[i]];
      });
    } else {
      const double* v = c.doubles.data();
      EachValid(c, rows, n, [&](std::size_t i) {
        ++count_[gids[i]];
        dsum_[gids[i]].Add(v[rows[i]]);
      });
    }
  }
  void UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
                      std::size_t n) override;
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override;
  void EmitPartial(std::size_t g, BatchColumn* out) const override;
  void EmitFinal(std::size_t g, BatchColumn* out) const override;

 private:
  bool avg_, ints_, huge_;
  int column_;
  long double unit_;  // 10^scale of a DECIMAL input (its values are units), else 1
  Type type_;
  std::vector<std::int64_t> count_;
  std::vector<Int128> isum_;
  std::vector<ExactSum> dsum_;
};

void SumStates::UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows,
                               const std::uint32_t* gids, std::size_t n) {
  if (n == 0) return;
  const Column& c = *args.arg;
  const std::uint32_t g = gids[0];
  const BlockStats* block = WholeBlock(c, rows, n);
  if (block != nullptr && block->nulls == n) return;  // every row NULL
  count_[g] += CountValid(c, rows, n);
  if (huge_) {
    EachValidValue(c, c.wide.data(), rows, n, [&](Int128 v) { AddHuge(&isum_[g], v); });
  } else if (ints_) {
    Int128 sum = 0;
    EachValidValue(c, c.ints.data(), rows, n, [&](std::int64_t v) { sum += v; });
    isum_[g] += sum;
  } else {
    const bool nulls = !c.valid.empty() && (block == nullptr || block->nulls != 0);
    dsum_[g].AddEach(c.doubles.data(), rows, nulls ? c.valid.data() : nullptr, n);
  }
}

void SumStates::Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) {
  const BatchColumn& c = b.columns[first];
  const std::size_t count_col = first + (ints_ ? 2 : 1);
  // sum carries no count: a non-NULL state stands for "some input"
  count_[g] += avg_ ? b.columns[count_col].ints[row] : !c.IsNull(row);
  if (c.IsNull(row)) return;
  if (huge_) {
    AddHuge(&isum_[g], Join(c.ints[row], b.columns[first + 1].ints[row]));
  } else if (ints_) {
    isum_[g] += Join(c.ints[row], b.columns[first + 1].ints[row]);
  } else {
    ByteReader r(c.StringAt(row), "partial sum state");
    dsum_[g].AddEncoded(r);
    if (!r.AtEnd()) r.Fail("trailing bytes");
  }
}

void SumStates::EmitPartial(std::size_t g, BatchColumn* out) const {
  const bool empty = count_[g] == 0;
  if (ints_) {
    PushInt(out, High(isum_[g]), empty);
    PushInt(out + 1, Low(isum_[g]), empty);
  } else {
    std::string bytes;
    if (!empty) {
      ByteWriter w(&bytes);
      dsum_[g].Encode(w);
    }
    PushString(out, bytes, empty);
  }
  if (avg_) PushInt(out + (ints_ ? 2 : 1), count_[g], false);
}

void SumStates::EmitFinal(std::size_t g, BatchColumn* out) const {
  const bool empty = count_[g] == 0;
  if (avg_) {
    double v = 0;
    if (!empty && ints_) {
      v = static_cast<double>(static_cast<long double>(isum_[g]) / count_[g] / unit_);
    } else if (!empty) {
      v = ExactMean(dsum_[g], count_[g]);
    }
    PushDouble(out, v, empty);
    return;
  }
  if (!ints_) {
    PushDouble(out, empty ? 0 : dsum_[g].Value(), empty);
    return;
  }
  if (IsWidePhysical(type_)) return PushWide(out, isum_[g], empty);  // HUGEINT, DECIMAL(38,s)
  if (isum_[g] > std::numeric_limits<std::int64_t>::max() ||
      isum_[g] < std::numeric_limits<std::int64_t>::min()) {
    throw std::runtime_error("sum over " + std::string(TypeName(type_)) + " column '" +
                             ColumnName(column_) + "' is out of BIGINT range");
  }
  PushInt(out, static_cast<std::int64_t>(isum_[g]), empty);
}

// NaN sorts after every number (DuckDB's order), and -0.0 before 0.0, so that which of two
// equal-comparing values wins does not depend on the order they arrive in.
bool DoubleLess(double a, double b) {
  if (a == b) return a == 0 && std::signbit(a) && !std::signbit(b);
  return a < b || (std::isnan(b) && !std::isnan(a));
}

// min and max. On a partition, string values are dictionary codes (dictionaries are sorted).
class ExtremeStates final : public AggregateStates {
 public:
  ExtremeStates(const AggSpec& spec, bool partition)
      : max_(spec.fn == AggFn::kMax), type_(spec.input), partition_(partition) {}
  void Reserve(std::size_t groups) override {
    has_.reserve(groups);
    if (type_ == Type::kFloat64) {
      dext_.reserve(groups);
    } else if (IsWidePhysical(type_)) {
      wext_.reserve(groups);
    } else if (type_ == Type::kString && !partition_) {
      sext_.reserve(groups);
    } else {
      iext_.reserve(groups);
    }
  }
  void Resize(std::size_t groups) override {
    has_.resize(groups, 0);
    if (type_ == Type::kFloat64) {
      dext_.resize(groups, 0);
    } else if (IsWidePhysical(type_)) {
      wext_.resize(groups, 0);
    } else if (type_ == Type::kString && !partition_) {
      sext_.resize(groups);
    } else {
      iext_.resize(groups, 0);
    }
  }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override;
  void UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
                      std::size_t n) override;
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override;
  void EmitPartial(std::size_t g, BatchColumn* out) const override { EmitFinal(g, out); }
  void EmitFinal(std::size_t g, BatchColumn* out) const override;

 private:
  // The extreme of a run's values into group g (one Fold, the scan in registers).
  template <typename T, typename Less>
  void FoldRun(std::vector<T>& ext, std::size_t g, const Column& c, const T* values,
               const std::uint32_t* rows, std::size_t n, Less less) {
    bool any = false;
    T best{};
    EachValidValue(c, values, rows, n, [&](T v) {
      if (!any || (max_ ? less(best, v) : less(v, best))) best = v;
      any = true;
    });
    if (any) Fold(ext, g, best, less);
  }

  // A run that is one whole zone-map block of an integer, HUGEINT or string (code) column: its
  // extreme is the block's min or max (doubles, exact below 2^53 in magnitude; beyond, false:
  // the values are read). NaN and -0.0 make the zone maps of doubles no answer for min/max.
  bool FoldBlock(const Column& c, std::size_t g, const std::uint32_t* rows, std::size_t n) {
    const BlockStats* s = WholeBlock(c, rows, n);
    if (s == nullptr) return false;
    if (s->nulls == n) return true;
    const double v = max_ ? s->max : s->min;
    if (!(std::fabs(v) < 0x1p53)) return false;
    if (type_ == Type::kString) dict_ = &c;
    if (IsWidePhysical(type_)) {  // a wide column's extremes are 128-bit (wext_)
      Fold(wext_, g, static_cast<Int128>(v), std::less<>());
    } else {
      Fold(iext_, g, static_cast<std::int64_t>(v), std::less<>());
    }
    return true;
  }

  template <typename T, typename Less>
  void Fold(std::vector<T>& ext, std::size_t g, const T& v, Less less) {
    if (!has_[g] || (max_ ? less(ext[g], v) : less(v, ext[g]))) ext[g] = v;
    has_[g] = 1;
  }

  bool max_;
  Type type_;
  bool partition_;
  const Column* dict_ = nullptr;  // partition: the column whose codes iext_ holds
  std::vector<std::uint8_t> has_;
  std::vector<std::int64_t> iext_;
  std::vector<double> dext_;
  std::vector<Int128> wext_;  // HUGEINT
  std::vector<std::string> sext_;
};

void ExtremeStates::Update(const AggArgs& args, const std::uint32_t* rows,
                           const std::uint32_t* gids, std::size_t n) {
  const Column& c = *args.arg;
  if (type_ == Type::kFloat64) {
    EachValid(c, rows, n,
              [&](std::size_t i) { Fold(dext_, gids[i], c.doubles[rows[i]], DoubleLess); });
  } else if (IsWidePhysical(type_)) {
    EachValid(c, rows, n,
              [&](std::size_t i) { Fold(wext_, gids[i], c.wide[rows[i]], std::less<>()); });
  } else if (type_ == Type::kString) {
    dict_ = &c;
    EachValid(c, rows, n, [&](std::size_t i) {
      Fold(iext_, gids[i], static_cast<std::int64_t>(c.codes[rows[i]]), std::less<>());
    });
  } else {
    EachValid(c, rows, n,
              [&](std::size_t i) { Fold(iext_, gids[i], c.ints[rows[i]], std::less<>()); });
  }
}

void ExtremeStates::UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows,
                                   const std::uint32_t* gids, std::size_t n) {
  const Column& c = *args.arg;
  if (n == 0) return;
  if (type_ != Type::kFloat64 && FoldBlock(c, gids[0], rows, n)) return;
  if (type_ == Type::kFloat64) {
    FoldRun(dext_, gids[0], c, c.doubles.data(), rows, n, DoubleLess);
  } else if (type_ == Type::kString || IsWidePhysical(type_)) {
    Update(args, rows, gids, n);  // codes are 32-bit, HUGEINTs 128: the generic loop
  } else {
    std::int64_t best = 0;
    if (max_ ? ExtremeInts<true>(c, rows, n, &best) : ExtremeInts<false>(c, rows, n, &best)) {
      Fold(iext_, gids[0], best, std::less<>());
    }
  }
}

void ExtremeStates::Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) {
  const BatchColumn& c = b.columns[first];
  if (c.IsNull(row)) return;
  if (type_ == Type::kFloat64) {
    Fold(dext_, g, c.doubles[row], DoubleLess);
  } else if (IsWidePhysical(type_)) {
    Fold(wext_, g, c.wide[row], std::less<>());
  } else if (type_ == Type::kString) {
    Fold(sext_, g, std::string(c.StringAt(row)), std::less<>());
  } else {
    Fold(iext_, g, c.ints[row], std::less<>());
  }
}

void ExtremeStates::EmitFinal(std::size_t g, BatchColumn* out) const {
  const bool empty = !has_[g];
  if (type_ == Type::kFloat64) {
    PushDouble(out, empty ? 0 : dext_[g], empty);
  } else if (IsWidePhysical(type_)) {
    PushWide(out, empty ? 0 : wext_[g], empty);
  } else if (type_ != Type::kString) {
    PushInt(out, empty ? 0 : iext_[g], empty);
  } else if (partition_) {
    PushString(out, empty ? std::string_view() : dict_->dict[static_cast<std::size_t>(iext_[g])],
               empty);
  } else {
    PushString(out, sext_[g], empty);
  }
}

// bool_and, bool_or over a BOOLEAN argument: -1 = no input yet, else 0/1.
class BoolStates final : public AggregateStates {
 public:
  explicit BoolStates(bool is_and) : and_(is_and) {}
  void Reserve(std::size_t groups) override { state_.reserve(groups); }
  void Resize(std::size_t groups) override { state_.resize(groups, -1); }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override {
    const Column& c = *args.arg;
    EachValid(c, rows, n, [&](std::size_t i) { Fold(gids[i], c.ints[rows[i]] != 0); });
  }
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override {
    const BatchColumn& c = b.columns[first];
    if (!c.IsNull(row)) Fold(g, c.ints[row] != 0);
  }
  void EmitPartial(std::size_t g, BatchColumn* out) const override { EmitFinal(g, out); }
  void EmitFinal(std::size_t g, BatchColumn* out) const override {
    PushInt(out, state_[g] > 0, state_[g] < 0);
  }

 private:
  void Fold(std::size_t g, bool v) {
    std::int8_t& s = state_[g];
    s = s < 0 ? v : and_ ? (s && v) : (s || v);
  }
  bool and_;
  std::vector<std::int8_t> state_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeBasicStates(const AggSpec& spec, bool partition) {
  switch (spec.fn) {
    case AggFn::kCountStar:
    case AggFn::kCount:
      return std::make_unique<CountStates>(spec.fn == AggFn::kCountStar);
    case AggFn::kSum:
    case AggFn::kAvg:
      return std::make_unique<SumStates>(spec);
    case AggFn::kMin:
    case AggFn::kMax:
      return std::make_unique<ExtremeStates>(spec, partition);
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      return std::make_unique<BoolStates>(spec.fn == AggFn::kBoolAnd);
    default:
      throw std::logic_error("MakeBasicStates: not a basic aggregate");
  }
}

}  // namespace plume::engine
