// The hash exchange among the data ranks against the tree merge, through the live gateway at
// every world size of the suite: the same statements give byte-identical results (the same
// text rows, chunks and totals) whichever plan runs, and both equal the single-process engine.
// Also: the planner's choice, cancel and deadline in the middle of an exchange.
#include <gtest/gtest.h>

#include "tests/ranks/test_world.h"

namespace plume::ranks::testing {
namespace {

using engine::MergeChoice;
using frontend::RequestState;

// Restores the gateway's default (auto) choice when a case ends, whatever happened.
class ExchangePlan : public ::testing::Test {
 protected:
  void TearDown() override { World().gateway->set_merge(MergeChoice::kAuto); }

  static std::shared_ptr<CollectSink> Run(const std::string& sql, MergeChoice merge,
                                          std::size_t chunk_rows = 700) {
    World().gateway->set_merge(merge);
    return RunStatement(sql, chunk_rows);
  }
};

const char* const kStatements[] = {
    // the 677,000-group shape of issue 10 (here: every site and hour of the synthetic data)
    "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC "
    "LIMIT 3",
    "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC, 1, "
    "2 LIMIT 50 OFFSET 7",
    // every row its own group (no ORDER BY: the group-key order of the tree merge)
    "SELECT utc, site_name, parameter, concentration, count(*) FROM measurements GROUP BY ALL",
    "SELECT site_name, count(*), avg(aqi), sum(concentration) FROM measurements GROUP BY "
    "site_name ORDER BY site_name",
    "SELECT DISTINCT site_name, parameter FROM measurements",
    "SELECT DISTINCT aqi FROM measurements ORDER BY aqi DESC NULLS FIRST LIMIT 20",
    "SELECT parameter, count(DISTINCT site_name), count(DISTINCT aqi) FROM measurements GROUP BY "
    "parameter",
    "SELECT site_name, median(aqi), quantile_cont(concentration, 0.9), quantile_disc(aqi, 0.25), "
    "stddev_samp(concentration) FROM measurements GROUP BY site_name",
    "SELECT site_name, parameter, arg_max(utc, aqi), bool_or(aqi > 150) FROM measurements GROUP "
    "BY site_name, parameter HAVING count(*) > 3 ORDER BY 3, 1, 2",
    "SELECT date_trunc('day', utc) AS day, site_name, avg(aqi) FROM measurements WHERE "
    "parameter = 'PM2.5' GROUP BY 1, 2 ORDER BY 3 DESC NULLS LAST, 1, 2 LIMIT 25",
    "SELECT aqi, count(*) FROM measurements WHERE aqi IS NULL OR aqi < 5 GROUP BY aqi",
    "SELECT site_name, count(*) FROM measurements WHERE false GROUP BY site_name",
    // HUGEINT keys (16 key bytes in the exchange's hash; three order words, or with a string key
    // the index sort) and HUGEINT inputs of the value-count and arg states
    "SELECT aqi * 100000000000000000000 AS k, count(*), count(DISTINCT site_name) FROM "
    "measurements GROUP BY k ORDER BY k NULLS FIRST",
    "SELECT DISTINCT site_name, CAST(aqi AS HUGEINT) // 10 FROM measurements",
    "SELECT utc, -aqi::HUGEINT AS k, count(*) FROM measurements GROUP BY utc, k",
    "SELECT site_name, count(DISTINCT aqi::HUGEINT), sum(DISTINCT aqi * 100000000000000000000), "
    "quantile_disc(aqi::HUGEINT, 0.5), arg_max(parameter, aqi::HUGEINT), arg_min(aqi::HUGEINT, "
    "utc) FROM measurements GROUP BY site_name",
};

TEST_F(ExchangePlan, ByteIdenticalToTheTreeMergeAndTheEngine) {
  for (const char* sql : kStatements) {
    SCOPED_TRACE(sql);
    auto tree = Run(sql, MergeChoice::kTree);
    auto exchange = Run(sql, MergeChoice::kExchange);
    // auto: partition-local for the utc keys (plume-preprocess cuts the partitions where utc
    // changes, so their ranges are disjoint at every world size), else tree
    auto automatic = Run(sql, MergeChoice::kAuto);
    ASSERT_EQ(automatic->final_info.state, RequestState::kCompleted) << automatic->final_info.error;
    EXPECT_EQ(automatic->rows, tree->rows);
    EXPECT_EQ(automatic->chunk_rows, tree->chunk_rows);
    ASSERT_EQ(tree->final_info.state, RequestState::kCompleted) << tree->final_info.error;
    ASSERT_EQ(exchange->final_info.state, RequestState::kCompleted) << exchange->final_info.error;
    EXPECT_EQ(exchange->rows, tree->rows);
    EXPECT_EQ(exchange->chunk_rows, tree->chunk_rows);
    EXPECT_EQ(exchange->final_info.rows_total, tree->final_info.rows_total);
    EXPECT_EQ(exchange->final_info.chunks_total, exchange->chunk_rows.size());
    EXPECT_EQ(exchange->rows, RunLocal(engine::Plan::Parse(sql), World().partitions));
  }
}

TEST_F(ExchangePlan, ExplainNamesThePlanAndWhy) {
  const std::string sql =
      "EXPLAIN SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc";
  auto exchange = Run(sql, MergeChoice::kExchange);
  ASSERT_EQ(exchange->rows.size(), 1u);
  EXPECT_NE(exchange->rows[0][1].find("exchange: hash of the GROUP BY keys"), std::string::npos)
      << exchange->rows[0][1];
  EXPECT_NE(exchange->rows[0][1].find("forced by --merge"), std::string::npos);
  // auto over the synthetic data: every (site, aqi) is estimated from the dictionaries and the
  // manifest's AQI range; 40,000 rows cap it below the default threshold of 100,000.
  auto automatic =
      Run("EXPLAIN SELECT site_name, aqi, max(utc) FROM measurements GROUP BY site_name, aqi",
          MergeChoice::kAuto);
  ASSERT_EQ(automatic->rows.size(), 1u);
  EXPECT_NE(automatic->rows[0][1].find("exchange: none"), std::string::npos);
  EXPECT_NE(automatic->rows[0][1].find("groups estimated < 100000"), std::string::npos)
      << automatic->rows[0][1];
  // auto with a utc key: partition-local at every world size (disjoint utc ranges).
  auto local = Run(sql, MergeChoice::kAuto);
  ASSERT_EQ(local->rows.size(), 1u);
  EXPECT_NE(local->rows[0][1].find("groups are partition-local: GROUP BY utc"), std::string::npos)
      << local->rows[0][1];
  auto global =
      Run("EXPLAIN SELECT count(DISTINCT site_name) FROM measurements", MergeChoice::kExchange);
  ASSERT_EQ(global->rows.size(), 1u);
  EXPECT_NE(global->rows[0][1].find("no GROUP BY keys to hash"), std::string::npos);
}

TEST_F(ExchangePlan, CancelAndDeadlineMidExchangeLeaveNoRankBehind) {
  const std::string sql =
      "SELECT utc, site_name, parameter, concentration, count(*) FROM measurements GROUP BY ALL";
  Gateway& gw = *World().gateway;
  gw.set_merge(MergeChoice::kExchange);
  auto cancelled = std::make_shared<CollectSink>();
  const std::uint64_t id = gw.Submit(sql, {100, 0}, cancelled);
  for (int i = 0; i < 3; ++i) gw.Poll(0.001);
  gw.Cancel(id, "cancelled by test");
  WaitEnded({cancelled});
  WaitDrained(id);
  EXPECT_EQ(cancelled->final_info.state, RequestState::kCancelled);

  auto late = std::make_shared<CollectSink>();
  const std::uint64_t late_id = gw.Submit(sql, {100, 1e-6}, late);
  WaitEnded({late});
  WaitDrained(late_id);
  EXPECT_EQ(late->final_info.state, RequestState::kFailed);

  // The next exchange is unaffected by what the cancelled ones left in flight.
  auto next = Run(kStatements[0], MergeChoice::kExchange);
  ASSERT_EQ(next->final_info.state, RequestState::kCompleted) << next->final_info.error;
  EXPECT_EQ(next->rows, RunLocal(engine::Plan::Parse(kStatements[0]), World().partitions));
}

}  // namespace
}  // namespace plume::ranks::testing
