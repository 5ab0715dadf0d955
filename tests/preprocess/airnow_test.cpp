// The real AirNow files (when present): all 516 ingest with 0 rejected rows, the partitions
// together hold exactly the rows read, and every line comes back as the same text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

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

  std::vector<std::string> back;
  back.reserve(in.report.stored);
  for (const io::PartitionInfo& p : m.partitions) {
    const engine::Table t = io::LoadPartition(dir.path() + "/" + p.file);
    ASSERT_EQ(t.rows, p.rows);
    EXPECT_LE(std::abs(static_cast<double>(p.rows) - in.report.stored / 5.0),
              0.1 * in.report.stored / 5.0);
    for (std::size_t r = 0; r < t.rows; ++r) back.push_back(test::RowToCsv(t, r));
  }
  std::vector<std::string> lines;
  lines.reserve(in.report.stored);
  for (const std::string& f : files) {
    std::ifstream file(f);
    for (std::string line; std::getline(file, line);) lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), back.size());
  std::sort(lines.begin(), lines.end());
  std::sort(back.begin(), back.end());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < lines.size() && differing < 5; ++i) {
    if (lines[i] != back[i]) {
      ++differing;
      ADD_FAILURE() << "source: " << lines[i] << "\nback:   " << back[i];
    }
  }
  EXPECT_EQ(differing, 0u);
}

}  // namespace
}  // namespace plume::preprocess
