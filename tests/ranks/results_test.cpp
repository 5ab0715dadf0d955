// The distributed result of each statement equals the single-process engine's.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/ranks/test_world.h"

namespace plume::ranks::testing {
namespace {

enum class Compare { kExact, kAsSet, kSubset };

void ExpectSameResult(const std::string& sql, Compare how, std::size_t chunk_rows = 1000) {
  SCOPED_TRACE(sql);
  const engine::Plan plan = engine::Plan::Parse(sql);
  // LIMIT without ORDER BY may return any `limit` matching rows: compare against all of them.
  const std::string reference = how == Compare::kSubset ? sql.substr(0, sql.find(" LIMIT")) : sql;
  std::vector<TextRow> expected = RunLocal(engine::Plan::Parse(reference), World().partitions);
  auto sink = RunStatement(sql, chunk_rows);
  const frontend::RequestInfo& info = sink->final_info;
  ASSERT_EQ(info.state, frontend::RequestState::kCompleted) << info.error;
  EXPECT_EQ(sink->begins, 1);
  EXPECT_EQ(sink->ends, 1);
  std::vector<TextRow> got = sink->rows;
  EXPECT_EQ(info.rows_delivered, got.size());
  EXPECT_TRUE(info.rows_total_known);
  EXPECT_EQ(info.rows_total, got.size());
  EXPECT_EQ(info.chunks_delivered, sink->chunk_rows.size());
  EXPECT_EQ(info.chunks_total, sink->chunk_rows.size());
  for (std::size_t i = 0; i + 1 < sink->chunk_rows.size(); ++i) {
    ASSERT_EQ(sink->chunk_rows[i], chunk_rows) << "chunk " << i << " is not full";
  }
  if (how == Compare::kSubset) {
    const std::size_t want = std::min<std::size_t>(expected.size(), *plan.limit());
    ASSERT_EQ(got.size(), want);
    std::sort(expected.begin(), expected.end());
    for (const TextRow& row : got) {
      EXPECT_TRUE(std::binary_search(expected.begin(), expected.end(), row)) << RowString(row);
    }
    return;
  }
  if (how == Compare::kAsSet) {
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
  }
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(SameRow(got[i], expected[i], plan.output()))
        << "row " << i << ": got " << RowString(got[i]) << " want " << RowString(expected[i]);
  }
}

TEST(Results, FilteredSelectStar) {
  ExpectSameResult("SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150",
                   Compare::kAsSet, 777);
}

TEST(Results, GlobalAggregates) {
  ExpectSameResult(
      "SELECT count(*), count(aqi), sum(aqi), avg(concentration), min(site_name), max(utc) "
      "FROM measurements",
      Compare::kExact);
  ExpectSameResult("SELECT count(*), sum(aqi) FROM measurements WHERE aqi > 100000",
                   Compare::kExact);
}

TEST(Results, GroupBy) {
  ExpectSameResult(
      "SELECT parameter, count(*) AS n, avg(aqi), max(concentration) FROM measurements "
      "GROUP BY parameter ORDER BY parameter",
      Compare::kExact);
  ExpectSameResult("SELECT agency, count(*) FROM measurements GROUP BY agency", Compare::kAsSet);
}

TEST(Results, OrderByStreams) {
  ExpectSameResult(
      "SELECT aqi, site_name, utc FROM measurements WHERE aqi > 100 "
      "ORDER BY aqi DESC, site_name, utc",
      Compare::kExact, 500);
}

TEST(Results, TopK) {
  ExpectSameResult(
      "SELECT aqi, site_name, utc FROM measurements ORDER BY aqi DESC, site_name, utc LIMIT 25",
      Compare::kExact, 10);
}

TEST(Results, LimitWithoutOrder) {
  ExpectSameResult("SELECT site_name, aqi FROM measurements WHERE aqi > 20 LIMIT 2500",
                   Compare::kSubset, 1000);
}

TEST(Results, EmptyAndPruned) {
  ExpectSameResult("SELECT aqi FROM measurements WHERE aqi > 100000", Compare::kExact);
  ExpectSameResult("SELECT latitude, utc FROM measurements WHERE utc < '2020-08-12'",
                   Compare::kAsSet);
}

}  // namespace
}  // namespace plume::ranks::testing
