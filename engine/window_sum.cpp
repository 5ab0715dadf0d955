// FrameSum (window_sum.h): fixed-point prefix sums when a partition's values fit 125 bits, an
// ExactSum slid over the frames otherwise.
#include "engine/window_sum.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace plume::engine {
namespace {

constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
// Past these the fixed point does not apply: a sum must stay below 2^125 units (so that the
// rounded sum, at most 2^125, converts back to 128 bits), and the unit must be a normal double
// (so that scaling the rounded integer by it is exact).
constexpr int kFixedBits = 125;
constexpr int kLowestUnit = -1022;

// x = sign * m * 2^e with m odd (x finite and not zero).
struct Parts {
  std::uint64_t m;
  int e;
  bool negative;
};

Parts Decompose(std::uint64_t bits) {
  const int biased = static_cast<int>((bits >> 52) & 0x7ff);
  std::uint64_t m = bits & kMantissa;
  int e = -1074;  // subnormal
  if (biased != 0) {
    m |= std::uint64_t{1} << 52;
    e = biased - 1075;
  }
  const int tz = std::countr_zero(m);
  return {m >> tz, e + tz, (bits >> 63) != 0};
}

// s rounded to the nearest double, ties to even, as libgcc's __floattidf does but inline (its
// call was a tenth of a rolling mean's evaluation): a 64-bit s converts in one instruction; a
// wider one keeps its top 63 bits with the dropped bits' OR in the lowest (below the rounding
// position, so halfway cases round as the exact value does), converts those and scales back.
__extension__ typedef __int128 I128;
// The bits of the double 2^k, for 0 <= k <= 1023.
constexpr std::uint64_t Pow2Bits(int k) { return static_cast<std::uint64_t>(1023 + k) << 52; }
__extension__ typedef unsigned __int128 U;
double RoundToDouble(I128 s) {
  const auto narrow = static_cast<std::int64_t>(s);
  if (narrow == s) return static_cast<double>(narrow);
  const U mag = s < 0 ? -static_cast<U>(s) : static_cast<U>(s);
  const auto high = static_cast<std::uint64_t>(mag >> 64);
  const int width = high != 0 ? 64 + static_cast<int>(std::bit_width(high))
                              : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(mag)));
  const int drop = width - 63;  // 1 to 65: |s| >= 2^63 here
  const bool sticky = (mag & ((U{1} << drop) - 1)) != 0;
  const auto top = static_cast<std::int64_t>(static_cast<std::uint64_t>(mag >> drop) | sticky);
  const double scaled = static_cast<double>(top) * std::bit_cast<double>(Pow2Bits(drop));
  return s < 0 ? -scaled : scaled;
}

// The integer value of an integral double d (|d| < 2^127), without libgcc's __fixdfti call.
I128 IntegerOf(double d) {
  const auto bits = std::bit_cast<std::uint64_t>(d);
  if ((bits << 1) == 0) return 0;
  const Parts p = Decompose(bits);  // p.e >= 0: d is an integer
  const I128 v = static_cast<I128>(p.m) << p.e;
  return p.negative ? -v : v;
}

}  // namespace

void FrameSum::Range::Add(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  if (((bits >> 52) & 0x7ff) == 0x7ff) {
    finite_ = false;
    return;
  }
  if ((bits << 1) == 0) return;  // +-0 adds nothing
  const Parts p = Decompose(bits);
  const int low = p.e, high = p.e + static_cast<int>(std::bit_width(p.m));
  if (count_++ == 0) {
    lowest_ = low;
    highest_ = high;
  } else {
    lowest_ = std::min(lowest_, low);
    highest_ = std::max(highest_, high);
  }
}

bool FrameSum::Range::Fits() const {
  // |sum| < values * 2^(highest - lowest) units: within kFixedBits when the bits fit.
  const int bits =
      highest_ - lowest_ + static_cast<int>(std::bit_width(static_cast<std::uint64_t>(count_)));
  return finite_ && (count_ == 0 || (lowest_ >= kLowestUnit && bits <= kFixedBits));
}

void FrameSum::Reset(std::size_t n, const Range* known) {
  mode_ = Mode::kSurvey;
  n_ = n;
  range_ = known != nullptr ? *known : Range();
  prefix_.clear();
  values_.clear();
  for (Slider& s : slides_) s = Slider();
  last_ = mean_last_ = FrameCut{1, 0};
  if (known != nullptr) Decide();
}

void FrameSum::Decide() {
  if (range_.Fits()) {
    mode_ = Mode::kFixed;
    unit_exp_ = range_.count_ == 0 ? 0 : range_.lowest_;
    unit_ = std::ldexp(1.0, unit_exp_);
    prefix_.assign(n_ + 1, 0);
  } else {
    mode_ = Mode::kSliding;
    values_.assign(n_, 0);
  }
}

void FrameSum::Put(std::size_t k, double x) {
  if (mode_ == Mode::kSurvey) Decide();
  if (mode_ == Mode::kSliding) {
    values_[k] = x;
    return;
  }
  const auto bits = std::bit_cast<std::uint64_t>(x);
  Wide v = 0;
  if ((bits << 1) != 0) {
    const Parts p = Decompose(bits);  // p.e >= unit_exp_: the survey saw x
    v = static_cast<Wide>(p.m) << (p.e - unit_exp_);
    if (p.negative) v = -v;
  }
  prefix_[k + 1] = prefix_[k] + v;
}

FrameSum::Wide FrameSum::FixedSum(const FrameCut& c) const {
  // Each part of a cut is a subset of the partition, whose sums Fit: no overflow.
  Wide s = prefix_[c.z] - prefix_[c.a] + prefix_[c.z2] - prefix_[c.a2];
  if (c.single) s += prefix_[c.at + 1] - prefix_[c.at];
  return s;
}

std::optional<double> FrameSum::SlidingSum(const FrameCut& c, const ExactSum** sum) {
  Slider& first = slides_[0];
  Slide(first, c.a, c.z);
  // The second part only with EXCLUDE (empty otherwise: its slider waits where it was).
  const bool second_part = c.a2 < c.z2;
  Slider* second = second_part ? &slides_[1] : nullptr;
  if (second != nullptr) Slide(*second, c.a2, c.z2);
  const double one = c.single ? values_[c.at] : 0.0;
  const bool one_inf = std::isinf(one);
  const std::int64_t nan = first.nan + (second ? second->nan : 0) + (std::isnan(one) ? 1 : 0);
  const std::int64_t pos =
      first.pos_inf + (second ? second->pos_inf : 0) + (one_inf && one > 0 ? 1 : 0);
  const std::int64_t neg =
      first.neg_inf + (second ? second->neg_inf : 0) + (one_inf && one < 0 ? 1 : 0);
  if (nan > 0 || (pos > 0 && neg > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (pos > 0) return std::numeric_limits<double>::infinity();
  if (neg > 0) return -std::numeric_limits<double>::infinity();
  if (second == nullptr && !c.single) {
    *sum = &first.sum;
    return std::nullopt;
  }
  joined_ = ExactSum();
  joined_.Add(first.sum);
  if (second != nullptr) joined_.Add(second->sum);
  if (c.single) joined_.Add(one);
  *sum = &joined_;
  return std::nullopt;
}

double FrameSum::Sum(const FrameCut& cut) {
  if (mode_ == Mode::kFixed) {
    if (cut == last_) return last_sum_;
    last_ = cut;
    // Correctly rounded (RoundToDouble), then scaled exactly: unit_ is a power of two of
    // at least 2^-1022, so a non-zero result is normal (or beyond the range: inf, as rounding
    // the exact sum gives it).
    last_sum_ = RoundToDouble(FixedSum(cut)) * unit_;
    return last_sum_;
  }
  const ExactSum* sum = nullptr;
  if (const std::optional<double> special = SlidingSum(cut, &sum)) return *special;
  return sum->Value();
}

double FrameSum::Mean(const FrameCut& cut, std::int64_t values) {
  if (mode_ == Mode::kFixed) {
    if (cut == mean_last_) return last_mean_;
    mean_last_ = cut;
    const Wide s = FixedSum(cut);
    const double hi = RoundToDouble(s);  // |hi| <= 2^125: back to 128 bits exactly
    const Wide rest = s - IntegerOf(hi);
    // Split's pair: the sum rounded, the rest rounded (rest != 0 is at least one unit, normal).
    const double scaled = hi * unit_;
    last_mean_ =
        MeanOfSplit(scaled, std::isfinite(scaled) ? RoundToDouble(rest) * unit_ : 0, values);
    return last_mean_;
  }
  const ExactSum* sum = nullptr;
  if (const std::optional<double> special = SlidingSum(cut, &sum)) return *special;
  return ExactMean(*sum, values);
}

// The sliding sum of [a, z): enter what the frame reached, leave what it left. A frame that
// moved back, or a sum that left the double range on the way (its value is then lost), starts
// afresh from the frame's own values.
void FrameSum::Slide(Slider& s, std::size_t a, std::size_t z) {
  const auto restart = [&s](std::size_t at) {
    s = Slider();
    s.lo = s.hi = at;
  };
  if (a < s.lo || z < s.hi || !s.sum.finite()) restart(a);
  for (; s.hi < z; ++s.hi) Enter(s, values_[s.hi], 1);
  for (; s.lo < a; ++s.lo) Enter(s, values_[s.lo], -1);
  if (!s.sum.finite()) {
    restart(a);
    for (; s.hi < z; ++s.hi) Enter(s, values_[s.hi], 1);
  }
}

void FrameSum::Enter(Slider& s, double x, int sign) {
  if (std::isfinite(x)) {
    s.sum.Add(sign > 0 ? x : -x);
  } else if (std::isnan(x)) {
    s.nan += sign;
  } else {
    (x > 0 ? s.pos_inf : s.neg_inf) += sign;
  }
}

}  // namespace plume::engine
