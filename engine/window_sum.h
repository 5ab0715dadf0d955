// Exact sums and means of a DOUBLE column over the frames of one window partition (window.cpp's
// sum/avg OVER), so that a window sum is what the aggregate's ExactSum gives over the frame's
// values: the exact sum rounded once, correctly (docs/SQL.md, "Determinism"). A long double
// prefix sum, subtracting two prefixes per row, lost every bit below its 64 of a large prefix
// (1e20, 1, 2 summed 1 + 2 as 0). Private to engine/.
//
// Two representations, chosen per partition after a survey of its values:
// - fixed point (every value finite and the partition's values within 125 bits of one another,
//   counting the bits the count of values adds: all of the real data): each value is an integer
//   multiple of 2^unit, so the prefix sums are exact 128-bit integers and a frame's sum is the
//   exact difference of two of them, rounded once to a double (O(1) a row, as the prefix sum
//   was);
// - otherwise (an infinity or NaN, subnormals, magnitudes 1e-300 and 1e300 in one partition): an
//   ExactSum slid over the frames, each value added as the frame reaches it and its negation
//   added as the frame leaves it (amortized O(1) a row, since no frame kind moves back; a frame
//   that does is summed afresh), with non-finite values counted apart.
// The caller feeds the partition in two passes in bounded steps (Survey every value, then Put
// each position in order) before any Sum or Mean; or surveys the whole column once (Range,
// contiguous) and, when that fits, passes it to Reset, which skips the partition's survey.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <optional>

#include "engine/exact_sum.h"

namespace plume::engine {

// The positions of a frame: [a, z), then `at` when `single`, then [a2, z2), in order. A frame
// with EXCLUDE is the frame minus the rows it excludes: the part before them, the current row
// (EXCLUDE TIES keeps it), the part after them; otherwise [a, z) alone.
struct FrameCut {
  std::size_t a = 0, z = 0;
  bool single = false;
  std::size_t at = 0;
  std::size_t a2 = 0, z2 = 0;
  bool operator==(const FrameCut&) const = default;
};

class FrameSum {
 public:
  // The bits a set of values spans, and whether all are finite.
  class Range {
   public:
    void Add(double x);
    // True when every sum of these values is exact in the fixed point.
    bool Fits() const;

   private:
    friend class FrameSum;
    std::int64_t count_ = 0;        // non-zero values added
    int lowest_ = 0, highest_ = 0;  // the lowest bit and past the highest bit of the values
    bool finite_ = true;
  };

  FrameSum() = default;
  FrameSum(const FrameSum&) = delete;
  FrameSum& operator=(const FrameSum&) = delete;

  // A partition of n positions: forgets the previous one. `known`: a Range that Fits and holds
  // every value of the partition (its column's), so no Survey is needed (nullptr: Survey them).
  void Reset(std::size_t n, const Range* known = nullptr);
  bool surveyed() const { return mode_ != Mode::kSurvey; }
  // Pass 1: every non-NULL value of the partition, in any order.
  void Survey(double x) { range_.Add(x); }
  // Pass 2: position k's value (0 for NULL), for k = 0, 1, ..., n - 1 in order.
  void Put(std::size_t k, double x);
  // The exact sum of the values at positions [a, z) rounded to the nearest double (ties to
  // even); infinities and NaN as IEEE addition gives them. Calls whose a and z never decrease
  // cost O(1) amortized (the frames of one partition's rows, in order).
  double Sum(std::size_t a, std::size_t z) { return Sum(FrameCut{a, z}); }
  // That sum divided by `values` (> 0, the frame's non-NULL values), as ExactMean divides it.
  double Mean(std::size_t a, std::size_t z, std::int64_t values) {
    return Mean(FrameCut{a, z}, values);
  }
  // The same over a cut frame, rounded once; each of its two ranges costs O(1) amortized when
  // its ends never decrease from call to call.
  double Sum(const FrameCut& cut);
  double Mean(const FrameCut& cut, std::int64_t values);
  bool fixed() const { return mode_ == Mode::kFixed; }

 private:
  enum class Mode { kSurvey, kFixed, kSliding };
  __extension__ typedef __int128 Wide;
  // kSliding: the exact sum of positions [lo, hi) and its non-finite values.
  struct Slider {
    ExactSum sum;
    std::size_t lo = 0, hi = 0;
    std::int64_t pos_inf = 0, neg_inf = 0, nan = 0;
  };
  void Decide();  // at the first Put: the representation
  Wide FixedSum(const FrameCut& cut) const;
  // kSliding: the cut's exact sum into *sum (nullptr when only the non-finite rule answers),
  // or its non-finite value.
  std::optional<double> SlidingSum(const FrameCut& cut, const ExactSum** sum);
  void Slide(Slider& s, std::size_t a, std::size_t z);
  void Enter(Slider& s, double x, int sign);

  Mode mode_ = Mode::kSurvey;
  std::size_t n_ = 0;
  Range range_;
  // kFixed: prefix_[k] = the sum of positions [0, k) in units of 2^unit_exp_.
  std::vector<Wide> prefix_;
  int unit_exp_ = 0;
  double unit_ = 1;  // 2^unit_exp_, a normal double
  // kSliding: the values by position; a slider per range of a cut; a cut's sum of both.
  std::vector<double> values_;
  Slider slides_[2];
  ExactSum joined_;
  // kFixed: the last frames asked and their sum, mean (whole partitions and RANGE peers repeat
  // frames).
  FrameCut last_{1, 0}, mean_last_{1, 0};
  double last_sum_ = 0, last_mean_ = 0;
};

}  // namespace plume::engine
