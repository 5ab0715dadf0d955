// The engine half of the hash exchange: GroupPartitioner's stable hash and split, and the
// exchange stages of Merger, whose answers must be byte-identical to the tree merge's.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <stdexcept>

#include "engine/query.h"
#include "tests/engine/merge_harness.h"

namespace plume::engine::testing {
namespace {

// A partial stream batch of "SELECT parameter, aqi, count(*) ... GROUP BY parameter, aqi".
Batch Keys(const std::vector<std::string>& params, const std::vector<std::int64_t>& aqi,
           const std::vector<std::uint8_t>& param_valid = {}) {
  Batch b;
  b.rows = params.size();
  BatchColumn p;
  p.type = Type::kString;
  p.offsets.push_back(0);
  for (const std::string& s : params) {
    p.chars += s;
    p.offsets.push_back(static_cast<std::uint32_t>(p.chars.size()));
  }
  p.valid = param_valid;
  BatchColumn a;
  a.type = Type::kInt64;
  a.ints = aqi;
  BatchColumn n;
  n.type = Type::kInt64;
  n.ints.assign(params.size(), 1);
  b.columns = {p, a, n};
  return b;
}

const char* const kGrouped = "SELECT parameter, aqi, count(*) FROM measurements GROUP BY 1, 2";

TEST(GroupPartitioner, TheHashIsStable) {
  // FNV-1a 64 over the key bytes, splitmix64 finalizer (query.h; docs/PROTOCOL.md).
  const Batch b = Keys({"OZONE", ""}, {42, -1}, {1, 0});
  EXPECT_EQ(GroupKeyHash(b, 0, 2), 0x46ced7891e35769cULL);
  EXPECT_EQ(GroupKeyHash(b, 1, 2), 0x91e4d33fcec13665ULL);
  const GroupPartitioner split(Plan::Parse(kGrouped), 7);
  EXPECT_EQ(split.PartsOf(b),
            (std::vector<std::uint32_t>{0x46ced7891e35769cULL % 7, 0x91e4d33fcec13665ULL % 7}));
}

// A HUGEINT key (16 little-endian bytes, docs/PROTOCOL.md): the same value hashes the same on
// every rank, beyond 64 bits and negative, and its high half counts.
TEST(GroupPartitioner, TheHashOfAHugeintKeyIsStable) {
  const Int128 v = static_cast<Int128>(100000000000000000000.0L);
  Batch b;
  b.rows = 3;
  BatchColumn k;
  k.type = Type::kHugeint;
  k.wide = {v, -v, v + (static_cast<Int128>(1) << 64)};
  BatchColumn n;
  n.type = Type::kInt64;
  n.ints = {1, 1, 1};
  b.columns = {k, n};
  EXPECT_EQ(GroupKeyHash(b, 0, 1), 0x34b485bdc95e1d07ULL);
  EXPECT_EQ(GroupKeyHash(b, 1, 1), 0x8b7dee72ed81611fULL);
  EXPECT_NE(GroupKeyHash(b, 2, 1), GroupKeyHash(b, 0, 1));
  const GroupPartitioner split(
      Plan::Parse("SELECT aqi * 100000000000000000000 AS k, count(*) FROM measurements GROUP BY k"),
      7);
  EXPECT_EQ(split.PartsOf(b)[0], 0x34b485bdc95e1d07ULL % 7);
}

TEST(GroupPartitioner, EveryRowGoesToOnePartTheSameForEveryBatch) {
  const GroupPartitioner split(Plan::Parse(kGrouped), 5);
  std::vector<std::string> params;
  std::vector<std::int64_t> aqi;
  for (int i = 0; i < 2000; ++i) {
    params.push_back(i % 2 ? "PM2.5" : "OZONE");
    aqi.push_back(i / 2);
  }
  const Batch b = Keys(params, aqi);
  std::vector<Batch> parts;
  split.Split(b, &parts);
  ASSERT_EQ(parts.size(), 5u);
  std::size_t total = 0;
  for (const Batch& p : parts) {
    total += p.rows;
    EXPECT_GT(p.rows, 300u);  // spread
    EXPECT_LT(p.rows, 500u);
  }
  EXPECT_EQ(total, b.rows);
  const std::vector<std::uint32_t> all = split.PartsOf(b);
  for (std::size_t r = 0; r < b.rows; r += 97) {  // the same key alone lands on the same part
    EXPECT_EQ(split.PartsOf(Keys({params[r]}, {aqi[r]}))[0], all[r]);
  }
}

TEST(GroupPartitioner, BadUseIsAnError) {
  EXPECT_THROW(GroupPartitioner(Plan::Parse("SELECT count(*) FROM measurements"), 2),
               std::invalid_argument);
  EXPECT_THROW(GroupPartitioner(Plan::Parse("SELECT aqi FROM measurements"), 2),
               std::invalid_argument);
  EXPECT_THROW(GroupPartitioner(Plan::Parse(kGrouped), 0), std::invalid_argument);
  const GroupPartitioner split(Plan::Parse(kGrouped), 2);
  Batch wrong = Keys({"x"}, {1});
  wrong.columns.pop_back();
  std::vector<Batch> parts;
  EXPECT_THROW(split.Split(wrong, &parts), std::runtime_error);
  EXPECT_THROW(
      Merger(Plan::Parse("SELECT count(*) FROM measurements"), 1, MergeStage::kExchangeFinal),
      std::invalid_argument);
}

TEST(HashExchange, GivesTheTreeMergesBytesAtEveryWidth) {
  const std::vector<Table> tables = NastyPartitions(5, 7);
  const char* const kStatements[] = {
      "SELECT parameter, sum(concentration), avg(concentration), count(*) FROM measurements "
      "GROUP BY parameter",
      "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC "
      "LIMIT 3",
      "SELECT site_name, unit, count(DISTINCT aqi), median(concentration), stddev_pop(aqi) FROM "
      "measurements GROUP BY site_name, unit ORDER BY count(*) DESC, 2 LIMIT 7",
      "SELECT aqi, arg_max(site_name, utc), bool_or(parameter = 'OZONE'), count(*) FILTER (WHERE "
      "concentration > 0) FROM measurements GROUP BY aqi",
      "SELECT category, quantile_disc(site_name, 0.25) AS q FROM measurements GROUP BY category "
      "ORDER BY q NULLS FIRST",
  };
  std::mt19937_64 rng(9);
  for (const char* sql : kStatements) {
    const Plan plan = Plan::Deserialize(Plan::Parse(sql).Serialize());
    const std::string tree = RunTreeMerge(plan, tables, rng);
    for (std::size_t parts : {1, 2, 3, 5, 6, 8}) {
      for (int trial = 0; trial < 3; ++trial) {
        ASSERT_EQ(RunHashExchange(plan, tables, parts, rng), tree) << sql << " at " << parts;
      }
    }
  }
}

// The partition-local plan (utc keys over partitions cut where utc changes): every partition
// finalizes its own groups, with no hashing in its final stage (GroupMerger::AddDistinct),
// and the answer is the tree merge's, byte for byte.
TEST(PartitionLocal, GivesTheTreeMergesBytes) {
  DataStats stats;
  const std::vector<Table> tables = UtcCutPartitions(5, 7, &stats);
  ASSERT_GE(tables.size(), 3u);
  PlanOptions options;
  options.stats = &stats;
  const char* const kStatements[] = {
      "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC "
      "LIMIT 3",
      "SELECT utc, parameter, sum(concentration), avg(aqi), count(*) FROM measurements GROUP BY "
      "ALL",
      "SELECT utc, count(DISTINCT site_name), median(concentration), arg_max(site_name, aqi) FROM "
      "measurements GROUP BY utc HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5 OFFSET 2",
      "SELECT utc, site_name, count(*) FROM measurements WHERE aqi > 100 GROUP BY 1, 2",
  };
  std::mt19937_64 rng(11);
  for (const char* sql : kStatements) {
    const Plan local = Plan::Deserialize(Plan::Parse(sql, options).Serialize());
    ASSERT_EQ(local.merge(), MergePlan::kLocal) << sql;
    const std::string tree = RunTreeMerge(Plan::Parse(sql), tables, rng);
    for (int trial = 0; trial < 3; ++trial) {
      ASSERT_EQ(RunLocalMerge(local, tables, rng), tree) << sql;
    }
  }
}

}  // namespace
}  // namespace plume::engine::testing
