// Finding inputs (files, recursive directories, missing paths) and thread-independent results.
#include "preprocess/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

using test::Line;
using test::TempDir;
using test::WriteFile;

TEST(CollectCsvFiles, SearchesDirectoriesRecursivelyInSortedOrder) {
  TempDir dir("collect");
  std::filesystem::create_directories(dir.File("20200811"));
  std::filesystem::create_directories(dir.File("20200810"));
  WriteFile(dir.File("20200811/20200811-01.csv"), Line() + "\n");
  WriteFile(dir.File("20200810/20200810-03.csv"), Line() + "\n");
  WriteFile(dir.File("20200810/20200810-01.csv"), Line() + "\n");
  WriteFile(dir.File("20200810/notes.txt"), "not data\n");
  const std::vector<std::string> files = CollectCsvFiles({dir.path()});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_NE(files[0].find("20200810-01.csv"), std::string::npos);
  EXPECT_NE(files[1].find("20200810-03.csv"), std::string::npos);
  EXPECT_NE(files[2].find("20200811-01.csv"), std::string::npos);
  // A file named explicitly is taken whatever its extension.
  EXPECT_EQ(CollectCsvFiles({dir.File("20200810/notes.txt")}).size(), 1u);
}

TEST(CollectCsvFiles, OverlappingInputsListEachFileOnce) {
  TempDir dir("collect-overlap");
  std::filesystem::create_directories(dir.File("20200810"));
  WriteFile(dir.File("20200810/20200810-01.csv"), Line() + "\n");
  WriteFile(dir.File("20200810/20200810-03.csv"), Line() + "\n");
  const std::vector<std::string> files =
      CollectCsvFiles({dir.File("20200810"), dir.File("20200810/20200810-01.csv"),
                       dir.File("20200810/"), dir.path(), dir.File("20200810/../20200810")});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].find("20200810-01.csv"), std::string::npos);
  EXPECT_NE(files[1].find("20200810-03.csv"), std::string::npos);
}

TEST(CollectCsvFiles, AMissingPathIsAnErrorNamingIt) {
  try {
    CollectCsvFiles({"/nonexistent/airnow"});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'/nonexistent/airnow' does not exist"), std::string::npos)
        << e.what();
  }
}

TEST(CollectCsvFiles, ADirectoryWithoutCsvIsAnError) {
  TempDir dir("collect-empty");
  EXPECT_THROW(CollectCsvFiles({dir.path()}), std::runtime_error);
}

TEST(IngestFiles, GivesTheSameRowsWithOneOrTwoThreads) {
  TempDir dir("ingest-threads");
  std::vector<std::string> files;
  for (int f = 0; f < 7; ++f) {
    std::string text;
    for (int i = 0; i < 50; ++i) {
      text += Line(std::to_string(30 + f) + "." + std::to_string(i), "2020-08-10T01:00",
                   i % 3 == 0 ? "OZONE" : "PM2.5") +
              "\n";
    }
    if (f == 3) text += "garbage\n";
    files.push_back(dir.File("f" + std::to_string(f) + ".csv"));
    WriteFile(files.back(), text);
  }
  const IngestResult one = IngestFiles(files, 1);
  const IngestResult two = IngestFiles(files, 2);
  EXPECT_EQ(one.report.stored, 350u);
  EXPECT_EQ(one.report.rejected, 1u);
  EXPECT_EQ(one.report.Text(), two.report.Text());
  ASSERT_EQ(one.rows.rows(), two.rows.rows());
  for (std::size_t r = 0; r < one.rows.rows(); ++r) {
    ASSERT_EQ(test::RowToCsv(one.rows.table(), r), test::RowToCsv(two.rows.table(), r));
  }
}

}  // namespace
}  // namespace plume::preprocess
