// var_samp, var_pop, stddev_samp, stddev_pop. The state is (n, sum x, sum x^2) with both sums
// exact (x^2 = p + e exactly, by fma), so merging is exact in any order and the result a pure
// function of the data; n M2 = n Q - S^2 is then computed exactly and rounded once, so the
// textbook formula's cancellation costs nothing. BIGINT inputs count as DOUBLE (DuckDB).
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/aggregate.h"
#include "engine/byte_io.h"
#include "engine/exact_sum.h"

namespace plume::engine {
namespace {

const char* FunctionName(AggFn fn) {
  switch (fn) {
    case AggFn::kVarSamp:
      return "var_samp";
    case AggFn::kVarPop:
      return "var_pop";
    case AggFn::kStddevSamp:
      return "stddev_samp";
    default:
      return "stddev_pop";
  }
}

void DecodeSum(const BatchColumn& c, std::size_t row, ExactSum* into) {
  ByteReader r(c.StringAt(row), "partial variance state");
  into->AddEncoded(r);
  if (!r.AtEnd()) r.Fail("trailing bytes");
}

void EncodeSum(const ExactSum& s, bool empty, BatchColumn* out) {
  std::string bytes;
  if (!empty) {
    ByteWriter w(&bytes);
    s.Encode(w);
  }
  PushString(out, bytes, empty);
}

class MomentStates final : public AggregateStates {
 public:
  explicit MomentStates(const AggSpec& spec) : fn_(spec.fn), ints_(spec.input != Type::kFloat64) {}
  void Reserve(std::size_t groups) override {
    n_.reserve(groups);
    sum_.reserve(groups);
    squares_.reserve(groups);
  }
  void Resize(std::size_t groups) override {
    n_.resize(groups, 0);
    sum_.resize(groups);
    squares_.resize(groups);
  }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override {
    const Column& c = *args.arg;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t r = rows[i];
      if (c.IsNull(r)) continue;
      Add(gids[i], ints_ ? static_cast<double>(c.ints[r]) : c.doubles[r]);
    }
  }
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override {
    if (b.columns[first + 1].IsNull(row)) return;
    n_[g] += b.columns[first].ints[row];
    DecodeSum(b.columns[first + 1], row, &sum_[g]);
    DecodeSum(b.columns[first + 2], row, &squares_[g]);
  }
  void EmitPartial(std::size_t g, BatchColumn* out) const override {
    const bool empty = n_[g] == 0;
    PushInt(out, n_[g], false);
    EncodeSum(sum_[g], empty, out + 1);
    EncodeSum(squares_[g], empty, out + 2);
  }
  void EmitFinal(std::size_t g, BatchColumn* out) const override;
  void Add(std::size_t g, double x) {
    ++n_[g];
    sum_[g].Add(x);
    const double p = x * x;
    squares_[g].Add(p);
    if (std::isfinite(p)) squares_[g].Add(std::fma(x, x, -p));
  }

 private:
  double Variance(std::size_t g) const;

  AggFn fn_;
  bool ints_;
  std::vector<std::int64_t> n_;
  std::vector<ExactSum> sum_, squares_;
};

// n M2 = n Q - S^2 exactly (every product split into two doubles by fma, the lot summed
// exactly). NaN when a sum is not finite.
double MomentStates::Variance(std::size_t g) const {
  std::span<const double> s, q;
  if (!sum_[g].Parts(&s) || !squares_[g].Parts(&q)) return std::numeric_limits<double>::quiet_NaN();
  const auto n = static_cast<double>(n_[g]);
  ExactSum nm2;
  auto add_product = [&](double a, double b) {
    const double p = a * b;
    nm2.Add(p);
    if (std::isfinite(p)) nm2.Add(std::fma(a, b, -p));
  };
  for (double x : q) add_product(x, n);
  for (double x : s) {
    for (double y : s) add_product(-x, y);
  }
  const bool sample = fn_ == AggFn::kVarSamp || fn_ == AggFn::kStddevSamp;
  double hi, lo;  // n M2 = hi + lo, divided by n (n - 1) or n^2 rounding once more
  nm2.Split(&hi, &lo);
  const double den = n * (sample ? n - 1 : n);  // exact below 2^26 rows per group
  double v = hi / den;
  if (std::isfinite(v)) v += (std::fma(-v, den, hi) + lo) / den;
  return v < 0 ? 0 : v;
}

void MomentStates::EmitFinal(std::size_t g, BatchColumn* out) const {
  const bool sample = fn_ == AggFn::kVarSamp || fn_ == AggFn::kStddevSamp;
  if (n_[g] == 0 || (sample && n_[g] == 1)) {
    PushDouble(out, 0, true);
    return;
  }
  const double v = Variance(g);
  if (!std::isfinite(v)) {
    throw std::runtime_error(std::string(FunctionName(fn_)) +
                             " is out of range (an input or the result is not a finite DOUBLE)");
  }
  const bool stddev = fn_ == AggFn::kStddevSamp || fn_ == AggFn::kStddevPop;
  PushDouble(out, stddev ? std::sqrt(v) : v, false);
}

}  // namespace

std::unique_ptr<AggregateStates> MakeMomentStates(const AggSpec& spec) {
  return std::make_unique<MomentStates>(spec);
}

void EmitMomentsOf(const AggSpec& spec, const std::vector<double>& values, BatchColumn* out) {
  MomentStates states(spec);
  states.Resize(1);
  for (double x : values) states.Add(0, x);
  states.EmitFinal(0, out);
}

}  // namespace plume::engine
