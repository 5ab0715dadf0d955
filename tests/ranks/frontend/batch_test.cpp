// One-shot and batch mode against the fake backend: output, exit codes, --repeat,
// --concurrency and the --report JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

using Json = nlohmann::json;

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddResult("SELECT a, b FROM t",
                    BatchBuilder().Ints("a", {1, 2, 3}).Strings("b", {"x", "y", "z"}));
    fake_.AddError("SELEC oops", "Parser Error: syntax error at or near \"SELEC\"");
    for (int s = 1; s <= 2; ++s) {
      std::vector<std::int64_t> n(30, s);
      fake_.AddResult("SELECT " + std::to_string(s), BatchBuilder().Ints("s", n), 0.03);
    }
    options_.data_dir = "unused";
    options_.output = output_.path();
    options_.report = report_.path();
  }

  Json Report() const { return Json::parse(report_.Text()); }

  FakeBackend fake_;
  CliOptions options_;
  TempFile output_, report_;
};

TEST_F(BatchTest, AllGoodWritesResultsAndAConsistentReport) {
  options_.commands = {"SELECT a, b FROM t; SELECT a, b FROM t"};
  options_.format = "csv";
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.err, "");
  std::string one = "a,b\n1,x\n2,y\n3,z\n";
  EXPECT_EQ(output_.Text(), one + one);
  Json report = Report();
  EXPECT_EQ(report.at("world").at("ranks").get<double>(), 3);
  EXPECT_EQ(report.at("world").at("leaders").at(0).get<double>(), 1);
  EXPECT_EQ(report.at("world").at("partitions").get<double>(), 2);
  EXPECT_EQ(report.at("world").at("rows").get<double>(), 1000);
  const Json& runs = report.at("statements");
  ASSERT_EQ(runs.size(), 2u);
  double bytes = 0;
  for (const Json& run : runs) {
    EXPECT_EQ(run.at("sql").get<std::string>(), "SELECT a, b FROM t");
    EXPECT_EQ(run.at("status").get<std::string>(), "completed");
    EXPECT_TRUE(run.at("error").is_null());
    EXPECT_EQ(run.at("rows").get<double>(), 3);
    EXPECT_EQ(run.at("chunks").get<double>(), 1);
    EXPECT_EQ(run.at("bytes").get<double>(), one.size());
    EXPECT_EQ(run.at("repeat").get<double>(), 1);
    EXPECT_GE(run.at("total_ms").get<double>(), run.at("first_chunk_ms").get<double>());
    // total_ms is printed to the microsecond: allow for that rounding.
    double ms = run.at("total_ms").get<double>();
    EXPECT_NEAR(run.at("rows_per_s").get<double>(), 3 / (ms / 1e3), 3e3 / ms * (0.0006 / ms) + 0.1);
    bytes += run.at("bytes").get<double>();
  }
  EXPECT_EQ(runs.at(0).at("statement").get<double>(), 1);
  EXPECT_EQ(runs.at(1).at("statement").get<double>(), 2);
  EXPECT_EQ(bytes, output_.Text().size());
  EXPECT_EQ(report.at("totals").at("executions").get<double>(), 2);
  EXPECT_EQ(report.at("totals").at("completed").get<double>(), 2);
  EXPECT_EQ(report.at("totals").at("rows").get<double>(), 6);
  EXPECT_EQ(report.at("totals").at("bytes").get<double>(), bytes);
}

TEST_F(BatchTest, PartlyFailedFileRunsTheRestAndExitsNonZero) {
  TempFile script;
  std::string text =
      "-- a benchmark file\nSELECT a,\n  b FROM t;\nSELEC oops;\nSELECT a, b FROM t\n";
  ASSERT_EQ(write(script.fd(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  options_.file = script.path();
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err, "[statement 2] Parser Error: syntax error at or near \"SELEC\"\n");
  EXPECT_EQ(Count(output_.Text(), "(3 rows)\n"), 2);
  Json report = Report();
  ASSERT_EQ(report.at("statements").size(), 3u);
  EXPECT_EQ(report.at("statements").at(0).at("status").get<std::string>(), "completed");
  EXPECT_EQ(report.at("statements").at(1).at("status").get<std::string>(), "failed");
  EXPECT_EQ(report.at("statements").at(1).at("error").get<std::string>(),
            "Parser Error: syntax error at or near \"SELEC\"");
  EXPECT_EQ(report.at("statements").at(1).at("rows").get<double>(), 0);
  EXPECT_TRUE(report.at("statements").at(1).at("first_chunk_ms").is_null());
  EXPECT_EQ(report.at("statements").at(2).at("status").get<std::string>(), "completed");
  EXPECT_EQ(report.at("totals").at("failed").get<double>(), 1);
}

TEST_F(BatchTest, RepeatAndConcurrencyKeepOutputInStatementOrder) {
  options_.commands = {"SELECT 2; SELECT 1;"};
  options_.format = "csv";
  options_.chunk_rows = 10;  // 3 chunks of 30 ms each
  options_.repeat = 3;
  options_.concurrency = 4;
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(fake_.submitted(), 6);
  EXPECT_EQ(fake_.peak_running(), 4);  // overlapped, not one after another
  std::string twos = "s\n", ones = "s\n";
  for (int i = 0; i < 30; ++i) twos += "2\n", ones += "1\n";
  EXPECT_EQ(output_.Text(), twos + twos + twos + ones + ones + ones);
  Json report = Report();
  ASSERT_EQ(report.at("statements").size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const Json& run = report.at("statements").at(i);
    EXPECT_EQ(run.at("statement").get<double>(), 1 + i / 3);
    EXPECT_EQ(run.at("repeat").get<double>(), 1 + i % 3);
    EXPECT_EQ(run.at("rows").get<double>(), 30);
    EXPECT_EQ(run.at("chunks").get<double>(), 3);
    EXPECT_EQ(run.at("bytes").get<double>(), twos.size());
  }
}

// Rank 0's memory guard over held output (issue 12 item 4): statement 2 runs while statement 1
// still writes, so its text is held; past --memory-limit it fails naming rank 0 and the stage,
// and statement 3 answers.
TEST_F(BatchTest, HeldOutputPastTheMemoryLimitFailsThatStatementOnly) {
  fake_.AddResult("SELECT wide",
                  BatchBuilder().Strings("w", std::vector<std::string>(50, std::string(300, 'w'))));
  Backend::WorldInfo world = fake_.World();
  world.memory_limit = 2048;  // one chunk of 10 rows of 300 bytes passes it
  fake_.set_world(world);
  options_.commands = {"SELECT 2; SELECT wide; SELECT a, b FROM t"};
  options_.format = "csv";
  options_.chunk_rows = 10;  // SELECT 2: 3 chunks of 30 ms each
  options_.concurrency = 3;
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.err.find("[statement 2] Error: gateway (rank 0): statement needs more than 2 KiB in "
                       "the held output (--memory-limit)\n"),
            std::string::npos)
      << c.err;
  EXPECT_EQ(c.err.find("[statement 1]"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("[statement 3]"), std::string::npos) << c.err;
  std::string twos = "s\n";
  for (int i = 0; i < 30; ++i) twos += "2\n";
  const std::string text = output_.Text();
  EXPECT_EQ(text.substr(0, twos.size()), twos);
  const std::string last = "a,b\n1,x\n2,y\n3,z\n";
  ASSERT_GE(text.size(), last.size());
  EXPECT_EQ(text.substr(text.size() - last.size()), last);
  const Json report = Report();
  const Json& runs = report.at("statements");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs.at(0).at("status").get<std::string>(), "completed");
  EXPECT_EQ(runs.at(1).at("status").get<std::string>(), "failed");
  EXPECT_EQ(runs.at(2).at("status").get<std::string>(), "completed");
}

TEST_F(BatchTest, ALostRankStopsTheScriptWithOneMessage) {
  options_.commands = {"SELECT 1;"};
  options_.format = "null";
  options_.repeat = 1000;
  const std::string lost = "Error: rank 5 on team4-host has not answered for 3 s";
  fake_.LoseRankAt(3, lost);
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_LE(fake_.submitted(), 4);  // not a thousand failures
  EXPECT_EQ(Count(c.err, lost), 2) << c.err;
  EXPECT_NE(c.err.find("[statement 1 run 3] " + lost + "\n"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find(lost + ": the rest of the script is not run\n"), std::string::npos) << c.err;
  EXPECT_EQ(Report()["statements"].size(), static_cast<std::size_t>(fake_.submitted()));
}

TEST_F(BatchTest, ConcurrencyOneRunsOneAtATime) {
  options_.commands = {"SELECT 1; SELECT 2;"};
  options_.format = "null";
  options_.repeat = 2;
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(fake_.peak_running(), 1);
  EXPECT_EQ(output_.Text(), "");  // null format: rows reach the gateway and are dropped
  Json report = Report();
  EXPECT_EQ(report.at("totals").at("rows").get<double>(), 120);
  EXPECT_EQ(report.at("totals").at("bytes").get<double>(), 0);
}

TEST_F(BatchTest, SettingCommandsInScriptsApplyToLaterStatements) {
  options_.commands = {"SELECT a, b FROM t;\n\\format json\nSELECT a, b FROM t;"};
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_NE(output_.Text().find("(3 rows)\n{\"a\":1,\"b\":\"x\"}\n"), std::string::npos)
      << output_.Text();
  options_.commands = {"\\list\nSELECT a, b FROM t;"};
  c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err, "Error: \\list works only at the prompt\n");
}

// A setting line that fails (\list, a bad \output or \chunk) makes the exit code 1, but the
// statements around it still run and the report is still written, naming the failed line.
TEST_F(BatchTest, FailedSettingLineStillWritesTheReport) {
  for (const std::string line : {"\\list", "\\output /nonexistent/dir/o.csv", "\\chunk -3"}) {
    SCOPED_TRACE(line);
    ASSERT_EQ(truncate(report_.path().c_str(), 0), 0);
    options_.commands = {"SELECT a, b FROM t;\n" + line + "\nSELECT a, b FROM t;"};
    Captured c = RunBatch(fake_, options_);
    EXPECT_EQ(c.code, 1);
    EXPECT_NE(c.err.find("Error: "), std::string::npos) << c.err;
    ASSERT_NE(report_.Text(), "");
    Json report = Report();
    ASSERT_EQ(report.at("statements").size(), 2u);
    EXPECT_EQ(report.at("statements").at(0).at("status").get<std::string>(), "completed");
    EXPECT_EQ(report.at("statements").at(1).at("status").get<std::string>(), "completed");
    EXPECT_EQ(report.at("totals").at("executions").get<double>(), 2);
    const Json& errors = report.at("script_errors");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors.at(0).at("line").get<std::string>(), line);
    EXPECT_EQ(errors.at(0).at("after_statement").get<double>(), 1);
    EXPECT_EQ(errors.at(0).at("error").get<std::string>() + "\n", c.err);
  }
}

TEST_F(BatchTest, BadInputsAndFailedWritesGiveErrors) {
  options_.file = "/nonexistent/q.sql";
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err,
            "Error: cannot read statements from /nonexistent/q.sql: No such file or "
            "directory\n");
  options_.file = "/tmp";
  c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err, "Error: cannot read statements from /tmp: Is a directory\n");
  options_.file.clear();
  options_.commands = {"SELECT a, b FROM t;"};
  options_.output = "/dev/full";
  options_.format = "csv";
  c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err,
            "[statement 1] Error: writing results to /dev/full failed: No space left on "
            "device\n");
  EXPECT_EQ(Report().at("statements").at(0).at("status").get<std::string>(), "failed");
}

// A launcher that hands plume a fifo standing for its own stdout (scripts/plume-shell -c) names
// it with --output-name, so errors say "standard output" and not the fifo's temporary path.
TEST_F(BatchTest, OutputNameNamesTheOutputInErrors) {
  options_.commands = {"SELECT a, b FROM t;"};
  options_.output = "/dev/full";
  options_.output_name = "standard output";
  options_.format = "csv";
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err,
            "[statement 1] Error: writing results to standard output failed: No space left on "
            "device\n");
  std::string error;
  EXPECT_EQ(OutputTarget::Open("-", &error)->name(), "standard output");
}

// A report that cannot be written is found out before anything runs, not after the whole run.
TEST_F(BatchTest, UnwritableReportFailsBeforeRunningAnything) {
  options_.commands = {"SELECT a, b FROM t; SELECT a, b FROM t;"};
  options_.report = "/nonexistent/dir/r.json";
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err,
            "Error: cannot write the report to /nonexistent/dir/r.json: No such file or "
            "directory\n");
  EXPECT_EQ(fake_.submitted(), 0);
  EXPECT_EQ(output_.Text(), "");
  options_.report = "/tmp";
  c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err, "Error: cannot write the report to /tmp: Is a directory\n");
  EXPECT_EQ(fake_.submitted(), 0);
}

// A failed write of the report says it is the report, not results, that could not be written.
TEST_F(BatchTest, FailedReportWriteNamesTheReport) {
  options_.commands = {"SELECT a, b FROM t;"};
  options_.report = "/dev/full";
  Captured c = RunBatch(fake_, options_);
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.err, "Error: writing the report to /dev/full failed: No space left on device\n");
  EXPECT_EQ(Count(output_.Text(), "(3 rows)\n"), 1);
}

}  // namespace
}  // namespace plume::frontend::testing
