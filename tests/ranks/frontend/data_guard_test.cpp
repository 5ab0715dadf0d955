#include "ranks/frontend/data_guard.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "ranks/frontend/options.h"
#include "ranks/frontend/settings.h"

namespace plume::frontend {
namespace {

class DataGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/plume_guard_XXXXXX";
    root_ = ::mkdtemp(name);
    data_ = root_ + "/data";
    ::mkdir(data_.c_str(), 0700);
    std::ofstream(data_ + "/manifest.json") << "{}";
    ::symlink(data_.c_str(), (root_ + "/link").c_str());
  }
  void TearDown() override {
    std::remove((data_ + "/manifest.json").c_str());
    std::remove((root_ + "/link").c_str());
    ::rmdir(data_.c_str());
    ::rmdir(root_.c_str());
  }
  std::string root_, data_;
};

TEST_F(DataGuardTest, PathsInsideTheDataSetAreRefused) {
  for (const std::string& p : {data_ + "/manifest.json", data_ + "/new.csv", root_ + "/link/x",
                               data_ + "/../data/part-00000.h5", data_}) {
    std::string e = RefuseInsideDataSet(p, data_);
    EXPECT_NE(e.find("Error: refusing to write " + p + ": it is inside the data set"),
              std::string::npos)
        << p << ": " << e;
  }
  EXPECT_EQ(RefuseInsideDataSet(root_ + "/out.csv", data_), "");
  EXPECT_EQ(RefuseInsideDataSet(root_ + "/data2.csv", data_), "");  // a prefix is not inside
  EXPECT_EQ(RefuseInsideDataSet("-", data_), "");
  EXPECT_EQ(RefuseInsideDataSet(data_ + "/x", ""), "");
}

TEST_F(DataGuardTest, OutputOptionAndCommandsRefuseTheDataSet) {
  CliOptions options;
  options.data_dir = data_;
  options.output = data_ + "/manifest.json";
  std::string error;
  EXPECT_FALSE(SettingsFromOptions(options, &error).has_value());
  EXPECT_NE(error.find("inside the data set"), std::string::npos) << error;
  options.output = "-";
  std::optional<Settings> s = SettingsFromOptions(options, &error);
  ASSERT_TRUE(s.has_value()) << error;
  MetaCommand cmd;
  cmd.kind = MetaCommand::Kind::kOutput;
  cmd.text = root_ + "/link/part-00000.h5";
  std::string message;
  error.clear();
  ApplySetting(cmd, &*s, &message, &error);
  EXPECT_NE(error.find("inside the data set"), std::string::npos) << error;
  EXPECT_TRUE(s->output->is_stdout());
  std::ifstream manifest(data_ + "/manifest.json");
  std::string text((std::istreambuf_iterator<char>(manifest)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{}");  // untouched
}

}  // namespace
}  // namespace plume::frontend
