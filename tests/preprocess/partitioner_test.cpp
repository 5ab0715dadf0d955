// CSV -> HDF5 partitions -> Table: coverage, balance, utc ranges, sort order, exact text.
#include "preprocess/partitioner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "engine/schema.h"
#include "engine/value_format.h"
#include "io/partition_reader.h"
#include "preprocess/csv_reader.h"
#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

using engine::Col;
using test::TempDir;

// Lines over 40 hours with several parameters, awkward numbers and NULLs, in shuffled order.
std::vector<std::string> MakeLines() {
  const char* params[] = {"PM2.5", "OZONE", "CO", "NO2", "SO2", "PM10", "BENZENE"};
  const char* lats[] = {"41.75613", "28.7", "45.4", "38.403765", "-0.5"};
  const char* lons[] = {"-124.20347", "-119.0", "-75.3", "-122.818294", "-100.5"};
  const char* concs[] = {"17.3", "-999.0", "-0.3", "0.0", "5643.8", "1e-07"};
  std::vector<std::string> lines;
  for (int h = 0; h < 40; ++h) {
    std::string utc;
    engine::AppendTimestamp(utc, 1597021200 + 3600LL * ((h * 17) % 40));
    for (int k = 0; k < 31; ++k) {
      const int i = h * 31 + k;
      const std::string aqi = i % 9 == 0 ? "-999" : std::to_string(i % 600);
      lines.push_back(std::string("\"") + lats[i % 5] + "\",\"" + lons[(i / 5) % 5] + "\",\"" +
                      utc + "\",\"" + params[i % 7] + "\",\"" + concs[i % 6] + "\",\"UG/M3\",\"" +
                      concs[(i / 6) % 6] + "\",\"" + aqi + "\",\"" + (i % 9 == 0 ? "-999" : "3") +
                      "\",\"Site, " + std::to_string(i % 13) + "\",\"Agency " +
                      std::to_string(i % 4) + "\",\"0600" + std::to_string(i % 13) +
                      "\",\"8400600" + std::to_string(i % 13) + "\"");
    }
  }
  return lines;
}

std::vector<engine::Table> IngestAndLoad(const std::vector<std::string>& lines, int parts,
                                         const std::string& dir) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer(text, "mem.csv", &rows, &report);
  EXPECT_EQ(report.stored, lines.size());
  io::WriteOptions options;
  options.source = "test";
  const io::Manifest m = WritePartitions(rows.table(), parts, dir, options);
  EXPECT_EQ(m.total_rows, lines.size());
  std::vector<engine::Table> tables;
  for (const io::PartitionInfo& p : m.partitions) {
    tables.push_back(io::LoadPartition(dir + "/" + p.file));
    EXPECT_EQ(tables.back().rows, p.rows);
  }
  return tables;
}

TEST(WritePartitions, EveryRowComesBackAsTheSameTextExactlyOnce) {
  TempDir dir("partition-roundtrip");
  std::vector<std::string> lines = MakeLines();
  const std::vector<engine::Table> tables = IngestAndLoad(lines, 3, dir.path());
  std::vector<std::string> back;
  for (const engine::Table& t : tables) {
    for (std::size_t r = 0; r < t.rows; ++r) back.push_back(test::RowToCsv(t, r));
  }
  std::sort(lines.begin(), lines.end());
  std::sort(back.begin(), back.end());
  EXPECT_EQ(back, lines);
}

TEST(WritePartitions, BalancesRowsInUtcRangesSortedByParameterThenUtc) {
  TempDir dir("partition-balance");
  const std::vector<std::string> lines = MakeLines();
  const std::vector<engine::Table> tables = IngestAndLoad(lines, 4, dir.path());
  const double expected = static_cast<double>(lines.size()) / 4;
  std::int64_t previous_max = 0;
  for (const engine::Table& t : tables) {
    EXPECT_LE(std::abs(static_cast<double>(t.rows) - expected), 0.1 * expected);
    const auto& utc = t.columns[static_cast<std::size_t>(Col::kUtc)].ints;
    const auto& param = t.columns[static_cast<std::size_t>(Col::kParameter)];
    const auto& lon = t.columns[static_cast<std::size_t>(Col::kLongitude)].doubles;
    const auto [mn, mx] = std::minmax_element(utc.begin(), utc.end());
    EXPECT_GT(*mn, previous_max);  // ranges ascend and are disjoint: no hour in two files
    previous_max = *mx;
    for (std::size_t r = 1; r < t.rows; ++r) {
      const auto a = std::make_tuple(param.codes[r - 1], utc[r - 1], lon[r - 1]);
      const auto b = std::make_tuple(param.codes[r], utc[r], lon[r]);
      ASSERT_LE(a, b) << "row " << r;
    }
    // Dictionaries hold only the strings used, sorted (code order = string order).
    std::vector<char> used(param.dict.size(), 0);
    for (auto c : param.codes) used[c] = 1;
    EXPECT_TRUE(std::all_of(used.begin(), used.end(), [](char u) { return u == 1; }));
  }
}

TEST(WritePartitions, FewerHoursThanPartitionsLeaveEmptyFilesThatLoad) {
  TempDir dir("partition-empty");
  std::vector<std::string> lines = MakeLines();
  lines.resize(31 * 3);  // the first three hours of MakeLines' order
  const std::vector<engine::Table> tables = IngestAndLoad(lines, 5, dir.path());
  ASSERT_EQ(tables.size(), 5u);
  for (std::size_t p = 0; p < 3; ++p) EXPECT_EQ(tables[p].rows, 31u) << p;
  EXPECT_EQ(tables[3].rows, 0u);
  EXPECT_EQ(tables[4].rows, 0u);
}

TEST(WritePartitions, ReplacesAPreviousRunsFiles) {
  TempDir dir("partition-rerun");
  test::WriteFile(dir.File("manifest.json"), "{}");
  test::WriteFile(dir.File("part-00007.h5"), "stale");
  PrepareOutputDir(dir.path());
  EXPECT_FALSE(std::filesystem::exists(dir.File("manifest.json")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("part-00007.h5")));
}

}  // namespace
}  // namespace plume::preprocess
