#include "engine/exact_sum.h"

#include <cmath>
#include <limits>

namespace plume::engine {

void ExactSum::AddSlow(double x) {
  if (!std::isfinite(x)) {
    specials_ |= std::isnan(x) ? kNaN : x > 0 ? kPosInf : kNegInf;
    return;
  }
  if (x == 0) return;
  AddFinite(scale_ ? x * 0.5 : x);
}

// Shewchuk's grow-expansion: TwoSum of x with each part, keeping the non-zero errors. Before a
// running sum can leave the double range the expansion is halved (once, see the header).
void ExactSum::AddFinite(double x) const {
  constexpr double kBig = 0x1p1020;
  if (!scale_ && (std::fabs(x) > kBig || (!parts_.empty() && std::fabs(parts_.back()) > kBig))) {
    Halve();
    x *= 0.5;
  }
  std::size_t kept = 0;
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    double y = parts_[k];
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    if (!std::isfinite(hi)) {  // beyond twice the double range: the sum is infinite
      specials_ |= hi > 0 ? kPosInf : kNegInf;
      parts_.clear();
      return;
    }
    const double lo = y - (hi - x);
    if (lo != 0) parts_[kept++] = lo;
    x = hi;
  }
  parts_.resize(kept);
  if (x != 0) parts_.push_back(x);
}

void ExactSum::Halve() const {
  PartList old = std::move(parts_);
  parts_.clear();
  scale_ = 1;
  for (double p : old) AddFinite(p * 0.5);
}

void ExactSum::Spill() const {
  if (acc_ == 0) return;
  Int128Value rest = acc_;
  acc_ = 0;
  constexpr Int128Value kMask = (Int128Value{1} << 52) - 1;
  for (int k = 0; k < 3; ++k) {  // two's complement pieces: two of 52 bits, then the signed rest
    const Int128Value piece = k < 2 ? (rest & kMask) : rest;
    rest >>= 52;
    if (piece != 0) {
      const double d = std::ldexp(static_cast<double>(piece), window_ + 52 * k);
      AddFinite(scale_ ? d * 0.5 : d);
    }
  }
}

void ExactSum::Add(const ExactSum& other) {
  other.Spill();
  Spill();
  specials_ |= other.specials_;
  if (other.scale_ && !scale_) Halve();
  const double f = scale_ && !other.scale_ ? 0.5 : 1.0;
  for (double p : other.parts_) AddFinite(p * f);
}

double ExactSum::Value() const {
  Spill();
  if (specials_) {
    const bool nan = (specials_ & kNaN) || (specials_ & (kPosInf | kNegInf)) == (kPosInf | kNegInf);
    if (nan) return std::numeric_limits<double>::quiet_NaN();
    return specials_ & kPosInf ? std::numeric_limits<double>::infinity()
                               : -std::numeric_limits<double>::infinity();
  }
  std::size_t n = parts_.size();
  if (n == 0) return 0.0;
  double hi = parts_[--n], lo = 0;
  while (n > 0) {  // from the largest part down until the sum stops being exact
    const double x = hi, y = parts_[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0) break;
  }
  // Round-half-even fix (as math.fsum): when lo is exactly half an ulp and the rest of the
  // expansion has the same sign, the true sum lies beyond the halfway point.
  if (n > 0 && ((lo < 0 && parts_[n - 1] < 0) || (lo > 0 && parts_[n - 1] > 0))) {
    const double y = lo * 2, x = hi + y;
    if (y == x - hi) hi = x;
  }
  return scale_ ? hi * 2 : hi;
}

void ExactSum::Split(double* hi, double* lo) const {
  *hi = Value();
  *lo = 0;
  if (!finite() || !std::isfinite(*hi)) return;
  ExactSum rest = *this;
  rest.Add(-*hi);
  *lo = rest.Value();
}

void ExactSum::Encode(ByteWriter& w) const {
  Spill();
  w.U8(static_cast<std::uint8_t>(specials_ | (scale_ << 4)));
  w.Varint(parts_.size());
  for (double p : parts_) w.Fixed(p);
}

void ExactSum::AddEncoded(ByteReader& r) {
  Spill();
  const std::uint8_t flags = r.U8();
  if ((flags & ~std::uint8_t{0x17}) != 0) r.Fail("bad exact-sum flags");
  specials_ |= flags & 7;
  const bool halved = flags >> 4;
  if (halved && !scale_) Halve();
  const double f = scale_ && !halved ? 0.5 : 1.0;
  for (std::size_t i = 0, n = r.Count(8); i < n; ++i) {
    const double p = r.Fixed<double>();
    if (!std::isfinite(p) || p == 0) r.Fail("bad exact-sum part");
    AddFinite(p * f);  // re-adding restores the expansion's invariant whatever the sender did
  }
}

ExactSum ExactSum::Decode(ByteReader& r) {
  ExactSum s;
  s.AddEncoded(r);
  return s;
}

}  // namespace plume::engine

namespace plume::engine {

double ExactMean(const ExactSum& sum, std::int64_t count) {
  double hi, lo;
  sum.Split(&hi, &lo);
  const auto n = static_cast<double>(count);
  const double q = hi / n;
  return std::isfinite(q) ? q + (std::fma(-q, n, hi) + lo) / n : q;
}

}  // namespace plume::engine
