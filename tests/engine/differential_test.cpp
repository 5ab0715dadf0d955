// Randomized differential test: random statements over random partitions (NULLs, duplicates,
// extremes, empty partitions) run through the whole pipeline and compared with the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "engine/schema.h"
#include "tests/engine/differential.h"

namespace plume::engine::testing {
namespace {

// PLUME_REF_SEED=N runs another seed, PLUME_REF_SCALE=K K times as many cases (the default suite
// keeps to a few seconds); a failure names its seed and case.
std::uint64_t Seed(std::uint64_t fallback) {
  const char* s = std::getenv("PLUME_REF_SEED");
  return s != nullptr && *s != '\0' ? std::strtoull(s, nullptr, 10) : fallback;
}

int Scaled(int cases) {
  const char* s = std::getenv("PLUME_REF_SCALE");
  const long k = s != nullptr ? std::strtol(s, nullptr, 10) : 1;
  return cases * static_cast<int>(std::max(1L, k));
}

void RunMany(std::uint64_t seed, int cases, std::size_t max_rows, int queries_per_data) {
  seed = Seed(seed);
  cases = Scaled(cases);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  RandomSource src(seed);
  int failures = 0;
  Case c;
  for (int i = 0; i < cases && failures < 5; ++i) {
    if (i % queries_per_data == 0) {
      src.NewDataSet();
      std::vector<std::vector<Row>> parts(1 + src.rng()() % 6);
      for (auto& p : parts) {
        const std::size_t rows = src.rng()() % 10 == 0 ? 0 : src.rng()() % max_rows;
        p = src.Rows(rows);
      }
      c.SetPartitions(parts);
      c.options.teams = 1 + src.rng()() % 3;
      c.options.batch_rows = 1 + src.rng()() % 300;
    }
    c.query = src.Query();
    std::string why;
    try {
      why = RunCase(c);
    } catch (const std::exception& e) {
      why = std::string("exception: ") + e.what();
    }
    if (!why.empty()) {
      ++failures;
      ADD_FAILURE() << "case " << i << " (seed " << seed << "): " << c.query.Sql() << "\n" << why;
    }
  }
}

TEST(Differential, SmallPartitions) { RunMany(20200912, 4000, 60, 8); }

TEST(Differential, MediumPartitions) { RunMany(4242, 400, 1000, 10); }

// Several zone-map blocks per partition, rows sorted like real partitions (parameter, utc).
TEST(Differential, MultiBlockSortedPartitions) {
  RandomSource src(77);
  std::vector<std::vector<Row>> parts;
  for (int p = 0; p < 2; ++p) {
    std::vector<Row> rows = src.Rows(10000);
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      const auto key = [](const Row& r) {
        return std::make_pair(r[static_cast<int>(Col::kParameter)], r[static_cast<int>(Col::kUtc)]);
      };
      return key(a) < key(b);
    });
    parts.push_back(std::move(rows));
  }
  RunFixedData(parts, 78, 100, RunOptions{2, 4096});
}

}  // namespace
}  // namespace plume::engine::testing
