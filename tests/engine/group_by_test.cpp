// PartitionAggregator's one-key chunks (a chunk of rows that all hold one value of the only
// GROUP BY key: one lookup, the aggregates folded as a run) against a row-at-a-time reference
// and against the same rows shuffled (every chunk many groups, the per-row path): runs that start
// and end inside chunks and cross them, groups whose aggregate argument is NULL in every row,
// NULLs inside runs, and a WHERE that selects nothing (empty morsels).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "engine/exact_sum.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/table.h"
#include "tests/engine/kernel_isa.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

struct Expected {
  std::int64_t count = 0, valid_conc = 0;
  ExactSum sum;
  std::optional<std::int64_t> min, max;
};

// Parameters in sorted runs; a run's length crosses the 2,048-row chunks at odd places. CO has
// no AQI at all (as in the data set); the others have NULLs in about one row in seven.
std::vector<Row> SortedRows(std::mt19937_64& rng) {
  const std::pair<const char*, std::size_t> runs[] = {
      {"CO", 3001}, {"NO2", 1}, {"OZONE", 2047}, {"PM10", 4096}, {"PM2.5", 5000}, {"SO2", 77}};
  std::vector<Row> rows;
  for (const auto& [param, n] : runs) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool co = std::string(param) == "CO";
      const Value aqi =
          co || rng() % 7 == 0 ? Value{} : Value{static_cast<std::int64_t>(rng() % 500)};
      const Value conc =
          rng() % 9 == 0
              ? Value{}
              : Value{static_cast<double>(rng() % 100000) / 100 * (rng() % 50 == 0 ? 1e-12 : 1.0)};
      rows.push_back(MeasurementRow(34.0, 1598918400 + 3600 * static_cast<std::int64_t>(i % 24),
                                    param, conc, aqi, "Site"));
    }
  }
  return rows;
}

std::map<std::string, Expected> Reference(const std::vector<Row>& rows) {
  std::map<std::string, Expected> out;
  for (const Row& r : rows) {
    Expected& e = out[std::get<std::string>(r[static_cast<std::size_t>(Col::kParameter)])];
    ++e.count;
    const Value& conc = r[static_cast<std::size_t>(Col::kConcentration)];
    if (const double* d = std::get_if<double>(&conc)) {
      e.sum.Add(*d);
      ++e.valid_conc;
    }
    if (const auto* a = std::get_if<std::int64_t>(&r[static_cast<std::size_t>(Col::kAqi)])) {
      e.min = std::min(e.min.value_or(*a), *a);
      e.max = std::max(e.max.value_or(*a), *a);
    }
  }
  return out;
}

constexpr const char* kStatement =
    "SELECT parameter, count(*), avg(concentration), min(aqi), max(aqi), sum(concentration) "
    "FROM measurements GROUP BY parameter ORDER BY parameter";

TEST(GroupBy, OneKeyChunksMatchTheRowAtATimeReference) {
  std::mt19937_64 rng(14);
  const std::vector<Row> rows = SortedRows(rng);
  const std::map<std::string, Expected> want = Reference(rows);
  const std::vector<Row> got = RunPipeline(Plan::Parse(kStatement), {MakeTable(rows)});
  ASSERT_EQ(got.size(), want.size());
  std::size_t i = 0;
  for (const auto& [param, e] : want) {
    const Row& g = got[i++];
    EXPECT_EQ(std::get<std::string>(g[0]), param);
    EXPECT_EQ(std::get<std::int64_t>(g[1]), e.count) << param;
    ASSERT_EQ(std::holds_alternative<double>(g[2]), e.valid_conc > 0) << param;
    if (e.valid_conc > 0) {
      EXPECT_EQ(std::get<double>(g[2]), ExactMean(e.sum, e.valid_conc)) << param;
      EXPECT_EQ(std::get<double>(g[5]), e.sum.Value()) << param;
    }
    for (int k : {3, 4}) {
      const std::optional<std::int64_t>& ext = k == 3 ? e.min : e.max;
      ASSERT_EQ(std::holds_alternative<std::int64_t>(g[static_cast<std::size_t>(k)]),
                ext.has_value())
          << param << " " << k;  // CO: NULL, every AQI of the group is
      if (ext) {
        EXPECT_EQ(std::get<std::int64_t>(g[static_cast<std::size_t>(k)]), *ext);
      }
    }
  }
}

TEST(GroupBy, SortedAndShuffledRowsGiveTheSameBytes) {
  std::mt19937_64 rng(15);
  const std::vector<Row> in_order = SortedRows(rng);
  std::vector<Row> rows = in_order;
  const Plan plan = Plan::Parse(kStatement);
  const std::vector<Row> sorted = RunPipeline(plan, {MakeTable(rows)});
  std::shuffle(rows.begin(), rows.end(), rng);
  const std::vector<Row> shuffled = RunPipeline(plan, {MakeTable(rows)});
  ASSERT_EQ(sorted.size(), shuffled.size());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    EXPECT_EQ(RowText(sorted[i]), RowText(shuffled[i])) << i;
  // a WHERE that removes parts of the sorted runs (one-key chunks of gathered rows) against the
  // rows it keeps, shuffled
  const std::string filtered =
      "SELECT parameter, count(*), avg(concentration), min(aqi), max(aqi) FROM measurements "
      "WHERE aqi IS NULL OR aqi % 3 <> 0 GROUP BY parameter ORDER BY parameter";
  std::vector<Row> kept;
  for (const Row& r : rows) {
    const auto* a = std::get_if<std::int64_t>(&r[static_cast<std::size_t>(Col::kAqi)]);
    if (a == nullptr || *a % 3 != 0) kept.push_back(r);
  }
  const std::vector<Row> a = RunPipeline(Plan::Parse(filtered), {MakeTable(in_order)});
  const std::vector<Row> b = RunPipeline(Plan::Parse(kStatement), {MakeTable(kept)});
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(ValueText(a[i][k]), ValueText(b[i][k])) << i;
  }
}

// Runs long enough to hold whole zone-map blocks of one key (PartitionAggregator::OneKeyBlock):
// such a block's group is its key's zone map, and count, integer and string min/max come from
// the argument columns' zone maps (NULL counts, min and max) without reading values. Blocks
// where the argument is NULL in every row, in none, or in some; the table's last, short block;
// runs that start and end inside blocks. Against the same rows shuffled (no block of one key:
// every value read), on every kernel, byte for byte.
TEST(GroupBy, WholeBlocksOfOneKeyGiveTheBytesOfShuffledRows) {
  std::mt19937_64 rng(17);
  struct Run {
    const char* param;
    std::size_t rows;
    int aqi_nulls, conc_nulls;  // 0 none, 1 some, 2 all
  };
  const Run runs[] = {{"CO", 20000, 2, 1},  {"NO2", 17000, 0, 0},   {"OZONE", 8192, 1, 2},
                      {"PM10", 9000, 0, 1}, {"PM2.5", 30000, 1, 0}, {"SO2", 9500, 0, 0}};
  std::vector<Row> rows;
  for (const Run& run : runs) {
    for (std::size_t i = 0; i < run.rows; ++i) {
      auto null = [&](int mode) { return mode == 2 || (mode == 1 && rng() % 11 == 0); };
      // each run's extremes in its middle, inside a whole block where the run has one
      const std::int64_t a = i == run.rows / 2       ? 1000 + static_cast<std::int64_t>(run.rows)
                             : i == run.rows / 2 + 1 ? -7 - static_cast<std::int64_t>(run.rows)
                                                     : static_cast<std::int64_t>(rng() % 500);
      const Value aqi = null(run.aqi_nulls) ? Value{} : Value{a};
      const Value conc =
          null(run.conc_nulls) ? Value{} : Value{static_cast<double>(rng() % 100000) / 100};
      rows.push_back(MeasurementRow(34.0, 1598918400 + 3600 * static_cast<std::int64_t>(i % 24),
                                    run.param, conc, aqi,
                                    i == run.rows / 2       ? std::string("Site Z")
                                    : i == run.rows / 2 + 1 ? std::string("Site -")
                                                            : "Site " + std::to_string(rng() % 5)));
    }
  }
  const Plan plan = Plan::Parse(
      "SELECT parameter, count(*), count(aqi), count(concentration), avg(concentration), "
      "sum(concentration), min(aqi), max(aqi), sum(aqi), avg(aqi), min(site_name), "
      "max(site_name), min(utc), max(utc) FROM measurements GROUP BY parameter "
      "ORDER BY parameter");
  std::vector<Row> shuffled_rows = rows;
  std::shuffle(shuffled_rows.begin(), shuffled_rows.end(), rng);
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    const std::vector<Row> sorted = RunPipeline(plan, {MakeTable(rows)});
    const std::vector<Row> shuffled = RunPipeline(plan, {MakeTable(shuffled_rows)});
    ASSERT_EQ(sorted.size(), 6u);
    ASSERT_EQ(shuffled.size(), sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i)
      EXPECT_EQ(RowText(sorted[i]), RowText(shuffled[i])) << static_cast<int>(isa) << " " << i;
    EXPECT_EQ(std::get<std::int64_t>(sorted[0][2]), 0);  // CO: no AQI
    EXPECT_TRUE(std::holds_alternative<std::monostate>(sorted[0][6]));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(sorted[2][4]));  // OZONE: no concentration
    EXPECT_EQ(std::get<std::int64_t>(sorted[1][7]), 1000 + 17000);      // NO2's max, min
    EXPECT_EQ(std::get<std::int64_t>(sorted[1][6]), -7 - 17000);
    EXPECT_EQ(std::get<std::string>(sorted[4][11]), "Site Z");  // PM2.5's max(site_name)
  }
}

TEST(GroupBy, EmptyMorselsGiveNoGroups) {
  std::mt19937_64 rng(16);
  const std::vector<Row> rows = SortedRows(rng);
  const std::vector<Row> got = RunPipeline(
      Plan::Parse("SELECT parameter, count(*), avg(concentration), max(aqi) FROM measurements "
                  "WHERE aqi > 100000 GROUP BY parameter"),
      {MakeTable(rows), MakeTable({})});
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace plume::engine::testing

namespace plume::engine {
namespace {

// The summary GROUP BY's dense integer keys use (engine/table.h): the range of the non-NULL
// values and whether all share one remainder modulo an hour, negative values included; added
// piece by piece it equals one scan.
TEST(IntSummary, RangeAndHourGridOfTheNonNullValues) {
  const std::vector<std::int64_t> v = {-7200, 3600, 0, 999, 7200};
  const std::vector<std::uint8_t> valid = {1, 1, 1, 0, 1};
  IntSummary all;
  all.Add(v.data(), valid.data(), v.size());
  EXPECT_TRUE(all.any);
  EXPECT_EQ(all.lo, -7200);
  EXPECT_EQ(all.hi, 7200);
  EXPECT_TRUE(all.on_grid);  // 999 is NULL
  EXPECT_FALSE(all.known);   // only a loader says so
  IntSummary pieces;
  pieces.Add(v.data(), valid.data(), 2);
  pieces.Add(v.data() + 2, valid.data() + 2, 3);
  EXPECT_EQ(pieces.lo, all.lo);
  EXPECT_EQ(pieces.hi, all.hi);
  EXPECT_EQ(pieces.on_grid, all.on_grid);
  IntSummary off;
  off.Add(v.data(), nullptr, v.size());  // 999 counts
  EXPECT_FALSE(off.on_grid);
  IntSummary none;
  none.Add(v.data(), std::vector<std::uint8_t>(5, 0).data(), 5);
  EXPECT_FALSE(none.any);
}

}  // namespace
}  // namespace plume::engine
