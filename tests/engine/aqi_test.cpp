// The EPA AQI (engine/aqi.h): EPA's worked examples, every breakpoint edge, truncation of
// decimal concentrations, categories; and on the real AirNow rows, aqi(parameter,
// concentration) against the aqi column AirNow published (docs/DATA.md reports the counts).
#include "engine/aqi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "engine/query.h"
#include "engine/schema.h"
#include "tests/engine/test_table.h"

namespace plume::engine {
namespace {

std::optional<std::int64_t> Aqi(const char* parameter, double c) {
  return AqiOf(*PollutantOf(parameter), c);
}

// EPA 454/B-18-007, "Using the table and the equation": 8-hour ozone 0.07853333 ppm truncates
// to 0.078 -> 125.5 -> 126; 24-hour PM2.5 35.92431999 ug/m3 -> 35.9 -> 102; 8-hour CO
// 8.47532711 ppm -> 8.4 -> 90. (Ozone here in AirNow's ppb.)
TEST(AqiTest, EpaWorkedExamples) {
  EXPECT_EQ(Aqi("OZONE", 78.53333), 126);
  EXPECT_EQ(Aqi("PM2.5", 35.92431999), 102);
  EXPECT_EQ(Aqi("CO", 8.47532711), 90);
}

TEST(AqiTest, BreakpointEdgesOfEveryTable) {
  struct Edge {
    const char* p;
    double c;
    std::int64_t aqi;
  };
  const Edge edges[] = {
      {"PM2.5", 0.0, 0},     {"PM2.5", 12.0, 50},   {"PM2.5", 12.09, 50},  {"PM2.5", 12.1, 51},
      {"PM2.5", 35.4, 100},  {"PM2.5", 35.5, 101},  {"PM2.5", 55.4, 150},  {"PM2.5", 55.5, 151},
      {"PM2.5", 150.4, 200}, {"PM2.5", 150.5, 201}, {"PM2.5", 250.4, 300}, {"PM2.5", 250.5, 301},
      {"PM2.5", 350.4, 400}, {"PM2.5", 350.5, 401}, {"PM2.5", 500.4, 500}, {"PM10", 54.9, 50},
      {"PM10", 55, 51},      {"PM10", 154, 100},    {"PM10", 155, 101},    {"PM10", 254, 150},
      {"PM10", 255, 151},    {"PM10", 354, 200},    {"PM10", 355, 201},    {"PM10", 424, 300},
      {"PM10", 425, 301},    {"PM10", 504, 400},    {"PM10", 505, 401},    {"PM10", 604, 500},
      {"OZONE", 54.9, 50},   {"OZONE", 55, 51},     {"OZONE", 70, 100},    {"OZONE", 71, 101},
      {"OZONE", 85, 150},    {"OZONE", 86, 151},    {"OZONE", 105, 200},   {"OZONE", 106, 201},
      {"OZONE", 200, 300},   {"OZONE", 300, 300},   {"OZONE", 405, 301},   {"OZONE", 604, 500},
      {"NO2", 53, 50},       {"NO2", 54, 51},       {"NO2", 100, 100},     {"NO2", 101, 101},
      {"NO2", 360, 150},     {"NO2", 361, 151},     {"NO2", 649, 200},     {"NO2", 650, 201},
      {"NO2", 2049, 500},    {"SO2", 35, 50},       {"SO2", 36, 51},       {"SO2", 75, 100},
      {"SO2", 76, 101},      {"SO2", 185, 150},     {"SO2", 186, 151},     {"SO2", 304, 200},
      {"SO2", 305, 201},     {"SO2", 1004, 500},    {"CO", 4.4, 50},       {"CO", 4.5, 51},
      {"CO", 9.4, 100},      {"CO", 9.5, 101},      {"CO", 12.4, 150},     {"CO", 12.5, 151},
      {"CO", 15.4, 200},     {"CO", 15.5, 201},     {"CO", 30.4, 300},     {"CO", 30.5, 301},
      {"CO", 40.4, 400},     {"CO", 40.5, 401},     {"CO", 50.4, 500},
  };
  for (const Edge& e : edges) EXPECT_EQ(Aqi(e.p, e.c), e.aqi) << e.p << " " << e.c;
}

// Past the last row AirNow extends its line (PM2.5 5643.8 -> 3897, PM10 7294 -> 7190 in this
// data); below 0 after truncation there is no AQI (-0.9 ppb -> 0, -1.0 ppb -> none).
TEST(AqiTest, BeyondTheTableAndBelowZero) {
  EXPECT_EQ(Aqi("PM2.5", 5643.8), 3897);
  EXPECT_EQ(Aqi("PM10", 7294), 7190);
  EXPECT_EQ(Aqi("NO2", -0.9), 0);
  EXPECT_EQ(Aqi("SO2", -1.0), std::nullopt);
  EXPECT_EQ(Aqi("PM2.5", -0.05), 0);
  EXPECT_EQ(Aqi("PM2.5", std::nan("")), std::nullopt);
  EXPECT_THROW(Aqi("PM2.5", std::numeric_limits<double>::infinity()), std::runtime_error);
  EXPECT_THROW(Aqi("PM2.5", 2e12), std::runtime_error);
  EXPECT_TRUE(Aqi("PM10", 1e12).has_value());
}

TEST(AqiTest, TruncationReadsTheDecimalADoublePrints) {
  for (int k = 0; k <= 100000; ++k) {
    const std::string text = std::to_string(k / 10) + "." + std::to_string(k % 10);
    ASSERT_EQ(TruncateConcentration(std::strtod(text.c_str(), nullptr), 1), k) << text;
    const std::string two =
        std::to_string(k / 100) + "." + std::to_string(k % 100 / 10) + std::to_string(k % 10);
    ASSERT_EQ(TruncateConcentration(std::strtod(two.c_str(), nullptr), 2), k) << two;
  }
  EXPECT_EQ(TruncateConcentration(12.09, 1), 120);
  EXPECT_EQ(TruncateConcentration(-4.8, 0), -4);
}

TEST(AqiTest, PollutantNamesAndCategories) {
  EXPECT_EQ(PollutantOf("pm2.5"), Pollutant::kPm25);
  EXPECT_EQ(PollutantOf("Ozone"), Pollutant::kOzone);
  EXPECT_EQ(PollutantOf("PM25"), std::nullopt);
  EXPECT_EQ(PollutantOf(""), std::nullopt);
  EXPECT_EQ(AqiTableOf(Pollutant::kOzone).unit, "PPB");
  const std::pair<std::int64_t, int> cats[] = {{0, 1},   {50, 1},  {51, 2},  {100, 2},
                                               {101, 3}, {150, 3}, {151, 4}, {200, 4},
                                               {201, 5}, {300, 5}, {301, 6}, {3897, 6}};
  for (const auto& [aqi, cat] : cats) EXPECT_EQ(AqiCategory(aqi), cat) << aqi;
  EXPECT_THROW(AqiCategory(-1), std::runtime_error);
  EXPECT_EQ(AqiCategoryName(1), "Good");
  EXPECT_EQ(AqiCategoryName(3), "Unhealthy for Sensitive Groups");
  EXPECT_EQ(AqiCategoryName(6), "Hazardous");
}

// The SQL functions: names, types, NULLs, errors.
TEST(AqiTest, SqlFunctions) {
  testing::Row r(kSchema.size());
  r[static_cast<std::size_t>(Col::kParameter)] = std::string("PM2.5");
  r[static_cast<std::size_t>(Col::kConcentration)] = 35.9;
  r[static_cast<std::size_t>(Col::kAqi)] = std::int64_t{102};
  r[static_cast<std::size_t>(Col::kUtc)] = std::int64_t{0};
  for (const Col c : {Col::kUnit, Col::kSiteName, Col::kAgency, Col::kAqsId, Col::kFullAqsId}) {
    r[static_cast<std::size_t>(c)] = std::string("x");
  }
  r[static_cast<std::size_t>(Col::kLatitude)] = 1.0;
  r[static_cast<std::size_t>(Col::kLongitude)] = 1.0;
  const std::vector<Table> parts = {testing::MakeTable({r})};
  const Plan plan = Plan::Parse(
      "SELECT aqi(parameter, concentration) AS a, aqi_category(aqi) AS c, aqi_category_name(aqi)"
      " AS n, aqi('ozone', 78.5), aqi('BC', 1), aqi(parameter, NULL), aqi_category(NULL)"
      " FROM measurements");
  ASSERT_EQ(plan.output().size(), 7u);
  EXPECT_EQ(plan.output()[0].type, Type::kInt64);
  EXPECT_EQ(plan.output()[2].type, Type::kString);
  EXPECT_EQ(plan.output()[3].name, "aqi('ozone', 78.5)");
  EXPECT_EQ(testing::RowText(testing::RunPipeline(plan, parts).at(0)),
            testing::RowText({std::int64_t{102},
                              std::int64_t{3},
                              std::string("Unhealthy for "
                                          "Sensitive Groups"),
                              std::int64_t{126},
                              {},
                              {},
                              {}}));
  EXPECT_THROW(Plan::Parse("SELECT aqi(parameter) FROM measurements"), SqlError);
  EXPECT_THROW(Plan::Parse("SELECT aqi(concentration, parameter) FROM measurements"), SqlError);
  EXPECT_THROW(Plan::Parse("SELECT aqi_category(concentration) FROM measurements"), SqlError);
  EXPECT_THROW(testing::RunPipeline(Plan::Parse("SELECT aqi_category(aqi - 200) FROM "
                                                "measurements"),
                                    parts),
               std::runtime_error);
}

// Every real AirNow row: aqi(parameter, concentration) against the published aqi. AirNow computed
// its aqi from the NowCast concentration with these tables for PM2.5, PM10, OZONE, NO2 and SO2,
// so they agree on every row, NULLs included (concentrations that truncate below 0 have no AQI
// on either side; above the table both extend the last row's line). The only difference: AirNow
// publishes no AQI for CO, where aqi() computes one.
TEST(AqiRealData, AqiOfTheConcentrationIsTheAqiColumn) {
  const std::filesystem::path dir = std::filesystem::path(PLUME_AIRNOW_DIR) / "data";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << "AirNow data not found under " << dir << " (set PLUME_AIRNOW_DIR)";
  }
  std::vector<Table> parts;
  for (const auto& day : std::filesystem::directory_iterator(dir)) {
    std::vector<testing::Row> rows;
    for (const auto& f : std::filesystem::directory_iterator(day.path())) {
      std::vector<testing::Row> file = testing::ReadAirNowCsv(f.path().string());
      rows.insert(rows.end(), std::make_move_iterator(file.begin()),
                  std::make_move_iterator(file.end()));
    }
    parts.push_back(testing::MakeTable(rows));
  }
  const Plan plan = Plan::Parse(
      "SELECT parameter, count(*), count(aqi), count(*) FILTER (aqi(parameter, concentration) ="
      " aqi) AS same, count(*) FILTER (aqi(parameter, concentration) IS DISTINCT FROM aqi) AS"
      " differ, count(*) FILTER (aqi IS NULL AND aqi(parameter, concentration) IS NOT NULL) AS"
      " ours_only, count(*) FILTER (concentration <= 500.4 AND aqi(parameter, concentration) ="
      " aqi) AS to_500_4, count(*) FILTER (aqi_category(aqi) IS DISTINCT FROM category) AS cat"
      " FROM measurements GROUP BY parameter ORDER BY parameter");
  std::vector<std::string> got;
  for (const testing::Row& r : testing::RunPipeline(plan, parts))
    got.push_back(testing::RowText(r));
  // parameter | rows | with aqi | same | differ | ours only | same up to 500.4 | category
  const std::vector<std::vector<std::int64_t>> want = {
      {59666, 0, 0, 59660, 59660, 0, 0},          // CO: 6 rows below 0 ppm have none on either side
      {97613, 97535, 97535, 0, 0, 97535, 0},      // NO2
      {478728, 470814, 470814, 0, 0, 470814, 0},  // OZONE
      {125784, 125554, 125554, 0, 0, 125145, 0},  // PM10
      {334402, 333603, 333603, 0, 0, 333011, 0},  // PM2.5
      {71332, 71014, 71014, 0, 0, 71014, 0}};     // SO2
  const char* names[] = {"CO", "NO2", "OZONE", "PM10", "PM2.5", "SO2"};
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    testing::Row row = {std::string(names[i])};
    for (const std::int64_t v : want[i]) row.emplace_back(v);
    EXPECT_EQ(got[i], testing::RowText(row));
  }
}

}  // namespace
}  // namespace plume::engine
