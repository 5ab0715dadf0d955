// End-to-end checks of hand-computed results through partitions, wire and two merge levels.
#include <gtest/gtest.h>

#include "engine/schema.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

using I = std::int64_t;
const Value kNull{};

Row M(double lat, I utc, std::string param, Value conc, Value aqi, std::string site) {
  return MeasurementRow(lat, utc, std::move(param), conc, aqi, std::move(site));
}

std::vector<Table> Parts() {
  std::vector<Table> parts;
  parts.push_back(
      MakeTable({M(1, 100, "OZONE", 10.5, I{40}, "A"), M(2, 200, "PM2.5", kNull, kNull, "B")}));
  parts.push_back(MakeTable({M(3, 300, "OZONE", 20.0, I{60}, "C")}));
  parts.push_back(MakeTable({}));
  parts.push_back(
      MakeTable({M(4, 400, "PM2.5", 5.0, I{20}, "A"), M(5, 500, "OZONE", kNull, I{90}, "B")}));
  return parts;
}

std::vector<std::string> Texts(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(RowText(r));
  return out;
}

std::vector<std::string> Query(const std::string& sql, RunOptions o = {}) {
  return Texts(RunPipeline(Plan::Parse(sql), Parts(), o));
}

TEST(Pipeline, FilterAndOrder) {
  EXPECT_EQ(Query("SELECT site_name, aqi FROM measurements WHERE aqi > 30 ORDER BY aqi DESC;"),
            (std::vector<std::string>{"B|90", "C|60", "A|40"}));
  EXPECT_EQ(Query("select latitude from measurements where aqi is null"),
            (std::vector<std::string>{"2.0"}));
  EXPECT_EQ(Query("select latitude from measurements order by concentration nulls first, latitude"),
            (std::vector<std::string>{"2.0", "5.0", "4.0", "1.0", "3.0"}));
}

TEST(Pipeline, Aggregates) {
  EXPECT_EQ(Query("SELECT count(*), count(aqi), sum(aqi), avg(concentration), min(site_name), "
                  "max(utc) FROM measurements"),
            (std::vector<std::string>{"5|4|210|11.833333333333334|A|500"}));
  EXPECT_EQ(Query("SELECT parameter, count(*) AS n, sum(concentration) FROM measurements GROUP BY "
                  "parameter ORDER BY n DESC"),
            (std::vector<std::string>{"OZONE|3|30.5", "PM2.5|2|5.0"}));
  EXPECT_EQ(Query("SELECT count(*), sum(aqi), max(site_name) FROM measurements WHERE aqi > 1000"),
            (std::vector<std::string>{"0|NULL|NULL"}));
  EXPECT_EQ(
      Query("SELECT aqi, count(*) FROM measurements WHERE aqi IS NULL OR aqi < 30 GROUP BY aqi "
            "ORDER BY aqi"),
      (std::vector<std::string>{"20|1", "NULL|1"}));
}

// Integer and timestamp keys take the dense group table (codes from the zone maps, whole hours
// as one step): negative values, NULLs, and a partition whose utc is off the hour.
TEST(Pipeline, DenseIntegerAndHourKeys) {
  std::vector<Table> parts;
  parts.push_back(
      MakeTable({M(1, 3600, "OZONE", 1.0, I{-5}, "A"), M(2, 7200, "OZONE", 2.0, kNull, "A"),
                 M(3, 3600, "PM2.5", 3.0, I{7}, "B"), M(4, 7200, "PM2.5", 4.0, kNull, "B")}));
  parts.push_back(
      MakeTable({M(5, 3601, "OZONE", 5.0, I{-5}, "A"), M(6, 3600, "OZONE", 6.0, I{7}, "A")}));
  auto run = [&](const std::string& sql) { return Texts(RunPipeline(Plan::Parse(sql), parts)); };
  EXPECT_EQ(run("SELECT site_name, utc, aqi, count(*), sum(concentration) FROM measurements "
                "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"),
            (std::vector<std::string>{"A|3600|-5|1|1.0", "A|3600|7|1|6.0", "A|3601|-5|1|5.0",
                                      "A|7200|NULL|1|2.0", "B|3600|7|1|3.0", "B|7200|NULL|1|4.0"}));
  EXPECT_EQ(run("SELECT aqi, utc, count(*) FROM measurements GROUP BY 1, 2 ORDER BY 1 NULLS "
                "FIRST, 2"),
            (std::vector<std::string>{"NULL|7200|2", "-5|3600|1", "-5|3601|1", "7|3600|2"}));
}

// A partition's groups leave it column by column in slices (PartitionAggregator::Emit), and the
// final stage takes the group keys from the merged keys, not through its slots: NULL keys (a
// DOUBLE key, hashed; a BIGINT key, dense) next to a VARCHAR key, keys in another order than the
// select list, and a select-list expression, HAVING and ORDER BY over the keys' groups.
TEST(Pipeline, GroupKeysInSlicesAndOutOfOrder) {
  RunOptions o;
  o.batch_rows = 2;
  EXPECT_EQ(Query("SELECT concentration, site_name, aqi, count(*) FROM measurements "
                  "GROUP BY site_name, aqi, concentration ORDER BY 1 NULLS FIRST, 2, 3",
                  o),
            (std::vector<std::string>{"NULL|B|90|1", "NULL|B|NULL|1", "5.0|A|20|1", "10.5|A|40|1",
                                      "20.0|C|60|1"}));
  EXPECT_EQ(Query("SELECT site_name, aqi + 1 AS a, max(utc) FROM measurements GROUP BY site_name, "
                  "aqi HAVING count(*) >= 1 ORDER BY 3 DESC LIMIT 3",
                  o),
            (std::vector<std::string>{"B|91|500", "A|21|400", "C|61|300"}));
}

TEST(Pipeline, LimitWithoutOrder) {
  for (std::size_t batch : {1, 2, 100}) {
    EXPECT_EQ(Query("SELECT aqi FROM measurements LIMIT 3", {2, batch}).size(), 3u);
  }
  EXPECT_EQ(Query("SELECT aqi FROM measurements LIMIT 0").size(), 0u);
}

TEST(Pipeline, OrderedMergeSmallBatches) {
  for (std::size_t teams : {1, 2, 3}) {
    EXPECT_EQ(Query("SELECT utc FROM measurements ORDER BY latitude DESC LIMIT 4", {teams, 1}),
              (std::vector<std::string>{"500", "400", "300", "200"}));
  }
}

// EXPLAIN runs through partitions and both merge levels like any statement and returns one
// row: DuckDB's explain_key / explain_value columns, the stages and where they run.
TEST(Pipeline, ExplainReturnsTheDistributedPlan) {
  const Plan plan = Plan::Parse(
      "EXPLAIN SELECT site_name, count(*) AS n FROM measurements WHERE aqi > 50 AND "
      "utc >= '2020-09-12' AND concentration > raw_concentration * 2 GROUP BY site_name "
      "HAVING count(*) > 1 ORDER BY n DESC LIMIT 3");
  ASSERT_EQ(plan.output().size(), 2u);
  EXPECT_EQ(plan.output()[0].name, "explain_key");
  EXPECT_EQ(plan.output()[1].name, "explain_value");
  const std::vector<Row> rows = RunPipeline(Plan::Deserialize(plan.Serialize()), Parts());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows[0][0]), "physical_plan");
  const std::string text = std::get<std::string>(rows[0][1]);
  for (const char* part :
       {"stage 1: every data rank", "aqi > 50   [zone maps]", "utc in [2020-09-12T00:00, +inf]",
        "(concentration > (raw_concentration * 2))   [expression", "hash GROUP BY site_name",
        "stage 2: each team leader", "stage 3: the gateway", "HAVING (count_star() > 1)",
        "ORDER BY n DESC NULLS LAST", "LIMIT 3", "exchange: none"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << " not in\n" << text;
  }
}

}  // namespace
}  // namespace plume::engine::testing
