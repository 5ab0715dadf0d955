// Window sum/avg over DOUBLE (engine/window_sum.h through engine/window.h): every frame's sum is
// the exact sum of its values rounded once, checked against a reference written here (a big
// integer in units of 2^-1074, rounded half to even by hand), over series built to cancel where
// a prefix difference loses the small values, at every frame kind, in both of FrameSum's
// representations; avg equals the aggregate's ExactMean over the frame's values.
#include "engine/window_sum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/exact_sum.h"
#include "engine/window.h"

namespace plume::engine {
namespace {

__extension__ typedef unsigned __int128 U128;

// The exact sum of finite doubles: a sign and a magnitude in 32-bit limbs of units of 2^-1074.
class BigSum {
 public:
  void Add(double x) {
    if (x == 0) return;
    int e = 0;
    const double f = std::frexp(std::fabs(x), &e);  // |x| = f 2^e, 0.5 <= f < 1
    // |x| = m 2^(e - 53) with m < 2^53 an integer; in units: m << (e - 53 + 1074).
    auto m = static_cast<std::uint64_t>(std::ldexp(f, 53));
    int shift = e - 53 + 1074;
    if (shift < 0) {  // subnormal: m's low bits are zero
      m >>= -shift;
      shift = 0;
    }
    std::vector<std::uint32_t> v(shift / 32 + 4, 0);
    const U128 wide = static_cast<U128>(m) << (shift % 32);
    for (int k = 0; k < 4; ++k) v[shift / 32 + k] = static_cast<std::uint32_t>(wide >> (32 * k));
    AddSigned(v, x < 0);
  }
  // Rounded to the nearest double, ties to even (inf beyond the range).
  double Value() const {
    int top = static_cast<int>(mag_.size()) * 32 - 1;
    while (top >= 0 && !Bit(top)) --top;
    if (top < 0) return 0;
    double r = 0;
    if (top < 53) {  // exact: an integer of at most 53 bits, times 2^-1074
      for (int b = top; b >= 0; --b) r = r * 2 + (Bit(b) ? 1 : 0);
      r = std::ldexp(r, -1074);
    } else {
      std::uint64_t m = 0;
      for (int b = top; b > top - 53; --b) m = m * 2 + (Bit(b) ? 1 : 0);
      const int low = top - 53;  // the first bit dropped
      bool sticky = false;
      for (int b = low - 1; b >= 0 && !sticky; --b) sticky = Bit(b);
      if (Bit(low) && (sticky || (m & 1))) ++m;
      r = std::ldexp(static_cast<double>(m), low + 1 - 1074);
    }
    return negative_ ? -r : r;
  }

 private:
  bool Bit(int b) const { return (mag_[static_cast<std::size_t>(b / 32)] >> (b % 32)) & 1; }
  static int Compare(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    for (std::size_t k = std::max(a.size(), b.size()); k-- > 0;) {
      const std::uint32_t x = k < a.size() ? a[k] : 0, y = k < b.size() ? b[k] : 0;
      if (x != y) return x < y ? -1 : 1;
    }
    return 0;
  }
  // a - b for a >= b, or a + b.
  static std::vector<std::uint32_t> Combine(const std::vector<std::uint32_t>& a,
                                            const std::vector<std::uint32_t>& b, bool subtract) {
    std::vector<std::uint32_t> out(std::max(a.size(), b.size()) + 1, 0);
    std::int64_t carry = 0;
    for (std::size_t k = 0; k < out.size(); ++k) {
      const std::int64_t x = k < a.size() ? a[k] : 0, y = k < b.size() ? b[k] : 0;
      std::int64_t t = x + (subtract ? -y : y) + carry;
      carry = 0;
      if (t < 0) t += std::int64_t{1} << 32, carry = -1;
      if (t >= (std::int64_t{1} << 32)) t -= std::int64_t{1} << 32, carry = 1;
      out[k] = static_cast<std::uint32_t>(t);
    }
    return out;
  }
  void AddSigned(const std::vector<std::uint32_t>& v, bool negative) {
    if (negative == negative_) {
      mag_ = Combine(mag_, v, false);
    } else if (Compare(mag_, v) >= 0) {
      mag_ = Combine(mag_, v, true);
    } else {
      mag_ = Combine(v, mag_, true);
      negative_ = negative;
    }
  }
  std::vector<std::uint32_t> mag_ = std::vector<std::uint32_t>(1, 0);
  bool negative_ = false;
};

TEST(BigSum, IsTheExactSumRounded) {  // the reference's own check, on sums known by hand
  BigSum a;
  for (double x : {1e20, 1.0, -1e20}) a.Add(x);
  EXPECT_EQ(a.Value(), 1.0);
  BigSum b;
  for (double x : {0.1, 0.2}) b.Add(x);
  EXPECT_EQ(b.Value(), 0.30000000000000004);  // 0.1 + 0.2 is exact-then-rounded already
  BigSum c;
  for (double x : {1.0, 0x1p-53, 0x1p-106}) c.Add(x);  // just past the halfway point
  EXPECT_EQ(c.Value(), 1.0 + 0x1p-52);
  BigSum d;
  for (double x : {1.0, 0x1p-53}) d.Add(x);  // the tie: to even
  EXPECT_EQ(d.Value(), 1.0);
  BigSum e;
  for (double x : {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()})
    e.Add(x);
  EXPECT_EQ(e.Value(), std::numeric_limits<double>::infinity());
  BigSum f;
  for (double x : {5e-324, 5e-324, -1e-310}) f.Add(x);
  EXPECT_EQ(f.Value(), -1e-310 + 1e-323);
}

using K = FrameBound::Kind;

struct Frame {
  const char* name;
  bool rows;
  FrameBound start, end;
  bool ordered = true;
  FrameExclude exclude = FrameExclude::kNoOthers;
};

// Every frame kind the engine has: ROWS sliding, ahead, behind, growing, shrinking; RANGE to the
// current row's peers (the default with ORDER BY); the whole partition (no ORDER BY).
const std::vector<Frame>& Frames() {
  static const std::vector<Frame> frames = {
      {"current", true, {K::kCurrentRow, 0}, {K::kCurrentRow, 0}},
      {"slide", true, {K::kPreceding, 3}, {K::kFollowing, 1}},
      {"ahead", true, {K::kFollowing, 2}, {K::kFollowing, 5}},
      {"behind", true, {K::kPreceding, 7}, {K::kCurrentRow, 0}},
      {"growing", true, {K::kUnboundedPreceding, 0}, {K::kCurrentRow, 0}},
      {"shrinking", true, {K::kCurrentRow, 0}, {K::kUnboundedFollowing, 0}},
      {"range_peers", false, {K::kUnboundedPreceding, 0}, {K::kCurrentRow, 0}},
      {"range_to_end", false, {K::kCurrentRow, 0}, {K::kUnboundedFollowing, 0}},
      {"whole", false, {K::kUnboundedPreceding, 0}, {K::kUnboundedFollowing, 0}, false},
      // EXCLUDE: the frame in two parts (and the row itself for TIES), each slid or summed
      {"slide_no_row",
       true,
       {K::kPreceding, 3},
       {K::kFollowing, 2},
       true,
       FrameExclude::kCurrentRow},
      {"growing_no_group",
       true,
       {K::kUnboundedPreceding, 0},
       {K::kFollowing, 1},
       true,
       FrameExclude::kGroup},
      {"range_no_ties",
       false,
       {K::kUnboundedPreceding, 0},
       {K::kUnboundedFollowing, 0},
       true,
       FrameExclude::kTies},
      {"whole_no_row",
       false,
       {K::kUnboundedPreceding, 0},
       {K::kUnboundedFollowing, 0},
       false,
       FrameExclude::kCurrentRow},
  };
  return frames;
}

// A table of `parts` sites whose values come from `value(site, i)` (NaN stands for NULL), hours
// with ties (two rows an hour), in a shuffled row order.
template <class F>
Table SeriesTable(int parts, int per_part, F value, std::uint32_t seed) {
  Table t;
  Column site, hour, v;
  site.name = "site";
  site.type = Type::kString;
  for (int s = 0; s < parts; ++s) site.dict.push_back("site " + std::to_string(100 + s));
  hour.name = "hour";
  v.name = "value";
  v.type = Type::kFloat64;
  std::vector<std::pair<int, int>> order;
  for (int s = 0; s < parts; ++s) {
    for (int i = 0; i < per_part; ++i) order.push_back({s, i});
  }
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  for (const auto& [s, i] : order) {
    site.codes.push_back(static_cast<std::uint32_t>(s));
    hour.ints.push_back(static_cast<std::int64_t>(i / 2) * 3600);
    const double x = value(s, i);
    const bool null = std::isnan(x) && !std::signbit(x);  // +NaN: NULL; -NaN: a NaN value
    v.doubles.push_back(null ? 0 : x);
    v.valid.push_back(null ? 0 : 1);
  }
  t.rows = order.size();
  t.columns = {site, hour, v};
  t.BuildZoneMaps();
  return t;
}

std::vector<WindowCall> SumCalls() {
  std::vector<WindowCall> calls;
  for (const Frame& f : Frames()) {
    for (WindowFn fn : {WindowFn::kSum, WindowFn::kAvg}) {
      WindowCall c;
      c.fn = fn;
      c.arg = "value";
      c.partition = {"site"};
      if (f.ordered) c.order = {{"hour", false, false}};
      c.rows = f.rows;
      c.start = f.start;
      c.end = f.end;
      c.exclude = f.exclude;
      c.name = std::string(fn == WindowFn::kSum ? "sum_" : "avg_") + f.name;
      c.result = Type::kFloat64;
      calls.push_back(c);
    }
  }
  return calls;
}

struct Checked {
  int rows = 0;
  int prefix_wrong = 0;  // sums where the long double prefix difference (the old way) differs
};

// Computes every call over `input` (morsels of `morsel` rows) and compares each row's sum with
// BigSum over its frame and its avg with ExactMean over the frame's values; counts into *checked.
void CheckSums(const Table& input, std::size_t morsel, Checked* checked_out) {
  const std::vector<WindowCall> calls = SumCalls();
  WindowComputation c(calls, input, morsel);
  while (c.Step()) {
  }
  const Table t = c.Take();
  const Column& site = input.columns[0];
  const Column& hour = input.columns[1];
  const Column& value = input.columns[2];
  std::vector<std::vector<std::size_t>> parts(site.dict.size());
  for (std::size_t r = 0; r < input.rows; ++r) parts[site.codes[r]].push_back(r);
  Checked& checked = *checked_out;
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const Frame& f = Frames()[k / 2];
    const Column& out = t.columns[3 + k];
    for (std::vector<std::size_t> p : parts) {
      // The window order: hour, then row (the sort's tie break); without ORDER BY, rows.
      std::stable_sort(p.begin(), p.end(), [&](std::size_t a, std::size_t b) {
        return f.ordered && hour.ints[a] < hour.ints[b];
      });
      const auto n = static_cast<std::int64_t>(p.size());
      std::vector<long double> prefix(p.size() + 1, 0);
      for (std::size_t i = 0; i < p.size(); ++i) {
        prefix[i + 1] = prefix[i] + (value.IsNull(p[i]) ? 0 : value.doubles[p[i]]);
      }
      for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t peer_lo = i, peer_hi = i + 1;  // RANGE: the row's peers
        while (f.ordered && peer_lo > 0 && hour.ints[p[peer_lo - 1]] == hour.ints[p[i]]) --peer_lo;
        while (f.ordered && peer_hi < n && hour.ints[p[peer_hi]] == hour.ints[p[i]]) ++peer_hi;
        const auto bound = [&](const FrameBound& b, bool end) -> std::int64_t {
          switch (b.kind) {
            case K::kUnboundedPreceding:
              return 0;
            case K::kUnboundedFollowing:
              return n;
            case K::kPreceding:
              return i - b.offset + end;
            case K::kFollowing:
              return i + b.offset + end;
            case K::kCurrentRow:
              return f.rows ? i + end : end ? peer_hi : peer_lo;
          }
          return 0;
        };
        const std::int64_t lo = std::clamp<std::int64_t>(bound(f.start, false), 0, n);
        const std::int64_t hi = std::max(lo, std::clamp<std::int64_t>(bound(f.end, true), 0, n));
        BigSum big;
        ExactSum exact;
        std::int64_t values = 0;
        bool special = false;
        const auto excluded = [&](std::int64_t j) {
          switch (f.exclude) {
            case FrameExclude::kNoOthers:
              return false;
            case FrameExclude::kCurrentRow:
              return j == i;
            case FrameExclude::kGroup:
              return j >= peer_lo && j < peer_hi;
            case FrameExclude::kTies:
              return j >= peer_lo && j < peer_hi && j != i;
          }
          return false;
        };
        for (std::int64_t j = lo; j < hi; ++j) {
          const std::size_t r = p[static_cast<std::size_t>(j)];
          if (value.IsNull(r) || excluded(j)) continue;
          ++values;
          exact.Add(value.doubles[r]);
          if (std::isfinite(value.doubles[r])) {
            big.Add(value.doubles[r]);
          } else {
            special = true;
          }
        }
        const std::size_t row = p[static_cast<std::size_t>(i)];
        ASSERT_EQ(out.IsNull(row), values == 0) << out.name << " row " << row;
        if (values == 0) continue;
        const double got = out.doubles[row];
        if (calls[k].fn == WindowFn::kSum) {
          // Non-finite inputs: IEEE's answer, as ExactSum gives it.
          const double want = special ? exact.Value() : big.Value();
          ASSERT_TRUE(std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(want) ||
                      (std::isnan(got) && std::isnan(want)))
              << out.name << " row " << row << " of " << site.dict[site.codes[row]] << ": " << got
              << " want " << want << " (morsel " << morsel << ")";
          const auto old = static_cast<double>(prefix[hi] - prefix[lo]);
          checked.prefix_wrong += !special && old != want;
          ++checked.rows;
        } else {
          const double want = ExactMean(exact, values);
          ASSERT_TRUE(got == want || (std::isnan(got) && std::isnan(want)))
              << out.name << " row " << row << " of " << site.dict[site.codes[row]] << ": " << got
              << " want " << want << " (sum " << exact.Value() << ", " << values << " values)";
        }
      }
    }
  }
}

// 1e16, 1, -1e16, ... and 1e20, 3, -1e20, ...: big values that cancel around small ones. The
// long double prefix (64 bits) keeps 1e16 + 1 but not 1e20 + 3, so its differences lose the
// small values in most frames; the exact sums keep them.
double Cancelling(int site, int i) {
  const double big = site % 2 == 0 ? 1e16 : 1e20;
  switch (i % 6) {
    case 0:
      return big;
    case 1:
      return 1 + site;
    case 2:
      return -big;
    case 3:
      return 0.1 * (i % 11);
    case 4:
      return i % 5 == 0 ? std::numeric_limits<double>::quiet_NaN() : big * 3;  // NULLs too
    default:
      return -big * 3 + 0.25;
  }
}

TEST(WindowSum, CancellingSeriesAreExactAtEveryFrameKind) {
  const Table input = SeriesTable(6, 120, Cancelling, 1);
  for (std::size_t morsel : {std::size_t{1} << 30, std::size_t{1}}) {
    Checked c;
    CheckSums(input, morsel, &c);
    if (HasFatalFailure()) return;
    EXPECT_GT(c.rows, 9 * 6 * 100);  // the sums checked (frames with a value)
    // The test can fail: the old prefix difference misses on many of these frames.
    EXPECT_GT(c.prefix_wrong, c.rows / 10) << c.prefix_wrong << " of " << c.rows;
  }
}

// Random values of 40 significant bits from 2^-40 to 2^60 with both signs (within the fixed
// point's 125 bits, where a long double's 64 are not): the sums equal the reference whatever
// the morsel.
TEST(WindowSum, MixedMagnitudesAreExactInFixedPoint) {
  std::mt19937_64 gen(42);
  constexpr int kSites = 8, kPer = 150;
  std::vector<double> values(kSites * kPer);
  for (double& v : values) {
    const auto m = static_cast<double>(gen() % (std::uint64_t{1} << 40));
    v = std::ldexp(m, static_cast<int>(gen() % 60) - 40) * (gen() % 2 ? -1 : 1);
    if (gen() % 13 == 0) v = std::numeric_limits<double>::quiet_NaN();  // NULL
  }
  for (int site = 0; site < kSites; ++site) {  // each partition takes the fixed point
    FrameSum f;
    f.Reset(kPer);
    for (int i = 0; i < kPer; ++i) {
      if (!std::isnan(values[site * kPer + i])) f.Survey(values[site * kPer + i]);
    }
    f.Put(0, 0);
    ASSERT_TRUE(f.fixed()) << "site " << site;
  }
  const Table input = SeriesTable(
      kSites, kPer, [&](int s, int i) { return values[static_cast<std::size_t>(s * kPer + i)]; },
      2);
  for (std::size_t morsel : {std::size_t{1} << 30, std::size_t{13}}) {
    Checked c;
    CheckSums(input, morsel, &c);
    if (HasFatalFailure()) return;
    EXPECT_GT(c.prefix_wrong, c.rows / 10) << c.prefix_wrong << " of " << c.rows;
  }
}

// Partitions the fixed point cannot hold (1e300 beside 1e-300; subnormals; infinities and NaN;
// sums past the double range) slide an ExactSum instead, and are exact too.
TEST(WindowSum, WideAndNonFiniteSeriesAreExactBySliding) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = -std::numeric_limits<double>::quiet_NaN();  // a NaN value, not NULL
  const double max = std::numeric_limits<double>::max();
  const auto value = [&](int s, int i) -> double {
    switch (s) {
      case 0:  // 1e300 and 1e-300 cancelling around each other
        return i % 3 == 0 ? 1e300 : i % 3 == 1 ? 1e-300 * (i + 1) : -1e300;
      case 1:  // subnormals
        return 5e-324 * (i + 1) * (i % 2 ? -1 : 1);
      case 2:  // infinities of both signs and NaN among finite values
        return i == 40 ? inf : i == 90 ? -inf : i == 150 ? nan : 1.5 * i;
      case 3:  // sums past 1.8e308 that come back: max, max, -max, -max among small values
        return i < 2 ? max : i < 4 ? -max : 1.5 * i;
      default:  // the real data's kind, for a fixed partition among them
        return 0.1 * (i % 97);
    }
  };
  const Table input = SeriesTable(5, 200, value, 3);
  for (std::size_t morsel : {std::size_t{1} << 30, std::size_t{5}}) {
    Checked c;
    CheckSums(input, morsel, &c);
    if (HasFatalFailure()) return;
  }
}

// FrameSum picks the fixed point exactly when the values fit its bits.
TEST(WindowSum, FixedPointWhenTheValuesFit) {
  const auto fixed = [](std::vector<double> values) {
    FrameSum s;
    s.Reset(values.size());
    for (double v : values) s.Survey(v);
    for (std::size_t k = 0; k < values.size(); ++k) s.Put(k, values[k]);
    return s.fixed();
  };
  EXPECT_TRUE(fixed({0.0, -0.0}));
  EXPECT_TRUE(fixed({1e16, 3, -1e16, 0.1, 0.25}));
  EXPECT_TRUE(fixed({1e300, 3e300, -1e300}));  // large but close: a unit of 2^938 or so
  EXPECT_FALSE(fixed({1e300, 1e-300}));
  EXPECT_FALSE(fixed({5e-324, 1}));
  EXPECT_FALSE(fixed({1, std::numeric_limits<double>::infinity()}));
  EXPECT_FALSE(fixed({1, std::numeric_limits<double>::quiet_NaN()}));
  // Ties and the sticky bit beyond 64 bits of units (one unit 2^-100): to even, and above half.
  FrameSum t;
  const std::vector<double> ties = {1.0, 0x1p-53, 0x1p-100, 1.0 + 0x1p-52, 0x1p-53, -0x1p-100};
  t.Reset(ties.size());
  for (double x : ties) t.Survey(x);
  for (std::size_t k = 0; k < ties.size(); ++k) t.Put(k, ties[k]);
  EXPECT_TRUE(t.fixed());
  EXPECT_EQ(t.Sum(0, 2), 1.0);            // 1 + half an ulp: to even
  EXPECT_EQ(t.Sum(0, 3), 1.0 + 0x1p-52);  // just above half
  EXPECT_EQ(t.Sum(3, 5), 1.0 + 0x1p-51);  // odd + half: to even, up
  EXPECT_EQ(t.Sum(3, 6), 1.0 + 0x1p-52);  // just below half
  EXPECT_EQ(t.Sum(1, 2), 0x1p-53);
  FrameSum s;  // frames that move back (no frame kind does) are summed afresh
  const std::vector<double> v = {1e300, 1, 1e-300, 2, -1e300};
  s.Reset(v.size());
  for (double x : v) s.Survey(x);
  for (std::size_t k = 0; k < v.size(); ++k) s.Put(k, v[k]);
  EXPECT_EQ(s.Sum(0, 5), 3.0);
  EXPECT_EQ(s.Sum(1, 4), 3.0);
  EXPECT_EQ(s.Sum(0, 2), 1e300);
  EXPECT_EQ(s.Sum(1, 2), 1.0);
  EXPECT_EQ(s.Mean(1, 4, 3), 1.0);
  // A frame whose running sum left even twice the double range (the ExactSum's value is then
  // lost) is summed afresh at the next frame.
  const double max = std::numeric_limits<double>::max();
  const std::vector<double> w = {max, max, max, -max, -max, -max, 1};
  s.Reset(w.size());
  for (double x : w) s.Survey(x);
  for (std::size_t k = 0; k < w.size(); ++k) s.Put(k, w[k]);
  EXPECT_FALSE(s.fixed());
  EXPECT_EQ(s.Sum(0, 3), std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.Sum(2, 5), -max);
  EXPECT_EQ(s.Mean(2, 5, 3), -max / 3);
  EXPECT_EQ(s.Sum(3, 7), -std::numeric_limits<double>::infinity());  // -3 max + 1 rounds to -inf
  EXPECT_EQ(s.Sum(5, 7), 1 - max);
}

}  // namespace
}  // namespace plume::engine
