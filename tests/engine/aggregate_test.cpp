// The aggregate layer: exact double sums, and deterministic answers — the same statement over
// the same partitions gives byte-identical output however partitions are grouped into teams,
// split into batches and interleaved (issue 12 item 5).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "engine/aggregate.h"
#include "engine/batch.h"
#include "engine/exact_sum.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/table.h"
#include "tests/engine/kernel_isa.h"
#include "tests/engine/merge_harness.h"
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

// The fast fixed-point path spills into the expansion on overflow; values outside its window,
// subnormals and negative values mix with it. Any order must give the same, exact, value.
TEST(ExactSum, FastPathSpillsExactly) {
  std::vector<double> v = {1.0};  // the window: 2^-32 .. 2^30 around 1
  for (int i = 0; i < 20000; ++i) v.push_back((i % 2 ? -1 : 1) * (0x1p30 - i) * 1.75);
  for (int i = 0; i < 20000; ++i) v.push_back(0x1p30 * (1 + 0x1p-52 * i));  // forces spills
  v.push_back(0x1p-1070);
  v.push_back(-0x1p-1074);
  v.push_back(0x1p200);
  v.push_back(-0x1p200);
  v.push_back(1e-300);
  const double want = SumOf(v);
  long double approx = 0;  // +-2^200 cancel exactly; long double would lose the rest
  for (double x : v) approx += std::fabs(x) == 0x1p200 ? 0 : x;
  EXPECT_NEAR(want, static_cast<double>(approx), std::fabs(want) * 1e-15);
  std::reverse(v.begin(), v.end());
  EXPECT_EQ(SumOf(v), want);
  std::mt19937_64 rng(1);
  std::shuffle(v.begin(), v.end(), rng);
  EXPECT_EQ(SumOf(v), want);
  EXPECT_EQ(SumOf({1.0, 0x1p-40, -1.0}), 0x1p-40);  // below the window of the first value
  EXPECT_EQ(SumOf({0x1p-40, 1.0, -1.0}), 0x1p-40);
}

// AddEach (a GROUP BY run of one group, summed in registers) is Add over the valid rows, for
// values the fast path takes, values it cannot (outside its window, subnormal, huge, infinite,
// NaN), spills on overflow and a halved (beyond the double range) sum.
TEST(ExactSum, AddEachIsAddOverTheValidRows) {
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    std::vector<double> base = {0x1p-1074, 1.0};
    for (int i = 0; i < 5000; ++i) base.push_back((i % 2 ? -1 : 1) * (0x1p30 - i) * 1.75);
    for (int i = 0; i < 5000; ++i) base.push_back(0x1p30 * (1 + 0x1p-52 * i));
    for (double x : {0x1p-40, 0x1p200, -0x1p200, 1e-300, -0x1p-1070}) base.push_back(x);
    const std::vector<std::vector<double>> sets = {base,
                                                   {1.0, 0x1p-40, -1.0},
                                                   {1.7e308, 1.0, 1.7e308, -1.7e308, 2.5},
                                                   {1.0, INFINITY, 2.0},
                                                   {3.0, NAN, 1.0},
                                                   {}};
    std::mt19937_64 rng(5);
    for (const std::vector<double>& v : sets) {
      std::vector<std::uint32_t> rows;
      std::vector<std::uint8_t> valid(v.size());
      for (std::uint32_t r = 0; r < v.size(); ++r) {
        valid[r] = rng() % 4 != 0;
        if (rng() % 3 != 0) rows.push_back(r);
      }
      const std::uint8_t* const masks[] = {nullptr, valid.data()};
      for (const std::uint8_t* mask : masks) {
        ExactSum one, each;
        for (std::uint32_t r : rows) {
          if (mask == nullptr || mask[r]) one.Add(v[r]);
        }
        each.AddEach(v.data(), rows.data(), mask, rows.size());
        const double want = one.Value(), got = each.Value();
        EXPECT_TRUE(got == want || (std::isnan(got) && std::isnan(want)))
            << v.size() << " values: " << got << " vs " << want;
      }
    }
  }
}

// Doubles of every kind: all exponents (subnormal to near the top), +-0, values a few ulps
// apart that cancel, and (when `specials`) infinities and NaN.
std::vector<double> NastyDoubles(std::mt19937_64& rng, std::size_t n, bool specials) {
  std::vector<double> v;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = std::uniform_real_distribution<double>(-1, 1)(rng);
    switch (rng() % 8) {
      case 0:  // any exponent
        v.push_back(std::ldexp(m, static_cast<int>(rng() % 2098) - 1074));
        break;
      case 1:  // subnormal
        v.push_back(std::bit_cast<double>(rng() % (std::uint64_t{1} << 52)) * (m < 0 ? -1 : 1));
        break;
      case 2:
        v.push_back(rng() % 2 ? 0.0 : -0.0);
        break;
      case 3:  // cancels an earlier value up to its last bits
        v.push_back(v.empty() ? 1.0 : -std::nextafter(v[rng() % v.size()], 0.0));
        break;
      case 4:
        if (specials && rng() % 8 == 0) {
          const double s[] = {INFINITY, -INFINITY, NAN};
          v.push_back(s[rng() % 3]);
          break;
        }
        [[fallthrough]];
      default:  // a column's typical values: two decimals, 0.01 .. 1000
        v.push_back(static_cast<double>(rng() % 100000) / 100 * (m < 0 ? -1 : 1));
    }
  }
  return v;
}

bool SameSum(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

// The block kernel of AddEach (exact_sum.cpp) against Add value by value: random doubles of all
// kinds, blocks that are all typical (the kernel's path), all tiny, mixed (its one-by-one
// remainders) or special (its fallback), contiguous and gathered rows, NULL masks, every length
// around the block size, any order and any split into partial states. On every kernel.
TEST(ExactSum, AddEachBlocksAreExactForEveryDouble) {
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    std::mt19937_64 rng(12);
    for (int trial = 0; trial < 300; ++trial) {
      const std::size_t n = trial < 8 ? ExactSum::kBlock - 4 + static_cast<std::size_t>(trial)
                                      : rng() % (3 * ExactSum::kBlock);
      std::vector<double> v = NastyDoubles(rng, n, trial % 5 == 0);
      if (trial % 3 == 1) {  // only typical values: every block takes the vectorized path
        for (double& x : v) x = static_cast<double>(rng() % 100000) / 100 - 250;
      } else if (trial % 7 == 2) {  // typical values and a few far below them
        for (double& x : v) x = rng() % 50 ? static_cast<double>(rng() % 1000) / 10 : x * 0x1p-60;
      }
      std::vector<std::uint8_t> valid(n);
      for (auto& b : valid) b = rng() % 5 != 0;
      std::vector<std::uint32_t> all(n), some;
      for (std::uint32_t r = 0; r < n; ++r) {
        all[r] = r;
        if (rng() % 3 != 0) some.push_back(r);
      }
      for (const std::vector<std::uint32_t>* rows : {&all, &some}) {
        const std::uint8_t* const masks[] = {nullptr, valid.data()};
        for (const std::uint8_t* mask : masks) {
          ExactSum one;
          for (std::uint32_t r : *rows) {
            if (mask == nullptr || mask[r]) one.Add(v[r]);
          }
          ExactSum each;
          each.AddEach(v.data(), rows->data(), mask, rows->size());
          ASSERT_TRUE(SameSum(each.Value(), one.Value()))
              << trial << ": " << each.Value() << " vs " << one.Value();
          // any split into two partial states, summed in the other order, encoded between
          const std::size_t cut = rows->empty() ? 0 : rng() % rows->size();
          ExactSum a, b;
          b.AddEach(v.data(), rows->data() + cut, mask, rows->size() - cut);
          a.AddEach(v.data(), rows->data(), mask, cut);
          std::string bytes;
          ByteWriter w(&bytes);
          a.Encode(w);
          ByteReader r(bytes, "test");
          b.AddEncoded(r);
          ASSERT_TRUE(SameSum(b.Value(), one.Value())) << trial << " split at " << cut;
          double hi1, lo1, hi2, lo2;
          b.Split(&hi1, &lo1);
          one.Split(&hi2, &lo2);
          ASSERT_TRUE(SameSum(lo1, lo2)) << trial;
        }
      }
    }
  }
}

// Edges of the kernel's range checks and grids: the largest values it takes and the first it
// does not, the smallest likewise, a remainder exactly at its grid, all-zero and all-NULL blocks.
TEST(ExactSum, AddEachAtTheKernelsLimits) {
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    const std::vector<std::vector<double>> sets = {
        {0x1p999, -0x1p999, 0x1.fffffffffffffp999, 1.0},  // ex = 1000: taken
        {0x1p1000, 0x1p-20, -0x1p1000},                   // ex = 1001: value by value
        {0x1.fffffffffffffp1023, 0x1.fffffffffffffp1023, -0x1.fffffffffffffp1023},
        {0x1p-902, 0x1p-1074, -0x1p-902},   // ex = -901: value by value
        {0x1p-901, 0x1p-1074, 0x1.8p-950},  // ex = -900: taken, remainders one by one
        {1.0, 0x1p-83, 0x1p-84, 0x1p-85, 0x1.0000000000001p-60, -1.0},
        {0.0, -0.0, 0.0},
        {-0.0},
        {},
    };
    for (const std::vector<double>& base : sets) {
      for (std::size_t copies : {std::size_t{1}, std::size_t{700}}) {
        std::vector<double> v;
        for (std::size_t c = 0; c < copies; ++c) v.insert(v.end(), base.begin(), base.end());
        std::vector<std::uint32_t> rows(v.size());
        for (std::uint32_t r = 0; r < v.size(); ++r) rows[r] = r;
        ExactSum one, each;
        for (double x : v) one.Add(x);
        each.AddEach(v.data(), rows.data(), nullptr, rows.size());
        EXPECT_TRUE(SameSum(each.Value(), one.Value()))
            << base.size() << " x " << copies << ": " << each.Value() << " vs " << one.Value();
        const std::vector<std::uint8_t> none(v.size(), 0);
        ExactSum nulls;
        nulls.AddEach(v.data(), rows.data(), none.data(), rows.size());
        EXPECT_TRUE(SameSum(nulls.Value(), 0.0));
      }
    }
  }
}

// One sum fed block after block, as a GROUP BY run feeds it, on every kernel: the AVX2 pass
// tries the last block's grids first, so blocks whose magnitudes jump up (the grids no longer
// fit), down (finer grids would leave no remainders) or to specials must still add exactly;
// the value and the rest (Split) match Add value by value.
TEST(ExactSum, AddEachOnEveryKernelFollowsBlocksOfChangingMagnitude) {
  std::mt19937_64 rng(31);
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    for (int trial = 0; trial < 60; ++trial) {
      ExactSum one, each;
      for (int block = 0; block < 12; ++block) {
        const std::size_t n = rng() % 3 ? ExactSum::kBlock : rng() % (ExactSum::kBlock + 1);
        std::vector<double> v;
        const int scale = static_cast<int>(rng() % 80) - 40;  // jumps between blocks
        if (rng() % 6 == 0) {
          v = NastyDoubles(rng, n, trial % 4 == 0);
        } else {
          for (std::size_t i = 0; i < n; ++i) {
            double x = std::ldexp(static_cast<double>(rng() % 100000) / 100 - 300, scale);
            if (rng() % 200 == 0) x *= 0x1p-45;  // a remainder below the grids
            v.push_back(x);
          }
        }
        std::vector<std::uint8_t> valid(n);
        for (auto& b : valid) b = rng() % 9 != 0 ? static_cast<std::uint8_t>(1 + rng() % 3) : 0;
        const bool masked = rng() % 2;
        std::vector<std::uint32_t> rows(n);
        for (std::uint32_t r = 0; r < n; ++r) rows[r] = r;
        for (std::size_t i = 0; i < n; ++i) {
          if (!masked || valid[i]) one.Add(v[i]);
        }
        each.AddEach(v.data(), rows.data(), masked ? valid.data() : nullptr, n);
        ASSERT_TRUE(SameSum(each.Value(), one.Value()))
            << static_cast<int>(isa) << " trial " << trial << " block " << block;
      }
      double hi1, lo1, hi2, lo2;
      each.Split(&hi1, &lo1);
      one.Split(&hi2, &lo2);
      ASSERT_TRUE(SameSum(lo1, lo2)) << trial;
    }
  }
}

TEST(ExactSum, MalformedWireFormIsRejected) {
  for (std::string bytes : {std::string("\x08", 1), std::string("\x00\x05", 2),
                            std::string("\x00\x01\x00\x00\x00\x00\x00\x00\xf0\x7f", 10)}) {
    ByteReader r(bytes, "exact sum");
    EXPECT_THROW(ExactSum::Decode(r), std::runtime_error) << bytes.size();
  }
}

// DISTINCT and quantile states hold value -> count maps: their size follows the distinct
// values, not the rows.
// min and max of a BIGINT column over one group's run (UpdateOneGroup: the registers fold, the
// AVX2 lanes) against the row-at-a-time fold (Update of each row).
void ExpectRunIsTheRowAtATimeFold(const Column& c, const std::vector<std::uint32_t>& rows,
                                  const std::string& what) {
  for (AggFn fn : {AggFn::kMin, AggFn::kMax}) {
    AggSpec spec;
    spec.fn = fn;
    spec.column = 0;
    spec.input = spec.result = Type::kInt64;
    auto run = MakeAggregateStates(spec, true), each = MakeAggregateStates(spec, true);
    run->Resize(1);
    each->Resize(1);
    const std::vector<std::uint32_t> gids(rows.size(), 0);
    const AggArgs args{&c, nullptr, nullptr};
    run->UpdateOneGroup(args, rows.data(), gids.data(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) each->Update(args, &rows[i], &gids[i], 1);
    BatchColumn a, b;
    run->EmitFinal(0, &a);
    each->EmitFinal(0, &b);
    ASSERT_EQ(a.ints.size(), 1u);
    ASSERT_EQ(a.IsNull(0), b.IsNull(0)) << what << (fn == AggFn::kMax ? " max" : " min");
    if (!b.IsNull(0)) {
      EXPECT_EQ(a.ints[0], b.ints[0]) << what << (fn == AggFn::kMax ? " max" : " min");
    }
  }
}

// Contiguous and gathered rows, with and without NULLs, all NULL, and the int64 limits (the
// run's fold starts from them).
TEST(ExtremeStates, OneGroupRunIsTheRowAtATimeFold) {
  using Limits = std::numeric_limits<std::int64_t>;
  Column c;
  c.type = Type::kInt64;
  c.ints = {5, Limits::min(), 7, Limits::max(), -3, 12, 0, 9};
  const std::vector<std::uint8_t> some_null = {1, 0, 1, 0, 1, 1, 0, 1};
  const std::vector<std::vector<std::uint32_t>> runs = {
      {0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 4}, {0, 2, 5, 7}, {1, 3, 6}, {1}, {3}, {}};
  for (bool nulls : {false, true}) {
    c.valid = nulls ? some_null : std::vector<std::uint8_t>{};
    for (const auto& rows : runs) {
      ExpectRunIsTheRowAtATimeFold(c, rows,
                                   std::to_string(nulls) + " " + std::to_string(rows.size()));
    }
  }
}

// Integer min/max of one group's run on every kernel against the row-at-a-time fold: runs of
// every length around the AVX2 loop's 8 values, contiguous and gathered, NULL masks of any
// density (validity bytes other than 1 count as valid), the int64 limits among the values.
TEST(ExtremeStates, OneGroupRunOnEveryKernelIsTheRowAtATimeFold) {
  using Limits = std::numeric_limits<std::int64_t>;
  std::mt19937_64 rng(32);
  Column c;
  c.type = Type::kInt64;
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t pick = rng() % 40;
    c.ints.push_back(pick == 0   ? Limits::min()
                     : pick == 1 ? Limits::max()
                                 : static_cast<std::int64_t>(rng() % 2001) - 1000);
  }
  for (KernelIsa isa : AvailableIsas()) {
    ScopedKernelIsa scoped(isa);
    for (int trial = 0; trial < 400; ++trial) {
      const std::size_t n = trial < 40 ? static_cast<std::size_t>(trial) : rng() % 2100;
      const std::size_t first = rng() % (c.ints.size() - n);
      std::vector<std::uint32_t> rows;
      for (std::size_t i = 0; i < n; ++i) {
        if (trial % 3 != 2 || rng() % 2) rows.push_back(static_cast<std::uint32_t>(first + i));
      }
      const int density = trial % 4;  // no mask, no NULL, some NULLs, all NULL
      c.valid.clear();
      if (density > 0) {
        c.valid.resize(c.ints.size());
        for (auto& b : c.valid) {
          b = density == 1                     ? 1
              : density == 3 || rng() % 3 == 0 ? 0
                                               : static_cast<std::uint8_t>(1 + rng() % 200);
        }
      }
      ExpectRunIsTheRowAtATimeFold(
          c, rows, std::to_string(static_cast<int>(isa)) + " trial " + std::to_string(trial));
    }
  }
}

TEST(ValueStates, PartialStateSizeFollowsDistinctValues) {
  RandomSource source(21);
  std::vector<Row> rows = source.Rows(60000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i][static_cast<std::size_t>(Col::kAqi)] = static_cast<std::int64_t>(i % 7);
  }
  const Table table = MakeTable(rows);
  for (const char* sql : {"SELECT median(aqi), count(DISTINCT aqi), quantile_disc(aqi, 0.9) "
                          "FROM measurements"}) {
    PartitionExecution exec(Plan::Parse(sql), table);
    Batch b;
    ASSERT_TRUE(exec.Next(10, &b));
    ASSERT_EQ(b.rows, 1u);
    for (const BatchColumn& c : b.columns) {
      ASSERT_EQ(c.type, Type::kString);
      EXPECT_LE(c.chars.size(), 1 + 7 * (8 + 3u)) << sql;  // n, then 7 values and counts
    }
  }
}

TEST(Determinism, EveryGroupingAndArrivalOrderGivesTheSameBytes) {
  const std::vector<Table> tables = NastyPartitions(11, 6);
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
    const std::string first = RunTreeMerge(plan, tables, rng);
    EXPECT_GT(first.size(), 0u);
    for (int trial = 0; trial < 25; ++trial) {
      ASSERT_EQ(RunTreeMerge(plan, tables, rng), first) << sql << " (trial " << trial << ")";
    }
  }
}

}  // namespace
}  // namespace plume::engine::testing
