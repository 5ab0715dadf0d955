// psql manners at the prompt (issue 13): settings shown without argument, meta commands inside
// a pending statement, DuckDB dot-command hints, exit/quit, \i, \x, \maxrows, \maxwidth,
// COPY ... TO, complete files, visible control bytes.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

class PromptMannersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddResult("SELECT a, b FROM t",
                    BatchBuilder().Ints("a", {1, 2, 3}).Strings("b", {"x", "y", "z"}));
    std::vector<std::int64_t> n(100);
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::int64_t>(i);
    fake_.AddResult("SELECT n FROM hundred", BatchBuilder().Ints("n", n));
    fake_.AddResult("SELECT s FROM long",
                    BatchBuilder().Strings("s", {std::string(100, 'v') + "END"}));
    fake_.AddResult("SELECT s FROM hostile", BatchBuilder().Strings("s", {"a\x1b]0;pwn\x07z"}));
  }
  FakeBackend fake_;
};

TEST_F(PromptMannersTest, SettingsWithoutArgumentShowTheirValue) {
  Captured c = RunPrompt(fake_, {{0, "\\format"},
                                 {0, "\\chunk 1"},
                                 {0, "\\chunk"},
                                 {0, "\\timing"},
                                 {0, "\\timeout"},
                                 {0, "\\output"},
                                 {0, "\\maxrows"},
                                 {0, "\\maxwidth 0"},
                                 {0, "\\x"}});
  EXPECT_EQ(c.out,
            "Output format is table.\nChunk size is 1 row.\nChunk size is 1 row.\n"
            "Timing is on.\nStatement timeout is off.\nResults go to standard output.\n"
            "The table shows 50 rows at the screen.\nThe table may take any width at the "
            "screen.\nExpanded display is on.\n");
}

TEST_F(PromptMannersTest, MetaCommandsActInsideAPendingStatement) {
  Captured c = RunPrompt(fake_, {{0, "SELECT a, b"}, {0, "\\format csv"}, {0, "FROM t;"}});
  EXPECT_EQ(c.out, "Output format is csv.\na,b\n1,x\n2,y\n3,z\n");
}

TEST_F(PromptMannersTest, DotCommandsGetAHintAndDoNotSwallowLines) {
  Captured c =
      RunPrompt(fake_, {{0, ".mode csv"}, {0, "\\format csv"}, {0, "SELECT a, b FROM t;"}});
  EXPECT_NE(c.out.find("Error: .mode is a DuckDB command; in plume use \\format"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Output format is csv.\na,b\n1,x\n"), std::string::npos) << c.out;
}

TEST_F(PromptMannersTest, ExitAndQuitAloneLeave) {
  for (const char* word : {"exit", "quit", "  quit;"}) {
    FakeBackend fake;
    fake.AddResult("SELECT 1", BatchBuilder().Ints("x", {1}));
    Captured c = RunPrompt(fake, {{0, word}, {0, "SELECT 1;"}});
    EXPECT_EQ(c.code, 0);
    EXPECT_EQ(fake.submitted(), 0) << word;
  }
  // Inside a statement they are SQL (a column named exit, say).
  Captured c = RunPrompt(fake_, {{0, "SELECT a, b FROM t"}, {0, "exit"}, {0, ";"}});
  EXPECT_EQ(fake_.submitted(), 1);
}

TEST_F(PromptMannersTest, IncludeRunsAFileWithQuotedNameAndTilde) {
  TempFile dir_marker;  // a unique name for the directory below
  std::string home = dir_marker.path() + ".home";
  ASSERT_EQ(::mkdir(home.c_str(), 0700), 0);
  std::string script = home + "/my script.sql";
  std::ofstream(script) << "\\format csv\nSELECT a, b\nFROM t;\nSELECT n FROM hundred\n";
  setenv("HOME", home.c_str(), 1);
  Captured c = RunPrompt(fake_, {{0, "\\i '~/my script.sql'"}, {0, "\\i ~/missing.sql"}});
  EXPECT_NE(c.out.find("Output format is csv.\na,b\n1,x\n2,y\n3,z\nn\n0\n1\n"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Error: cannot read statements from " + home +
                       "/missing.sql: No such file or directory"),
            std::string::npos)
      << c.out;
  std::remove(script.c_str());
  ::rmdir(home.c_str());
}

TEST_F(PromptMannersTest, MaxRowsCutsTheScreenAndZeroShowsAll) {
  Captured c = RunPrompt(fake_, {{0, "\\maxrows 10"},
                                 {0, "SELECT n FROM hundred;"},
                                 {0, "\\maxrows 0"},
                                 {0, "SELECT n FROM hundred;"}});
  EXPECT_NE(c.out.find("(100 rows, 10 shown (\\maxrows 0 shows all))\n"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("  7\n ...\n 98\n"), std::string::npos) << c.out;  // 8 + 2 rows
  EXPECT_NE(c.out.find(" 50\n 51\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("(100 rows)\n"), std::string::npos) << c.out;
}

TEST_F(PromptMannersTest, OutputFileGetsEveryRowAndEveryCharacter) {
  TempFile file;
  Captured c = RunPrompt(fake_, {{0, "\\output " + file.path()},
                                 {0, "SELECT n FROM hundred;"},
                                 {0, "SELECT s FROM long;"},
                                 {0, "\\output -"},
                                 {0, "SELECT s FROM long;"}});
  std::string text = file.Text();
  EXPECT_NE(text.find(" 50\n 51\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(100 rows)\n"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string(100, 'v') + "END"), std::string::npos) << text;
  EXPECT_EQ(c.out.find("END"), std::string::npos) << c.out;  // the screen cuts at 40
  EXPECT_NE(c.out.find("vvv...\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Results go to " + file.path() + ".\n"), std::string::npos) << c.out;
}

TEST_F(PromptMannersTest, ExpandedDisplayShowsOneLinePerColumn) {
  Captured c = RunPrompt(fake_, {{0, "\\x on"}, {0, "SELECT a, b FROM t;"}});
  EXPECT_NE(c.out.find("-[ RECORD 1 ]-----------\na | 1\nb | x\n-[ RECORD 2 ]"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("b | z\n(3 rows)\n"), std::string::npos) << c.out;
}

TEST_F(PromptMannersTest, CopyWritesTheQueryToAFileInOneStep) {
  TempFile csv, json;
  Captured c = RunPrompt(
      fake_, {{0, "COPY (SELECT a, b FROM t) TO '" + csv.path() + "' (FORMAT csv, HEADER);"},
              {0, "COPY (SELECT a, b FROM t) TO '" + json.path() + "' (FORMAT json);"},
              {0, "COPY (SELECT a, b FROM t) TO '/nonexistent/x.csv';"},
              {0, "COPY (SELECT a, b FROM t) TO 'x' (FORMAT parquet);"}});
  EXPECT_EQ(csv.Text(), "a,b\n1,x\n2,y\n3,z\n");
  EXPECT_EQ(json.Text(), "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\n{\"a\":3,\"b\":\"z\"}\n");
  EXPECT_NE(c.out.find("COPY 3 rows to " + csv.path() + ".\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Error: cannot open output file /nonexistent/x.csv: No such file"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("FORMAT csv or json, not 'parquet'"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("a | b"), std::string::npos) << c.out;  // nothing on the screen
  EXPECT_EQ(fake_.submitted(), 2);
}

// A COPY cancelled halfway leaves the file it would replace as it was, and no partial file
// beside it (the rows went to a temporary file: copy_sink.h).
TEST_F(PromptMannersTest, ACancelledCopyKeepsTheOldFile) {
  fake_.AddResult("SELECT n FROM slow", BatchBuilder().Ints("n", {1, 2, 3, 4, 5, 6, 7, 8}), 0.1);
  TempFile old;
  std::ofstream(old.path()) << "old\n";
  Captured c = RunPrompt(fake_, {{0, "\\chunk 1"},
                                 {0, "COPY (SELECT n FROM slow) TO '" + old.path() + "';"},
                                 {0.35, "\x03"}});
  EXPECT_NE(c.out.find("Error: statement cancelled"), std::string::npos) << c.out;
  EXPECT_EQ(old.Text(), "old\n");
  std::string dir = old.path().substr(0, old.path().rfind('/'));
  std::string prefix = "." + old.path().substr(dir.size() + 1) + ".plume-";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string().rfind(prefix, 0), 0u) << e.path() << " was left";
  }
}

TEST_F(PromptMannersTest, ControlBytesFromTheDataAreShownVisibly) {
  Captured c = RunPrompt(fake_, {{0, "SELECT s FROM hostile;"}});
  EXPECT_EQ(c.out.find('\x1b'), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find('\x07'), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("a\\x1b]0;pwn\\x07z"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace plume::frontend::testing

namespace plume::frontend::testing {
namespace {

TEST(SchemaAtThePrompt, DescribeShowTablesAndBackslashD) {
  FakeBackend fake;
  fake.set_world({6, {1, 4}, 5, 1167525, "airnow-csv", "test set", "off"});
  Captured c = RunPrompt(fake, {{0, "DESCRIBE measurements;"},
                                {0, "SHOW TABLES;"},
                                {0, "\\d"},
                                {0, "describe readings;"},
                                {0, "\\d readings"}});
  EXPECT_NE(c.out.find(" column_name       | column_type | null | key  | default | extra\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find(" latitude          | DOUBLE      | NO   | NULL | NULL    | NULL\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find(" aqi               | BIGINT      | YES  |"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find(" utc               | TIMESTAMP   | NO "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("(13 rows)\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find(" name\n--------------\n measurements\n(1 row)\n"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Table measurements: 1,167,525 rows in 5 partitions, from the AirNow "
                       "CSV files (real measurements).\n column_name"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(Count(c.out, "Error: unknown table 'readings' (the only table is measurements)"), 2)
      << c.out;
  EXPECT_EQ(fake.submitted(), 0);  // answered by the front end
}

// A misspelt table gets a "did you mean" in every statement the front end answers itself;
// SHOW measurements is DESCRIBE (as in DuckDB); DESCRIBE of a query is named as unsupported.
TEST(SchemaAtThePrompt, MisspeltTablesAndShow) {
  FakeBackend fake;
  Captured c = RunPrompt(fake, {{0, "DESCRIBE measurment;"},
                                {0, "\\d Measurments"},
                                {0, "SUMMARIZE measurment;"},
                                {0, "SHOW measurements;"},
                                {0, "SHOW TABLE;"},
                                {0, "DESCRIBE SELECT 1;"}});
  EXPECT_EQ(Count(c.out, "(did you mean 'measurements'?)"), 3) << c.out;
  // Typed statements get the place and the caret under the table, as DuckDB shows them; \d
  // (whose DESCRIBE was not typed) only the message.
  EXPECT_NE(c.out.find("(did you mean 'measurements'?) (at character 10)\n"
                       "LINE 1: DESCRIBE measurment\n"
                       "                 ^\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("(at character 11)\nLINE 1: SUMMARIZE measurment\n                  ^\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Error: unknown table 'measurments' (did you mean 'measurements'?)\n"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(Count(c.out, " column_name       | column_type | null |"), 1) << c.out;
  EXPECT_NE(c.out.find("Error: unknown table 'table' (did you mean SHOW TABLES?) (at character 6)\n"
                       "LINE 1: SHOW TABLE\n"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Error: DESCRIBE of a query is not supported (DESCRIBE measurements is)"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(fake.submitted(), 0);
}

TEST(SchemaAtThePrompt, SyntheticDataIsNamedAsSuch) {
  FakeBackend fake;
  fake.set_world({3, {1}, 2, 20000, "synthetic seed=3 rows=20000", "test set", "off"});
  Captured c = RunPrompt(fake, {{0, "\\d measurements"}});
  EXPECT_NE(c.out.find("from SYNTHETIC data (synthetic seed=3 rows=20000), not real"),
            std::string::npos)
      << c.out;
}

}  // namespace
}  // namespace plume::frontend::testing
