// Multi-stage statements (engine/staged.h): every stage run in order through partitions, the
// final merge and GatheredTable, checked against hand-computed answers and against equivalent
// one-stage statements.
#include "engine/staged.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

using I = std::int64_t;
const Value kNull{};

Row M(I utc, std::string param, Value conc, Value aqi, std::string site) {
  return Row{1.0,
             -120.0,
             utc,
             param,
             conc,
             std::string("PPB"),
             conc,
             aqi,
             aqi,
             site,
             std::string("Agency"),
             std::string("060010001"),
             std::string("840060010001")};
}

std::vector<Table> Parts() {
  std::vector<Table> parts;
  parts.push_back(
      MakeTable({M(3600, "OZONE", 10.5, I{40}, "A"), M(7200, "PM2.5", kNull, kNull, "B"),
                 M(90000, "PM2.5", 36.0, I{102}, "A")}));
  parts.push_back(
      MakeTable({M(10800, "OZONE", 20.0, I{60}, "C"), M(93600, "PM2.5", 40.0, I{112}, "A")}));
  parts.push_back(MakeTable({}));
  parts.push_back(
      MakeTable({M(180000, "PM2.5", 5.0, I{20}, "A"), M(183600, "OZONE", kNull, I{90}, "B"),
                 M(187200, "PM2.5", 50.0, I{137}, "C")}));
  return parts;
}

// Runs `plan` over `tables` (encode/decode, one final merge); the merged batches.
std::vector<Batch> RunPlan(const Plan& plan, const std::vector<const Table*>& tables) {
  Merger merger(plan, tables.size(), true);
  std::string wire;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    PartitionExecution ex(plan, *tables[i]);
    Batch b;
    while (ex.Next(2, &b)) {
      wire.clear();
      EncodeBatch(b, &wire);
      merger.Push(i, DecodeBatch(wire));
    }
    merger.Close(i);
  }
  std::vector<Batch> out;
  Batch b;
  while (merger.Pop(3, &b)) out.push_back(std::move(b));
  return out;
}

std::vector<std::string> RunStaged(const std::string& sql, std::uint64_t limit = 1u << 30) {
  const StagedStatement st = StagedStatement::Parse(sql);
  const std::vector<Table> parts = Parts();
  std::vector<Table> results;
  for (std::size_t i = 0; i < st.stages(); ++i) {
    const Plan plan = st.Bind(i, results);
    std::vector<const Table*> tables;
    if (st.source(i) < 0) {
      for (const Table& t : parts) tables.push_back(&t);
    } else {
      tables.push_back(&results.at(static_cast<std::size_t>(st.source(i))));
    }
    const std::vector<Batch> batches = RunPlan(plan, tables);
    if (i + 1 == st.stages()) {
      std::vector<std::string> rows;
      for (const Batch& b : batches) {
        for (const Row& r : BatchRows(b)) rows.push_back(RowText(r));
      }
      return rows;
    }
    GatheredTable g(st.fields(i), limit, "stage '" + st.name(i) + "' on rank 0");
    for (const Batch& b : batches) g.Append(b);
    results.push_back(g.Finish());
  }
  return {};
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Staged, OneStageIsThePlainPlan) {
  const StagedStatement st = StagedStatement::Parse("SELECT count(*) FROM measurements");
  EXPECT_EQ(st.stages(), 1u);
  EXPECT_EQ(st.source(0), -1);
  EXPECT_EQ(st.Single().Serialize(), Plan::Parse("SELECT count(*) FROM measurements").Serialize());
}

TEST(Staged, CteAggregateOfAggregate) {
  // Days over 35 per site: A has day 1 (36, 40) avg 38 > 35; day 2 (5) no. C day 2: 50.
  const std::string sql =
      "WITH daily AS (SELECT site_name, CAST(utc AS DATE) AS d, avg(concentration) AS c "
      "FROM measurements WHERE parameter = 'PM2.5' GROUP BY site_name, d) "
      "SELECT site_name, count(*) AS days FROM daily WHERE c > 35 GROUP BY site_name "
      "ORDER BY site_name";
  EXPECT_EQ(RunStaged(sql), (std::vector<std::string>{"A|1", "C|1"}));
  const StagedStatement st = StagedStatement::Parse(sql);
  ASSERT_EQ(st.stages(), 2u);
  EXPECT_EQ(st.name(0), "daily");
  EXPECT_EQ(st.source(1), 0);
  EXPECT_EQ(st.fields(0)[1].type, Type::kDate);
}

TEST(Staged, CteReadsAnEarlierCteAndAliases) {
  EXPECT_EQ(RunStaged("WITH a AS (SELECT site_name AS s, aqi FROM measurements WHERE aqi > 50), "
                      "b AS (SELECT s, max(aqi) AS top FROM a GROUP BY s) "
                      "SELECT x.s, top + 1 FROM b AS x ORDER BY top DESC"),
            (std::vector<std::string>{"C|138", "A|113", "B|91"}));
  // A CTE read twice is one stage; an unread CTE is none.
  const StagedStatement st = StagedStatement::Parse(
      "WITH u AS (SELECT 1 AS one FROM measurements), a AS (SELECT aqi FROM measurements) "
      "SELECT count(*) FROM a WHERE aqi IN (SELECT aqi FROM a WHERE aqi > 100)");
  EXPECT_EQ(st.stages(), 3u);
  EXPECT_EQ(RunStaged("WITH a AS (SELECT aqi FROM measurements) "
                      "SELECT count(*) FROM a WHERE aqi IN (SELECT aqi FROM a WHERE aqi > 100)"),
            (std::vector<std::string>{"3"}));
}

TEST(Staged, SubqueryInFrom) {
  EXPECT_EQ(Sorted(RunStaged("SELECT * FROM (SELECT parameter, count(*) AS n FROM measurements "
                             "GROUP BY parameter) WHERE n > 3")),
            (std::vector<std::string>{"PM2.5|5"}));
  EXPECT_EQ(RunStaged("SELECT unnamed_subquery.n FROM (SELECT count(*) AS n FROM measurements)"),
            (std::vector<std::string>{"8"}));
  EXPECT_EQ(RunStaged("SELECT t.m FROM (SELECT max(utc) AS m FROM measurements) t"),
            (std::vector<std::string>{"187200"}));
}

TEST(Staged, ScalarSubqueries) {
  // avg(aqi) over the 7 non-NULL: (40+102+60+112+20+90+137)/7 = 80.14
  EXPECT_EQ(Sorted(RunStaged("SELECT site_name, aqi FROM measurements WHERE aqi > "
                             "(SELECT avg(aqi) FROM measurements)")),
            (std::vector<std::string>{"A|102", "A|112", "B|90", "C|137"}));
  EXPECT_EQ(RunStaged("SELECT (SELECT max(aqi) FROM measurements) - min(aqi) AS spread "
                      "FROM measurements"),
            (std::vector<std::string>{"117"}));
  // No row: NULL of the subquery's type.
  EXPECT_EQ(RunStaged("SELECT count(*) FROM measurements "
                      "WHERE (SELECT aqi FROM measurements WHERE aqi > 1000) IS NULL"),
            (std::vector<std::string>{"8"}));
  const StagedStatement st = StagedStatement::Parse(
      "SELECT (SELECT max(aqi) FROM measurements) FROM measurements LIMIT 1");
  EXPECT_EQ(st.fields(st.stages() - 1)[0].name, "(SELECT max(aqi) FROM measurements)");
  EXPECT_EQ(st.fields(st.stages() - 1)[0].type, Type::kInt64);
}

TEST(Staged, InSubqueries) {
  EXPECT_EQ(Sorted(RunStaged("SELECT utc FROM measurements WHERE site_name IN "
                             "(SELECT site_name FROM measurements WHERE aqi > 130)")),
            (std::vector<std::string>{"10800", "187200"}));
  EXPECT_EQ(RunStaged("SELECT count(*) FROM measurements WHERE site_name NOT IN "
                      "(SELECT site_name FROM measurements WHERE aqi > 1000)"),
            (std::vector<std::string>{"8"}));
  EXPECT_EQ(RunStaged("SELECT count(*) FROM measurements WHERE aqi IN "
                      "(SELECT aqi FROM measurements WHERE site_name = 'B')"),
            (std::vector<std::string>{"1"}));  // {NULL, 90}: only 90 matches
}

TEST(Staged, Errors) {
  auto message = [](const std::string& sql, std::uint64_t limit = 1u << 30) {
    try {
      RunStaged(sql, limit);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(
      message("SELECT (SELECT aqi FROM measurements) FROM measurements").find("More than one row"),
      std::string::npos);
  EXPECT_NE(message("SELECT (SELECT aqi, utc FROM measurements) FROM measurements")
                .find("2 columns - expected 1"),
            std::string::npos);
  EXPECT_NE(message("WITH a AS (SELECT 1 AS x FROM measurements) SELECT * FROM b")
                .find("unknown table 'b'"),
            std::string::npos);
  EXPECT_NE(message("WITH RECURSIVE a AS (SELECT 1 AS x FROM measurements) SELECT * FROM a")
                .find("WITH RECURSIVE"),
            std::string::npos);
  EXPECT_NE(message("WITH a AS (SELECT aqi FROM measurements) SELECT utc FROM a")
                .find("unknown column 'utc' in table a"),
            std::string::npos);
  EXPECT_NE(
      message("WITH a AS (SELECT 1 AS x FROM measurements), a AS (SELECT 2 AS x FROM measurements) "
              "SELECT * FROM a")
          .find("duplicate CTE name 'a'"),
      std::string::npos);
  // A CTE is not visible to the CTEs before it.
  EXPECT_NE(
      message("WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x FROM measurements) SELECT * FROM a")
          .find("unknown table 'b'"),
      std::string::npos);
  EXPECT_NE(message("WITH a AS (SELECT * FROM measurements) SELECT * FROM a", 100)
                .find("passed its memory limit"),
            std::string::npos);
}

TEST(Staged, ExplainShowsEveryStage) {
  const StagedStatement st = StagedStatement::Parse(
      "EXPLAIN WITH d AS (SELECT site_name, max(aqi) AS m FROM measurements GROUP BY site_name) "
      "SELECT count(*) FROM d WHERE m > (SELECT avg(aqi) FROM measurements)");
  ASSERT_EQ(st.stages(), 1u);
  const std::vector<std::string> rows = RunStaged(
      "EXPLAIN WITH d AS (SELECT site_name, max(aqi) AS m FROM measurements GROUP BY site_name) "
      "SELECT count(*) FROM d WHERE m > (SELECT avg(aqi) FROM measurements)");
  ASSERT_EQ(rows.size(), 1u);
  for (const char* part : {"3 stages", "stage 1 of 3: 'd'", "stage 2 of 3: 'subquery 1'",
                           "stage 3 of 3: 'result'", "over the gathered result of 'd'"}) {
    EXPECT_NE(rows[0].find(part), std::string::npos) << part << "\n" << rows[0];
  }
}

}  // namespace
}  // namespace plume::engine::testing
