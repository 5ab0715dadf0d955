// manifest.json: round trip, and each error names the file and what is wrong.
#include "io/manifest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/io/unprivileged.h"

namespace plume::io {
namespace {

namespace fs = std::filesystem;

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("plume-manifest-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& text) { std::ofstream(dir_ + "/manifest.json") << text; }
  std::string ErrorOf() {
    try {
      ReadManifest(dir_);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  }
  static Manifest Sample() {
    Manifest m;
    m.schema_version = 2;
    m.source = "synthetic seed=1 rows=30";
    m.total_rows = 30;
    m.partitions.push_back({0, "part-00000.h5", 10, 1597021200, 1597028400, 0.0, 512.0});
    m.partitions.push_back({1, "part-00001.h5", 20, 1597028400, 1600988400, 3.5, 3897.0});
    return m;
  }
  std::string dir_;
};

TEST_F(ManifestTest, RoundTrips) {
  WriteManifest(dir_, Sample());
  EXPECT_FALSE(fs::exists(dir_ + "/manifest.json.tmp"));
  const Manifest m = ReadManifest(dir_);
  EXPECT_EQ(m.schema_version, 2u);
  EXPECT_EQ(m.total_rows, 30u);
  EXPECT_EQ(m.source, "synthetic seed=1 rows=30");
  ASSERT_EQ(m.partitions.size(), 2u);
  EXPECT_EQ(m.partitions[1].file, "part-00001.h5");
  EXPECT_EQ(m.partitions[1].rows, 20u);
  EXPECT_EQ(m.partitions[1].utc_max, 1600988400);
  EXPECT_EQ(m.partitions[1].aqi_min, 3.5);
  EXPECT_EQ(m.partitions[1].aqi_max, 3897.0);
}

TEST_F(ManifestTest, APartitionWithoutAqiKeepsAnEmptyRange) {
  Manifest m = Sample();
  m.partitions[0].aqi_min = INFINITY;
  m.partitions[0].aqi_max = -INFINITY;
  WriteManifest(dir_, m);
  const Manifest back = ReadManifest(dir_);
  EXPECT_TRUE(std::isinf(back.partitions[0].aqi_min) && back.partitions[0].aqi_min > 0);
  EXPECT_TRUE(std::isinf(back.partitions[0].aqi_max) && back.partitions[0].aqi_max < 0);
}

TEST_F(ManifestTest, MissingFileSaysSo) {
  const std::string e = ErrorOf();
  EXPECT_NE(e.find(dir_ + "/manifest.json"), std::string::npos) << e;
  EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
}

// An unreadable manifest says why (issue 12 item 7), not "does not exist" or "not valid JSON".
TEST_F(ManifestTest, UnreadableFileGivesTheSystemsReason) {
  WriteManifest(dir_, Sample());
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir_ + "/manifest.json", fs::perms::none);
  const std::string e = testing::RunUnprivileged([&] { return ErrorOf(); });
  EXPECT_NE(e.find(dir_ + "/manifest.json"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot be opened: Permission denied"), std::string::npos) << e;

  fs::permissions(dir_ + "/manifest.json", fs::perms::owner_all | fs::perms::others_read);
  fs::permissions(dir_, fs::perms::owner_all);  // no x for others: nothing inside is reachable
  const std::string inside = testing::RunUnprivileged([&] { return ErrorOf(); });
  EXPECT_NE(inside.find("cannot be opened: Permission denied"), std::string::npos) << inside;

  fs::remove(dir_ + "/manifest.json");
  fs::create_directories(dir_ + "/manifest.json");
  const std::string dir = ErrorOf();
  EXPECT_NE(dir.find("is a directory, not a regular file"), std::string::npos) << dir;
}

TEST_F(ManifestTest, MalformedJsonSaysWhere) {
  Write("{\"schema_version\": 2, \"partitions\": [");
  const std::string e = ErrorOf();
  EXPECT_NE(e.find("manifest.json"), std::string::npos) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST_F(ManifestTest, WrongSchemaVersionIsAnError) {
  Write(R"({"schema_version": 99, "total_rows": 0, "source": "x", "partitions": []})");
  EXPECT_NE(ErrorOf().find("schema version 99"), std::string::npos) << ErrorOf();
  EXPECT_NE(ErrorOf().find("made by a newer plume-preprocess"), std::string::npos) << ErrorOf();
  Write(R"({"schema_version": 1, "total_rows": 0, "source": "x", "partitions": []})");
  EXPECT_NE(ErrorOf().find("made by an older plume-preprocess (schema version 1, this build "
                           "reads 2): run plume-preprocess again"),
            std::string::npos)
      << ErrorOf();
}

TEST_F(ManifestTest, RowsThatDoNotAddUpAreAnError) {
  Write(R"({"schema_version": 2, "total_rows": 11, "source": "x", "partitions": [
    {"index": 0, "file": "part-00000.h5", "rows": 10, "utc_min": 0, "utc_max": 0,
     "aqi_min": null, "aqi_max": null}]})");
  EXPECT_NE(ErrorOf().find("add up to 10, total_rows says 11"), std::string::npos) << ErrorOf();
}

TEST_F(ManifestTest, MissingMemberAndEscapingFileAreErrors) {
  Write(R"({"schema_version": 2, "total_rows": 0, "partitions": []})");
  EXPECT_NE(ErrorOf().find("missing \"source\""), std::string::npos) << ErrorOf();
  Write(R"({"schema_version": 2, "total_rows": 1, "source": "x", "partitions": [
    {"index": 0, "file": "../etc/passwd", "rows": 1, "utc_min": 0, "utc_max": 0,
     "aqi_min": 1, "aqi_max": 2}]})");
  EXPECT_NE(ErrorOf().find("outside the directory"), std::string::npos) << ErrorOf();
}

}  // namespace
}  // namespace plume::io
