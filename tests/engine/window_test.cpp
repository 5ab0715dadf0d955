// WindowComputation (engine/window.h): the windows computed in bounded units equal the same
// windows computed with one sort over the whole table, whatever the morsel size, so the merge
// passes, the runs' boundaries and partitions that straddle morsels are all crossed.
#include "engine/window.h"

#include <gtest/gtest.h>

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tests/timeout_scale.h"

namespace plume::engine {
namespace {

// `rows` rows: a site (30 names, string codes), an hour with many ties, a value with NULLs.
Table RandomTable(std::size_t rows, std::uint32_t seed) {
  std::mt19937 gen(seed);
  Table t;
  t.rows = rows;
  Column site;
  site.name = "site";
  site.type = Type::kString;
  for (int s = 0; s < 30; ++s) site.dict.push_back("site " + std::to_string(100 + s));
  Column hour;
  hour.name = "hour";
  hour.type = Type::kInt64;
  Column value;
  value.name = "value";
  value.type = Type::kFloat64;
  for (std::size_t r = 0; r < rows; ++r) {
    site.codes.push_back(static_cast<std::uint32_t>(gen() % 30));
    hour.ints.push_back(static_cast<std::int64_t>(gen() % 40) * 3600);
    value.doubles.push_back(static_cast<double>(gen() % 1000) / 10);
    value.valid.push_back(gen() % 7 == 0 ? 0 : 1);
  }
  t.columns = {site, hour, value};
  t.BuildZoneMaps();
  return t;
}

WindowCall Call(WindowFn fn, std::string arg, std::string name, Type result, bool partitioned) {
  WindowCall c;
  c.fn = fn;
  c.arg = std::move(arg);
  if (partitioned) c.partition = {"site"};
  c.order = {{"hour", false, false}};
  c.name = std::move(name);
  c.result = result;
  return c;
}

std::vector<WindowCall> Calls() {
  std::vector<WindowCall> calls = {
      Call(WindowFn::kRowNumber, "", "rn", Type::kInt64, true),
      Call(WindowFn::kRank, "", "rk", Type::kInt64, true),
      Call(WindowFn::kLag, "value", "prev", Type::kFloat64, true),
      Call(WindowFn::kSum, "value", "rolling", Type::kFloat64, true),
      Call(WindowFn::kMax, "value", "running_max", Type::kFloat64, true),
      Call(WindowFn::kCountStar, "", "all_rows", Type::kInt64, false),  // one partition
      Call(WindowFn::kDenseRank, "", "dense_all", Type::kInt64, false),
      Call(WindowFn::kLead, "value", "next_all", Type::kFloat64, false),
  };
  calls[3].rows = true;  // ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
  calls[3].start = {FrameBound::Kind::kPreceding, 2};
  return calls;
}

Table Stepped(std::size_t rows, std::size_t morsel, std::size_t* steps) {
  WindowComputation c(Calls(), RandomTable(rows, 7), morsel);
  while (c.Step()) {
  }
  *steps = c.steps();
  return c.Take();
}

TEST(WindowComputation, MorselsGiveTheWindowsOfOneWholeSort) {
  const std::size_t rows = 5003;
  std::size_t whole_steps = 0, small_steps = 0;
  const Table whole = Stepped(rows, 1 << 30, &whole_steps);
  for (std::size_t morsel : {1u, 7u, 100u, 4096u}) {
    const Table small = Stepped(rows, morsel, &small_steps);
    ASSERT_EQ(small.columns.size(), whole.columns.size());
    for (std::size_t c = 3; c < whole.columns.size(); ++c) {
      const Column &a = whole.columns[c], &b = small.columns[c];
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.ints, b.ints) << a.name << " at morsel " << morsel;
      EXPECT_EQ(a.doubles, b.doubles) << a.name << " at morsel " << morsel;
      EXPECT_EQ(a.valid, b.valid) << a.name << " at morsel " << morsel;
    }
    // Every unit is bounded: at least a sort, a merge and an evaluation step per morsel per call.
    EXPECT_GE(small_steps, Calls().size() * (rows / morsel)) << "morsel " << morsel;
  }
  // One sort and one evaluation per call when a morsel holds every row.
  EXPECT_EQ(whole_steps, 2 * Calls().size());
}

TEST(WindowComputation, RowNumbersFollowTheOrderWithinEachPartition) {
  std::size_t steps = 0;
  const Table t = Stepped(3001, 64, &steps);
  const Column& site = t.columns[0];
  const Column& hour = t.columns[1];
  const Column& rn = t.columns[3];
  // Per site the row numbers are 1..n and increase with the hour.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> by_site(30);
  for (std::size_t r = 0; r < t.rows; ++r)
    by_site[site.codes[r]].push_back({rn.ints[r], hour.ints[r]});
  for (auto& rows : by_site) {
    std::sort(rows.begin(), rows.end());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].first, static_cast<std::int64_t>(i) + 1);
      if (i > 0) {
        ASSERT_LE(rows[i - 1].second, rows[i].second);
      }
    }
  }
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The full series' size (1,167,525 rows) on one rank: every unit stays far below what the one
// call took (a whole sort and evaluation, over a second of CPU), a window without PARTITION BY
// included, and the units add up to it.
TEST(WindowComputation, EveryStepOfAMillionRowsIsBounded) {
  // The rolling sum over 30 partitions, and over one partition of every row (no PARTITION BY:
  // its evaluation spans many units).
  WindowCall whole = Calls()[3];
  whole.partition.clear();
  whole.name = "rolling_all";
  std::vector<WindowCall> calls = {Calls()[3], whole};
  WindowComputation c(calls, RandomTable(1167525, 3));
  double longest = 0, total = 0;
  for (bool more = true; more;) {
    const double t0 = ThreadCpuMs();
    more = c.Step();
    const double ms = ThreadCpuMs() - t0;
    longest = std::max(longest, ms);
    total += ms;
  }
  std::printf("%zu steps, %.1f ms CPU in all, the longest %.2f ms\n", c.steps(), total, longest);
  EXPECT_GT(c.steps(), 100u);
  EXPECT_LT(longest, 50.0 * plume::testing::TimeoutScale());
}

// min/max over a frame, by the sliding deque, equal a scan of each frame in the partition's
// order (hour, then row: the sort's tie break), for frames that slide, grow and cover all;
// and `max() OVER ()` over 300,000 rows is linear (a scan per row was O(rows^2): minutes).
TEST(WindowComputation, MinAndMaxOverFramesEqualAScanOfEachFrame) {
  const std::size_t rows = 4001;
  const Table input = RandomTable(rows, 11);
  using K = FrameBound::Kind;
  std::vector<WindowCall> calls = {
      Call(WindowFn::kMin, "value", "slide_min", Type::kFloat64, true),
      Call(WindowFn::kMax, "value", "ahead_max", Type::kFloat64, true),
      Call(WindowFn::kMax, "value", "all_max", Type::kFloat64, false),
      Call(WindowFn::kMin, "value", "running_min", Type::kFloat64, true),
  };
  calls[0].rows = true;  // ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING
  calls[0].start = {K::kPreceding, 3};
  calls[0].end = {K::kFollowing, 2};
  calls[1].rows = true;  // ROWS BETWEEN 2 FOLLOWING AND 6 FOLLOWING
  calls[1].start = {K::kFollowing, 2};
  calls[1].end = {K::kFollowing, 6};
  calls[2].start = {K::kUnboundedPreceding, 0};  // the whole table
  calls[2].end = {K::kUnboundedFollowing, 0};
  for (std::size_t morsel : {5u, 1u << 30}) {
    WindowComputation c(calls, input, morsel);
    while (c.Step()) {
    }
    const Table t = c.Take();
    const Column& value = input.columns[2];
    // Positions of each partition in window order.
    std::vector<std::vector<std::size_t>> parts(31);
    for (std::size_t r = 0; r < rows; ++r) {
      parts[input.columns[0].codes[r]].push_back(r);
      parts[30].push_back(r);
    }
    for (auto& p : parts) {
      std::stable_sort(p.begin(), p.end(), [&](std::size_t a, std::size_t b) {
        return input.columns[1].ints[a] < input.columns[1].ints[b];
      });
    }
    const auto expect = [&](const std::vector<std::size_t>& p, std::int64_t lo, std::int64_t hi,
                            bool is_min) {
      lo = std::max<std::int64_t>(lo, 0);
      hi = std::min<std::int64_t>(hi, static_cast<std::int64_t>(p.size()));
      double best = 0;
      bool any = false;
      for (std::int64_t k = lo; k < hi; ++k) {
        const std::size_t r = p[static_cast<std::size_t>(k)];
        if (value.valid[r] == 0) continue;
        const double v = value.doubles[r];
        if (!any || (is_min ? v < best : v > best)) best = v;
        any = true;
      }
      return std::make_pair(any, best);
    };
    const auto check = [&](std::size_t col, std::size_t row, std::pair<bool, double> want) {
      const Column& out = t.columns[col];
      ASSERT_EQ(out.valid.empty() || out.valid[row] != 0, want.first)
          << out.name << " row " << row << " morsel " << morsel;
      if (want.first) {
        ASSERT_EQ(out.doubles[row], want.second) << out.name << " row " << row;
      }
    };
    for (std::size_t s = 0; s < 30; ++s) {
      const std::vector<std::size_t>& p = parts[s];
      for (std::size_t i = 0; i < p.size(); ++i) {
        const auto pos = static_cast<std::int64_t>(i);
        check(3, p[i], expect(p, pos - 3, pos + 3, true));
        check(4, p[i], expect(p, pos + 2, pos + 7, false));
        // RANGE ... CURRENT ROW: up to the last peer (same hour).
        std::size_t peer_end = i + 1;
        while (peer_end < p.size() &&
               input.columns[1].ints[p[peer_end]] == input.columns[1].ints[p[i]]) {
          ++peer_end;
        }
        check(6, p[i], expect(p, 0, static_cast<std::int64_t>(peer_end), true));
      }
    }
    const auto all = expect(parts[30], 0, static_cast<std::int64_t>(rows), false);
    for (std::size_t r = 0; r < rows; ++r) check(5, r, all);
  }
  WindowCall whole = calls[2];
  WindowComputation big({whole}, RandomTable(300000, 5));
  const double t0 = ThreadCpuMs();
  while (big.Step()) {
  }
  EXPECT_LT(ThreadCpuMs() - t0, 5000.0 * plume::testing::TimeoutScale());
}

TEST(WindowComputation, AnEmptyTableFinishes) {
  WindowComputation c(Calls(), RandomTable(0, 1), 16);
  while (c.Step()) {
  }
  const Table t = c.Take();
  EXPECT_EQ(t.columns.size(), 3 + Calls().size());
  EXPECT_EQ(t.rows, 0u);
}

}  // namespace
}  // namespace plume::engine
