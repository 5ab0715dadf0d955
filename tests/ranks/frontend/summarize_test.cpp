// SUMMARIZE measurements (issue 13 item 3) over the real engine on small in-memory partitions:
// DuckDB's columns and types, each figure equal to the aggregate that defines it, DuckDB's
// VARCHAR text for timestamps, NULL where DuckDB has none, and errors for what is not there.
#include <gtest/gtest.h>

#include "ranks/frontend/summarize.h"
#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

class SummarizeTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_.UseEngine(MakeSmallPartitions(3, 40)); }
  // The csv lines of running `lines` at the prompt (a person: no; csv format).
  std::string Csv(const std::vector<std::string>& lines) {
    TimedInput input{{0, "\\format csv"}};
    for (const std::string& l : lines) input.push_back({0, l});
    std::string out = RunPrompt(fake_, input).out;
    return out.substr(out.find('\n') + 1);  // after "Output format is csv."
  }
  // The SUMMARIZE line of `column`.
  std::string Row(const std::string& summary, const std::string& column) {
    std::size_t at = summary.find(std::string(1, '\n').append(column).append(","));
    if (at == std::string::npos) return "";
    return summary.substr(at + 1, summary.find('\n', at + 1) - at - 1);
  }
  FakeBackend fake_;
};

TEST_F(SummarizeTest, HasDuckDbsColumnsAndOneRowPerColumn) {
  std::string s = Csv({"SUMMARIZE measurements;"});
  EXPECT_TRUE(
      s.starts_with("column_name,column_type,min,max,approx_unique,avg,std,q25,q50,q75,"
                    "count,null_percentage\n"))
      << s;
  EXPECT_EQ(Count(s, "\n"), 14) << s;
  EXPECT_EQ(s, Csv({"summarize;"})) << "the table is the default";
  EXPECT_EQ(s, Csv({"SUMMARIZE \"measurements\";"}));
}

TEST_F(SummarizeTest, EachFigureIsTheAggregateThatDefinesIt) {
  std::string s = Csv({"SUMMARIZE measurements;"});
  std::string aqi =
      Csv({"SELECT min(aqi), max(aqi), count(DISTINCT aqi), avg(aqi), stddev_samp(aqi), "
           "quantile_disc(aqi, 0.25), quantile_disc(aqi, 0.5), quantile_disc(aqi, 0.75), count(*), "
           "CAST(100.0 * (count(*) - count(aqi)) / count(*) AS DECIMAL(9,2)) FROM measurements;"});
  std::string want = aqi.substr(aqi.find('\n') + 1);
  want.pop_back();
  EXPECT_EQ(Row(s, "aqi"), std::string("aqi,BIGINT,").append(want)) << s;
  std::string conc =
      Csv({"SELECT min(concentration), max(concentration), count(DISTINCT concentration), "
           "avg(concentration), stddev_samp(concentration), quantile_cont(concentration, 0.25), "
           "quantile_cont(concentration, 0.5), quantile_cont(concentration, 0.75) FROM "
           "measurements;"});
  want = conc.substr(conc.find('\n') + 1);
  want.pop_back();
  EXPECT_TRUE(Row(s, "concentration")
                  .starts_with(std::string("concentration,DOUBLE,").append(want).append(",120,")))
      << Row(s, "concentration") << " vs " << want;
  std::string site =
      Csv({"SELECT min(site_name), max(site_name), count(DISTINCT site_name) "
           "FROM measurements;"});
  want = site.substr(site.find('\n') + 1);
  want.pop_back();
  EXPECT_EQ(Row(s, "site_name"),
            std::string("site_name,VARCHAR,").append(want).append(",,,,,,120,0.00"))
      << s;
}

TEST_F(SummarizeTest, TimestampsAreDuckDbsVarcharText) {
  std::string utc = Row(Csv({"SUMMARIZE measurements;"}), "utc");
  std::string range = Csv({"SELECT min(utc), max(utc) FROM measurements;"});
  std::string lo = range.substr(range.find('\n') + 1, 16);  // 2020-08-10T01:00
  lo[10] = ' ';
  EXPECT_TRUE(utc.starts_with(std::string("utc,TIMESTAMP,").append(lo).append(":00,")))
      << utc << " / " << range;
  // avg and the quartiles are times; std is NULL, as in DuckDB.
  std::vector<std::string> f;
  std::size_t pos = 0;
  while (pos <= utc.size()) {
    std::size_t comma = std::min(utc.find(',', pos), utc.size());
    f.push_back(utc.substr(pos, comma - pos));
    pos = comma + 1;
  }
  ASSERT_EQ(f.size(), 12u) << utc;
  EXPECT_EQ(f[6], "") << "std of a timestamp is NULL";
  for (int i : {5, 7, 8, 9}) EXPECT_EQ(f[i].substr(0, 4), "2020") << utc;
}

TEST_F(SummarizeTest, OtherTablesAndQueriesAreErrors) {
  EXPECT_NE(Csv({"SUMMARIZE readings;"}).find("Error: unknown table 'readings'"),
            std::string::npos);
  EXPECT_NE(Csv({"SUMMARIZE SELECT aqi FROM measurements;"})
                .find("Error: SUMMARIZE of a query is not supported"),
            std::string::npos);
  EXPECT_FALSE(IsSummarize("SUMMARIZED"));
  EXPECT_FALSE(IsSummarize("SELECT summarize FROM t"));
  EXPECT_TRUE(IsSummarize("  summarize;"));
}

TEST_F(SummarizeTest, AtThePromptItShowsTheStatementAsTyped) {
  Captured c = RunPrompt(fake_, {{0, "\\timing on"}, {0, "SUMMARIZE measurements;"}});
  EXPECT_NE(c.out.find("(13 rows"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("Error"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace plume::frontend::testing
