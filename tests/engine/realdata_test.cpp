// The differential test over real AirNow data: six hourly files, one partition per file sorted
// by (parameter, utc) as real partitions are, random statements whose literals come from the
// data. Skipped when the data set is absent (PLUME_AIRNOW_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "engine/schema.h"
#include "tests/engine/differential.h"

namespace plume::engine::testing {
namespace {

TEST(RealData, RandomStatementsMatchTheReference) {
  const std::filesystem::path dir = std::filesystem::path(PLUME_AIRNOW_DIR) / "data";
  if (!std::filesystem::exists(dir / "20200912")) {
    GTEST_SKIP() << "AirNow data not found under " << dir << " (set PLUME_AIRNOW_DIR)";
  }
  std::vector<std::vector<Row>> parts;
  for (const char* day : {"20200912"}) {
    for (int hour = 1; hour < 12; hour += 2) {
      char name[32];
      std::snprintf(name, sizeof name, "%s-%02d.csv", day, hour);
      std::vector<Row> rows = ReadAirNowCsv((dir / day / name).string());
      std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        const auto p = static_cast<std::size_t>(Col::kParameter);
        return a[p] < b[p];
      });
      parts.push_back(std::move(rows));
    }
  }
  ASSERT_EQ(parts.size(), 6u);
  RunFixedData(parts, 99, 120, RunOptions{3, 2048});
}

}  // namespace
}  // namespace plume::engine::testing
