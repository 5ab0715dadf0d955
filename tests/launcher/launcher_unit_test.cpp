// The launcher's pure parts: the frame reader (bytes cut anywhere), Tab completion and the
// per-statement history, the end-grace.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "launcher/completer.h"
#include "launcher/end_grace.h"
#include "launcher/frame_reader.h"
#include "launcher/statement_history.h"
#include "ranks/frontend/launcher_protocol.h"

namespace plume::launcher {
namespace {

using frontend::LauncherFrame;

// Text and frames joined back, frames as <kind:payload>.
std::string Render(const std::vector<StreamEvent>& events) {
  std::string out;
  for (const StreamEvent& e : events) {
    out += e.kind == StreamEvent::Kind::kText ? e.text : "<" + e.kind_name + ":" + e.text + ">";
  }
  return out;
}

TEST(FrameReaderTest, SplitsTextAndFramesWhereverTheBytesAreCut) {
  std::string stream = "banner\n" + LauncherFrame("words", "a b") + "x\x1b[Ky" +
                       LauncherFrame("prompt", "plume> ") + "tail\x1b";
  std::string want = "banner\n<words:a b>x\x1b[Ky<prompt:plume> >tail";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    for (std::size_t step : {std::size_t{1}, std::size_t{3}, stream.size()}) {
      FrameReader reader;
      std::string got = Render(reader.Feed(stream.substr(0, cut)));
      for (std::size_t p = cut; p < stream.size(); p += step) {
        got += Render(reader.Feed(stream.substr(p, step)));
      }
      EXPECT_EQ(got + reader.Finish(), want + "\x1b") << "cut " << cut << " step " << step;
    }
  }
}

TEST(FrameReaderTest, AFrameThatNeverEndsIsShownAsText) {
  FrameReader reader;
  std::string start = "\x1b]plume;prompt;plume> ";
  EXPECT_EQ(Render(reader.Feed(start)), "");
  EXPECT_EQ(reader.Finish(), start);
  std::string big = start + std::string(std::size_t{1} << 21, 'x');
  EXPECT_EQ(Render(FrameReader().Feed(big)), big);  // longer than any frame of ours
}

TEST(FrameReaderTest, LauncherFrameDropsBytesThatWouldEndIt) {
  EXPECT_EQ(LauncherFrame("prompt",
                          "a\x07"
                          "b\x1b"
                          "c"),
            "\x1b]plume;prompt;abc\x07");
}

Completer WithWords() {
  Completer c;
  c.SetWords({"measurements", "site_name", "site_id", "sum", "stddev_samp", "SELECT", "SUM", "FROM",
              "\\output", "\\timing", "\\timeout"});
  return c;
}

std::vector<std::string> Candidates(std::string_view line) {
  return WithWords().Complete(line).candidates;
}

TEST(CompleterTest, WordsKeywordsInTheTypedCaseAndMetaCommands) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Candidates("sel"), V{"select"});
  EXPECT_EQ(Candidates("SEL"), V{"SELECT"});
  EXPECT_EQ(Candidates("SELECT site_"), (V{"site_id", "site_name"}));
  EXPECT_EQ(Candidates("SELECT s"), (V{"select", "site_id", "site_name", "stddev_samp", "sum"}));
  EXPECT_EQ(Candidates("SELECT count(*) FROM meas"), V{"measurements"});
  EXPECT_EQ(Candidates("\\ti"), (V{"\\timeout", "\\timing"}));
  EXPECT_EQ(Candidates("SELECT x FROM t\nWHERE site_n"), V{"site_name"});
  EXPECT_EQ(WithWords().Complete("SELECT site_n").start, 7u);
  EXPECT_TRUE(Candidates("SELECT ").empty());
  EXPECT_TRUE(Candidates("SELECT 'R").empty()) << "nothing inside a string literal";
  EXPECT_TRUE(Candidates("WHERE site_name LIKE 'Re").empty());
  EXPECT_TRUE(Candidates("SELECT zz").empty());
}

class CompleterFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/plume_completer_testXXXXXX";
    dir_ = mkdtemp(name);
    std::ofstream(dir_ + "/my results.csv").put('x');
    std::ofstream(dir_ + "/other.json").put('x');
    ::mkdir((dir_ + "/sub").c_str(), 0700);
  }
  void TearDown() override {
    ::unlink((dir_ + "/my results.csv").c_str());
    ::unlink((dir_ + "/other.json").c_str());
    ::rmdir((dir_ + "/sub").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(CompleterFileTest, FileNamesAfterOutputIncludeAndCopyTo) {
  using V = std::vector<std::string>;
  Completion c = WithWords().Complete("\\output " + dir_ + "/o");
  EXPECT_TRUE(c.file);
  EXPECT_EQ(c.candidates, V{dir_ + "/other.json"});
  EXPECT_EQ(Candidates("\\o " + dir_ + "/s"), V{dir_ + "/sub/"});
  EXPECT_EQ(Candidates("\\i '" + dir_ + "/my"), V{"'" + dir_ + "/my results.csv"});
  EXPECT_EQ(Candidates("\\output " + dir_ + "/my"), V{"'" + dir_ + "/my results.csv"})
      << "a name with a space gets a quote";
  EXPECT_EQ(Candidates("COPY (SELECT 1) TO '" + dir_ + "/oth"), V{"'" + dir_ + "/other.json"});
  EXPECT_EQ(Candidates("copy measurements to '" + dir_ + "/"),
            (V{"'" + dir_ + "/my results.csv", "'" + dir_ + "/other.json", "'" + dir_ + "/sub/"}));
  EXPECT_FALSE(WithWords().Complete("\\timing o").file) << "not a file argument";
  EXPECT_TRUE(Candidates("SELECT 1 WHERE x = '" + dir_ + "/o").empty()) << "a literal";
}

TEST(CompleterTest, CommonPrefix) {
  EXPECT_EQ(CommonPrefix({"site_id", "site_name"}), "site_");
  EXPECT_EQ(CommonPrefix({"a"}), "a");
  EXPECT_EQ(CommonPrefix({}), "");
}

TEST(StatementHistoryTest, OneEntryPerStatementMetaCommandsOnTheirOwn) {
  using V = std::vector<std::string>;
  StatementHistory h;
  h.Sent("SELECT a", false);
  EXPECT_EQ(h.TakeEntries(false), V{});
  h.Sent("\\format csv", true);  // inside the pending statement: an entry at once
  EXPECT_EQ(h.TakeEntries(false), V{"\\format csv"});
  h.Sent("", true);
  h.Sent("FROM t;", true);
  EXPECT_EQ(h.TakeEntries(true), V{"SELECT a\n\nFROM t;"});
  EXPECT_EQ(h.TakeEntries(true), V{});
  h.Sent("SELECT b", false);
  h.Interrupted();  // Ctrl-C drops it
  EXPECT_EQ(h.TakeEntries(true), V{});
  h.Sent("SELECT 1; SELECT 2;", false);
  EXPECT_EQ(h.TakeEntries(true), V{"SELECT 1; SELECT 2;"});
  h.Sent("   ", false);
  EXPECT_EQ(h.TakeEntries(true), V{});
}

}  // namespace
}  // namespace plume::launcher

namespace plume::launcher {
namespace {

TEST(EndGrace, ArmsAtPlumesEndingLineEvenCutAcrossReads) {
  EndGrace grace(3);
  grace.Feed("progress 10%\rplume: rank 5 on team4-host has not answered for 3 s; ending", 10);
  EXPECT_FALSE(grace.armed());
  EXPECT_EQ(grace.WaitMs(10), -1);
  grace.Feed(" the job\nmore\n", 11);
  ASSERT_TRUE(grace.armed());
  EXPECT_FALSE(grace.Expired(13.9));
  EXPECT_EQ(grace.WaitMs(12.5), 1500);
  EXPECT_TRUE(grace.Expired(14));
  EXPECT_EQ(grace.WaitMs(20), 0);
  grace.Feed("plume: again; ending the job\n", 30);  // the first line set the clock
  EXPECT_TRUE(grace.Expired(14));
}

TEST(EndGrace, OtherLinesDoNotArm) {
  EndGrace grace(3);
  grace.Feed("Error: the statement; ending the job soon\n; ending the job is not this\n", 0);
  grace.Feed("no newline yet; ending the job", 0);
  EXPECT_FALSE(grace.armed());
}

TEST(EndGrace, ExitCodeIsNeverZeroOnceArmed) {
  EndGrace grace(3);
  EXPECT_EQ(grace.ExitCode(0, false), 0);
  EXPECT_EQ(grace.ExitCode(137, false), 137) << "not armed: the job's own code";
  grace.Feed("plume: x; ending the job\n", 0);
  EXPECT_EQ(grace.ExitCode(0, false), 1);
  EXPECT_EQ(grace.ExitCode(137, false), 1) << "plume's watcher stopped mpirun";
  EXPECT_EQ(grace.ExitCode(1, false), 1);
  EXPECT_EQ(grace.ExitCode(2, true), 1);
  EXPECT_NE(grace.StoppedMessage().find("had not ended 3 s after plume ended it"),
            std::string::npos);
}

TEST(EndGrace, SecondsFromTheEnvironment) {
  ::setenv("PLUME_END_GRACE", "0.5", 1);
  EXPECT_DOUBLE_EQ(EndGrace::FromEnvironment(), 0.5);
  ::setenv("PLUME_END_GRACE", "soon", 1);
  EXPECT_DOUBLE_EQ(EndGrace::FromEnvironment(), EndGrace::kDefaultSeconds);
  ::setenv("PLUME_END_GRACE", "-1", 1);
  EXPECT_DOUBLE_EQ(EndGrace::FromEnvironment(), EndGrace::kDefaultSeconds);
  ::unsetenv("PLUME_END_GRACE");
  EXPECT_DOUBLE_EQ(EndGrace::FromEnvironment(), EndGrace::kDefaultSeconds);
}

}  // namespace
}  // namespace plume::launcher
