// The front end over the real engine (no MPI): the fake backend runs statements through
// engine::PartitionExecution and engine::Merger over two small in-memory partitions.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

using Json = nlohmann::json;

class EngineSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_.UseEngine(MakeSmallPartitions(2, 50)); }
  FakeBackend fake_;
};

// A statement error shows the statement's line with a caret under the position (issue 13 item
// 4), at the prompt and in batch mode; the position counts in the statement as submitted.
TEST_F(EngineSessionTest, StatementErrorsGetACaretLine) {
  Captured c =
      RunPrompt(fake_, {{0, "SELECT parameter"}, {0, "FROM measurements WHERE aqii > 5;"}});
  EXPECT_NE(c.out.find("\nLINE 2: FROM measurements WHERE aqii > 5\n"
                       "                                ^\n"),
            std::string::npos)
      << c.out;
  CliOptions options;
  options.commands = {"SELECT count(*) FROM measurement;"};
  Captured b = RunBatch(fake_, options);
  EXPECT_NE(b.err.find("LINE 1: SELECT count(*) FROM measurement\n"
                       "                             ^\n"),
            std::string::npos)
      << b.err;
}

// COPY's query errors point at what was typed, with "did you mean" (issue 13 item 4: not into
// the query plume made for it), and a COPY that fails leaves its file as it was: an existing
// one kept, none made (DuckDB writes beside it and renames). One that completes replaces the
// file and leaves nothing else in the directory.
TEST_F(EngineSessionTest, CopyErrorsPointAtTheTypedTextAndKeepTheFile) {
  char name[] = "/tmp/plume_copy_testXXXXXX";
  ASSERT_NE(::mkdtemp(name), nullptr);
  std::string dir = name, kept = dir + "/kept.csv", fresh = dir + "/fresh.csv";
  std::ofstream(kept) << "old\n";
  Captured c =
      RunPrompt(fake_, {{0, "COPY measurment TO '" + kept + "';"},
                        {0, "COPY (SELECT site_nme FROM measurements) TO '" + fresh + "';"},
                        {0, "COPY (SELECT aqi"},
                        {0, "FROM measurements WHERE aqii > 1) TO '" + fresh + "';"},
                        {0, "SELECT 1 AS between_failures FROM measurements LIMIT 1;"}});
  EXPECT_NE(c.out.find("Error: unknown table 'measurment' (did you mean 'measurements'?) (at "
                       "character 6)\nLINE 1: COPY measurment TO '" +
                       kept + "'\n             ^\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("(did you mean 'site_name'?) (at character 14)\n"
                       "LINE 1: COPY (SELECT site_nme FROM measurements) TO '" +
                       fresh + "'\n                     ^\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("(at character 42)\nLINE 2: FROM measurements WHERE aqii > 1) TO '" + fresh +
                       "'\n                                ^\n"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(ReadFile(kept), "old\n");
  EXPECT_NE(::access(fresh.c_str(), F_OK), 0) << "a failed COPY made " << fresh;
  Captured ok = RunPrompt(fake_, {{0,
                                   "COPY (SELECT aqi FROM measurements WHERE aqi > 0 ORDER BY aqi "
                                   "LIMIT 2) TO '" +
                                       kept + "';"}});
  EXPECT_NE(ok.out.find("COPY 2 rows to " + kept + ".\n"), std::string::npos) << ok.out;
  EXPECT_EQ(ReadFile(kept), "aqi\n1\n2\n");
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) entries += !e.path().empty();
  EXPECT_EQ(entries, 1u);
  std::filesystem::remove_all(dir);
}

// \list and \status show a COPY or SUMMARIZE as typed (the backend runs other SQL for them),
// a COPY's error with its place in the typed text.
TEST_F(EngineSessionTest, ListAndStatusShowWhatWasTyped) {
  Captured c = RunPrompt(fake_, {{0, "COPY measurment TO '/nonexistent-dir/x.csv';"},
                                 {0, "COPY measurment TO '/tmp/never-written-by-plume.csv';"},
                                 {0, "\\status"},
                                 {0, "SUMMARIZE measurements;"},
                                 {0, "\\list"}});
  EXPECT_NE(c.out.find("(did you mean 'measurements'?) (at character 6)\n"
                       "  COPY measurment TO '/tmp/never-written-by-plume.csv'\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("| COPY measurment TO '/tmp/never-written-by-plume.csv'\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("| SUMMARIZE measurements\n"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("| SELECT"), std::string::npos) << c.out;
}

TEST_F(EngineSessionTest, FormatsWhatTheEngineReturns) {
  Captured c = RunPrompt(
      fake_,
      {{0, "SELECT parameter, count(*) AS n, max(aqi)"},
       {0, "FROM measurements GROUP BY parameter ORDER BY parameter;"},
       {0, "SELECT nope FROM measurements;"},
       {0, "\\format csv"},
       {0, "SELECT utc, site_name, aqi, concentration FROM measurements ORDER BY utc LIMIT 3;"},
       {0, "\\format json"},
       {0,
        "SELECT utc, site_name, aqi FROM measurements WHERE aqi IS NULL ORDER BY utc "
        "LIMIT 1;"}});
  EXPECT_EQ(c.code, 0);
  std::string table =
      " parameter |  n | max(aqi)\n"
      "-----------+----+----------\n"
      " OZONE     | 50 |       98\n"
      " PM2.5     | 50 |       99\n"
      "(2 rows)\n";
  ASSERT_EQ(c.out.substr(0, table.size()), table) << c.out;
  std::size_t error = c.out.find("Error", table.size());
  ASSERT_NE(error, std::string::npos) << c.out;
  EXPECT_NE(c.out.find("nope", error), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Output format is csv.\n"
                       "utc,site_name,aqi,concentration\n"
                       "2020-09-10T00:00,Oakland,,\n"
                       "2020-09-10T01:00,\"Fresno, CA\",1,0.5\n"
                       "2020-09-10T02:00,\"Say \"\"hi\"\"\",2,1.0\n"
                       "Output format is json.\n"
                       "{\"utc\":\"2020-09-10T00:00\",\"site_name\":\"Oakland\",\"aqi\":null}\n"),
            std::string::npos)
      << c.out;
}

TEST_F(EngineSessionTest, ChunkSizeShapesTheStreamAndTheReportCountsIt) {
  TempFile out, report;
  CliOptions options;
  options.data_dir = "unused";
  options.commands = {
      "SELECT * FROM measurements ORDER BY utc DESC; "
      "SELECT site_name, count(*) FROM measurements GROUP BY site_name"};
  options.format = "json";
  options.chunk_rows = 7;
  options.output = out.path();
  options.report = report.path();
  Captured c = RunBatch(fake_, options);
  EXPECT_EQ(c.code, 0) << c.err;
  Json j = Json::parse(report.Text());
  EXPECT_EQ(j.at("world").at("rows").get<double>(), 100);
  EXPECT_EQ(j.at("statements").at(0).at("rows").get<double>(), 100);
  EXPECT_GE(j.at("statements").at(0).at("chunks").get<double>(), 15);  // chunks of at most 7 rows
  EXPECT_EQ(j.at("statements").at(1).at("rows").get<double>(), 3);
  std::string text = out.Text();
  EXPECT_EQ(Count(text, "\n"), 103);
  EXPECT_EQ(j.at("totals").at("bytes").get<double>(), text.size());
  // Every line is one valid JSON object; the first is the latest hour.
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    Json row = Json::parse(std::string_view(text).substr(start, nl - start));
    EXPECT_TRUE(row.is_object());
    if (start == 0) {
      EXPECT_EQ(row.at("utc").get<std::string>(), "2020-09-14T03:00");
    }
    start = nl + 1;
  }
}

}  // namespace
}  // namespace plume::frontend::testing
