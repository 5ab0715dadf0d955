// Exact summation of doubles, so that a sum does not depend on the order in which rows and
// partial states arrive (issue 12 item 5): the running sum is kept as a Shewchuk expansion
// (non-overlapping doubles in increasing magnitude whose exact sum is the sum of every input,
// the algorithm of Python's math.fsum) and rounded once, correctly, at the end.
// Private to engine/.
//
// Exactness: every finite input is added without rounding. Infinities and NaNs are counted
// apart and decide the result as IEEE-754 addition would (+inf and -inf give NaN). When a
// running sum would exceed the double range, the expansion is halved once and stays halved
// (scale 1); halving is exact except for subnormal parts, so a sum beyond 1.8e308 that also
// has subnormal terms may lose those terms' last bit. Nothing else rounds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/byte_io.h"

namespace plume::engine {

class ExactSum {
 public:
  void Add(double x);
  // Adds the exact value of `other`.
  void Add(const ExactSum& other);
  // The exact sum correctly rounded to the nearest double (ties to even); 0.0 for no input.
  double Value() const;
  // The exact sum as an unevaluated pair hi + lo (hi = Value(), lo = the rest rounded): 106
  // bits, for the few finalizers that compute with the sum (variance).
  void Split(double* hi, double* lo) const;
  bool finite() const { return specials_ == 0; }
  // The expansion itself (doubles whose exact sum is the sum), or nullptr when the sum is not
  // finite or was halved: for finalizers that compute exactly with it (variance).
  const std::vector<double>* parts() const { return specials_ || scale_ ? nullptr : &parts_; }

  // Wire form (docs/PROTOCOL.md, "Partial states"): flags byte, then the parts as raw
  // little-endian doubles preceded by their count.
  void Encode(ByteWriter& w) const;
  // Throws std::runtime_error (through `r`) when the bytes are not an expansion.
  static ExactSum Decode(ByteReader& r);

 private:
  enum Special : std::uint8_t { kPosInf = 1, kNegInf = 2, kNaN = 4 };
  void AddFinite(double x);
  void Halve();

  std::vector<double> parts_;  // non-overlapping, increasing magnitude, none zero
  std::uint8_t specials_ = 0;  // Special bits
  std::uint8_t scale_ = 0;     // 1: parts_ hold half the sum
};

}  // namespace plume::engine

namespace plume::engine {

// The mean sum / n of an exact sum, rounded once (double-double division); n > 0.
double ExactMean(const ExactSum& sum, std::int64_t n);

}  // namespace plume::engine
