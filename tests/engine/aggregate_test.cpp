// The aggregate layer: exact double sums, and deterministic answers — the same statement over
// the same partitions gives byte-identical output however partitions are grouped into teams,
// split into batches and interleaved (issue 12 item 5).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "engine/batch.h"
#include "engine/exact_sum.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "tests/engine/random_query.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

double SumOf(const std::vector<double>& v) {
  ExactSum s;
  for (double x : v) s.Add(x);
  return s.Value();
}

TEST(ExactSum, RoundsTheExactSumOnce) {
  EXPECT_EQ(SumOf({1e16, 1.0, -1e16}), 1.0);
  EXPECT_EQ(SumOf(std::vector<double>(10, 0.1)), 1.0);
  EXPECT_EQ(SumOf({1e308, 1e308, -1e308}), 1e308);  // beyond the range in between
  EXPECT_EQ(SumOf({0x1p-1074, 1.0, -1.0}), 0x1p-1074);
  EXPECT_EQ(SumOf({1.0, 0x1p-53}), 1.0);                      // a tie rounds to even
  EXPECT_EQ(SumOf({1.0, 0x1p-53, 0x1p-105}), 1.0 + 0x1p-52);  // just above the tie
  EXPECT_EQ(SumOf({}), 0.0);
  EXPECT_TRUE(std::isnan(SumOf({INFINITY, -INFINITY})));
  EXPECT_TRUE(std::isnan(SumOf({1.0, NAN})));
  EXPECT_EQ(SumOf({INFINITY, 1e308, 1e308}), INFINITY);
  EXPECT_EQ(SumOf({1.7e308, 1.7e308}), INFINITY);
}

TEST(ExactSum, AnyOrderAndAnySplitGivesTheSameValue) {
  std::mt19937_64 rng(7);
  std::vector<double> v;
  for (int i = 0; i < 2000; ++i) {
    const double m = std::uniform_real_distribution<double>(-1, 1)(rng);
    v.push_back(std::ldexp(m, static_cast<int>(rng() % 120) - 60));
  }
  const double want = SumOf(v);
  long double approx = 0;
  for (double x : v) approx += x;
  EXPECT_NEAR(want, static_cast<double>(approx), std::fabs(want) * 1e-12);
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(v.begin(), v.end(), rng);
    const std::size_t cut = rng() % v.size();
    ExactSum a, b;
    for (std::size_t i = 0; i < v.size(); ++i) (i < cut ? a : b).Add(v[i]);
    std::string bytes;
    ByteWriter w(&bytes);
    b.Encode(w);
    ByteReader r(bytes, "test");
    a.Add(ExactSum::Decode(r));
    EXPECT_EQ(a.Value(), want);
  }
}

TEST(ExactSum, MalformedWireFormIsRejected) {
  for (std::string bytes : {std::string("\x08", 1), std::string("\x00\x05", 2),
                            std::string("\x00\x01\x00\x00\x00\x00\x00\x00\xf0\x7f", 10)}) {
    ByteReader r(bytes, "exact sum");
    EXPECT_THROW(ExactSum::Decode(r), std::runtime_error) << bytes.size();
  }
}

// Partitions with doubles whose plain sums depend on the order (full mantissas, wide range).
std::vector<Table> Partitions(std::uint64_t seed, std::size_t count) {
  RandomSource source(seed);
  std::mt19937_64& rng = source.rng();
  std::vector<Table> tables;
  for (std::size_t p = 0; p < count; ++p) {
    std::vector<Row> rows = source.Rows(50 + rng() % 200);
    for (Row& row : rows) {
      const double m = std::uniform_real_distribution<double>(-1, 1)(rng);
      row[static_cast<std::size_t>(Col::kConcentration)] =
          std::ldexp(m, static_cast<int>(rng() % 80) - 20);
    }
    tables.push_back(MakeTable(rows));
  }
  return tables;
}

// Everything a source emitted, cut into batches of random sizes.
std::vector<Batch> Drain(auto&& next, std::mt19937_64& rng) {
  std::vector<Batch> out;
  Batch b;
  while (next(1 + rng() % 40, &b)) {
    std::string wire;
    EncodeBatch(b, &wire);
    out.push_back(DecodeBatch(wire));
  }
  return out;
}

// Feeds the inputs' batches to `m` in a random interleaving, closing each input after its last.
void Interleave(Merger& m, std::vector<std::vector<Batch>> inputs, std::mt19937_64& rng) {
  std::vector<std::size_t> pos(inputs.size(), 0), open;
  for (std::size_t i = 0; i < inputs.size(); ++i) open.push_back(i);
  while (!open.empty()) {
    const std::size_t k = rng() % open.size(), i = open[k];
    if (pos[i] < inputs[i].size()) {
      m.Push(i, std::move(inputs[i][pos[i]++]));
    } else {
      m.Close(i);
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

// The gateway's whole answer in wire form, with partitions dealt to a random number of teams.
std::string RunShuffled(const Plan& plan, const std::vector<Table>& tables, std::mt19937_64& rng) {
  std::vector<std::size_t> order(tables.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t teams = 1 + rng() % tables.size();
  std::vector<std::vector<std::vector<Batch>>> team_inputs(teams);
  for (std::size_t i = 0; i < order.size(); ++i) {
    PartitionExecution exec(plan, tables[order[i]]);
    team_inputs[rng() % teams].push_back(
        Drain([&](std::size_t n, Batch* b) { return exec.Next(n, b); }, rng));
  }
  std::vector<std::vector<Batch>> leader_outputs;
  for (auto& inputs : team_inputs) {
    Merger leader(plan, inputs.size(), false);
    Interleave(leader, std::move(inputs), rng);
    leader_outputs.push_back(Drain([&](std::size_t n, Batch* b) { return leader.Pop(n, b); }, rng));
  }
  Merger gateway(plan, leader_outputs.size(), true);
  Interleave(gateway, std::move(leader_outputs), rng);
  std::string wire;
  Batch b;
  while (gateway.Pop(1 << 20, &b)) EncodeBatch(b, &wire);
  return wire;
}

TEST(Determinism, EveryGroupingAndArrivalOrderGivesTheSameBytes) {
  const std::vector<Table> tables = Partitions(11, 6);
  const char* const kStatements[] = {
      "SELECT sum(concentration), avg(concentration), count(*) FROM measurements",
      "SELECT parameter, sum(concentration), avg(concentration), min(concentration), "
      "max(concentration) FROM measurements GROUP BY parameter",
      "SELECT site_name, unit, count(aqi), avg(aqi) FROM measurements GROUP BY site_name, unit",
      "SELECT aqi, count(*) FROM measurements GROUP BY aqi ORDER BY 2 DESC LIMIT 3",
      "SELECT parameter, stddev_samp(concentration), var_pop(concentration), "
      "stddev_pop(aqi), variance(aqi) FROM measurements GROUP BY parameter",
      "SELECT unit, count(DISTINCT site_name), sum(DISTINCT concentration), "
      "avg(DISTINCT aqi), median(concentration), quantile_cont(aqi, 0.9), "
      "quantile_disc(site_name, 0.3) FROM measurements GROUP BY unit",
      "SELECT parameter, arg_min(site_name, aqi), arg_max(utc, concentration), "
      "bool_and(aqi > 50), bool_or(site_name LIKE 'a%') FROM measurements GROUP BY parameter",
      "SELECT category, count(*) FILTER (WHERE aqi > 20), sum(concentration) FILTER "
      "(WHERE parameter = 'OZONE') FROM measurements GROUP BY category",
  };
  std::mt19937_64 rng(3);
  for (const char* sql : kStatements) {
    const Plan plan = Plan::Deserialize(Plan::Parse(sql).Serialize());
    const std::string first = RunShuffled(plan, tables, rng);
    EXPECT_GT(first.size(), 0u);
    for (int trial = 0; trial < 25; ++trial) {
      ASSERT_EQ(RunShuffled(plan, tables, rng), first) << sql << " (trial " << trial << ")";
    }
  }
}

}  // namespace
}  // namespace plume::engine::testing
