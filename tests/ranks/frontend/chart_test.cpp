// \chart: bars for categories, a line chart over time, a PNG through gnuplot.
#include "ranks/frontend/chart.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

class ChartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddResult(
        "SELECT parameter, n FROM t",
        BatchBuilder().Strings("parameter", {"OZONE", "PM2.5", "CO"}).Ints("n", {400, 200, 100}));
    std::vector<std::int64_t> hours, aqi;
    for (int h = 0; h < 48; ++h) {
      hours.push_back(1597021200 + 3600 * h);
      aqi.push_back(h < 24 ? 10 : 90);
    }
    fake_.AddResult("SELECT utc, aqi FROM t", BatchBuilder().Times("utc", hours).Ints("aqi", aqi));
    fake_.AddResult("SELECT parameter FROM t", BatchBuilder().Strings("parameter", {"OZONE"}));
  }
  FakeBackend fake_;
};

TEST_F(ChartTest, BarsForCategoriesScaledToTheLargest) {
  Captured c =
      RunPrompt(fake_, {{0, "\\maxwidth 60"}, {0, "SELECT parameter, n FROM t;"}, {0, "\\chart"}});
  // 60 columns: label 5 + " |" + bar of up to 60 - 5 - 16 = 39 characters + value.
  EXPECT_NE(c.out.find("OZONE |" + std::string(39, '*') + " 400\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("PM2.5 |" + std::string(20, '*') + " 200\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("CO    |" + std::string(10, '*') + " 100\n* n\n"), std::string::npos)
      << c.out;
}

TEST_F(ChartTest, LineChartWhenTheFirstColumnIsATime) {
  Captured c =
      RunPrompt(fake_, {{0, "\\maxwidth 60"}, {0, "SELECT utc, aqi FROM t;"}, {0, "\\chart"}});
  EXPECT_NE(c.out.find("        90 |"), std::string::npos) << c.out;   // top: the maximum
  EXPECT_NE(c.out.find("        10 |*"), std::string::npos) << c.out;  // bottom: the first hours
  EXPECT_NE(c.out.find("2020-08-10T01:00"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("2020-08-12T00:00\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("* aqi\n"), std::string::npos) << c.out;
}

TEST_F(ChartTest, NothingToDrawSaysWhy) {
  Captured c = RunPrompt(fake_, {{0, "\\chart"}, {0, "SELECT parameter FROM t;"}, {0, "\\chart"}});
  EXPECT_NE(c.out.find("Error: \\chart has no rows to draw (run a statement first)"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Error: \\chart needs a numeric column after the first one"),
            std::string::npos)
      << c.out;
}

TEST_F(ChartTest, PngThroughGnuplot) {
  if (::access("/usr/bin/gnuplot", X_OK) != 0)
    GTEST_SKIP() << "gnuplot is not installed (scripts/setup)";
  TempFile png;
  Captured c = RunPrompt(fake_, {{0, "SELECT utc, aqi FROM t;"}, {0, "\\chart " + png.path()}});
  EXPECT_NE(c.out.find("Chart written to " + png.path() + ".\n"), std::string::npos) << c.out;
  EXPECT_EQ(png.Text().substr(0, 4), "\x89PNG");
  Captured bad =
      RunPrompt(fake_, {{0, "SELECT utc, aqi FROM t;"}, {0, "\\chart /nonexistent/x.png"}});
  EXPECT_NE(bad.out.find("Error: \\chart: gnuplot failed: "), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace plume::frontend::testing
