// DataRole against a recording Upstream (no MPI): preparation in bounded steps without credit,
// then the count, batches only within credit, exactly one Done per request, cancel after at most
// one more step, errors (and the memory limit) with the rank.
#include "ranks/data_role.h"

#include <gtest/gtest.h>

#include "engine/schema.h"
#include "io/manifest.h"
#include "io/partition_loader.h"
#include "io/partition_reader.h"
#include "tests/ranks/fake_links.h"

namespace plume::ranks {
namespace {

struct Recorder : Upstream {
  void Open(std::uint64_t request, const ControlMsg&) override { events.push_back("open"); }
  void Count(std::uint64_t, std::uint64_t n) override {
    events.push_back("count " + std::to_string(n));
  }
  bool Ready(std::uint64_t) override { return credits > 0; }
  void Batch(std::uint64_t, engine::Batch batch) override {
    --credits;
    rows += batch.rows;
    events.push_back("batch");
  }
  void Done(std::uint64_t, const StatusMsg& msg) override {
    done.push_back(msg);
    events.push_back("done");
  }
  int credits = 0;
  std::uint64_t rows = 0;
  std::vector<std::string> events;
  std::vector<StatusMsg> done;
};

class DataRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(PLUME_RANKS_TEST_DATA) + "/p1";
    partition_ = io::ReadManifest(dir).partitions.at(0);
    table_ = io::LoadPartition(dir + "/" + partition_.file);
  }
  ControlMsg Start(std::uint64_t id, const std::string& sql) {
    return {ControlKind::kStart, id, engine::Plan::Parse(sql).Serialize(), 1000, 2};
  }
  io::PartitionInfo partition_;
  engine::Table table_;
};

TEST_F(DataRoleTest, CountThenBatchesWithinCreditThenDone) {
  Recorder up;
  DataRole role(3, table_, partition_, up);
  role.Start(Start(1, "SELECT aqi FROM measurements"));
  EXPECT_EQ(up.events, (std::vector<std::string>{"open"})) << "the filter runs in Step()";
  EXPECT_TRUE(role.Step());  // 40,000 rows: 5 filter blocks, 4 a step
  EXPECT_EQ(up.events.size(), 1u);
  EXPECT_TRUE(role.Step());  // preparation needs no credit
  ASSERT_EQ(up.events.at(1), "count " + std::to_string(table_.rows));
  EXPECT_FALSE(role.Step()) << "produced without credit";
  up.credits = 2;
  EXPECT_TRUE(role.Step());
  EXPECT_TRUE(role.Step());
  EXPECT_FALSE(role.Step());
  up.credits = 1 << 30;
  while (role.Step()) {
  }
  ASSERT_EQ(up.done.size(), 1u);
  EXPECT_EQ(up.done[0].outcome, Outcome::kOk);
  EXPECT_EQ(up.done[0].rows, table_.rows);
  EXPECT_EQ(up.rows, table_.rows);
  EXPECT_FALSE(role.Busy());
}

// --load-columns lazy: the role loads only the columns the statement reads, in its steps, and
// answers as over the fully loaded table.
TEST_F(DataRoleTest, LazyColumnsLoadInStepsThenAnswerTheSame) {
  const std::string dir = std::string(PLUME_RANKS_TEST_DATA) + "/p1";
  io::PartitionLoader loader(dir + "/" + partition_.file);
  const auto aqi = static_cast<std::size_t>(engine::Col::kAqi);
  const auto utc = static_cast<std::size_t>(engine::Col::kUtc);
  Recorder lazy, eager;
  lazy.credits = eager.credits = 1 << 30;
  DataRole lazy_role(3, loader.table(), partition_, lazy, 0, nullptr, &loader);
  DataRole eager_role(3, table_, partition_, eager);
  const std::string sql =
      "SELECT aqi FROM measurements WHERE utc >= TIMESTAMP '2020-08-11 00:00:00'";
  lazy_role.Start(Start(1, sql));
  eager_role.Start(Start(1, sql));
  EXPECT_FALSE(loader.Loaded(aqi)) << "Start() loads nothing";
  EXPECT_TRUE(lazy_role.Step());
  EXPECT_EQ(lazy.events, (std::vector<std::string>{"open"})) << "a column piece, no count yet";
  while (lazy_role.Step()) {
  }
  while (eager_role.Step()) {
  }
  EXPECT_TRUE(loader.Loaded(aqi));
  EXPECT_TRUE(loader.Loaded(utc));
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) {
    EXPECT_EQ(loader.Loaded(c), c == aqi || c == utc) << "column " << c;
  }
  ASSERT_EQ(lazy.done.size(), 1u);
  EXPECT_EQ(lazy.done[0].outcome, Outcome::kOk) << lazy.done[0].error;
  EXPECT_EQ(lazy.events, eager.events);
  EXPECT_EQ(lazy.rows, eager.rows);
  EXPECT_GT(lazy.rows, 0u);
}

TEST_F(DataRoleTest, CancelStopsAtOnceAndReportsBatches) {
  Recorder up;
  DataRole role(3, table_, partition_, up);
  role.Start(Start(1, "SELECT * FROM measurements"));
  up.credits = 3;
  while (role.Step()) {
  }
  role.Cancel(1);
  ASSERT_EQ(up.done.size(), 1u);
  EXPECT_EQ(up.done[0].outcome, Outcome::kCancelled);
  EXPECT_EQ(up.done[0].batches, 3u);
  up.credits = 100;
  EXPECT_FALSE(role.Step());
  role.Cancel(1);  // already ended: ignored
  EXPECT_EQ(up.done.size(), 1u);
}

TEST_F(DataRoleTest, CancelWhilePreparingEndsWithoutACount) {
  Recorder up;
  DataRole role(3, table_, partition_, up);
  role.Start(Start(1, "SELECT site_name, count(*) FROM measurements GROUP BY site_name"));
  EXPECT_TRUE(role.Step());
  role.Cancel(1);
  EXPECT_EQ(up.events, (std::vector<std::string>{"open", "done"}));
  EXPECT_EQ(up.done.at(0).outcome, Outcome::kCancelled);
  EXPECT_EQ(up.done.at(0).batches, 0u);
  EXPECT_FALSE(role.Busy());
}

// The direct cancel names a stage: one of another stage (a stale cancel that overtook the next
// stage's start) is ignored; a stopped run confirms to rank 0 before its Done goes up.
TEST_F(DataRoleTest, ADirectCancelStopsOnlyItsStageAndConfirmsToRankZero) {
  Recorder up;
  testing::RecordingOutbox gateway;
  DataRole role(3, table_, partition_, up);
  role.set_stopped_out(&gateway);
  ControlMsg start = Start(4, "SELECT * FROM measurements");
  start.stage = 2;
  role.Start(start);
  up.credits = 2;
  while (role.Step()) {
  }
  EXPECT_FALSE(role.Cancel(4, 1)) << "stage 1 of request 4 ended here already";
  EXPECT_FALSE(role.Cancel(5, 2)) << "request 5 never started here";
  EXPECT_TRUE(up.done.empty());
  EXPECT_TRUE(gateway.sent.empty());
  EXPECT_TRUE(role.Cancel(4, 2));
  ASSERT_EQ(up.done.size(), 1u);
  EXPECT_EQ(up.done[0].outcome, Outcome::kCancelled);
  std::vector<testing::Sent> stopped = gateway.Take(Tag::kStopped);
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].dest, 0);
  const StatusMsg msg = DecodeStatus(stopped[0].bytes);
  EXPECT_EQ(msg.kind, StatusKind::kRankDone);
  EXPECT_EQ(msg.request, 4u);
  EXPECT_EQ(msg.stage, 2u);
  EXPECT_EQ(msg.rank, 3);
  EXPECT_EQ(msg.outcome, Outcome::kCancelled);
  EXPECT_EQ(msg.batches, 2u) << "the frames announced, as in its Done";
  EXPECT_FALSE(role.Cancel(4, 2)) << "once only";
  // A run that ends by itself confirms nothing directly: its Done through the leader does.
  role.Start(Start(6, "SELECT count(*) FROM measurements"));
  up.credits = 1 << 30;
  while (role.Step()) {
  }
  EXPECT_EQ(up.done.size(), 2u);
  EXPECT_TRUE(gateway.sent.empty());
}

TEST_F(DataRoleTest, AStatementOverTheMemoryLimitFailsNamingRankAndStage) {
  Recorder up;
  DataRole role(3, table_, partition_, up, 256u << 10);
  role.Start(Start(1, "SELECT utc, site_name, count(*) FROM measurements GROUP BY utc, site_name"));
  role.Start(Start(2, "SELECT count(*) FROM measurements"));
  up.credits = 100;
  while (role.Step()) {
  }
  ASSERT_EQ(up.done.size(), 2u);
  EXPECT_EQ(up.done[0].request, 1u);
  EXPECT_EQ(up.done[0].outcome, Outcome::kFailed);
  EXPECT_NE(up.done[0].error.find("Error: rank 3 (partition 0"), std::string::npos);
  EXPECT_NE(up.done[0].error.find("): statement needs more than 256 KiB in the group table "
                                  "(--memory-limit)"),
            std::string::npos)
      << up.done[0].error;
  EXPECT_EQ(up.done[1].outcome, Outcome::kOk) << "the next statement still answers";
  EXPECT_EQ(up.done[1].rows, 1u);
}

TEST_F(DataRoleTest, BadPlanFailsWithRankAndPartition) {
  Recorder up;
  DataRole role(3, table_, partition_, up);
  role.Start({ControlKind::kStart, 5, "not a plan", 1000, 2});
  ASSERT_EQ(up.done.size(), 1u);
  EXPECT_EQ(up.done[0].outcome, Outcome::kFailed);
  EXPECT_NE(up.done[0].error.find("rank 3 (partition 0"), std::string::npos) << up.done[0].error;
  EXPECT_FALSE(role.Busy());
}

TEST_F(DataRoleTest, RoundRobinAcrossRequests) {
  std::vector<std::uint64_t> order;
  struct Tagging : Recorder {
    std::vector<std::uint64_t>* order;
    void Batch(std::uint64_t id, engine::Batch b) override {
      order->push_back(id);
      Recorder::Batch(id, std::move(b));
    }
  } tagging;
  tagging.order = &order;
  tagging.credits = 6;
  DataRole fair(3, table_, partition_, tagging);
  fair.Start(Start(1, "SELECT * FROM measurements"));
  fair.Start(Start(2, "SELECT aqi FROM measurements"));
  while (fair.Step()) {
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 1, 2, 1, 2}));
}

TEST_F(DataRoleTest, PrunedPartitionAnswersAtOnce) {
  Recorder up;
  DataRole role(3, table_, partition_, up);
  role.Start(Start(1, "SELECT aqi FROM measurements WHERE utc < '2001-01-01'"));
  EXPECT_EQ(up.events, (std::vector<std::string>{"open", "count 0", "done"}));
}

}  // namespace
}  // namespace plume::ranks
