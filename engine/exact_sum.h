// Exact summation of doubles, so that a sum does not depend on the order in which rows and
// partial states arrive (issue 12 item 5): the running sum is kept as a Shewchuk expansion
// (non-overlapping doubles in increasing magnitude whose exact sum is the sum of every input,
// the algorithm of Python's math.fsum) and rounded once, correctly, at the end.
// Speed: inputs within 2^-32..2^30 of the first one (all of a typical column) take a fast path:
// their mantissas are added as integers into a 128-bit fixed-point accumulator, which is moved
// into the expansion only when it would overflow and before anything reads the sum. A run of
// values (AddEach) is faster still: Rump, Ogita and Oishi's error-free extraction ("Accurate
// floating-point summation", SIAM J. Sci. Comput. 31(1), 2008) splits each value of a block into
// two parts on fixed grids, whose sums are exact in plain double additions in any order, so the
// loop vectorizes; what the two parts miss (values far below the block's largest) is added
// one by one.
// Private to engine/.
//
// Exactness: every finite input is added without rounding. Infinities and NaNs are counted
// apart and decide the result as IEEE-754 addition would (+inf and -inf give NaN). When a
// running sum would exceed the double range, the expansion is halved once and stays halved
// (scale 1); halving is exact except for subnormal parts, so a sum beyond 1.8e308 that also
// has subnormal terms may lose those terms' last bit. Nothing else rounds.
#pragma once

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/byte_io.h"

namespace plume::engine {

// The parts of an expansion: two inline (most sums need one or two), more on the heap, so that
// a group's state costs no allocation in the common case.
class PartList {
 public:
  PartList() = default;
  PartList(const PartList& o) { *this = o; }
  PartList& operator=(const PartList& o) {
    if (this != &o) {
      clear();
      for (double d : o) push_back(d);
    }
    return *this;
  }
  PartList(PartList&& o) noexcept { *this = std::move(o); }
  PartList& operator=(PartList&& o) noexcept {
    std::copy(o.inline_, o.inline_ + kInline, inline_);
    heap_ = std::move(o.heap_);
    size_ = o.size_;
    cap_ = o.cap_;
    o.size_ = 0;
    o.cap_ = kInline;
    return *this;
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  double* data() { return heap_ ? heap_.get() : inline_; }
  const double* data() const { return heap_ ? heap_.get() : inline_; }
  double& operator[](std::size_t i) { return data()[i]; }
  double operator[](std::size_t i) const { return data()[i]; }
  double back() const { return data()[size_ - 1]; }
  const double* begin() const { return data(); }
  const double* end() const { return data() + size_; }
  void clear() { size_ = 0; }
  void resize(std::size_t n) { size_ = static_cast<std::uint16_t>(n); }  // shrinks only
  void push_back(double d) {
    if (size_ == cap_) Grow();
    data()[size_++] = d;
  }

 private:
  void Grow() {
    const auto cap = static_cast<std::uint16_t>(cap_ * 2);
    std::unique_ptr<double[]> heap(new double[cap]);
    std::copy(data(), data() + size_, heap.get());
    heap_ = std::move(heap);
    cap_ = cap;
  }
  static constexpr std::uint16_t kInline = 2;
  double inline_[kInline] = {0, 0};
  std::unique_ptr<double[]> heap_;
  std::uint16_t size_ = 0, cap_ = kInline;
};

class ExactSum {
 public:
  void Add(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    if (biased == 0 || biased > 1975 || scale_) {  // zero, subnormal, huge, inf, NaN; halved
      AddSlow(x);
      return;
    }
    const int e = biased - 1075;  // x = +-m 2^e, m < 2^53
    if (window_ == kNoWindow) window_ = static_cast<std::int16_t>(std::max(e - 32, -1074));
    const int shift = e - window_;
    if (shift < 0 || shift > 62) {
      AddSlow(x);
      return;
    }
    const auto m = static_cast<std::int64_t>((bits & ((std::uint64_t{1} << 52) - 1)) |
                                             (std::uint64_t{1} << 52));
    const Int128Value v = static_cast<Int128Value>(bits >> 63 ? -m : m) << shift;
    Int128Value sum;
    if (__builtin_add_overflow(acc_, v, &sum)) {
      Spill();
      sum = v;
    }
    acc_ = sum;
  }
  // Add(values[rows[i]]) for every i < n whose row is valid (valid == nullptr: every row): a
  // GROUP BY run of one group. Blocks of kBlock values are split, vectorized, into two sums of
  // doubles that are exact whatever their order (AddBlock); a block that holds a value that split
  // cannot take (infinite, NaN, beyond 2^1000, below 2^-900 in magnitude) goes value by value.
  void AddEach(const double* values, const std::uint32_t* rows, const std::uint8_t* valid,
               std::size_t n);
  static constexpr std::size_t kBlock = 2048;  // at most 2^11: AddBlock's bound
  // Adds the exact value of `other`.
  void Add(const ExactSum& other);
  // The exact sum correctly rounded to the nearest double (ties to even); 0.0 for no input.
  double Value() const;
  // The exact sum as an unevaluated pair hi + lo (hi = Value(), lo = the rest rounded): 106
  // bits, for the few finalizers that compute with the sum (variance).
  void Split(double* hi, double* lo) const;
  bool finite() const { return specials_ == 0; }
  // The expansion itself (doubles whose exact sum is the sum) into *out; false when the sum is
  // not finite or was halved. For finalizers that compute exactly with it (variance).
  bool Parts(std::span<const double>* out) const {
    Spill();
    *out = std::span<const double>(parts_.begin(), parts_.size());
    return !specials_ && !scale_;
  }

  // Wire form (docs/PROTOCOL.md, "Partial states"): flags byte, then the parts as raw
  // little-endian doubles preceded by their count.
  void Encode(ByteWriter& w) const;
  // Throws std::runtime_error (through `r`) when the bytes are not an expansion.
  static ExactSum Decode(ByteReader& r);
  // Adds the sum encoded at `r` (as Add(Decode(r)), without the temporary).
  void AddEncoded(ByteReader& r);

 private:
  enum Special : std::uint8_t { kPosInf = 1, kNegInf = 2, kNaN = 4 };
  __extension__ typedef __int128 Int128Value;
  static constexpr std::int16_t kNoWindow = INT16_MIN;
  void AddSlow(double x);
  // The block kernel (exact_sum.cpp): adds values[i], i < n <= kBlock, where valid[i] (valid ==
  // nullptr: every i); false (nothing added) when a value is out of its range.
  bool AddBlock(const double* values, const std::uint8_t* valid, std::size_t n);
  // AddBlock in one AVX2 pass (exact_sum.cpp): the grids guessed from the last block's
  // (block_ex_), checked against the block's largest magnitude, redone when they do not fit.
  bool AddBlockWide(const double* values, const std::uint8_t* valid, std::size_t n);
  void AddRemainders(const double* values, const std::uint8_t* valid, std::size_t n, int ex);
  // AddEach value by value, the fast path's accumulator in a register.
  void AddEachScalar(const double* values, const std::uint32_t* rows, const std::uint8_t* valid,
                     std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
      i = AddFast(values, rows, valid, i, n);
      if (i == n) break;
      const std::uint32_t row = rows[i++];  // a row the fast path cannot take
      if (valid == nullptr || valid[row]) Add(values[row]);
    }
  }
  // AddEachScalar's loop from row i while the fast path applies and does not overflow, without
  // calls (so that the accumulator stays in registers); returns where it stopped.
  std::size_t AddFast(const double* values, const std::uint32_t* rows, const std::uint8_t* valid,
                      std::size_t i, std::size_t n) {
    if (scale_ || window_ == kNoWindow) return i;
    Int128Value acc = acc_;
    const int window = window_;
    for (; i < n; ++i) {
      const std::uint32_t row = rows[i];
      if (valid != nullptr && !valid[row]) continue;
      const auto bits = std::bit_cast<std::uint64_t>(values[row]);
      const int biased = static_cast<int>((bits >> 52) & 0x7ff);
      const int shift = biased - 1075 - window;
      if (biased == 0 || biased > 1975 || shift < 0 || shift > 62) break;
      const auto m = static_cast<std::int64_t>((bits & ((std::uint64_t{1} << 52) - 1)) |
                                               (std::uint64_t{1} << 52));
      const Int128Value v = static_cast<Int128Value>(bits >> 63 ? -m : m) << shift;
      Int128Value sum;
      if (__builtin_add_overflow(acc, v, &sum)) break;
      acc = sum;
    }
    acc_ = acc;
    return i;
  }
  void AddFinite(double x) const;
  void Halve() const;
  // Moves the fixed-point accumulator into the expansion (exactly: three 52-bit pieces).
  void Spill() const;

  // mutable: Spill() changes the representation, never the value
  mutable PartList parts_;       // non-overlapping, increasing magnitude, none zero
  mutable Int128Value acc_ = 0;  // the fast path's sum, in units of 2^window_
  std::int16_t window_ = kNoWindow;
  std::int16_t block_ex_ = kNoWindow;  // AddBlockWide's last grid: a guess, never part of the value
  mutable std::uint8_t specials_ = 0;  // Special bits
  mutable std::uint8_t scale_ = 0;     // 1: parts_ hold half the sum
};

}  // namespace plume::engine

namespace plume::engine {

// The mean sum / n of an exact sum, rounded once (double-double division); n > 0.
double ExactMean(const ExactSum& sum, std::int64_t n);
// The same division of a sum given as Split gives it (hi the sum rounded, lo the rest rounded;
// lo = 0 when hi is not finite): for sums kept another way (engine/window_sum.h).
double MeanOfSplit(double hi, double lo, std::int64_t n);

}  // namespace plume::engine
