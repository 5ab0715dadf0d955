// End-to-end runs of the real `plume` binary under mpirun (3 ranks): the prompt fed through a
// pipe, and one-shot/batch runs with --report. Paths come from the environment that ctest sets:
// PLUME_BIN, PLUME_E2E_DATA, MPIEXEC.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

using Json = nlohmann::json;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct PlumeRun {
  int code = -1;
  std::string out, err;
};

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("PLUME_BIN").empty() || Env("PLUME_E2E_DATA").empty()) {
      GTEST_SKIP() << "PLUME_BIN / PLUME_E2E_DATA not set (run through ctest)";
    }
  }

  // Runs `mpirun -n 3 plume --data DATA args...` with `input` on stdin.
  PlumeRun Plume(const std::vector<std::string>& args, const std::string& input = "") {
    TempFile in, out, err;
    if (write(in.fd(), input.data(), input.size()) != static_cast<ssize_t>(input.size())) {
      ADD_FAILURE() << "cannot write stdin file";
    }
    std::string mpiexec = Env("MPIEXEC").empty() ? "mpirun" : Env("MPIEXEC");
    std::string cmd = Quote(mpiexec) + " -n 3 --oversubscribe --timeout 60";
    if (geteuid() == 0) cmd += " --allow-run-as-root";
    cmd += " " + Quote(Env("PLUME_BIN")) + " --data " + Quote(Env("PLUME_E2E_DATA"));
    for (const std::string& a : args) {  // two appends: `" " + Quote(a)` trips g++ 12's
      cmd += ' ';                        // -Wrestrict false positive once nlohmann is included
      cmd += Quote(a);
    }
    cmd += " <" + in.path() + " >" + out.path() + " 2>" + err.path();
    int status = std::system(cmd.c_str());
    PlumeRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = out.Text();
    r.err = err.Text();
    return r;
  }
};

TEST_F(E2eTest, PromptSessionThroughAPipeEndsWithZeroAtEof) {
  PlumeRun r = Plume({},
                     "SELECT count(*)\n  AS n FROM measurements;\n"
                     "SELEC oops;\n"
                     "SELECT count(*) AS n FROM measurements WHERE aqi >= 0;\n"
                     "\\chunk 1\n"
                     "SELECT * FROM measurements ORDER BY utc &\n"
                     "\\status 4\n"
                     "\\list\n"
                     "\\cancel 4\n"
                     "\\chunk 7\n"
                     "\\format csv\n"
                     "SELECT parameter, count(*) AS n FROM measurements GROUP BY parameter "
                     "ORDER BY parameter LIMIT 2;\n");
  EXPECT_EQ(r.code, 0) << r.err;
  // No person: no prompt, no progress; the results, messages and errors in order on stdout.
  EXPECT_EQ(r.out.find("plume>"), std::string::npos);
  std::string count = "     n\n-------\n 20000\n(1 row)\n";
  ASSERT_EQ(r.out.substr(0, count.size()), count) << r.out;
  std::size_t error = r.out.find("Error", count.size());
  ASSERT_NE(error, std::string::npos) << r.out;
  EXPECT_LT(error, r.out.find("(1 row)", count.size())) << r.out;  // error, then an answer
  EXPECT_NE(r.out.find("[4] started in the background\nrequest 4: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  4 | "), std::string::npos) << r.out;  // \list
  EXPECT_NE(r.out.find("Cancelling request 4.\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[4] cancelled: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" had arrived, not shown (cancelled by user)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Chunk size is 7 rows.\nOutput format is csv.\n"), std::string::npos);
  EXPECT_NE(r.out.find("parameter,n\nCO,"), std::string::npos) << r.out;
}

TEST_F(E2eTest, OneShotWithReportIsConsistentWithTheRowsWritten) {
  TempFile out, report;
  PlumeRun r = Plume({"-c",
                      "SELECT * FROM measurements ORDER BY utc, site_name LIMIT 2500; "
                      "SELECT count(*) FROM measurements;",
                      "--format", "csv", "--chunk", "1000", "--output", out.path(), "--report",
                      report.path()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  Json j = Json::parse(report.Text());
  EXPECT_EQ(j.at("world").at("ranks").get<double>(), 3);
  EXPECT_EQ(j.at("world").at("partitions").get<double>(), 2);
  EXPECT_EQ(j.at("world").at("rows").get<double>(), 20000);
  ASSERT_EQ(j.at("statements").size(), 2u);
  const Json& first = j.at("statements").at(0);
  EXPECT_EQ(first.at("status").get<std::string>(), "completed");
  EXPECT_EQ(first.at("rows").get<double>(), 2500);
  EXPECT_EQ(first.at("chunks").get<double>(), 3);
  EXPECT_GT(first.at("bytes_received").get<double>(), 0);
  EXPECT_GT(first.at("first_chunk_ms").get<double>(), 0);
  EXPECT_GE(first.at("total_ms").get<double>(), first.at("first_chunk_ms").get<double>());
  EXPECT_EQ(j.at("statements").at(1).at("rows").get<double>(), 1);
  std::string csv = out.Text();
  EXPECT_EQ(Count(csv, "\n"), 2500 + 1 + 1 + 1);  // rows + a header per statement
  EXPECT_EQ(j.at("totals").at("bytes").get<double>(), csv.size());
  EXPECT_EQ(j.at("totals").at("rows").get<double>(), 2501);
  EXPECT_NE(csv.find("\ncount_star()\n20000\n"), std::string::npos);
}

TEST_F(E2eTest, PartlyFailedFileExitsNonZeroAndRunsTheRest) {
  TempFile script, report;
  std::string text =
      "SELECT count(*) FROM measurements;\nSELECT nope FROM measurements;\n"
      "SELECT max(aqi) FROM measurements;\n";
  ASSERT_EQ(write(script.fd(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  PlumeRun r = Plume({"-f", script.path(), "--report", report.path(), "--format", "csv"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("[statement 2] "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Error"), std::string::npos) << r.err;
  Json j = Json::parse(report.Text());
  ASSERT_EQ(j.at("statements").size(), 3u);
  EXPECT_EQ(j.at("statements").at(0).at("status").get<std::string>(), "completed");
  EXPECT_EQ(j.at("statements").at(1).at("status").get<std::string>(), "failed");
  EXPECT_EQ(j.at("statements").at(2).at("status").get<std::string>(), "completed");
  EXPECT_NE(r.out.find("count_star()\n20000\n"), std::string::npos) << r.out;
}

TEST_F(E2eTest, RepeatAndConcurrency) {
  TempFile report, out;
  PlumeRun r = Plume({"-c",
                      "SELECT count(*) FROM measurements WHERE aqi > 50; "
                      "SELECT parameter, count(*) FROM measurements GROUP BY parameter "
                      "ORDER BY parameter;",
                      "--repeat", "3", "--concurrency", "3", "--format", "csv", "--output",
                      out.path(), "--report", report.path()});
  EXPECT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(report.Text());
  ASSERT_EQ(j.at("statements").size(), 6u);
  std::string first_answer;
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(j.at("statements").at(i).at("statement").get<double>(), 1 + i / 3);
    EXPECT_EQ(j.at("statements").at(i).at("repeat").get<double>(), 1 + i % 3);
    EXPECT_EQ(j.at("statements").at(i).at("status").get<std::string>(), "completed");
  }
  // Results in statement order, each repetition identical.
  std::string csv = out.Text();
  EXPECT_EQ(Count(csv, "count_star()\n"), 6);
  std::size_t second = csv.find("parameter,count_star()\n");
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(csv.find("count_star()\n", 0), 0u);
  EXPECT_EQ(Count(csv.substr(0, second), "count_star()\n"), 3);
}

TEST_F(E2eTest, FailedWriteCancelsTheRequestAndTheJobEndsCleanly) {
  TempFile report;
  PlumeRun r = Plume({"-c", "SELECT * FROM measurements; SELECT count(*) FROM measurements;",
                      "--format", "csv", "--output", "/dev/full", "--report", report.path()});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(Count(r.err, "Error: writing results to /dev/full failed: No space left on device"), 2)
      << r.err;
  Json j = Json::parse(report.Text());
  EXPECT_EQ(j.at("statements").at(0).at("status").get<std::string>(), "failed");
  EXPECT_EQ(j.at("statements").at(1).at("status").get<std::string>(), "failed");
  EXPECT_EQ(r.err.find("signal"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace plume::frontend::testing
