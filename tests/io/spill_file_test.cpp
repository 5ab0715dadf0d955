// io::SpillFile: records read back as written, the file removed however its owner goes (also
// after a move), and errors that name the file and the system's reason; io/spill_dir.h's names,
// directory check and removal of stale files.
#include "io/spill_file.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "io/spill_dir.h"

namespace plume::io {
namespace {

namespace fs = std::filesystem;

class SpillFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("plume-spillfile-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::ptrdiff_t Files() const {
    return std::distance(fs::directory_iterator(dir_), fs::directory_iterator());
  }
  std::string dir_;
};

TEST_F(SpillFileTest, RecordsComeBackInOrderAndTheFileGoes) {
  {
    SpillFile f = SpillFile::Create(dir_, "the spill of a test");
    EXPECT_EQ(Files(), 1);
    EXPECT_EQ(f.path().rfind(dir_ + "/plume-spill-", 0), 0u) << f.path();
    const std::string big(100000, 'x');
    f.Append("one");
    f.Append("");
    f.Append(big);
    EXPECT_EQ(f.records(), 3u);
    EXPECT_EQ(f.bytes(), 3u * 8 + 3 + big.size());
    f.Rewind();
    std::string r;
    ASSERT_TRUE(f.Next(&r));
    EXPECT_EQ(r, "one");
    ASSERT_TRUE(f.Next(&r));
    EXPECT_EQ(r, "");
    ASSERT_TRUE(f.Next(&r));
    EXPECT_EQ(r, big);
    EXPECT_FALSE(f.Next(&r));
    SpillFile moved = std::move(f);  // the moved-from one removes nothing, the new one owns it
    EXPECT_FALSE(f.open());
    EXPECT_TRUE(moved.open());
    EXPECT_EQ(Files(), 1);
  }
  EXPECT_EQ(Files(), 0);
  SpillFile g = SpillFile::Create(dir_, "the spill of a test");
  g.Remove();
  EXPECT_EQ(Files(), 0);
  g.Remove();  // idempotent
}

TEST_F(SpillFileTest, ADirectoryThatIsAFileIsNamedWithTheReason) {
  const std::string file = dir_ + "/plain";
  std::FILE* plain = std::fopen(file.c_str(), "w");
  ASSERT_NE(plain, nullptr);
  std::fclose(plain);
  try {
    SpillFile::Create(file, "the spill of stage 1");
    FAIL() << "created a file under a regular file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "the spill of stage 1: " + file + "/" + SpillFilePrefix() +
                                         "XXXXXX cannot be created: Not a directory");
  }
}

// A file size limit (as a full disk: the write fails) fails Append or Rewind with the reason,
// and the file is still removed.
TEST_F(SpillFileTest, AWriteThatFailsNamesTheReasonAndTheFileStillGoes) {
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string error;
  {
    SpillFile f = SpillFile::Create(dir_, "the spill of stage 1");
    try {
      const std::string chunk(16 * 1024, 'y');
      for (int i = 0; i < 16; ++i) f.Append(chunk);
      f.Rewind();
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    EXPECT_EQ(Files(), 1);
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  EXPECT_NE(error.find("the spill of stage 1: " + dir_ + "/plume-spill-"), std::string::npos)
      << error;
  EXPECT_NE(error.find(" cannot be written: File too large"), std::string::npos) << error;
  EXPECT_EQ(Files(), 0);
}

// io/spill_dir.h: a file's name carries this host and pid; the pid is read back only from this
// host's names; a directory that cannot take files is named with why; stale files of a dead
// pid go, a live one's (this process's parent: alive while the test runs) and others stay.
TEST_F(SpillFileTest, NamesCarryHostAndPidAndStaleFilesOfDeadPidsGo) {
  SpillFile f = SpillFile::Create(dir_, "the spill of a test");
  const std::string name = fs::path(f.path()).filename().string();
  const std::string prefix = SpillFilePrefix();
  ASSERT_EQ(name.rfind(prefix, 0), 0u) << name;
  const std::string host =
      prefix.substr(12, prefix.size() - 12 - std::to_string(::getpid()).size() - 2);
  EXPECT_EQ(SpillFilePid(name, host), static_cast<long>(::getpid()));
  EXPECT_EQ(SpillFilePid(name, host + "x"), 0);
  EXPECT_EQ(SpillFilePid("plume-spill-Ab12Cd", host), 0);
  EXPECT_EQ(SpillFilePid("plume-spill-" + host + "-12a-Ab12Cd", host), 0);
  EXPECT_EQ(SpillFilePid("plume-spill-" + host + "-42-Ab12Cd", host), 42);

  EXPECT_EQ(SpillDirProblem(dir_), "");
  EXPECT_EQ(SpillDirProblem(dir_ + "/none"), dir_ + "/none does not exist");
  EXPECT_EQ(SpillDirProblem(f.path()), f.path() + " is not a directory");

  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // reaped: its pid names no process now
  const std::string dead = dir_ + "/plume-spill-" + host + "-" + std::to_string(child) + "-Ab12Cd";
  const std::string live =
      dir_ + "/plume-spill-" + host + "-" + std::to_string(::getppid()) + "-Ab12Cd";
  const std::string other = dir_ + "/plume-spill-elsewhere-" + std::to_string(child) + "-Ab12Cd";
  for (const std::string& p : {dead, live, other}) std::fclose(std::fopen(p.c_str(), "w"));
  EXPECT_EQ(RemoveStaleSpillFiles(dir_), 1u);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(f.path())) << "this process's own file stays";
}

}  // namespace
}  // namespace plume::io
