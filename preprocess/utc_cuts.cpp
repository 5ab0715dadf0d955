#include "preprocess/utc_cuts.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace plume::preprocess {
namespace {

constexpr std::int64_t kDaySeconds = 86400;

std::int64_t DayOf(std::int64_t utc) {
  return utc / kDaySeconds - (utc % kDaySeconds < 0 ? 1 : 0);  // floor, also before 1970
}

// Row positions of `parts` + 1 partition starts over runs of `counts` rows that must not be
// split: ends[k] is the position after run k (ascending, the last one = the rows). Each inner
// boundary is the run end nearest to i * rows / parts that still leaves every partition a run;
// with no more runs than parts, one run per partition and the rest empty.
std::vector<std::uint64_t> CutRuns(const std::vector<std::uint64_t>& ends, std::size_t parts) {
  const std::size_t runs = ends.size();
  const std::uint64_t rows = runs == 0 ? 0 : ends.back();
  std::vector<std::uint64_t> starts{0};
  if (runs <= parts) {
    for (std::size_t i = 1; i < parts; ++i) starts.push_back(i <= runs ? ends[i - 1] : rows);
    starts.push_back(rows);
    return starts;
  }
  std::size_t previous = 0;  // runs taken by the partitions so far
  for (std::size_t i = 1; i < parts; ++i) {
    const long double target = static_cast<long double>(rows) * i / parts;
    const std::size_t lo = previous + 1, hi = runs - (parts - i);  // runs taken, inclusive
    auto it = std::lower_bound(ends.begin(), ends.end(), target,
                               [](std::uint64_t e, long double t) { return e < t; });
    std::size_t k = static_cast<std::size_t>(it - ends.begin()) + 1;  // runs up to *it
    if (k > 1 && target - ends[k - 2] <= static_cast<long double>(ends[k - 1]) - target) --k;
    k = std::clamp(k, lo, hi);
    starts.push_back(ends[k - 1]);
    previous = k;
  }
  starts.push_back(rows);
  return starts;
}

bool WithinTolerance(const std::vector<std::uint64_t>& starts, double tolerance) {
  const std::size_t parts = starts.size() - 1;
  const double mean = static_cast<double>(starts.back()) / static_cast<double>(parts);
  for (std::size_t i = 0; i < parts; ++i) {
    const double rows = static_cast<double>(starts[i + 1] - starts[i]);
    if (std::abs(rows - mean) > tolerance * mean) return false;
  }
  return true;
}

}  // namespace

UtcCuts CutUtcRuns(const std::vector<UtcRun>& runs, int parts) {
  if (parts < 1) throw std::invalid_argument("the number of partitions must be at least 1");
  std::vector<std::uint64_t> utc_ends, day_ends;
  std::uint64_t rows = 0;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (k > 0 && runs[k].utc <= runs[k - 1].utc) {
      throw std::invalid_argument("utc runs must ascend (run " + std::to_string(k) + ")");
    }
    rows += runs[k].rows;
    utc_ends.push_back(rows);
    const bool day_ends_here = k + 1 == runs.size() || DayOf(runs[k + 1].utc) != DayOf(runs[k].utc);
    if (day_ends_here) day_ends.push_back(rows);
  }
  const auto p = static_cast<std::size_t>(parts);
  UtcCuts cuts;
  cuts.starts = CutRuns(day_ends, p);
  if (rows > 0 && WithinTolerance(cuts.starts, kDayCutTolerance)) {
    cuts.unit = CutUnit::kDay;
    return cuts;
  }
  cuts.starts = CutRuns(utc_ends, p);
  return cuts;
}

const char* CutUnitName(CutUnit unit) { return unit == CutUnit::kDay ? "UTC days" : "utc values"; }

}  // namespace plume::preprocess
