// PartitionWriter -> LoadPartition: values, NULLs, dictionaries, zone maps and attributes come
// back; streaming appends equal one append; bad files are errors naming the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "engine/schema.h"
#include "io/checksum.h"
#include "io/partition_loader.h"
#include "io/partition_reader.h"
#include "io/partition_writer.h"
#include "tests/io/unprivileged.h"

namespace plume::io {
namespace {

namespace fs = std::filesystem;
using engine::Col;
using ::testing::HasSubstr;

engine::Column& At(engine::Table& t, Col c) { return t.columns[static_cast<std::size_t>(c)]; }

// `n` rows with NULLs in the nullable columns every 7th row (none in category when n < 7).
engine::Table MakeRows(std::size_t n, std::vector<std::vector<std::string>>* dicts) {
  *dicts = {{"CO", "OZONE", "PM2.5"},   {"PPB", "PPM", "UG/M3"},
            {"A, B", "Site"},           {"Agency"},
            {"060070007", "MMCA81008"}, {"840060070007", "840MMCA81008"}};
  engine::Table t = engine::MakeMeasurementsTable();
  t.rows = n;
  for (std::size_t i = 0; i < n; ++i) {
    const bool null = i % 7 == 3;
    At(t, Col::kLatitude).doubles.push_back(28.7 + static_cast<double>(i % 100) * 0.01);
    At(t, Col::kLongitude).doubles.push_back(-124.20347);
    At(t, Col::kUtc).ints.push_back(1597021200 + static_cast<std::int64_t>(i / 50) * 7200);
    At(t, Col::kParameter).codes.push_back(static_cast<std::uint32_t>(i % 3));
    At(t, Col::kConcentration).doubles.push_back(null ? 0 : static_cast<double>(i) * 0.1 - 3);
    At(t, Col::kConcentration).valid.push_back(null ? 0 : 1);
    At(t, Col::kUnit).codes.push_back(static_cast<std::uint32_t>(i % 3));
    At(t, Col::kRawConcentration).doubles.push_back(-0.3);
    At(t, Col::kAqi).ints.push_back(null ? 0 : static_cast<std::int64_t>(i % 700));
    At(t, Col::kAqi).valid.push_back(null ? 0 : 1);
    At(t, Col::kCategory).ints.push_back(1 + static_cast<std::int64_t>(i % 6));
    At(t, Col::kSiteName).codes.push_back(static_cast<std::uint32_t>(i % 2));
    At(t, Col::kAgency).codes.push_back(0);
    At(t, Col::kAqsId).codes.push_back(static_cast<std::uint32_t>(i % 2));
    At(t, Col::kFullAqsId).codes.push_back(static_cast<std::uint32_t>(i % 2));
  }
  return t;
}

class PartitionIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("plume-io-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string LoadError(const std::string& path) {
    try {
      LoadPartition(path);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  }
  std::string Write(const std::string& name, std::size_t rows, std::size_t piece) {
    std::vector<std::vector<std::string>> dicts;
    const engine::Table t = MakeRows(rows, &dicts);
    WriteOptions options;
    options.chunk_rows = engine::kBlockRows;
    options.source = "test";
    options.partition = 3;
    PartitionWriter w(Path(name), options, dicts);
    for (std::size_t b = 0; b < rows; b += piece) w.Append(t, b, std::min(rows, b + piece));
    info_ = w.Finish();
    return Path(name);
  }
  std::string dir_;
  PartitionInfo info_;
};

TEST_F(PartitionIoTest, LoadsBackWhatWasWrittenWithZoneMaps) {
  const std::size_t n = 3 * engine::kBlockRows + 123;
  const engine::Table loaded = LoadPartition(Write("p.h5", n, n));
  std::vector<std::vector<std::string>> dicts;
  engine::Table expected = MakeRows(n, &dicts);
  for (std::size_t c = 0, d = 0; c < expected.columns.size(); ++c) {
    if (expected.columns[c].type == engine::Type::kString) expected.columns[c].dict = dicts[d++];
  }
  expected.BuildZoneMaps();
  ASSERT_EQ(loaded.rows, n);
  for (std::size_t c = 0; c < expected.columns.size(); ++c) {
    const engine::Column &a = loaded.columns[c], &b = expected.columns[c];
    SCOPED_TRACE(a.name);
    EXPECT_EQ(a.doubles, b.doubles);
    EXPECT_EQ(a.ints, b.ints);
    EXPECT_EQ(a.codes, b.codes);
    EXPECT_EQ(a.dict, b.dict);
    EXPECT_EQ(a.valid, b.valid);  // category has no NULLs: its validity is dropped
    ASSERT_EQ(a.blocks.size(), 4u);
    for (std::size_t k = 0; k < a.blocks.size(); ++k) {
      EXPECT_EQ(a.blocks[k].min, b.blocks[k].min);
      EXPECT_EQ(a.blocks[k].max, b.blocks[k].max);
      EXPECT_EQ(a.blocks[k].nulls, b.blocks[k].nulls);
    }
  }
  EXPECT_EQ(info_.index, 3);
  EXPECT_EQ(info_.file, "p.h5");
  EXPECT_EQ(info_.rows, n);
  EXPECT_EQ(info_.utc_min, 1597021200);
  EXPECT_EQ(info_.utc_max, 1597021200 + static_cast<std::int64_t>((n - 1) / 50) * 7200);
  EXPECT_EQ(info_.aqi_max, 699.0);
}

// The loader summarizes each integer column piece by piece (engine::IntSummary, for GROUP BY's
// dense keys) to exactly what one scan of the loaded column gives; other columns stay unknown.
TEST_F(PartitionIoTest, IntegerColumnsComeWithTheSummaryOfOneScan) {
  const std::size_t n = 3 * PartitionLoader::kStepRows + 123;  // several pieces
  const engine::Table loaded = LoadPartition(Write("p.h5", n, n));
  for (const engine::Column& c : loaded.columns) {
    SCOPED_TRACE(c.name);
    if (c.type == engine::Type::kFloat64 || c.type == engine::Type::kString) {
      EXPECT_FALSE(c.summary.known);
      continue;
    }
    engine::IntSummary scan;
    scan.Add(c.ints.data(), c.valid.empty() ? nullptr : c.valid.data(), c.ints.size());
    ASSERT_TRUE(c.summary.known);
    EXPECT_EQ(c.summary.any, scan.any);
    EXPECT_EQ(c.summary.lo, scan.lo);
    EXPECT_EQ(c.summary.hi, scan.hi);
    EXPECT_EQ(c.summary.residue, scan.residue);
    EXPECT_EQ(c.summary.on_grid, scan.on_grid);
  }
  const engine::Column& utc = loaded.columns[static_cast<std::size_t>(Col::kUtc)];
  EXPECT_TRUE(utc.summary.on_grid);  // every utc on the hour
  EXPECT_EQ(utc.summary.lo, 1597021200);
}

TEST_F(PartitionIoTest, StreamedAppendsEqualOneAppend) {
  const std::size_t n = 2 * engine::kBlockRows + 5;
  const engine::Table whole = LoadPartition(Write("whole.h5", n, n));
  const engine::Table pieces = LoadPartition(Write("pieces.h5", n, 777));
  for (std::size_t c = 0; c < whole.columns.size(); ++c) {
    EXPECT_EQ(whole.columns[c].doubles, pieces.columns[c].doubles);
    EXPECT_EQ(whole.columns[c].ints, pieces.columns[c].ints);
    EXPECT_EQ(whole.columns[c].codes, pieces.columns[c].codes);
    EXPECT_EQ(whole.columns[c].valid, pieces.columns[c].valid);
  }
}

TEST_F(PartitionIoTest, AnAbandonedWriteLeavesNoFile) {
  {
    std::vector<std::vector<std::string>> dicts;
    const engine::Table t = MakeRows(10, &dicts);
    PartitionWriter w(Path("gone.h5"), WriteOptions{}, dicts);
    w.Append(t, 0, 10);
  }
  EXPECT_FALSE(fs::exists(Path("gone.h5")));
  EXPECT_FALSE(fs::exists(Path("gone.h5.tmp")));
}

TEST_F(PartitionIoTest, UnsortedDictionaryOrBadCodeIsRejected) {
  std::vector<std::vector<std::string>> dicts;
  engine::Table t = MakeRows(10, &dicts);
  auto bad = dicts;
  std::swap(bad[0][0], bad[0][1]);
  EXPECT_THROW(PartitionWriter(Path("x.h5"), WriteOptions{}, bad), std::invalid_argument);
  At(t, Col::kParameter).codes[4] = 99;
  PartitionWriter w(Path("y.h5"), WriteOptions{}, dicts);
  w.Append(t, 0, 10);
  EXPECT_THROW(w.Finish(), std::invalid_argument);
}

TEST_F(PartitionIoTest, MissingForeignAndTruncatedFilesAreErrorsNamingTheFile) {
  std::string e = LoadError(Path("none.h5"));
  EXPECT_NE(e.find(Path("none.h5")), std::string::npos) << e;
  EXPECT_NE(e.find("does not exist"), std::string::npos) << e;

  std::ofstream(Path("foreign.h5")) << "latitude,longitude\n1,2\n";
  e = LoadError(Path("foreign.h5"));
  EXPECT_NE(e.find(Path("foreign.h5")), std::string::npos) << e;
  EXPECT_NE(e.find("not an HDF5 file"), std::string::npos) << e;

  const std::string good = Write("cut.h5", 3 * engine::kBlockRows, 3 * engine::kBlockRows);
  fs::resize_file(good, fs::file_size(good) / 2);
  e = LoadError(good);
  EXPECT_NE(e.find(good), std::string::npos) << e;
  EXPECT_NE(e.find("HDF5:"), std::string::npos) << "carries HDF5's error stack: " << e;

  fs::create_directories(Path("dir.h5"));
  e = LoadError(Path("dir.h5"));
  EXPECT_NE(e.find("not a regular file"), std::string::npos) << e;
}

// An unreadable partition says why (issue 12 item 7), not "is not an HDF5 file".
TEST_F(PartitionIoTest, UnreadableFileGivesTheSystemsReason) {
  const std::string path = Write("locked.h5", 100, 100);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(path, fs::perms::none);
  const std::string e = testing::RunUnprivileged([&] { return LoadError(path); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("cannot be opened: Permission denied"), std::string::npos) << e;
  EXPECT_EQ(e.find("HDF5"), std::string::npos) << e;
}

// A partition file that is not the one the manifest lists (another partition's file, or one
// copied in from another data set) must not load: it would answer with the wrong rows.
TEST_F(PartitionIoTest, AFileThatIsNotTheManifestsPartitionIsRejected) {
  Write("p.h5", 100, 100);
  Manifest manifest;
  manifest.source = "test";
  PartitionInfo entry = info_;
  EXPECT_EQ(LoadPartition(dir_, manifest, entry).rows, 100u);

  auto error = [&](const Manifest& m, const PartitionInfo& e) -> std::string {
    try {
      LoadPartition(dir_, m, e);
    } catch (const std::runtime_error& ex) {
      return ex.what();
    }
    return "no error";
  };
  PartitionInfo other_index = entry;
  other_index.index = 1;
  EXPECT_THAT(error(manifest, other_index), HasSubstr("partition number is 3"));
  EXPECT_THAT(error(manifest, other_index), HasSubstr("p.h5"));
  PartitionInfo other_rows = entry;
  other_rows.rows = 99;
  EXPECT_THAT(error(manifest, other_rows), HasSubstr("row count is 100"));
  PartitionInfo other_range = entry;
  other_range.utc_max += 3600;
  EXPECT_THAT(error(manifest, other_range), HasSubstr("utc range"));
  Manifest other_source = manifest;
  other_source.source = "synthetic seed=1 rows=100";
  EXPECT_THAT(error(other_source, entry), HasSubstr("source is 'test'"));
}

// Overwrites dataset `name` of the partition at `path` with `values` (same length), and, when
// `checksum` is set, its checksum attribute with the right checksum of the new values.
void Overwrite(const std::string& path, const char* name, std::vector<double> values,
               bool checksum) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t dataset = H5Dopen2(file, name, H5P_DEFAULT);
  ASSERT_GE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  if (checksum) {
    const std::uint64_t sum = ChecksumOf(values.data(), values.size() * sizeof(double));
    const hid_t attr = H5Aopen(dataset, "checksum", H5P_DEFAULT);
    ASSERT_GE(H5Awrite(attr, H5T_NATIVE_UINT64, &sum), 0);
    H5Aclose(attr);
  }
  H5Dclose(dataset);
  H5Fclose(file);
}

TEST_F(PartitionIoTest, AChangedValueFailsItsChecksumNamingFileAndColumn) {
  const std::string path = Write("p.h5", 100, 100);
  std::vector<std::vector<std::string>> dicts;
  engine::Table rows = MakeRows(100, &dicts);
  std::vector<double> latitudes = At(rows, Col::kLatitude).doubles;
  latitudes[42] = 3.27e-76;
  Overwrite(path, "latitude/values", latitudes, false);
  const std::string e = LoadError(path);
  EXPECT_THAT(e, HasSubstr(path));
  EXPECT_THAT(e, HasSubstr("column 'latitude'/values: checksum mismatch"));
  EXPECT_THAT(e, HasSubstr("the file is corrupted"));
}

// A zone map that passes its checksum but disagrees with the data (a writer bug) would make
// the engine skip blocks it must read: the loader recomputes them.
TEST_F(PartitionIoTest, AZoneMapThatDisagreesWithItsDataIsRejected) {
  const std::string path = Write("p.h5", 100, 100);
  const engine::Table intact = LoadPartition(path);
  const double utc_max = intact.columns[static_cast<std::size_t>(Col::kUtc)].blocks[0].max;
  Overwrite(path, "utc/zone_max", {utc_max - 3600}, true);
  const std::string e = LoadError(path);
  EXPECT_THAT(e, HasSubstr(path));
  EXPECT_THAT(e, HasSubstr("column 'utc': zone map of block 0 does not match its data"));
}

TEST_F(PartitionIoTest, AFileOfAnOlderFormatSaysRunPreprocessAgain) {
  const std::string path = Write("p.h5", 10, 10);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t attr = H5Aopen(file, "schema_version", H5P_DEFAULT);
  const std::uint32_t old_version = 1;
  ASSERT_GE(H5Awrite(attr, H5T_NATIVE_UINT32, &old_version), 0);
  H5Aclose(attr);
  H5Fclose(file);
  EXPECT_THAT(LoadError(path), HasSubstr("was made by an older plume-preprocess (format version "
                                         "1, this build reads 2): run plume-preprocess again"));
}

}  // namespace
}  // namespace plume::io
