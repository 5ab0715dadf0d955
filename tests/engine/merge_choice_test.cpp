// The planner's choice of merge (engine/merge_choice.cpp): tree, hash exchange or
// partition-local, from DataStats; the choice travels in the serialized plan and EXPLAIN says it.
#include <gtest/gtest.h>

#include <string>

#include "engine/query.h"
#include "engine/schema.h"

namespace plume::engine::testing {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kStart = 1598918400;  // 2020-09-01 00:00:00 UTC

// Five partitions of whole days (day-aligned boundaries), hourly data, 1000 sites.
DataStats FiveDays(std::int64_t shift = 0) {
  DataStats s;
  s.rows = 1'000'000;
  for (int p = 0; p < 5; ++p) {
    s.utc_min.push_back(kStart + p * 10 * kDay + shift);
    s.utc_max.push_back(kStart + (p + 1) * 10 * kDay - 3600 + shift);
  }
  s.aqi_min = 0;
  s.aqi_max = 500;
  s.distinct.assign(kSchema.size(), 0);
  s.distinct[static_cast<std::size_t>(Col::kSiteName)] = 1000;
  s.distinct[static_cast<std::size_t>(Col::kParameter)] = 2;
  return s;
}

MergePlan Choice(const std::string& sql, const DataStats& stats, std::uint64_t threshold = 100000,
                 MergeChoice merge = MergeChoice::kAuto) {
  PlanOptions o;
  o.stats = &stats;
  o.exchange_groups = threshold;
  o.merge = merge;
  return Plan::Parse(sql, o).merge();
}

TEST(MergeChoice, TreeForFewGroupsExchangeForMany) {
  const DataStats s = FiveDays();
  EXPECT_EQ(Choice("SELECT parameter, count(*) FROM measurements GROUP BY 1", s), MergePlan::kTree);
  // 1001 sites x 3 parameters (NULL too) = 3003 groups
  EXPECT_EQ(Choice("SELECT site_name, parameter, count(*) FROM measurements GROUP BY 1, 2", s),
            MergePlan::kTree);
  EXPECT_EQ(
      Choice("SELECT site_name, parameter, count(*) FROM measurements GROUP BY 1, 2", s, 3003),
      MergePlan::kExchange);
  // site x aqi: 1001 x 502 estimated
  EXPECT_EQ(Choice("SELECT site_name, aqi, count(*) FROM measurements GROUP BY 1, 2", s),
            MergePlan::kExchange);
  EXPECT_EQ(Choice("SELECT DISTINCT site_name, concentration FROM measurements", s),
            MergePlan::kExchange);
  EXPECT_EQ(Choice("SELECT count(DISTINCT site_name) FROM measurements", s), MergePlan::kTree);
  EXPECT_EQ(Choice("SELECT site_name FROM measurements", s), MergePlan::kTree);
}

TEST(MergeChoice, PartitionLocalWhenAKeyIsUtcOrABucketNoBoundarySplits) {
  const DataStats s = FiveDays();
  EXPECT_EQ(Choice("SELECT site_name, utc, max(aqi) FROM measurements GROUP BY 1, 2 ORDER BY 3 "
                   "DESC LIMIT 3",
                   s),
            MergePlan::kLocal);
  EXPECT_EQ(Choice("SELECT date_trunc('day', utc), avg(aqi) FROM measurements GROUP BY 1", s),
            MergePlan::kLocal);
  EXPECT_EQ(Choice("SELECT CAST(utc AS DATE), avg(aqi) FROM measurements GROUP BY 1", s),
            MergePlan::kLocal);
  // months straddle the 10-day partitions: not local (few groups: the tree)
  EXPECT_EQ(Choice("SELECT date_trunc('month', utc), avg(aqi) FROM measurements GROUP BY 1", s),
            MergePlan::kTree);
  // partitions that start at noon split every day
  const DataStats noon = FiveDays(12 * 3600);
  EXPECT_EQ(Choice("SELECT date_trunc('day', utc), avg(aqi) FROM measurements GROUP BY 1", noon),
            MergePlan::kTree);
  EXPECT_EQ(Choice("SELECT utc, avg(aqi) FROM measurements GROUP BY 1", noon), MergePlan::kLocal);
  // not monotone in utc: hour of day
  EXPECT_EQ(Choice("SELECT extract(hour FROM utc), avg(aqi) FROM measurements GROUP BY 1", s),
            MergePlan::kTree);
  DataStats overlap = s;
  overlap.utc_min[2] = overlap.utc_max[1];
  EXPECT_EQ(Choice("SELECT utc, site_name, max(aqi) FROM measurements GROUP BY 1, 2", overlap),
            MergePlan::kExchange);
}

TEST(MergeChoice, ForcedAndWithoutStatistics) {
  const DataStats s = FiveDays();
  const char* local = "SELECT utc, count(*) FROM measurements GROUP BY 1";
  EXPECT_EQ(Choice(local, s, 100000, MergeChoice::kTree), MergePlan::kTree);
  EXPECT_EQ(Choice(local, s, 100000, MergeChoice::kExchange), MergePlan::kExchange);
  EXPECT_EQ(Choice("SELECT count(*) FROM measurements", s, 1, MergeChoice::kExchange),
            MergePlan::kTree);  // nothing to hash
  EXPECT_EQ(Plan::Parse(local).merge(), MergePlan::kTree);
}

TEST(MergeChoice, TravelsInThePlanAndExplainSaysWhy) {
  const DataStats s = FiveDays();
  PlanOptions o;
  o.stats = &s;
  for (const char* sql : {"SELECT utc, count(*) FROM measurements GROUP BY 1",
                          "SELECT site_name, aqi, count(*) FROM measurements GROUP BY 1, 2"}) {
    const Plan plan = Plan::Parse(sql, o);
    EXPECT_EQ(Plan::Deserialize(plan.Serialize()).merge(), plan.merge()) << sql;
  }
  auto explain = [&](const std::string& sql) {
    Batch out;
    Merger m(Plan::Parse("EXPLAIN " + sql, o), 0, true);
    EXPECT_TRUE(m.Pop(10, &out));
    return std::string(out.columns.at(1).StringAt(0));
  };
  const std::string local = explain("SELECT utc, count(*) FROM measurements GROUP BY 1");
  EXPECT_NE(local.find("groups are partition-local: GROUP BY utc"), std::string::npos) << local;
  EXPECT_NE(local.find("every data rank, over its own groups"), std::string::npos) << local;
  const std::string ex = explain("SELECT site_name, aqi, count(*) FROM measurements GROUP BY 1, 2");
  EXPECT_NE(ex.find("exchange: hash of the GROUP BY keys"), std::string::npos) << ex;
  EXPECT_NE(ex.find("about 502502 groups estimated >= 100000"), std::string::npos) << ex;
  const std::string tree = explain("SELECT parameter, count(*) FROM measurements GROUP BY 1");
  EXPECT_NE(tree.find("exchange: none; tree merge"), std::string::npos) << tree;
  EXPECT_NE(tree.find("about 3 groups estimated < 100000"), std::string::npos) << tree;
}

}  // namespace
}  // namespace plume::engine::testing
