// plume-preprocess as a user runs it: exit codes, the summary, --strict, bad paths and usage.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>

#include "io/manifest.h"
#include "io/partition_reader.h"
#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

using test::Line;
using test::TempDir;

struct CliRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

CliRun Preprocess(const std::string& args) {
  const std::string command = std::string(PLUME_PREPROCESS_BIN) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(Cli, IngestsAndPrintsASummaryThatAddsUp) {
  TempDir dir("cli-ingest");
  test::WriteFile(dir.File("a.csv"), Line() + "\n\n" + Line("oops") + "\n" + Line("40.1") + "\n");
  const CliRun r =
      Preprocess("--input " + dir.File("a.csv") + " --out " + dir.File("out") + " --partitions 2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("a.csv:3: unparsable number"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("files read 1, lines read 4, rows stored 2, rows rejected 1, skipped "
                          "(blank/header) 1"),
            std::string::npos)
      << r.output;
  const io::Manifest m = io::ReadManifest(dir.File("out"));
  EXPECT_EQ(m.total_rows, 2u);
  EXPECT_EQ(m.partitions.size(), 2u);
}

TEST(Cli, StrictFailsOnARejectedLineAndWritesNothing) {
  TempDir dir("cli-strict");
  test::WriteFile(dir.File("a.csv"), Line() + "\n" + Line("oops") + "\n");
  const CliRun r = Preprocess("--input " + dir.path() + " --out " + dir.File("out") +
                              " --partitions 1 --strict");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("rows rejected 1"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.File("out/manifest.json")));
}

// A NUL byte in a quoted field: the line is rejected with file:line and the rest is a data set
// that loads (issue 12: it was stored, and loading then failed on an unsorted dictionary).
TEST(Cli, ControlBytesAreRejectedAndTheDataSetLoads) {
  TempDir dir("cli-nul");
  std::string nul = Line("40.1");
  nul.insert(nul.find("Crescent") + 4, 1, '\0');
  test::WriteFile(dir.File("a.csv"), Line() + "\n" + nul + "\n" + Line("40.2") + "\n");
  const CliRun r =
      Preprocess("--input " + dir.File("a.csv") + " --out " + dir.File("out") + " --partitions 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("a.csv:2: control byte: SiteName: control byte 0x00"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("rows stored 2, rows rejected 1"), std::string::npos) << r.output;
  const io::Manifest m = io::ReadManifest(dir.File("out"));
  const engine::Table t = io::LoadPartition(dir.File("out"), m, m.partitions[0]);
  EXPECT_EQ(t.rows, 2u);
}

TEST(Cli, ListRejectsListsMore) {
  TempDir dir("cli-list");
  std::string text;
  for (int i = 0; i < 14; ++i) text += Line(std::string("x").append(std::to_string(i))) + "\n";
  test::WriteFile(dir.File("a.csv"), text + Line() + "\n");
  const std::string args =
      "--input " + dir.File("a.csv") + " --out " + dir.File("out") + " --partitions 1";
  CliRun r = Preprocess(args);
  EXPECT_EQ(r.output.find("a.csv:11:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("... and 4 more rejected lines"), std::string::npos) << r.output;
  r = Preprocess(args + " --list-rejects 12");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("a.csv:12:"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("a.csv:13:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("... and 2 more rejected lines"), std::string::npos) << r.output;
  EXPECT_EQ(Preprocess(args + " --list-rejects x").exit_code, 2);
}

TEST(Cli, AMissingInputIsAClearError) {
  TempDir dir("cli-missing");
  const CliRun r =
      Preprocess("--input /nonexistent/airnow --out " + dir.File("out") + " --partitions 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("'/nonexistent/airnow' does not exist"), std::string::npos) << r.output;
}

TEST(Cli, BadUsageExitsTwoWithUsage) {
  for (const std::string args : {"", "--input x.csv --partitions 2", "--out d --partitions 0",
                                 "--synthetic 10 --out d", "--bogus"}) {
    const CliRun r = Preprocess(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("usage: plume-preprocess"), std::string::npos) << r.output;
  }
  const CliRun help = Preprocess("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--synthetic ROWS"), std::string::npos);
}

TEST(Cli, GeneratesTheSyntheticDataSet) {
  TempDir dir("cli-synthetic");
  const CliRun r = Preprocess("--synthetic 20000 --seed 3 --out " + dir.path() + " --partitions 4");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const io::Manifest m = io::ReadManifest(dir.path());
  EXPECT_EQ(m.total_rows, 20000u);
  EXPECT_EQ(m.source, "synthetic seed=3 rows=20000");
  // An hour is 2,263 rows (pairs): each boundary is the hour end nearest to its quarter
  // (4,526 of 5,000; 9,052 of 10,000; 15,841 of 15,000), so no hour is in two partitions.
  EXPECT_NE(r.output.find("wrote 4 partitions (cut at utc values)"), std::string::npos) << r.output;
  std::vector<std::uint64_t> rows;
  for (const io::PartitionInfo& p : m.partitions) rows.push_back(p.rows);
  EXPECT_EQ(rows, (std::vector<std::uint64_t>{4526, 4526, 6789, 4159}));
  for (std::size_t p = 1; p < m.partitions.size(); ++p) {
    EXPECT_GT(m.partitions[p].utc_min, m.partitions[p - 1].utc_max) << p;
  }
}

}  // namespace
}  // namespace plume::preprocess
