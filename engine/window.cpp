// ComputeWindows and WindowComputation (window.h): per call a bottom-up merge sort of the rows
// in morsels, then one pass per partition.
#include "engine/window.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "engine/aggregate.h"     // DecimalUnit
#include "engine/expr_kernels.h"  // Pow10Wide
#include "engine/window_sum.h"

namespace plume::engine {
namespace {

using K = FrameBound::Kind;
__extension__ typedef __int128 Wide;
__extension__ typedef unsigned __int128 UWide;

const Column& ColumnNamed(const Table& t, const std::string& name) {
  const int i = t.Find(name);
  if (i < 0) throw std::logic_error("window: no column '" + name + "'");
  return t.columns[static_cast<std::size_t>(i)];
}

// -1, 0, 1 comparing the non-NULL values of rows a and b.
int CompareValues(const Column& c, std::uint32_t a, std::uint32_t b) {
  switch (c.type) {
    case Type::kString:
      return c.codes[a] < c.codes[b] ? -1 : c.codes[a] > c.codes[b];
    case Type::kFloat64:
      return c.doubles[a] < c.doubles[b] ? -1 : c.doubles[a] > c.doubles[b];
    default:
      if (IsWidePhysical(c.type)) return c.wide[a] < c.wide[b] ? -1 : c.wide[a] > c.wide[b];
      return c.ints[a] < c.ints[b] ? -1 : c.ints[a] > c.ints[b];
  }
}

struct SortColumn {
  const Column* column;
  bool desc, nulls_first;
};

int CompareRows(const std::vector<SortColumn>& keys, std::uint32_t a, std::uint32_t b) {
  for (const SortColumn& k : keys) {
    const bool an = k.column->IsNull(a), bn = k.column->IsNull(b);
    if (an || bn) {
      if (an != bn) return an == k.nulls_first ? -1 : 1;
      continue;
    }
    const int c = CompareValues(*k.column, a, b);
    if (c != 0) return k.desc ? -c : c;
  }
  return 0;
}

// The result column under construction.
struct Out {
  Column col;
  // A VARCHAR lag/lead with a default: col.dict is the union of the argument's and the
  // default's dictionaries, and these map their codes into it (empty: the argument's own).
  std::vector<std::uint32_t> arg_codes, fallback_codes;

  void Null(std::uint32_t r) { col.valid[r] = 0; }
  void Int(std::uint32_t r, std::int64_t v) { col.ints[r] = v; }
  void Copy(std::uint32_t r, const Column& src, std::uint32_t s, bool fallback = false) {
    if (src.IsNull(s)) return Null(r);
    if (src.type == Type::kString) {
      const std::vector<std::uint32_t>& map = fallback ? fallback_codes : arg_codes;
      col.codes[r] = map.empty() ? src.codes[s] : map[src.codes[s]];
    } else if (src.type == Type::kFloat64) {
      col.doubles[r] = src.doubles[s];
    } else if (IsWidePhysical(src.type)) {
      col.wide[r] = src.wide[s];
    } else {
      col.ints[r] = src.ints[s];
    }
  }
};

class Partition {
 public:
  // `range`: the argument column's FrameSum::Range when it Fits (nullptr: survey the partition).
  Partition(const WindowCall& call, const std::vector<std::uint32_t>& idx, std::size_t b,
            std::size_t e, const std::vector<SortColumn>& order, const Column* arg, Out* out,
            const FrameSum::Range* range)
      : call_(call), idx_(idx), b_(b), e_(e), arg_(arg), out_(*out), order_(order), range_(range) {
    peer_start_.resize(e - b);
    peer_end_.resize(e - b);
    if (call.groups) group_.resize(e - b);
    forward_ = b;
    backward_ = e;
  }

  // The peers (forward: each row's first peer; backward: past its last), then Frames' prefix
  // sums, at most *budget rows of them; true once all are there (Run needs them).
  bool Prepare(std::size_t* budget) {
    const std::size_t b = b_, e = e_;
    for (; forward_<e&& * budget> 0; ++forward_, --*budget) {
      const std::size_t i = forward_;
      const bool same = i > b && CompareRows(order_, idx_[i - 1], idx_[i]) == 0;
      peer_start_[i - b] = same ? peer_start_[i - b - 1] : i;
      if (call_.groups) {  // GROUPS frames: each position's peer group, each group's start
        if (!same) group_start_.push_back(i);
        group_[i - b] = group_start_.size() - 1;
      }
    }
    for (; forward_ == e && backward_ > b && *budget > 0; --backward_, --*budget) {
      const std::size_t i = backward_ - 1;
      const bool same = i + 1 < e && CompareRows(order_, idx_[i], idx_[i + 1]) == 0;
      peer_end_[i - b] = same ? peer_end_[i - b + 1] : i + 1;
    }
    if (forward_ != e || backward_ != b) return false;
    if (!NeedsPrefixes()) return true;
    if (count_.empty()) StartPrefixes();
    if (Sums() && Doubles() && !dsum_.surveyed()) {  // FrameSum's survey before the first Put
      for (; surveyed_<e - b&& * budget> 0; ++surveyed_, --*budget) {
        const std::uint32_t r = idx_[b + surveyed_];
        if (!arg_->IsNull(r)) dsum_.Survey(arg_->doubles[r]);
      }
      if (surveyed_ < e - b) return false;
    }
    for (; prefixed_<e - b&& * budget> 0; ++prefixed_, --*budget) Prefix(prefixed_);
    return prefixed_ == e - b;
  }

  // The window's values at positions [from, to) of the partition; the calls must cover it in
  // order (a unit of WindowComputation may end inside a partition).
  void Run(std::size_t from, std::size_t to) {
    switch (call_.fn) {
      case WindowFn::kRowNumber:
      case WindowFn::kRank:
      case WindowFn::kDenseRank:
      case WindowFn::kNtile:
      case WindowFn::kPercentRank:
      case WindowFn::kCumeDist:
        return Ranks(from, to);
      case WindowFn::kLag:
      case WindowFn::kLead:
        return call_.ignore_nulls ? ShiftOverValues(from, to) : Shift(from, to);
      case WindowFn::kNowcast:
        return Nowcast(from, to);
      default:
        return Frames(from, to);
    }
  }
  std::size_t begin() const { return b_; }
  std::size_t end() const { return e_; }

 private:
  void Ranks(std::size_t from, std::size_t to) {
    const std::int64_t n = static_cast<std::int64_t>(e_ - b_);
    std::int64_t& dense = dense_;
    for (std::size_t i = from; i < to; ++i) {
      const std::int64_t pos = static_cast<std::int64_t>(i - b_);
      if (peer_start_[i - b_] == i) ++dense;
      std::int64_t v = pos + 1;
      if (call_.fn == WindowFn::kRank) v = static_cast<std::int64_t>(peer_start_[i - b_] - b_) + 1;
      if (call_.fn == WindowFn::kDenseRank) v = dense;
      if (call_.fn == WindowFn::kNtile) {  // DuckDB's: the first n % buckets get one more
        const std::int64_t buckets = call_.param, size = n / buckets, big = n % buckets;
        v = pos < big * (size + 1)
                ? pos / (size + 1) + 1
                : (pos - big * (size + 1)) / std::max<std::int64_t>(size, 1) + big + 1;
      }
      if (call_.fn == WindowFn::kPercentRank) {  // (rank - 1) / (rows - 1); 0 for one row
        const double rank = static_cast<double>(peer_start_[i - b_] - b_);
        out_.col.doubles[idx_[i]] = n > 1 ? rank / static_cast<double>(n - 1) : 0.0;
        continue;
      }
      if (call_.fn == WindowFn::kCumeDist) {  // rows up to the last peer / rows
        const double upto = static_cast<double>(peer_end_[i - b_] - b_);
        out_.col.doubles[idx_[i]] = upto / static_cast<double>(n);
        continue;
      }
      out_.Int(idx_[i], v);
    }
  }

  void Shift(std::size_t from, std::size_t to) {
    // capped past the partition: a huge offset (up to INT64_MAX) cannot overflow
    const std::int64_t cap = std::min<std::int64_t>(call_.param, static_cast<std::int64_t>(e_) + 1);
    const std::int64_t off = call_.fn == WindowFn::kLag ? -cap : cap;
    for (std::size_t i = from; i < to; ++i) {
      const std::int64_t j = static_cast<std::int64_t>(i) + off;
      if (j < static_cast<std::int64_t>(b_) || j >= static_cast<std::int64_t>(e_)) {
        if (fallback_ != nullptr) {
          out_.Copy(idx_[i], *fallback_, idx_[i], true);
        } else {
          out_.Null(idx_[i]);
        }
      } else {
        out_.Copy(idx_[i], *arg_, idx_[static_cast<std::size_t>(j)]);
      }
    }
  }

  // lag/lead IGNORE NULLS: the offset-th non-NULL value before (after) the row, counted with
  // the prefix counts of non-NULL values and their positions; offset 0 is the row's own value.
  void ShiftOverValues(std::size_t from, std::size_t to) {
    const auto have = static_cast<std::int64_t>(nonnull_.size());
    const std::int64_t off = std::min<std::int64_t>(call_.param, have + 1);
    for (std::size_t i = from; i < to; ++i) {
      const std::size_t k = i - b_;
      if (call_.param == 0) {
        out_.Copy(idx_[i], *arg_, idx_[i]);
        continue;
      }
      // the index into nonnull_
      const std::int64_t t = call_.fn == WindowFn::kLag ? count_[k] - off : count_[k + 1] + off - 1;
      if (t >= 0 && t < have) {
        out_.Copy(idx_[i], *arg_, idx_[b_ + nonnull_[static_cast<std::size_t>(t)]]);
      } else if (fallback_ != nullptr) {
        out_.Copy(idx_[i], *fallback_, idx_[i], true);
      } else {
        out_.Null(idx_[i]);
      }
    }
  }

  // EPA's PM NowCast at each row: over the readings of the 12 hours ending at the row's hour
  // (c1 = this hour, hours ago 0..11), w = max(cmin / cmax, 1/2), NowCast = sum(w^h c_h) /
  // sum(w^h) over the valid readings; NULL unless 2 of the 3 most recent hours are valid.
  void Nowcast(std::size_t from, std::size_t to) {
    const Column& t = *order_time_;
    for (std::size_t i = from; i < to; ++i) {
      const std::int64_t now = t.ints[idx_[i]];
      std::vector<std::pair<std::int64_t, double>> readings;  // (hours ago, value)
      bool recent[3] = {false, false, false};
      for (std::size_t j = i + 1; j-- > b_;) {
        const std::int64_t ago = (now - t.ints[idx_[j]]) / 3600;
        if (ago >= 12) break;
        if (arg_->IsNull(idx_[j])) continue;
        const std::uint32_t r = idx_[j];
        readings.push_back({ago, arg_->type == Type::kFloat64
                                     ? arg_->doubles[r]
                                     : static_cast<double>(arg_->ints[r])});
        if (ago < 3) recent[ago] = true;
      }
      if (recent[0] + recent[1] + recent[2] < 2) {
        out_.Null(idx_[i]);
        continue;
      }
      double lo = readings[0].second, hi = readings[0].second;
      for (const auto& [ago, c] : readings) lo = std::min(lo, c), hi = std::max(hi, c);
      const double w = hi <= 0 ? 1.0 : std::max(lo / hi, 0.5);
      double num = 0, den = 0;
      for (const auto& [ago, c] : readings) {
        const double f = std::pow(w, static_cast<double>(ago));
        num += f * c;
        den += f;
      }
      out_.col.doubles[idx_[i]] = num / den;
    }
  }

 public:
  const Column* order_time_ = nullptr;  // nowcast: the ORDER BY timestamp
  const Column* fallback_ = nullptr;    // lag/lead: the default's column (nullptr: NULL)
  const Column* nth_ = nullptr;         // nth_value: n (BIGINT)

 private:
  // [lo, hi) of positions in the frame of position i.
  std::pair<std::size_t, std::size_t> Frame(std::size_t i) const {
    const auto clamp = [&](std::int64_t v) {
      return static_cast<std::size_t>(std::clamp<std::int64_t>(v, static_cast<std::int64_t>(b_),
                                                               static_cast<std::int64_t>(e_)));
    };
    const std::int64_t p = static_cast<std::int64_t>(i);
    std::int64_t lo = 0, hi = 0;
    auto bound = [&](const FrameBound& f, bool is_end) -> std::int64_t {
      switch (f.kind) {
        case K::kUnboundedPreceding:
          return static_cast<std::int64_t>(b_);
        case K::kUnboundedFollowing:
          return static_cast<std::int64_t>(e_);
        case K::kPreceding:
        case K::kFollowing:
          if (call_.groups) return GroupBound(i, f, is_end);
          if (!call_.rows) return RangeBound(i, f, is_end);
          {  // offsets may be near INT64_MAX: past the partition is as far as it matters
            const std::int64_t off =
                std::min<std::int64_t>(f.offset, static_cast<std::int64_t>(e_ - b_) + 1);
            return f.kind == K::kPreceding ? p - off + (is_end ? 1 : 0)
                                           : p + off + (is_end ? 1 : 0);
          }
        case K::kCurrentRow:
          if (call_.rows) return p + (is_end ? 1 : 0);
          return static_cast<std::int64_t>(is_end ? peer_end_[i - b_] : peer_start_[i - b_]);
      }
      return p;
    };
    lo = bound(call_.start, false);
    hi = bound(call_.end, true);
    const std::size_t l = clamp(lo);
    return {l, std::max(l, clamp(hi))};
  }

  // GROUPS with an offset: the start (is_end: the end) of the peer group `f.offset` groups
  // before or after row i's, the partition's start or end beyond its groups.
  std::int64_t GroupBound(std::size_t i, const FrameBound& f, bool is_end) const {
    const auto groups = static_cast<std::int64_t>(group_start_.size());
    const auto g = static_cast<std::int64_t>(group_[i - b_]);
    const std::int64_t off = std::min(f.offset, groups);  // offsets may be near INT64_MAX
    const std::int64_t t = f.kind == K::kPreceding ? g - off : g + off;
    if (t < 0) return static_cast<std::int64_t>(b_);
    if (t >= groups) return static_cast<std::int64_t>(e_);
    const auto k = static_cast<std::size_t>(t);
    if (!is_end) return static_cast<std::int64_t>(group_start_[k]);
    return static_cast<std::int64_t>(k + 1 < group_start_.size() ? group_start_[k + 1] : e_);
  }

  // The frame [lo, hi) of row i less what its EXCLUDE clause takes out, in positions of the
  // partition (from 0): the part before the excluded rows, the row itself (EXCLUDE TIES), the
  // part after. Each part's ends never decrease from row to row (as the frame's do).
  FrameCut Cut(std::size_t i, std::size_t lo, std::size_t hi) const {
    FrameCut c{lo - b_, hi - b_, false, 0, hi - b_, hi - b_};
    if (call_.exclude == FrameExclude::kNoOthers) return c;
    std::size_t xa = i, xb = i + 1;  // EXCLUDE CURRENT ROW
    if (call_.exclude != FrameExclude::kCurrentRow)
      xa = peer_start_[i - b_], xb = peer_end_[i - b_];
    c.z = std::clamp(xa, lo, hi) - b_;
    c.a2 = std::clamp(xb, lo, hi) - b_;
    c.single = call_.exclude == FrameExclude::kTies && i >= lo && i < hi;
    c.at = i - b_;
    return c;
  }
  // IGNORE NULLS: the cut's k-th non-NULL value (from 0, k < its values), a position.
  std::size_t ValueOf(const FrameCut& c, std::size_t k) const {
    const auto first = static_cast<std::size_t>(count_[c.z] - count_[c.a]);
    if (k < first) return nonnull_[static_cast<std::size_t>(count_[c.a]) + k];
    k -= first;
    if (c.single && !arg_->IsNull(idx_[b_ + c.at])) {
      if (k == 0) return c.at;
      --k;
    }
    return nonnull_[static_cast<std::size_t>(count_[c.a2]) + k];
  }
  static std::size_t Rows(const FrameCut& c) {
    return (c.z - c.a) + (c.single ? 1 : 0) + (c.z2 - c.a2);
  }
  // The cut's k-th row (from 0, k < Rows(c)), a position of the partition.
  static std::size_t RowOf(const FrameCut& c, std::size_t k) {
    if (k < c.z - c.a) return c.a + k;
    k -= c.z - c.a;
    if (c.single) {
      if (k == 0) return c.at;
      --k;
    }
    return c.a2 + k;
  }
  // Prefix sums over the cut: v[z] - v[a] per part, the single row's own.
  template <typename T>
  static T OverCut(const std::vector<T>& v, const FrameCut& c) {
    T t = v[c.z] - v[c.a] + v[c.z2] - v[c.a2];
    if (c.single) t += v[c.at + 1] - v[c.at];
    return t;
  }

  // RANGE with an offset over the one ORDER BY key: the first position whose key is within
  // `f` of row i's (is_end: the first past it), found by bisection over the sorted partition. A
  // NULL key's frame is its peers (the NULLs), as DuckDB's.
  std::int64_t RangeBound(std::size_t i, const FrameBound& f, bool is_end) const {
    const SortColumn& k = order_[0];
    const Column& c = *k.column;
    const std::uint32_t r = idx_[i];
    if (c.IsNull(r))
      return static_cast<std::int64_t>(is_end ? peer_end_[i - b_] : peer_start_[i - b_]);
    // Toward smaller keys (PRECEDING ascending, FOLLOWING descending) or larger ones.
    const bool down = (f.kind == K::kPreceding) != k.desc;
    // Keys and offset in one exact unit: a decimal key's and offset's scales aligned, a DATE's
    // days in seconds for an INTERVAL; a DOUBLE key takes the offset as a DOUBLE (DuckDB's).
    const int key_scale = IsDecimal(c.type) ? DecimalScale(c.type) : 0;
    const int scale = std::max(key_scale, f.scale);
    const Int128 key_unit =
        (c.type == Type::kDate && f.interval() ? 86400 : 1) * Pow10Wide(scale - key_scale);
    const Int128 off_units = f.offset * Pow10Wide(scale - f.scale);
    // 10^scale (<= 10^18) is exact as a double: the quotient is the decimal correctly rounded
    const double off_double =
        static_cast<double>(f.offset) / static_cast<double>(Pow10Wide(f.scale));
    const bool wide = IsWideDecimal(c.type);
    // Whether row s is past the bound: its key beyond the target (or, for the start, at least
    // at it), in the order's direction; NULLs sort before or after every key.
    auto past = [&](std::uint32_t s) {
      if (c.IsNull(s)) return !k.nulls_first;
      int cmp = 0;  // key(s) against key(r) +- offset, in the sort's direction
      if (c.type == Type::kFloat64) {
        const double t = down ? c.doubles[r] - off_double : c.doubles[r] + off_double;
        cmp = c.doubles[s] < t ? -1 : c.doubles[s] > t;
      } else if (wide) {  // DECIMAL(19..38) units, key_unit 1 (staged.cpp): t saturates
        Int128 t = 0;
        if (__builtin_add_overflow(c.wide[r], down ? -off_units : off_units, &t)) {
          t = down ? std::numeric_limits<Int128>::min() : std::numeric_limits<Int128>::max();
        }
        cmp = c.wide[s] < t ? -1 : c.wide[s] > t;
      } else {
        const Int128 t =
            static_cast<Int128>(c.ints[r]) * key_unit + (down ? -off_units : off_units);
        const Int128 v = static_cast<Int128>(c.ints[s]) * key_unit;
        cmp = v < t ? -1 : v > t;
      }
      if (k.desc) cmp = -cmp;
      return is_end ? cmp > 0 : cmp >= 0;
    };
    const auto first = idx_.begin() + static_cast<std::ptrdiff_t>(b_);
    const auto bound = std::partition_point(first, idx_.begin() + static_cast<std::ptrdiff_t>(e_),
                                            [&](std::uint32_t s) { return !past(s); });
    return static_cast<std::int64_t>(b_) + (bound - first);
  }

  bool NeedsPrefixes() const {
    if (call_.ignore_nulls) return true;  // the non-NULL values' counts and positions
    switch (call_.fn) {
      case WindowFn::kRowNumber:
      case WindowFn::kRank:
      case WindowFn::kDenseRank:
      case WindowFn::kNtile:
      case WindowFn::kPercentRank:
      case WindowFn::kCumeDist:
      case WindowFn::kLag:
      case WindowFn::kLead:
      case WindowFn::kNowcast:
        return false;
      default:
        return true;
    }
  }
  bool Sums() const { return call_.fn == WindowFn::kSum || call_.fn == WindowFn::kAvg; }
  bool Doubles() const { return arg_ != nullptr && arg_->type == Type::kFloat64; }
  void StartPrefixes() {
    const std::size_t n = e_ - b_;
    count_.assign(n + 1, 0);
    if (Sums()) (Doubles() ? dsum_.Reset(n, range_) : isum_.assign(n + 1, 0));
    if (Sums() && !Doubles() && IsWidePhysical(arg_->type)) magnitude_.assign(n + 1, 0);
  }
  // Prefix sums and non-NULL counts over the partition's order, at position k.
  void Prefix(std::size_t k) {
    const std::uint32_t r = idx_[b_ + k];
    const bool null = arg_ == nullptr || arg_->IsNull(r);
    count_[k + 1] = count_[k] + (null ? 0 : 1);
    if (call_.ignore_nulls && !null) nonnull_.push_back(k);
    if (!Sums()) return;
    if (Doubles()) {
      dsum_.Put(k, null ? 0.0 : arg_->doubles[r]);
    } else if (IsWidePhysical(arg_->type)) {  // a DECIMAL(19..38)'s units: prefixes modulo 2^128
      const Wide v = null ? 0 : arg_->wide[r];
      isum_[k + 1] = isum_[k] + static_cast<UWide>(v);
      magnitude_[k + 1] = magnitude_[k] + static_cast<long double>(v < 0 ? -v : v);
    } else {
      isum_[k + 1] = isum_[k] + static_cast<UWide>(static_cast<Wide>(null ? 0 : arg_->ints[r]));
    }
  }

  void Frames(std::size_t from, std::size_t to) {
    const bool is_double = arg_ != nullptr && arg_->type == Type::kFloat64;
    for (std::size_t i = from; i < to; ++i) {
      const auto [lo, hi] = Frame(i);
      const std::uint32_t r = idx_[i];
      const FrameCut cut = Cut(i, lo, hi);
      const std::size_t rows = Rows(cut);
      const std::int64_t values = OverCut(count_, cut);
      switch (call_.fn) {
        case WindowFn::kCountStar:
          out_.Int(r, static_cast<std::int64_t>(rows));
          break;
        case WindowFn::kCount:
          out_.Int(r, values);
          break;
        case WindowFn::kNthValue:
        case WindowFn::kFirstValue:
        case WindowFn::kLastValue:
          NthOfFrame(r, cut, call_.ignore_nulls ? static_cast<std::size_t>(values) : rows);
          break;
        case WindowFn::kSum:
        case WindowFn::kAvg:
          if (is_double) {
            DoubleSum(r, cut, values);
          } else {
            Sum(r, values, cut);
          }
          break;
        default:
          Extreme(r, cut);
      }
    }
  }

  // first_value, last_value, nth_value: the frame's first, last or nth of `have` rows (IGNORE
  // NULLS: of its non-NULL values); NULL when there is no such row.
  void NthOfFrame(std::uint32_t r, const FrameCut& cut, std::size_t have) {
    std::int64_t n = 1;  // first_value
    if (call_.fn == WindowFn::kLastValue) n = static_cast<std::int64_t>(have);
    if (call_.fn == WindowFn::kNthValue) n = nth_->IsNull(r) ? 0 : nth_->ints[r];
    if (n < 1 || static_cast<std::uint64_t>(n) > have) return out_.Null(r);
    const auto k = static_cast<std::size_t>(n) - 1;
    out_.Copy(r, *arg_, idx_[b_ + (call_.ignore_nulls ? ValueOf(cut, k) : RowOf(cut, k))]);
  }

  // sum/avg of a DOUBLE over the cut frame: exact, rounded once.
  void DoubleSum(std::uint32_t r, const FrameCut& cut, std::int64_t values) {
    if (values == 0) return out_.Null(r);
    out_.col.doubles[r] = call_.fn == WindowFn::kAvg ? dsum_.Mean(cut, values) : dsum_.Sum(cut);
  }

  // sum/avg of an integer or a DECIMAL's units: the frame's difference of prefix sums, exact
  // while the frame's sum fits 128 bits (modulo 2^128 the prefixes may wrap; a DECIMAL frame
  // beyond is DuckDB's HUGEINT overflow error).
  void Sum(std::uint32_t r, std::int64_t values, const FrameCut& cut) {
    if (values == 0) return out_.Null(r);
    const auto isum = static_cast<Wide>(OverCut(isum_, cut));
    if (!magnitude_.empty() && OverCut(magnitude_, cut) >= 1.7e38L) {
      throw std::runtime_error("Out of Range Error: Overflow in HUGEINT addition in the window " +
                               std::string(call_.fn == WindowFn::kAvg ? "avg" : "sum"));
    }
    if (call_.fn == WindowFn::kAvg) {
      out_.col.doubles[r] = static_cast<double>(static_cast<long double>(isum) / values / unit_);
    } else {
      out_.col.wide[r] = isum;  // HUGEINT or DECIMAL(38,s), as DuckDB's
    }
  }

  // min/max over the cut frame: the first best of its parts, in order.
  void Extreme(std::uint32_t r, const FrameCut& cut) {
    std::size_t best = Best(extremes_[0], b_ + cut.a, b_ + cut.z);
    const auto take = [&](std::size_t k) {
      if (k != kNone && (best == kNone || Better(idx_[k], idx_[best]))) best = k;
    };
    if (cut.single && !arg_->IsNull(idx_[b_ + cut.at])) take(b_ + cut.at);
    take(Best(extremes_[1], b_ + cut.a2, b_ + cut.z2));
    if (best == kNone) return out_.Null(r);
    out_.Copy(r, *arg_, idx_[best]);
  }

  // The sliding state of min/max over one range: candidate positions (from head on, values
  // strictly worse towards the back), the next position to consider, the last range's bounds.
  struct Slider {
    std::vector<std::size_t> q;
    std::size_t head = 0, next = 0, lo = 0, hi = 0;
  };
  static constexpr std::size_t kNone = SIZE_MAX;
  // The position of the first best value in [lo, hi) (kNone: no value there). The ranges a
  // slider sees over a partition's consecutive positions never move back (both bounds are
  // nondecreasing: offsets, CURRENT ROW's peers, UNBOUNDED, the parts of an EXCLUDE), so a
  // monotonic deque of candidates answers each in amortized O(1): the front is the range's
  // first best value (ties keep the earliest, as a scan does). A range that does move back is
  // scanned. Scanning every frame was O(rows x frame): `max(x) OVER ()` over 1.1M rows ran for
  // minutes in one unit.
  std::size_t Best(Slider& s, std::size_t lo, std::size_t hi) {
    if (lo >= hi) return kNone;
    if (lo < s.lo || hi < s.hi) return ScanBest(lo, hi);
    s.lo = lo;
    s.hi = hi;
    if (s.next < lo) s.next = lo;
    for (; s.next < hi; ++s.next) {
      const std::uint32_t v = idx_[s.next];
      if (arg_->IsNull(v)) continue;
      while (s.head < s.q.size() && Better(v, idx_[s.q.back()])) s.q.pop_back();
      s.q.push_back(s.next);
    }
    while (s.head < s.q.size() && s.q[s.head] < lo) ++s.head;
    if (s.head == s.q.size()) {
      s.q.clear();  // nothing left ahead: reuse the storage from the start
      s.head = 0;
      return kNone;
    }
    if (s.head > 4096 && s.head * 2 > s.q.size()) {  // bound the dead prefix
      s.q.erase(s.q.begin(), s.q.begin() + static_cast<std::ptrdiff_t>(s.head));
      s.head = 0;
    }
    return s.q[s.head];
  }
  // Whether row s's value beats row t's strictly (min: less, max: greater).
  bool Better(std::uint32_t s, std::uint32_t t) const {
    const int c = CompareValues(*arg_, s, t);
    return call_.fn == WindowFn::kMin ? c < 0 : c > 0;
  }
  std::size_t ScanBest(std::size_t lo, std::size_t hi) const {
    std::size_t best = kNone;
    for (std::size_t k = lo; k < hi; ++k) {
      if (arg_->IsNull(idx_[k])) continue;
      if (best == kNone || Better(idx_[k], idx_[best])) best = k;
    }
    return best;
  }

  const WindowCall& call_;
  const std::vector<std::uint32_t>& idx_;
  std::size_t b_, e_;
  const Column* arg_;
  Out& out_;
  std::vector<std::size_t> peer_start_, peer_end_;
  const std::vector<SortColumn>& order_;
  std::size_t forward_, backward_;  // Prepare's cursors
  std::size_t prefixed_ = 0;
  std::int64_t dense_ = 0;           // Ranks: the dense rank so far
  std::vector<std::int64_t> count_;  // Frames: prefix counts of non-NULL values
  std::vector<UWide> isum_;
  std::vector<long double> magnitude_;  // prefix sums of |units| of a DECIMAL(19..38)
  // 10^scale of a DECIMAL argument (avg divides its units by it), else 1
  long double unit_ = arg_ != nullptr ? DecimalUnit(arg_->type) : 1.0L;
  const FrameSum::Range* range_;
  FrameSum dsum_;             // sum/avg of a DOUBLE: exact (window_sum.h)
  std::size_t surveyed_ = 0;  // Prepare: the values dsum_ surveyed
  Slider extremes_[2];        // Extreme's: one per part of a cut frame
  // GROUPS frames: each position's peer group (from 0) and each group's first position.
  std::vector<std::size_t> group_, group_start_;
  std::vector<std::size_t> nonnull_;  // IGNORE NULLS: the positions of the non-NULL values
};

Out MakeOut(const WindowCall& call, const Table& t) {
  Out out;
  out.col.name = call.name;
  out.col.type = call.result;
  out.col.valid.assign(t.rows, 1);
  if (call.result == Type::kString) {
    const std::vector<std::string>& arg = ColumnNamed(t, call.arg).dict;
    out.col.dict = arg;
    if (!call.fallback.empty()) {
      const std::vector<std::string>& fallback = ColumnNamed(t, call.fallback).dict;
      out.col.dict.clear();
      std::set_union(arg.begin(), arg.end(), fallback.begin(), fallback.end(),
                     std::back_inserter(out.col.dict));
      auto codes = [&](const std::vector<std::string>& dict) {
        std::vector<std::uint32_t> map(dict.size());
        for (std::size_t k = 0; k < dict.size(); ++k) {
          map[k] = static_cast<std::uint32_t>(
              std::lower_bound(out.col.dict.begin(), out.col.dict.end(), dict[k]) -
              out.col.dict.begin());
        }
        return map;
      };
      out.arg_codes = codes(arg);
      out.fallback_codes = codes(fallback);
    }
    out.col.codes.assign(t.rows, 0);
  } else if (call.result == Type::kFloat64) {
    out.col.doubles.assign(t.rows, 0);
  } else if (IsWidePhysical(call.result)) {
    out.col.wide.assign(t.rows, 0);
  } else {
    out.col.ints.assign(t.rows, 0);
  }
  return out;
}

constexpr std::pair<std::string_view, WindowFn> kWindowNames[] = {
    {"row_number", WindowFn::kRowNumber},
    {"rank", WindowFn::kRank},
    {"dense_rank", WindowFn::kDenseRank},
    {"ntile", WindowFn::kNtile},
    {"lag", WindowFn::kLag},
    {"lead", WindowFn::kLead},
    {"first_value", WindowFn::kFirstValue},
    {"last_value", WindowFn::kLastValue},
    {"sum", WindowFn::kSum},
    {"avg", WindowFn::kAvg},
    {"min", WindowFn::kMin},
    {"max", WindowFn::kMax},
    {"count", WindowFn::kCount},
    {"nowcast", WindowFn::kNowcast},
    {"percent_rank", WindowFn::kPercentRank},
    {"cume_dist", WindowFn::kCumeDist},
    {"nth_value", WindowFn::kNthValue}};

}  // namespace

std::optional<WindowFn> WindowByName(std::string_view name) {
  for (const auto& [n, fn] : kWindowNames) {
    if (n == name) return fn;
  }
  return std::nullopt;
}

std::vector<std::string> WindowFunctionNames() {
  std::vector<std::string> names;
  for (const auto& entry : kWindowNames) names.emplace_back(entry.first);
  return names;
}

Type WindowResultType(WindowFn fn, Type arg) {
  switch (fn) {
    case WindowFn::kRowNumber:
    case WindowFn::kRank:
    case WindowFn::kDenseRank:
    case WindowFn::kNtile:
    case WindowFn::kCount:
    case WindowFn::kCountStar:
      return Type::kInt64;
    case WindowFn::kSum:
    case WindowFn::kAvg:
      if (!IsInteger(arg) && arg != Type::kFloat64 && !IsDecimal(arg)) {
        throw std::invalid_argument("takes a number, not " + std::string(TypeName(arg)));
      }
      // the sum of an integer type is HUGEINT and of a DECIMAL DECIMAL(38,s), as the aggregate's
      if (fn == WindowFn::kAvg) return Type::kFloat64;
      if (IsDecimal(arg)) return DecimalType(kMaxDecimalWidth, DecimalScale(arg));
      return IsInteger(arg) ? Type::kHugeint : arg;
    case WindowFn::kNowcast:
      if (!IsInteger(arg) && arg != Type::kFloat64) {
        throw std::invalid_argument("takes a number, not " + std::string(TypeName(arg)));
      }
      return Type::kFloat64;
    case WindowFn::kPercentRank:
    case WindowFn::kCumeDist:
      return Type::kFloat64;
    default:
      return arg;
  }
}

void ComputeWindows(const std::vector<WindowCall>& calls, Table* table) {
  WindowComputation steps(calls, std::move(*table));
  while (steps.Step()) {
  }
  *table = steps.Take();
}

struct WindowComputation::Keys {
  std::vector<SortColumn> part, order, all;
  const Column* arg = nullptr;
  const Column* fallback = nullptr;  // lag/lead's default
  const Column* nth = nullptr;       // nth_value's n
  Out out;
  std::unique_ptr<Partition> current;  // the partition under way (pos_: its next position)
  std::size_t scan = 0;                // the search for the next partition's end
  // sum/avg of a DOUBLE: the argument column's range, surveyed in row order before the first
  // partition (contiguous, where a partition's survey follows the sort); fits: it Fits.
  FrameSum::Range range;
  std::size_t surveyed = 0;
  bool fits = false;
};

WindowComputation::WindowComputation(std::vector<WindowCall> calls, Table table,
                                     std::size_t morsel_rows)
    : calls_(std::move(calls)),
      table_(std::move(table)),
      morsel_(std::max<std::size_t>(morsel_rows, 1)) {
  added_.reserve(calls_.size());
  Begin();
}

WindowComputation::~WindowComputation() = default;

void WindowComputation::Begin() {
  if (call_ == calls_.size()) {
    phase_ = Phase::kDone;
    return;
  }
  const WindowCall& call = calls_[call_];
  auto keys = std::make_unique<Keys>();
  for (const std::string& p : call.partition) {
    keys->part.push_back({&ColumnNamed(table_, p), false, false});
  }
  for (const WindowKey& k : call.order) {
    keys->order.push_back({&ColumnNamed(table_, k.column), k.desc, k.nulls_first});
  }
  keys->all = keys->part;
  keys->all.insert(keys->all.end(), keys->order.begin(), keys->order.end());
  keys->arg = call.arg.empty() ? nullptr : &ColumnNamed(table_, call.arg);
  keys->fallback = call.fallback.empty() ? nullptr : &ColumnNamed(table_, call.fallback);
  keys->nth = call.nth.empty() ? nullptr : &ColumnNamed(table_, call.nth);
  keys->out = MakeOut(call, table_);
  keys_ = std::move(keys);
  idx_.resize(table_.rows);
  std::iota(idx_.begin(), idx_.end(), 0u);
  pos_ = 0;
  width_ = morsel_;
  in_pair_ = false;
  phase_ = Phase::kSortRuns;
}

// A total order: ties broken by row, so every sort of the same rows gives one order.
bool WindowComputation::Less(std::uint32_t a, std::uint32_t b) const {
  const int c = CompareRows(keys_->all, a, b);
  return c != 0 ? c < 0 : a < b;
}

bool WindowComputation::Step() {
  switch (phase_) {
    case Phase::kSortRuns:
      SortRun();
      break;
    case Phase::kMerge:
      Merge();
      break;
    case Phase::kEvaluate:
      Evaluate();
      break;
    case Phase::kDone:
      return false;
  }
  ++steps_;
  return true;
}

// Sorts the next run of morsel_ rows; after the last, merges them (one run: evaluates).
void WindowComputation::SortRun() {
  const std::size_t n = idx_.size(), end = std::min(n, pos_ + morsel_);
  std::sort(idx_.begin() + static_cast<std::ptrdiff_t>(pos_),
            idx_.begin() + static_cast<std::ptrdiff_t>(end),
            [this](std::uint32_t a, std::uint32_t b) { return Less(a, b); });
  pos_ = end;
  if (pos_ < n) return;
  pos_ = 0;
  if (width_ >= n) {
    phase_ = Phase::kEvaluate;
  } else {
    tmp_.resize(n);
    phase_ = Phase::kMerge;
  }
}

// Moves up to morsel_ rows of the current pass's pairs of runs into tmp_; at the end of a pass
// the runs are twice as wide, and once one run holds every row, evaluation starts.
void WindowComputation::Merge() {
  const std::size_t n = idx_.size();
  for (std::size_t budget = morsel_; budget > 0;) {
    if (!in_pair_) {
      if (pos_ >= n) {  // the pass is done
        idx_.swap(tmp_);
        width_ *= 2;
        pos_ = 0;
        if (width_ >= n) {
          tmp_ = {};
          phase_ = Phase::kEvaluate;
        }
        return;
      }
      l_ = pos_;
      le_ = std::min(n, pos_ + width_);
      r_ = le_;
      re_ = std::min(n, pos_ + 2 * width_);
      out_pos_ = pos_;
      in_pair_ = true;
    }
    for (; budget > 0 && (l_ < le_ || r_ < re_); --budget) {
      const bool right = l_ == le_ || (r_ < re_ && Less(idx_[r_], idx_[l_]));
      tmp_[out_pos_++] = right ? idx_[r_++] : idx_[l_++];
    }
    if (l_ == le_ && r_ == re_) {
      in_pair_ = false;
      pos_ = re_;
    }
  }
}

// Computes the window at the next morsel_ sorted rows (a partition may begin in one unit and
// end in a later one); after the last, the call's column is done and the next call begins.
void WindowComputation::Evaluate() {
  const std::size_t n = idx_.size();
  const WindowCall& call = calls_[call_];
  Keys& keys = *keys_;
  std::size_t budget = morsel_;
  const bool double_sum = (call.fn == WindowFn::kSum || call.fn == WindowFn::kAvg) &&
                          keys.arg != nullptr && keys.arg->type == Type::kFloat64;
  if (double_sum && keys.surveyed < n) {
    const Column& arg = *keys.arg;
    const std::size_t to = std::min(n, keys.surveyed + budget);
    for (std::size_t r = keys.surveyed; r < to; ++r) {
      if (!arg.IsNull(r)) keys.range.Add(arg.doubles[r]);
    }
    budget -= to - keys.surveyed;
    keys.surveyed = to;
    keys.fits = keys.surveyed == n && keys.range.Fits();
  }
  for (; budget > 0 && pos_ < n;) {
    if (!keys.current) {  // the partition's end, found a budget of rows a unit
      if (keys.scan <= pos_) keys.scan = pos_ + 1;
      for (;
           keys.scan < n && budget > 0 && CompareRows(keys.part, idx_[pos_], idx_[keys.scan]) == 0;
           --budget) {
        ++keys.scan;
      }
      if (budget == 0) break;
      keys.current = std::make_unique<Partition>(call, idx_, pos_, keys.scan, keys.order, keys.arg,
                                                 &keys.out, keys.fits ? &keys.range : nullptr);
      keys.current->order_time_ = keys.order.empty() ? nullptr : keys.order[0].column;
      keys.current->fallback_ = keys.fallback;
      keys.current->nth_ = keys.nth;
    }
    if (!keys.current->Prepare(&budget) || budget == 0) break;
    const std::size_t to = std::min(keys.current->end(), pos_ + budget);
    keys.current->Run(pos_, to);
    budget -= to - pos_;
    pos_ = to;
    if (pos_ == keys.current->end()) keys.current.reset();
  }
  if (pos_ < n) return;
  Column col = std::move(keys.out.col);
  if (std::all_of(col.valid.begin(), col.valid.end(), [](std::uint8_t v) { return v; })) {
    col.valid.clear();
  }
  added_.push_back(std::move(col));
  keys_.reset();
  ++call_;
  Begin();
}

Table WindowComputation::Take() {
  if (phase_ != Phase::kDone) throw std::logic_error("WindowComputation::Take before the end");
  for (Column& c : added_) table_.columns.push_back(std::move(c));
  added_.clear();
  table_.BuildZoneMaps();
  return std::move(table_);
}

}  // namespace plume::engine
