// One window stage through the hash exchange in one process (ranks/window_run.h): a WindowRun per
// partition of the 2-partition test data, their hubs wired through the fake links, stepped in
// turn as the data ranks' loops would. Each computes its share's windows in bounded steps
// between the others' steps (engine::WindowStageSteps), and the rows they hand on must be the
// windows over every partition's rows.
#include "ranks/window_run.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/schema.h"
#include "engine/staged.h"
#include "io/manifest.h"
#include "io/partition_reader.h"
#include "tests/ranks/fake_links.h"
#include "tests/timeout_scale.h"

namespace plume::ranks::testing {
namespace {

// The data ranks' links: part p's outbox and inbox; Carry moves what was sent to the receivers
// (world rank = part + 1).
struct Links {
  explicit Links(int n) : outs(n), ins(n) {
    for (int p = 0; p < n; ++p)
      hubs.push_back(std::make_unique<ExchangeHub>(p, n, outs[p], ins[p]));
  }
  void Carry() {
    for (int p = 0; p < static_cast<int>(outs.size()); ++p) {
      for (Sent& s : outs[p].sent) ins[s.dest - 1].Push(p + 1, s.tag, std::move(s.bytes));
      outs[p].sent.clear();
    }
  }
  std::vector<RecordingOutbox> outs;
  std::vector<QueueInbox> ins;
  std::vector<std::unique_ptr<ExchangeHub>> hubs;
};

// The loops' turns until every share is computed (a wait: it scales under the sanitizers);
// false when they did not finish in time.
bool StepAll(Links& links, const std::vector<std::unique_ptr<WindowRun>>& runs) {
  const auto limit = std::chrono::steady_clock::now() +
                     std::chrono::duration<double>(60 * plume::testing::TimeoutScale());
  bool all_ready = false;
  while (!all_ready && std::chrono::steady_clock::now() < limit) {
    all_ready = true;
    bool worked = false;
    for (std::size_t p = 0; p < runs.size(); ++p) {
      worked |= runs[p]->Step();
      links.Carry();
      worked |= links.hubs[p]->Poll();
      all_ready &= runs[p]->ready();
    }
    if (!worked) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return all_ready;
}

// The test data set p2 (ctest's ranks.make_data): its manifest and its partitions, loaded.
struct P2 {
  io::Manifest manifest;
  std::vector<engine::Table> tables;
};
P2 LoadP2() {
  const std::string dir = std::string(PLUME_RANKS_TEST_DATA) + "/p2";
  P2 p2{io::ReadManifest(dir), {}};
  for (const io::PartitionInfo& p : p2.manifest.partitions) {
    p2.tables.push_back(io::LoadPartition(dir + "/" + p.file));
  }
  return p2;
}

// Rows per site over every partition.
std::map<std::string, std::int64_t> SiteCounts(const std::vector<engine::Table>& tables) {
  std::map<std::string, std::int64_t> counts;
  for (const engine::Table& t : tables) {
    const engine::Column& site = t.columns.at(static_cast<std::size_t>(engine::Col::kSiteName));
    for (std::size_t r = 0; r < t.rows; ++r) ++counts[site.dict.at(site.codes.at(r))];
  }
  return counts;
}

TEST(WindowRun, SharesComputedInBoundedStepsGiveTheWindowsOverEveryPartition) {
  const P2 p2 = LoadP2();
  const io::Manifest& manifest = p2.manifest;
  const std::vector<engine::Table>& tables = p2.tables;
  ASSERT_EQ(tables.size(), 2u);
  // Stage 0 (the windows) runs on the data ranks as a part of stage 1, as the gateway plans it.
  const engine::StagedStatement st = engine::StagedStatement::Parse(
      "SELECT site_name, count(*) OVER (PARTITION BY site_name) AS n, row_number() OVER "
      "(PARTITION BY site_name ORDER BY utc, latitude) AS r FROM measurements");
  ASSERT_EQ(st.stages(), 2u);
  ASSERT_TRUE(st.window_input(1));
  const std::vector<engine::Table> results(1);
  const engine::WindowStage stage = st.Window(1, results);
  const engine::Plan next = st.Bind(1, results);

  const int parts = 2;
  Links links(parts);
  std::vector<std::unique_ptr<WindowRun>> runs;
  for (int p = 0; p < parts; ++p) {
    Exchange& x = links.hubs[p]->Open({1, 0}, CreditWindow(2, 1 << 20));
    runs.push_back(std::make_unique<WindowRun>(stage, next, tables[p], manifest.partitions[p], &x,
                                               0, "rank " + std::to_string(p + 1), 1000));
  }
  ASSERT_TRUE(StepAll(links, runs)) << "the window stage did not complete";

  const std::map<std::string, std::int64_t> counts = SiteCounts(tables);
  std::map<std::string, std::vector<bool>> numbered;  // per site: which row_number came
  std::map<std::string, int> owner;
  std::uint64_t rows = 0;
  for (int p = 0; p < parts; ++p) {
    std::unique_ptr<RowSource> exec = runs[p]->TakeExecution();
    ASSERT_NE(exec, nullptr);
    engine::Batch b;
    while (exec->Next(777, &b)) {
      ASSERT_EQ(b.columns.size(), 3u);
      for (std::size_t r = 0; r < b.rows; ++r) {
        const std::string site(b.columns[0].StringAt(r));
        const std::int64_t n = b.columns[1].ints[r], number = b.columns[2].ints[r];
        ASSERT_EQ(n, counts.at(site)) << site;
        EXPECT_TRUE(owner.emplace(site, p).first->second == p) << site << " in two shares";
        std::vector<bool>& seen = numbered[site];
        seen.resize(static_cast<std::size_t>(n), false);
        ASSERT_TRUE(number >= 1 && number <= n) << site << " " << number;
        EXPECT_FALSE(seen[static_cast<std::size_t>(number - 1)]) << site << " " << number;
        seen[static_cast<std::size_t>(number - 1)] = true;
        ++rows;
      }
    }
  }
  EXPECT_EQ(rows, tables[0].rows + tables[1].rows);
  EXPECT_EQ(runs[0]->share_rows() + runs[1]->share_rows(), rows);
  EXPECT_EQ(numbered.size(), counts.size());
  EXPECT_GT(runs[0]->share_rows(), 0u) << "the sites hash to both parts";
  EXPECT_GT(runs[1]->share_rows(), 0u);
}

// The shares spilled (ranks/window_spill.h): past a 1 KiB threshold each WindowRun writes its rows
// to 8 bucket files and computes the windows a bucket at a time; every site's count and row
// numbers are still those over every partition, the files go once the runs end, and a run
// dropped after it spilled (a cancel) leaves no file either.
TEST(WindowRun, SpilledSharesGiveTheSameWindowsAndLeaveNoFiles) {
  const P2 p2 = LoadP2();
  const io::Manifest& manifest = p2.manifest;
  const std::vector<engine::Table>& tables = p2.tables;
  const engine::StagedStatement st = engine::StagedStatement::Parse(
      "SELECT site_name, count(*) OVER (PARTITION BY site_name) AS n, row_number() OVER "
      "(PARTITION BY site_name ORDER BY utc, latitude) AS r FROM measurements");
  const std::vector<engine::Table> results(1);
  const engine::WindowStage stage = st.Window(1, results);
  const engine::Plan next = st.Bind(1, results);
  const std::filesystem::path spill_dir =
      std::filesystem::temp_directory_path() / ("plume-spill-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(spill_dir);
  const auto files = [&] {
    return std::distance(std::filesystem::directory_iterator(spill_dir),
                         std::filesystem::directory_iterator());
  };
  const SpillOptions spill{1024, spill_dir.string(), 8};
  for (const bool drop : {false, true}) {
    Links links(2);
    std::vector<std::unique_ptr<WindowRun>> runs;
    for (int p = 0; p < 2; ++p) {
      Exchange& x = links.hubs[p]->Open({1, 0}, CreditWindow(2, 1 << 20));
      runs.push_back(std::make_unique<WindowRun>(stage, next, tables[p], manifest.partitions[p], &x,
                                                 64 << 20, "rank " + std::to_string(p + 1), 1000,
                                                 nullptr, spill));
    }
    if (drop) {  // step until both spilled, then drop them mid-way
      for (int i = 0; i < 100000 && !(runs[0]->spilled() && runs[1]->spilled()); ++i) {
        for (int p = 0; p < 2; ++p) {
          runs[p]->Step();
          links.Carry();
          links.hubs[p]->Poll();
        }
      }
      ASSERT_TRUE(runs[0]->spilled() && runs[1]->spilled());
      EXPECT_EQ(files(), 16) << "8 bucket files per rank";
      runs.clear();
      EXPECT_EQ(files(), 0) << "a dropped run's files are removed";
      continue;
    }
    ASSERT_TRUE(StepAll(links, runs)) << "the spilled window stage did not complete";
    const std::map<std::string, std::int64_t> counts = SiteCounts(tables);
    std::map<std::string, std::set<std::int64_t>> numbers;
    std::uint64_t rows = 0;
    for (int p = 0; p < 2; ++p) {
      EXPECT_TRUE(runs[p]->spilled());
      EXPECT_EQ(runs[p]->spilled_rows(), runs[p]->share_rows());
      std::unique_ptr<RowSource> exec = runs[p]->TakeExecution();
      ASSERT_NE(exec, nullptr);
      engine::Batch b;
      while (exec->Next(777, &b)) {
        for (std::size_t r = 0; r < b.rows; ++r, ++rows) {
          const std::string site(b.columns[0].StringAt(r));
          ASSERT_EQ(b.columns[1].ints[r], counts.at(site)) << site;
          EXPECT_TRUE(numbers[site].insert(b.columns[2].ints[r]).second) << site;
        }
      }
    }
    EXPECT_EQ(rows, tables[0].rows + tables[1].rows);
    EXPECT_EQ(numbers.size(), counts.size());
    for (const auto& [site, seen] : numbers) {
      EXPECT_EQ(static_cast<std::int64_t>(seen.size()), counts.at(site)) << site;
      EXPECT_EQ(*seen.rbegin(), counts.at(site)) << site;
    }
    EXPECT_EQ(files(), 0) << "each bucket's file goes once it is read";
  }
  std::filesystem::remove_all(spill_dir);
}

// A window over a CTE's aggregate (engine::WindowStage::pre): each WindowRun first exchanges the
// aggregate's partial groups (hashed by site_name, the window's key: exchange stage 0),
// finalizes its share and computes the windows over those groups where they are; with a key
// that is no GROUP BY key (PARTITION BY n, an aggregate) the rows take a second exchange
// (stage 1). Either way every site's groups are numbered once, on one rank.
TEST(WindowRun, WindowsOverAnAggregateFinalizedOnTheDataRanks) {
  const P2 p2 = LoadP2();
  const io::Manifest& manifest = p2.manifest;
  const std::vector<engine::Table>& tables = p2.tables;
  const std::map<std::string, std::int64_t> counts = SiteCounts(tables);
  const std::string g =
      "WITH g AS (SELECT site_name, parameter, count(*) AS n FROM measurements GROUP BY "
      "site_name, parameter) ";
  for (const std::string& sql :
       {g + "SELECT site_name, sum(n) OVER (PARTITION BY site_name) AS total, row_number() OVER "
            "(PARTITION BY site_name ORDER BY parameter) AS r FROM g",
        g + "SELECT site_name, n, rank() OVER (PARTITION BY n ORDER BY site_name, parameter) AS r "
            "FROM g"}) {
    const engine::StagedStatement st = engine::StagedStatement::Parse(sql);
    ASSERT_EQ(st.stages(), 3u);
    ASSERT_TRUE(st.window_input(2)) << sql;
    const std::vector<engine::Table> results(2);
    const engine::WindowStage stage = st.Window(2, results);
    ASSERT_NE(stage.pre(), nullptr);
    const engine::Plan next = st.Bind(2, results);
    const int parts = 2;
    Links links(parts);
    std::vector<std::unique_ptr<WindowRun>> runs;
    for (int p = 0; p < parts; ++p) {
      Exchange& pre = links.hubs[p]->Open({1, 0}, CreditWindow(2, 1 << 20));
      Exchange* rows =
          stage.local() ? nullptr : &links.hubs[p]->Open({1, 1}, CreditWindow(2, 1 << 20));
      runs.push_back(std::make_unique<WindowRun>(stage, next, tables[p], manifest.partitions[p],
                                                 rows, 0, "rank " + std::to_string(p + 1), 500,
                                                 &pre));
    }
    ASSERT_TRUE(StepAll(links, runs)) << sql;
    std::map<std::string, std::int64_t> summed;  // per site: its groups' counts
    std::map<std::string, std::set<std::int64_t>> numbers;
    std::uint64_t groups = 0;
    for (int p = 0; p < parts; ++p) {
      std::unique_ptr<RowSource> exec = runs[p]->TakeExecution();
      ASSERT_NE(exec, nullptr);
      engine::Batch b;
      while (exec->Next(333, &b)) {
        for (std::size_t r = 0; r < b.rows; ++r, ++groups) {
          const std::string site(b.columns[0].StringAt(r));
          summed[site] += stage.local() ? 0 : b.columns[1].ints[r];
          if (stage.local()) {
            ASSERT_EQ(b.columns[1].type, engine::Type::kHugeint);  // sum(BIGINT) OVER, as DuckDB's
            EXPECT_EQ(static_cast<std::int64_t>(b.columns[1].wide[r]), counts.at(site)) << site;
            EXPECT_TRUE(numbers[site].insert(b.columns[2].ints[r]).second) << site;
          }
        }
      }
    }
    EXPECT_GT(runs[0]->share_rows(), 0u) << sql;
    EXPECT_GT(runs[1]->share_rows(), 0u) << sql;
    EXPECT_EQ(runs[0]->share_rows() + runs[1]->share_rows(), groups);
    if (stage.local()) {
      EXPECT_EQ(numbers.size(), counts.size());
      for (const auto& [site, seen] : numbers) {
        EXPECT_EQ(*seen.rbegin(), static_cast<std::int64_t>(seen.size())) << site;
      }
    } else {
      EXPECT_EQ(summed, counts) << "every group once";
    }
  }
}

}  // namespace
}  // namespace plume::ranks::testing
