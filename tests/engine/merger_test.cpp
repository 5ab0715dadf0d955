// The Merger's streaming contract (Waiting/Pop/Done, bounded buffering, LIMIT, validation) and
// PartitionExecution's row counts and errors.
#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "engine/schema.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

using I = std::int64_t;

Batch Ints(std::vector<I> values) {
  Batch b;
  b.rows = values.size();
  BatchColumn c;
  c.type = Type::kInt64;
  c.ints = std::move(values);
  b.columns.push_back(std::move(c));
  return b;
}

std::vector<I> PopAll(Merger& m, std::size_t max_rows = 100) {
  std::vector<I> out;
  Batch b;
  while (m.Pop(max_rows, &b))
    out.insert(out.end(), b.columns[0].ints.begin(), b.columns[0].ints.end());
  return out;
}

TEST(Merger, OrderedMergeWaitsForEveryOpenInput) {
  const Plan plan = Plan::Parse("SELECT aqi FROM measurements ORDER BY aqi");
  Merger m(plan, 2, true);
  EXPECT_EQ(m.Waiting(), 0);
  m.Push(0, Ints({1, 5}));
  EXPECT_EQ(m.Waiting(), 1);
  EXPECT_TRUE(PopAll(m).empty());  // input 1's first row is unknown
  m.Push(1, Ints({2, 3}));
  EXPECT_EQ(m.Waiting(), -1);
  EXPECT_EQ(PopAll(m), (std::vector<I>{1, 2, 3}));
  EXPECT_EQ(m.Waiting(), 1);  // drained, not closed: 5 may not be next
  m.Close(1);
  EXPECT_EQ(PopAll(m), (std::vector<I>{5}));
  EXPECT_EQ(m.Waiting(), 0);
  EXPECT_FALSE(m.Done());
  m.Close(0);
  EXPECT_EQ(m.Waiting(), -1);
  EXPECT_TRUE(m.Done());
}

TEST(Merger, LimitEndsTheMergeEarly) {
  const Plan plan = Plan::Parse("SELECT aqi FROM measurements ORDER BY aqi DESC LIMIT 2");
  Merger m(plan, 2, true);
  m.Push(0, Ints({9, 4}));
  m.Push(1, Ints({8, 7}));
  EXPECT_EQ(PopAll(m, 1), (std::vector<I>{9, 8}));
  EXPECT_TRUE(m.Done());
  EXPECT_EQ(m.Waiting(), -1);
  m.Push(0, Ints({3}));  // ignored
  EXPECT_TRUE(PopAll(m).empty());
}

TEST(Merger, UnorderedStreamsAndCutsAtLimit) {
  const Plan plan = Plan::Parse("SELECT aqi FROM measurements LIMIT 3");
  Merger m(plan, 2, false);
  EXPECT_EQ(m.Waiting(), -1);
  m.Push(1, Ints({1, 2}));
  EXPECT_EQ(PopAll(m), (std::vector<I>{1, 2}));
  m.Push(0, Ints({3, 4}));
  EXPECT_EQ(PopAll(m), (std::vector<I>{3}));
  EXPECT_TRUE(m.Done());
}

TEST(Merger, AggregatesWaitForAllInputs) {
  const Plan plan = Plan::Parse("SELECT count(*) FROM measurements");
  Merger m(plan, 0, true);  // no partition at all: still one row
  EXPECT_EQ(PopAll(m), (std::vector<I>{0}));
  EXPECT_TRUE(m.Done());
  Merger two(plan, 2, true);
  two.Push(0, Ints({4}));
  two.Close(0);
  EXPECT_TRUE(PopAll(two).empty());
  EXPECT_EQ(two.Waiting(), -1);
  EXPECT_FALSE(two.Done());
  two.Push(1, Ints({5}));
  two.Close(1);
  EXPECT_EQ(PopAll(two), (std::vector<I>{9}));
  EXPECT_TRUE(two.Done());
}

TEST(Merger, RejectsBadInput) {
  const Plan plan = Plan::Parse("SELECT aqi FROM measurements");
  Merger m(plan, 1, true);
  Batch wrong = Ints({1});
  wrong.columns[0].type = Type::kFloat64;
  EXPECT_THROW(m.Push(0, wrong), std::runtime_error);
  Batch short_column = Ints({1});
  short_column.rows = 2;
  EXPECT_THROW(m.Push(0, short_column), std::runtime_error);
  EXPECT_THROW(m.Push(1, Ints({1})), std::out_of_range);
  m.Close(0);
  EXPECT_THROW(m.Push(0, Ints({1})), std::logic_error);
}

Table OneRowTable() {
  return MakeTable(
      {Row{1.0, 2.0, I{3}, std::string("OZONE"), 4.0, std::string("PPB"), 5.0, I{6}, I{1},
           std::string("S"), std::string("A"), std::string("x"), std::string("y")}});
}

TEST(PartitionExecution, CountsBeforeTheFirstBatch) {
  const Table t = OneRowTable();
  PartitionExecution e(Plan::Parse("SELECT * FROM measurements WHERE aqi = 6"), t);
  EXPECT_EQ(e.total_rows(), 1u);
  Batch b;
  EXPECT_TRUE(e.Next(0, &b));  // max_rows 0 still makes progress
  EXPECT_EQ(b.rows, 1u);
  EXPECT_FALSE(e.Next(10, &b));
  EXPECT_EQ(b.rows, 0u);
  EXPECT_FALSE(e.Next(10, &b));
}

TEST(PartitionExecution, NeedsOnlyTheStatementsColumns) {
  Table t = OneRowTable();
  t.columns.erase(t.columns.begin() + static_cast<int>(Col::kSiteName));
  PartitionExecution ok(Plan::Parse("SELECT aqi FROM measurements WHERE parameter = 'OZONE'"), t);
  EXPECT_EQ(ok.total_rows(), 1u);
  EXPECT_THROW(PartitionExecution(Plan::Parse("SELECT site_name FROM measurements"), t),
               std::runtime_error);
  Table wrong = OneRowTable();
  wrong.columns[static_cast<int>(Col::kAqi)].type = Type::kFloat64;
  EXPECT_THROW(PartitionExecution(Plan::Parse("SELECT aqi FROM measurements"), wrong),
               std::runtime_error);
}

// A corrupted (or truncated) plan either fails to decode with a std::runtime_error that says
// what is wrong, or decodes to a plan that is stable (it re-serializes to bytes that decode to
// the same plan) and runs on a partition and through the gateway's merge: it emits exactly
// total_rows() rows, or fails with a std::runtime_error. Anything else (a logic_error,
// bad_alloc, a crash) fails the test.
void CorruptAndRun(const std::string& sql, unsigned seed) {
  const std::string bytes = Plan::Parse(sql).Serialize();
  const Table t = OneRowTable();
  std::mt19937 rng(seed);
  int rejected = 0, ran = 0, failed_to_run = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string bad = bytes;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    if (trial % 4 == 0) bad.resize(rng() % bad.size());
    std::optional<Plan> plan;
    try {
      plan = Plan::Deserialize(bad);
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()), "") << "trial " << trial;
      ++rejected;
      continue;
    }
    const std::string again = plan->Serialize();
    EXPECT_EQ(Plan::Deserialize(again).Serialize(), again) << "trial " << trial;
    try {
      PartitionExecution e(*plan, t);  // a plan that decodes must also run safely
      Merger m(*plan, 1, true);
      std::uint64_t emitted = 0;
      Batch b;
      while (e.Next(10, &b)) {
        emitted += b.rows;
        m.Push(0, std::move(b));
      }
      EXPECT_EQ(emitted, e.total_rows()) << "trial " << trial;
      m.Close(0);
      while (m.Pop(10, &b)) {
      }
      ++ran;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()), "") << "trial " << trial;
      ++failed_to_run;
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(ran, 0);
  EXPECT_EQ(rejected + ran + failed_to_run, 5000);
}

TEST(PlanSerialization, CorruptionIsRejectedOrHarmless) {
  CorruptAndRun(
      "SELECT parameter, avg(aqi), max(site_name) FROM measurements WHERE aqi IN (1, "
      "2) AND site_name LIKE 'a%' OR utc > '2020-09-12' GROUP BY parameter ORDER BY "
      "2 DESC LIMIT 4",
      11);
}

TEST(PlanSerialization, CorruptExpressionsAreRejectedOrHarmless) {
  CorruptAndRun(
      "SELECT date_trunc('day', utc) AS d, round(avg(aqi * 2), 1), max(substring(site_name, 2, "
      "3)) || 'x' FROM measurements WHERE power(concentration, 2) > raw_concentration AND "
      "replace(site_name, 'a', 'b') ILIKE '%c%' GROUP BY d HAVING count(*) > 0 ORDER BY 2 "
      "LIMIT 3 OFFSET 1",
      12);
  CorruptAndRun(
      "SELECT CASE WHEN aqi > 50 THEN strftime(utc, '%Y') ELSE lower(parameter) END, "
      "coalesce(aqi, category) // 3, CAST(utc AS DATE), starts_with(unit, 'P') FROM "
      "measurements WHERE regexp_matches(site_name, 'a+') OR aqi IN (1, 2.5, '3') ORDER BY 1",
      13);
}

// A constant IN list travels packed (issue 12 item 2): a 100,000-element list on an expression
// is a few bytes per element and decodes to a plan that encodes to the same bytes and gives
// the same answer; corrupt packed lists are rejected or harmless.
TEST(PlanSerialization, AConstantInListTravelsPacked) {
  std::string sql = "SELECT count(*) FROM measurements WHERE aqi + 0 IN (";
  for (int i = 0; i < 100000; ++i) sql += (i > 0 ? "," : "") + std::to_string(1000 + 7 * i);
  sql += ", 3) OR lower(site_name) IN ('a', NULL, 'b')";
  const Plan plan = Plan::Parse(sql);
  const std::string bytes = plan.Serialize();
  // The statement's text twice (the plan's sql and the IN expression's own text), then per
  // element a null flag, a varint and the element's text: ~12 bytes (24 unpacked).
  EXPECT_LT(bytes.size(), 2 * sql.size() + 100000 * 12);
  const Plan back = Plan::Deserialize(bytes);
  EXPECT_EQ(back.Serialize(), bytes);
  Table t = OneRowTable();
  PartitionExecution a(plan, t), b(back, t);
  Batch x, y;
  ASSERT_TRUE(a.Next(10, &x));
  ASSERT_TRUE(b.Next(10, &y));
  EXPECT_EQ(BatchRows(x), BatchRows(y));
  CorruptAndRun(
      "SELECT count(*) FROM measurements WHERE aqi + 0 IN (1, 2, NULL, 4) OR lower(site_name) "
      "IN ('a', 'b') OR concentration * 1 NOT IN (1.5, 2.5) OR CAST(utc AS DATE) IN "
      "('2020-09-01', '2020-09-02')",
      14);
}

}  // namespace
}  // namespace plume::engine::testing
