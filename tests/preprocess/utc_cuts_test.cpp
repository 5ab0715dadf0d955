// Where the partitions are cut: only where utc changes, at UTC days when that keeps the balance,
// each boundary nearest to its share, never an empty partition while there are enough values.
#include "preprocess/utc_cuts.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace plume::preprocess {
namespace {

constexpr std::int64_t kHour = 3600, kDay = 86400;

// `days` days of `per_day` hourly values with `rows` rows each, from 2020-08-10T00:00.
std::vector<UtcRun> Hours(int days, int per_day, std::uint64_t rows) {
  std::vector<UtcRun> runs;
  for (int d = 0; d < days; ++d) {
    for (int h = 0; h < per_day; ++h) runs.push_back({1597017600 + d * kDay + h * kHour, rows});
  }
  return runs;
}

TEST(CutUtcRuns, CutsAtDaysWhenTheBalanceAllows) {
  const UtcCuts cuts = CutUtcRuns(Hours(40, 12, 100), 4);  // 10 days each, exactly
  EXPECT_EQ(cuts.unit, CutUnit::kDay);
  EXPECT_EQ(cuts.starts, (std::vector<std::uint64_t>{0, 12000, 24000, 36000, 48000}));
}

TEST(CutUtcRuns, CutsAtUtcValuesWhenDaysWouldUnbalance) {
  // 3 days into 2 partitions: day cuts give 2:1 (33% off the mean); hour cuts 18:18 values.
  const UtcCuts cuts = CutUtcRuns(Hours(3, 12, 10), 2);
  EXPECT_EQ(cuts.unit, CutUnit::kUtc);
  EXPECT_EQ(cuts.starts, (std::vector<std::uint64_t>{0, 180, 360}));
}

TEST(CutUtcRuns, TakesTheNearestRunEndAndKeepsEveryPartitionNonEmpty) {
  // One huge value first: the nearest ends for 1/3 and 2/3 are both after it; the second
  // partition still gets a value of its own.
  const std::vector<UtcRun> runs = {{0, 90}, {kHour, 5}, {2 * kHour, 5}};
  const UtcCuts cuts = CutUtcRuns(runs, 3);
  EXPECT_EQ(cuts.unit, CutUnit::kUtc);
  EXPECT_EQ(cuts.starts, (std::vector<std::uint64_t>{0, 90, 95, 100}));
  // 10 values of 1..10 rows: the half (27.5) is nearest to the end of the 7th (28).
  std::vector<UtcRun> ramp;
  for (int k = 0; k < 10; ++k) ramp.push_back({k * kHour, static_cast<std::uint64_t>(k + 1)});
  EXPECT_EQ(CutUtcRuns(ramp, 2).starts, (std::vector<std::uint64_t>{0, 28, 55}));
}

TEST(CutUtcRuns, FewerValuesThanPartitionsLeaveTheTrailingOnesEmpty) {
  const std::vector<UtcRun> runs = {{0, 7}, {kHour, 3}};
  EXPECT_EQ(CutUtcRuns(runs, 4).starts, (std::vector<std::uint64_t>{0, 7, 10, 10, 10}));
  EXPECT_EQ(CutUtcRuns({}, 3).starts, (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(CutUtcRuns(runs, 1).starts, (std::vector<std::uint64_t>{0, 10}));
}

TEST(CutUtcRuns, DaysBeforeTheEpochAreWholeDays) {
  // 1969-12-31T12:00 and T23:00 are one day, 1970-01-01T00:00 the next.
  const std::vector<UtcRun> runs = {{-12 * kHour, 10}, {-kHour, 10}, {0, 20}};
  const UtcCuts cuts = CutUtcRuns(runs, 2);
  EXPECT_EQ(cuts.unit, CutUnit::kDay);
  EXPECT_EQ(cuts.starts, (std::vector<std::uint64_t>{0, 20, 40}));
}

TEST(CutUtcRuns, RejectsBadInput) {
  EXPECT_THROW(CutUtcRuns(Hours(1, 2, 1), 0), std::invalid_argument);
  EXPECT_THROW(CutUtcRuns({{kHour, 1}, {kHour, 1}}, 2), std::invalid_argument);
  EXPECT_THROW(CutUtcRuns({{kHour, 1}, {0, 1}}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace plume::preprocess
