// The synthetic generator: deterministic, streamed in bounded memory, and shaped like the real
// files (parameter shares, units, NULL rates, AQI bands, value ranges, odd UTC hours).
#include "preprocess/synthetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "engine/schema.h"
#include "io/partition_reader.h"
#include "preprocess/partitioner.h"
#include "preprocess/synthetic_model.h"
#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

using engine::Col;
using test::TempDir;

std::vector<engine::Table> Generate(const SyntheticOptions& s, const std::string& dir,
                                    io::WriteOptions w = {}, SyntheticStats* stats = nullptr) {
  const io::Manifest m = WriteSynthetic(s, dir, w, stats);
  EXPECT_EQ(m.total_rows, s.rows);
  std::vector<engine::Table> tables;
  for (const io::PartitionInfo& p : m.partitions) {
    tables.push_back(io::LoadPartition(dir + "/" + p.file));
  }
  return tables;
}

std::vector<std::string> AllRows(const std::vector<engine::Table>& tables) {
  std::vector<std::string> rows;
  for (const engine::Table& t : tables) {
    for (std::size_t r = 0; r < t.rows; ++r) rows.push_back(test::RowToCsv(t, r));
  }
  return rows;
}

const engine::Column& At(const engine::Table& t, Col c) {
  return t.columns[static_cast<std::size_t>(c)];
}

TEST(Synthetic, IsDeterministicForASeedAndDiffersAcrossSeeds) {
  TempDir a("synthetic-a"), b("synthetic-b"), c("synthetic-c");
  SyntheticOptions s;
  s.rows = 30000;
  s.partitions = 3;
  const auto first = AllRows(Generate(s, a.path()));
  EXPECT_EQ(first, AllRows(Generate(s, b.path())));
  s.seed = 2;
  EXPECT_NE(first, AllRows(Generate(s, c.path())));
}

TEST(Synthetic, StreamsInBoundedMemoryWithTheSameResult) {
  TempDir big("synthetic-bigbuf"), small("synthetic-smallbuf");
  SyntheticOptions s;
  s.rows = 100000;
  s.partitions = 2;
  const auto reference = AllRows(Generate(s, big.path()));
  s.buffer_rows = 1000;
  io::WriteOptions w;
  w.chunk_rows = engine::kBlockRows;
  SyntheticStats stats;
  const auto streamed = AllRows(Generate(s, small.path(), w, &stats));
  EXPECT_EQ(streamed, reference);
  // 50,000 rows per partition went through buffers of at most 1,000 + 8,192 rows.
  EXPECT_LE(stats.peak_buffered_rows, 1000u + engine::kBlockRows);
  EXPECT_GT(stats.peak_buffered_rows, 0u);
}

TEST(Synthetic, LooksLikeTheRealFiles) {
  TempDir dir("synthetic-shape");
  SyntheticOptions s;  // the default data set's size: 516 hours of 2,263 pairs
  s.partitions = 5;
  const auto tables = Generate(s, dir.path());
  std::map<std::string, std::size_t> rows, conc_null;
  std::map<std::string, std::set<std::string>> units;
  std::set<std::string> sites;
  std::set<std::int64_t> hours;
  double pm25_max = 0;
  std::int64_t aqi_max = 0;
  for (const engine::Table& t : tables) {
    const auto& param = At(t, Col::kParameter);
    const auto& unit = At(t, Col::kUnit);
    const auto& conc = At(t, Col::kConcentration);
    const auto& aqi = At(t, Col::kAqi);
    const auto& cat = At(t, Col::kCategory);
    for (std::size_t r = 0; r < t.rows; ++r) {
      const std::string& p = param.dict[param.codes[r]];
      ++rows[p];
      units[p].insert(unit.dict[unit.codes[r]]);
      sites.insert(At(t, Col::kFullAqsId).dict[At(t, Col::kFullAqsId).codes[r]]);
      hours.insert(At(t, Col::kUtc).ints[r]);
      const double lat = At(t, Col::kLatitude).doubles[r], lon = At(t, Col::kLongitude).doubles[r];
      ASSERT_TRUE(lat >= 28.7 && lat <= 45.4 && lon >= -124.2 && lon <= -75.3) << lat << lon;
      ASSERT_EQ(At(t, Col::kUtc).ints[r] % 7200, 3600);  // odd UTC hours
      if (conc.IsNull(r)) {
        ++conc_null[p];
        ASSERT_TRUE(aqi.IsNull(r));
      } else {
        const double v = conc.doubles[r];
        ASSERT_EQ(std::round(v * 10) / 10, v) << "one decimal";
        if (p == "PM2.5") pm25_max = std::max(pm25_max, v);
      }
      ASSERT_EQ(aqi.IsNull(r), cat.IsNull(r));
      if (p == "CO") {
        ASSERT_TRUE(aqi.IsNull(r));
      }
      if (!aqi.IsNull(r)) {
        ASSERT_EQ(cat.ints[r], CategoryOf(aqi.ints[r]));
        aqi_max = std::max(aqi_max, aqi.ints[r]);
      }
    }
  }
  const double n = static_cast<double>(s.rows);
  const std::map<std::string, double> shares = {{"OZONE", 0.41}, {"PM2.5", 0.287}, {"PM10", 0.108},
                                                {"NO2", 0.084},  {"SO2", 0.061},   {"CO", 0.051}};
  for (const auto& [p, share] : shares) EXPECT_NEAR(rows[p] / n, share, 0.005) << p;
  EXPECT_EQ(units["OZONE"], std::set<std::string>{"PPB"});
  EXPECT_EQ(units["PM2.5"], std::set<std::string>{"UG/M3"});
  EXPECT_EQ(units["CO"], std::set<std::string>{"PPM"});
  EXPECT_NEAR(static_cast<double>(conc_null["OZONE"]) / rows["OZONE"], 0.0165, 0.003);
  EXPECT_GT(sites.size(), 1300u);
  EXPECT_LE(sites.size(), 1400u);
  EXPECT_EQ(hours.size(), 516u);
  EXPECT_GT(pm25_max, 1000.0);  // smoke episodes
  EXPECT_GT(aqi_max, 500);
}

TEST(Synthetic, HoursSkipAugust11To13LikeTheRealFiles) {
  EXPECT_EQ(SyntheticModel::HourUtc(0), 1597021200);               // 2020-08-10T01:00
  EXPECT_EQ(SyntheticModel::HourUtc(11), 1597021200 + 22 * 3600);  // 2020-08-10T23:00
  EXPECT_EQ(SyntheticModel::HourUtc(12), 1597021200 + 4 * 86400);  // 2020-08-14T01:00
  EXPECT_EQ(SyntheticModel::HourUtc(515), 1600988400);             // 2020-09-24T23:00
}

TEST(Synthetic, AqiFollowsTheEpaBreakpoints) {
  EXPECT_EQ(AqiOf(4, 12.0), 50);  // PM2.5
  EXPECT_EQ(AqiOf(4, 35.4), 100);
  EXPECT_EQ(AqiOf(4, 5643.8), 3897);  // the real file's extreme: extrapolated past 500
  EXPECT_EQ(AqiOf(2, 70), 100);       // OZONE
  EXPECT_EQ(AqiOf(0, 1.0), -1);       // CO: none
  EXPECT_EQ(CategoryOf(50), 1);
  EXPECT_EQ(CategoryOf(51), 2);
  EXPECT_EQ(CategoryOf(301), 6);
}

}  // namespace
}  // namespace plume::preprocess
