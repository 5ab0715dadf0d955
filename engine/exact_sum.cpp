#include "engine/exact_sum.h"

#include <cmath>
#include <cstring>
#include <limits>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "engine/simd.h"
#include "engine/valid_run.h"

#if PLUME_HAVE_AVX2_KERNELS
#include <immintrin.h>
#endif

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

namespace {

// Two doubles per SSE2 register, the target's baseline: GCC vector extensions, so that the
// extraction below is vectorized whatever the optimizer decides about floating-point loops
// (it never reassociates their sums by itself).
typedef double V2 __attribute__((vector_size(16)));
typedef std::int64_t M2 __attribute__((vector_size(16)));

V2 Load(const double* p) {
  V2 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The larger of a and b in each lane, for a, b >= 0 and not NaN (maxpd where there is one).
V2 Max(V2 a, V2 b) {
#ifdef __SSE2__
  return _mm_max_pd(a, b);
#else
  return a > b ? a : b;
#endif
}

}  // namespace

// Error-free extraction (Rump, Ogita, Oishi 2008, Lemma 3.3): for sigma = 2^k and |p| <= 2^-M
// sigma, q = (sigma + p) - sigma is exact, a multiple of 2^-53 sigma with |q| <= 2^-M sigma,
// and p - q is exact with |p - q| <= 2^-53 sigma. With n <= 2^M = 2^11 values, every partial sum
// of the q's is a multiple of 2^-53 sigma no larger than sigma, so it is a double: their sum is
// exact in any order (lanes, unrolling). Two extractions, sigma1 = 2^(ex + 11) above the block's
// largest magnitude (< 2^ex) and sigma2 = 2^(ex - 31) above the first remainders (<= 2^(ex -
// 42)), leave remainders <= 2^(ex - 84): zero for every value within 2^-31 of the largest (a
// column's typical spread). The few that are not are added one by one, exactly. The range
// checks keep sigma1 finite and 2^-53 sigma2 a normal double.
bool ExactSum::AddBlock(const double* values, const std::uint8_t* valid, std::size_t n) {
  if (UseAvx2()) return AddBlockWide(values, valid, n);
  const std::size_t quads = n / 4;  // two pairs a step, in two sets of lanes: no add waits
  const M2 abs_mask = {INT64_MAX, INT64_MAX};
  double masked[kBlock];  // with valid: the values, NULL rows 0 (read by the second pass)
  const double* x = values;
  if (valid != nullptr) {
    static const M2 kKeep[4] = {{0, 0}, {-1, 0}, {0, -1}, {-1, -1}};  // by the two valid bits
    for (std::size_t i = 0; i < n / 2; ++i) {
      const M2 keep = kKeep[(valid[2 * i] != 0) | (valid[2 * i + 1] != 0) << 1];
      const V2 v = reinterpret_cast<V2>(reinterpret_cast<M2>(Load(values + 2 * i)) & keep);
      std::memcpy(masked + 2 * i, &v, sizeof v);
    }
    if (n % 2) masked[n - 1] = valid[n - 1] ? values[n - 1] : 0.0;
    x = masked;
  }
  V2 top[2] = {{0, 0}, {0, 0}}, nan_or_inf[2] = {{0, 0}, {0, 0}};
  for (std::size_t i = 0; i < quads; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      const V2 v = Load(x + 4 * i + 2 * k);
      top[k] = Max(top[k], reinterpret_cast<V2>(reinterpret_cast<M2>(v) & abs_mask));
      nan_or_inf[k] += v - v;  // 0 for finite values, NaN otherwise
    }
  }
  const V2 top2 = Max(top[0], top[1]), special2 = nan_or_inf[0] + nan_or_inf[1];
  double largest = std::max(top2[0], top2[1]), special = special2[0] + special2[1];
  for (std::size_t i = 4 * quads; i < n; ++i) {
    largest = std::max(largest, std::fabs(x[i]));
    special += x[i] - x[i];
  }
  if (!(special == 0)) return false;  // an infinity or a NaN
  if (largest == 0) return true;      // zeros add nothing
  int ex = 0;
  std::frexp(largest, &ex);  // largest < 2^ex
  if (ex > 1000 || ex < -900) return false;
  const double s1 = std::ldexp(1.0, ex + 11), s2 = std::ldexp(1.0, ex - 31);
  const V2 sigma1 = {s1, s1}, sigma2 = {s2, s2};
  V2 sum1[2] = {{0, 0}, {0, 0}}, sum2[2] = {{0, 0}, {0, 0}};
  M2 left = {0, 0};
  for (std::size_t i = 0; i < quads; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      const V2 v = Load(x + 4 * i + 2 * k);
      const V2 q1 = (sigma1 + v) - sigma1;
      const V2 r1 = v - q1;
      const V2 q2 = (sigma2 + r1) - sigma2;
      sum1[k] += q1;
      sum2[k] += q2;
      left |= (r1 - q2) != 0;
    }
  }
  const V2 total1 = sum1[0] + sum1[1], total2 = sum2[0] + sum2[1];
  double part1 = total1[0] + total1[1], part2 = total2[0] + total2[1];  // exact: see above
  for (std::size_t i = 4 * quads; i < n; ++i) {  // the last values, extracted the same way
    const double v = x[i], q1 = (s1 + v) - s1, r1 = v - q1, q2 = (s2 + r1) - s2;
    part1 += q1;
    part2 += q2;
    if (r1 - q2 != 0) Add(r1 - q2);
  }
  Add(part1);
  Add(part2);
  if (left[0] != 0 || left[1] != 0) {
    for (std::size_t i = 0; i < 4 * quads; ++i) {
      const double v = x[i], q1 = (s1 + v) - s1, r1 = v - q1, q2 = (s2 + r1) - s2;
      if (r1 - q2 != 0) Add(r1 - q2);
    }
  }
  return true;
}

namespace {

// What one extraction pass over a block found (AddBlock's two sums, with the checks of its
// range: the largest magnitude, an infinity or NaN, any value the two grids did not take).
struct Extraction {
  double part1 = 0, part2 = 0, largest = 0;
  bool special = false, left = false;
};

// One pass of AddBlock's extraction with sigma1 = 2^(ex + 11), sigma2 = 2^(ex - 31), in two
// sets of four AVX2 lanes, NULL rows (valid[i] == 0) masked to 0 on the way. Exact (part1 and
// part2 are the sums of the q1's and q2's) only when largest < 2^ex: the caller checks.
#if PLUME_HAVE_AVX2_KERNELS
PLUME_AVX2 Extraction ExtractAvx2(const double* x, const std::uint8_t* valid, std::size_t n,
                                  int ex) {
  const double s1 = std::ldexp(1.0, ex + 11), s2 = std::ldexp(1.0, ex - 31);
  const __m256d sigma1 = _mm256_set1_pd(s1), sigma2 = _mm256_set1_pd(s2),
                zero = _mm256_setzero_pd();
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX));
  __m256d top[2] = {zero, zero}, special[2] = {zero, zero}, sum1[2] = {zero, zero},
          sum2[2] = {zero, zero}, left[2] = {zero, zero};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t k = 0; k < 2; ++k) {
      __m256d v = _mm256_loadu_pd(x + i + 4 * k);
      if (valid != nullptr) {
        std::uint32_t bytes;
        std::memcpy(&bytes, valid + i + 4 * k, sizeof bytes);
        const __m256i wide = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(bytes)));
        v = _mm256_and_pd(v, _mm256_castsi256_pd(_mm256_cmpgt_epi64(wide, _mm256_setzero_si256())));
      }
      top[k] = _mm256_max_pd(top[k], _mm256_and_pd(v, abs_mask));
      special[k] = _mm256_add_pd(special[k], _mm256_sub_pd(v, v));  // NaN unless finite
      const __m256d q1 = _mm256_sub_pd(_mm256_add_pd(sigma1, v), sigma1);
      const __m256d r1 = _mm256_sub_pd(v, q1);
      const __m256d q2 = _mm256_sub_pd(_mm256_add_pd(sigma2, r1), sigma2);
      sum1[k] = _mm256_add_pd(sum1[k], q1);
      sum2[k] = _mm256_add_pd(sum2[k], q2);
      left[k] = _mm256_or_pd(left[k], _mm256_cmp_pd(_mm256_sub_pd(r1, q2), zero, _CMP_NEQ_UQ));
    }
  }
  alignas(32) double t[4], sp[4], a[4], b[4];
  _mm256_store_pd(t, _mm256_max_pd(top[0], top[1]));
  _mm256_store_pd(sp, _mm256_add_pd(special[0], special[1]));
  _mm256_store_pd(a, _mm256_add_pd(sum1[0], sum1[1]));
  _mm256_store_pd(b, _mm256_add_pd(sum2[0], sum2[1]));
  Extraction e;
  e.left = _mm256_movemask_pd(_mm256_or_pd(left[0], left[1])) != 0;
  double spec = 0;
  for (int k = 0; k < 4; ++k) {
    e.largest = std::max(e.largest, t[k]);
    spec += sp[k];
    e.part1 += a[k];  // exact in any order: see AddBlock
    e.part2 += b[k];
  }
  for (; i < n; ++i) {  // the last values, one by one on the same grids
    const double v = valid == nullptr || valid[i] ? x[i] : 0.0;
    e.largest = std::max(e.largest, std::fabs(v));
    spec += v - v;
    const double q1 = (s1 + v) - s1, r1 = v - q1, q2 = (s2 + r1) - s2;
    e.part1 += q1;
    e.part2 += q2;
    e.left |= r1 - q2 != 0;
  }
  e.special = !(spec == 0);
  return e;
}
#else
Extraction ExtractAvx2(const double*, const std::uint8_t*, std::size_t, int) {
  return Extraction{.special = true};  // never called: UseAvx2() is false
}
#endif

// The exponent ex of a magnitude: |x| < 2^ex (0 for 0).
int ExponentAbove(double x) {
  int ex = 0;
  std::frexp(x, &ex);
  return ex;
}

}  // namespace

// Most blocks of a column lie in the range of the one before, so the grids of the last block
// are tried first and the block is read once (the baseline kernel reads it twice: its largest
// magnitude, then the extraction); a block beyond them, or with values the grids miss while
// finer grids would fit, is extracted again on its own grids.
bool ExactSum::AddBlockWide(const double* values, const std::uint8_t* valid, std::size_t n) {
  int ex = block_ex_;
  if (ex == kNoWindow) {
    ex = 0;
    for (std::size_t i = 0; i < n && ex == 0; ++i) {
      if (valid == nullptr || valid[i]) ex = ExponentAbove(std::fabs(values[i]));
    }
    ex = std::clamp(ex, -900, 1000);
  }
  Extraction e = ExtractAvx2(values, valid, n, ex);
  if (e.special) return false;  // an infinity or a NaN
  if (e.largest == 0) return true;
  const int real = ExponentAbove(e.largest);
  if (real > 1000 || real < -900) return false;
  if (real > ex || (e.left && real < ex)) {
    ex = real;
    e = ExtractAvx2(values, valid, n, ex);
  }
  block_ex_ = static_cast<std::int16_t>(ex);
  Add(e.part1);
  Add(e.part2);
  if (e.left) AddRemainders(values, valid, n, ex);
  return true;
}

// What the grids of ex leave of each value (exact, see AddBlock), added one by one.
void ExactSum::AddRemainders(const double* values, const std::uint8_t* valid, std::size_t n,
                             int ex) {
  const double s1 = std::ldexp(1.0, ex + 11), s2 = std::ldexp(1.0, ex - 31);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = valid == nullptr || valid[i] ? values[i] : 0.0;
    const double q1 = (s1 + v) - s1, r1 = v - q1, q2 = (s2 + r1) - s2;
    if (r1 - q2 != 0) Add(r1 - q2);
  }
}

void ExactSum::AddEach(const double* values, const std::uint32_t* rows, const std::uint8_t* valid,
                       std::size_t n) {
  double block[kBlock];
  for (std::size_t off = 0; off < n; off += kBlock) {
    const std::size_t k = std::min(kBlock, n - off);
    const std::uint32_t* r = rows + off;
    bool added;
    if (r[k - 1] - r[0] == k - 1) {  // contiguous rows (every row of a block): no copy
      // the AVX2 pass masks as it goes: checking for NULLs first would cost a pass of its own
      const std::uint8_t* ok =
          valid == nullptr || (!UseAvx2() && AllValid(valid + r[0], k)) ? nullptr : valid + r[0];
      added = AddBlock(values + r[0], ok, k);
    } else {
      for (std::size_t i = 0; i < k; ++i)
        block[i] = valid == nullptr || valid[r[i]] ? values[r[i]] : 0.0;
      added = AddBlock(block, nullptr, k);
    }
    if (!added) AddEachScalar(values, r, valid, k);
  }
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
  return MeanOfSplit(hi, lo, count);
}

double MeanOfSplit(double hi, double lo, std::int64_t count) {
  const auto n = static_cast<double>(count);
  const double q = hi / n;
  return std::isfinite(q) ? q + (std::fma(-q, n, hi) + lo) / n : q;
}

}  // namespace plume::engine
