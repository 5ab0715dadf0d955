// The real AirNow files (when present): all 516 ingest with 0 rejected rows, the partitions
// together hold exactly the rows read, and every line comes back as the same text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "io/manifest.h"
#include "io/partition_reader.h"
#include "preprocess/ingest.h"
#include "preprocess/partitioner.h"
#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

TEST(AirNow, AllFilesIngestWithoutRejectsAndRoundTripExactly) {
  const std::string root = PLUME_AIRNOW_DIR;
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP() << "real AirNow files absent at " << root << " (PLUME_AIRNOW_DIR)";
  }
  const std::vector<std::string> files = CollectCsvFiles({root});
  ASSERT_EQ(files.size(), 516u);
  const IngestResult in = IngestFiles(files, 2);
  EXPECT_EQ(in.report.rejected, 0u) << in.report.Text();
  EXPECT_EQ(in.report.stored, 1167525u);
  EXPECT_EQ(in.report.lines, in.report.stored);

  test::TempDir dir("airnow");
  io::WriteOptions options;
  options.source = "airnow-csv";
  const io::Manifest written = WritePartitions(in.rows.table(), 5, dir.path(), options);
  io::WriteManifest(dir.path(), written);
  const io::Manifest m = io::ReadManifest(dir.path());
  EXPECT_EQ(m.total_rows, in.report.stored);

  // Compare as multisets through sorted 64-bit hashes (sorting 1.2 M strings twice is slow on
  // a loaded 2-core machine); on a mismatch, show rows that have no source line.
  std::vector<std::size_t> back_hashes;
  std::vector<std::string> back_sample;
  back_hashes.reserve(in.report.stored);
  const std::hash<std::string_view> hash;
  for (const io::PartitionInfo& p : m.partitions) {
    const engine::Table t = io::LoadPartition(dir.path() + "/" + p.file);
    ASSERT_EQ(t.rows, p.rows);
    EXPECT_LE(std::abs(static_cast<double>(p.rows) - in.report.stored / 5.0),
              0.1 * in.report.stored / 5.0);
    for (std::size_t r = 0; r < t.rows; ++r) {
      const std::string line = test::RowToCsv(t, r);
      back_hashes.push_back(hash(line));
      if (back_sample.size() < 3) back_sample.push_back(line);
    }
  }
  std::vector<std::size_t> source_hashes;
  source_hashes.reserve(in.report.stored);
  for (const std::string& f : files) {
    std::ifstream file(f);
    for (std::string line; std::getline(file, line);) {
      source_hashes.push_back(hash(line));
    }
  }
  ASSERT_EQ(source_hashes.size(), back_hashes.size());
  std::sort(source_hashes.begin(), source_hashes.end());
  std::sort(back_hashes.begin(), back_hashes.end());
  EXPECT_TRUE(source_hashes == back_hashes)
      << "rows printed back differ from the source lines; first rows printed back:\n"
      << back_sample[0] << "\n"
      << back_sample[1] << "\n"
      << back_sample[2];
}

}  // namespace
}  // namespace plume::preprocess
