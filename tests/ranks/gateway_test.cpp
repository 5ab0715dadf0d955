// Gateway in one process: the test plays the leaders through a QueueInbox and reads what the
// gateway sent from a RecordingOutbox (no MPI). Start to every leader, rows held until every
// count is in, credits in bytes for merged frames, cancel to every leader, drained only when
// every stream's end and frames are in, deadlines without any message.
#include "ranks/gateway.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/partial.h"
#include "engine/plan_data.h"
#include "engine/query.h"
#include "engine/staged.h"
#include "io/manifest.h"
#include "io/partition_reader.h"
#include "ranks/liveness.h"
#include "tests/ranks/fake_links.h"

namespace plume::ranks {
namespace {

using frontend::RequestState;
using testing::QueueInbox;
using testing::RecordingOutbox;
using testing::Sent;

struct Sink : frontend::ResultSink {
  void Begin(const frontend::RequestInfo&) override { ++begins; }
  bool Chunk(const engine::Batch& chunk, const frontend::RequestInfo&, std::string*) override {
    rows += chunk.rows;
    if (!chunk.columns.empty() && !chunk.columns[0].ints.empty()) first = chunk.columns[0].ints[0];
    return true;
  }
  void End(const frontend::RequestInfo& info) override {
    ++ends;
    final_info = info;
  }
  int begins = 0, ends = 0;
  std::uint64_t rows = 0;
  std::int64_t first = -1;  // the first BIGINT of the last chunk
  frontend::RequestInfo final_info;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(PLUME_RANKS_TEST_DATA) + "/p1";
    table_ = io::LoadPartition(dir + "/" + io::ReadManifest(dir).partitions.at(0).file);
  }
  // World of 5: teams {1,2} {3,4} (leaders 1 and 3 = upper ranks 1 and 2).
  Gateway& Make(const GatewayOptions& options = {}) {
    layout_ = Layout::Make(5, {1, 3});
    gateway_ = std::make_unique<Gateway>(layout_, io::Manifest{}, options, out_, in_);
    return *gateway_;
  }
  // The frames the test sends are those of the statement's first stage.
  std::uint64_t Submit(const std::string& sql, double timeout_s = 0) {
    plan_.emplace(engine::StagedStatement::Parse(sql).Bind(0, {}));
    exec_ = std::make_unique<engine::PartitionExecution>(*plan_, table_);
    return gateway_->Submit(sql, {100, timeout_s}, sink_);
  }
  std::string Frame(std::uint64_t id, std::uint64_t seq, int origin) {
    engine::Batch batch;
    EXPECT_TRUE(exec_->Next(100, &batch));
    return encoder_.Encode({id, seq, static_cast<std::uint32_t>(batch.rows), origin}, batch);
  }
  void Status(int leader, const StatusMsg& msg) {
    in_.Push(leader, Tag::kStatus, EncodeStatus(msg));
  }
  static StatusMsg RankDone(std::uint64_t id, int rank, std::uint64_t rows) {
    StatusMsg msg = StreamDoneMsg(id, rank, 0, Outcome::kOk, "");
    msg.kind = StatusKind::kRankDone;
    msg.rows = rows;
    return msg;
  }
  // Data rank `rank`'s direct confirmation that it stopped `stage` of request `id`.
  void Stopped(std::uint64_t id, int rank, std::uint32_t stage) {
    StatusMsg msg = RankDone(id, rank, 0);
    msg.outcome = Outcome::kCancelled;
    msg.stage = stage;
    data_in_.Push(rank, Tag::kStopped, EncodeStatus(msg));
  }
  // Enough Polls for what arrived to be handled: rank 0 works in bounded steps, so a stage run
  // here (preparation, batches, the final merge) takes a few.
  void PollAll() {
    for (int i = 0; i < 20; ++i) gateway_->Poll(0);
  }

  engine::Table table_;
  Layout layout_;
  std::optional<engine::Plan> plan_;
  std::unique_ptr<engine::PartitionExecution> exec_;
  FrameEncoder encoder_;
  RecordingOutbox out_;
  QueueInbox in_;
  RecordingOutbox data_out_;  // the direct links to the data ranks (set_data_links)
  QueueInbox data_in_;
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(GatewayTest, StreamsCreditsAndCompletes) {
  Gateway& gw = Make();
  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  std::vector<Sent> starts = out_.Take(Tag::kControl);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].dest, 1);
  EXPECT_EQ(starts[1].dest, 2);
  EXPECT_EQ(DecodeControl(starts[0].bytes).kind, ControlKind::kStart);
  // Leader 1's frame arrives, but the rows wait for every rank's count.
  const std::string f0 = Frame(id, 0, 1), f1 = Frame(id, 1, 2);
  for (int rank = 1; rank <= 3; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, f0);
  PollAll();
  EXPECT_EQ(sink_->rows, 0u) << "rank 4's count is missing";
  EXPECT_TRUE(out_.Take(Tag::kCredit).empty()) << "nothing was consumed yet";
  Status(2, CountMsg(id, 4, 100));
  in_.Push(1, Tag::kData, f1);
  PollAll();
  EXPECT_EQ(sink_->rows, 200u);
  EXPECT_EQ(gw.Status(id)->rows_total, 400u);
  std::uint64_t credited = 0;
  for (const Sent& s : out_.Take(Tag::kCredit)) {
    EXPECT_EQ(s.dest, 1);
    credited += DecodeCredit(s.bytes).bytes;
  }
  EXPECT_EQ(credited, f0.size() + f1.size());
  // Leader 2's end overtakes its two frames; leader 1 ends after its two.
  Status(2, StreamDoneMsg(id, 3, 2, Outcome::kOk, ""));
  Status(1, StreamDoneMsg(id, 1, 2, Outcome::kOk, ""));
  PollAll();
  EXPECT_EQ(sink_->ends, 0);
  in_.Push(2, Tag::kData, Frame(id, 0, 3));
  in_.Push(2, Tag::kData, Frame(id, 1, 4));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->begins, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted);
  EXPECT_EQ(sink_->rows, 400u);
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
}

TEST_F(GatewayTest, CancelGoesToEveryLeaderAndDrainsOnTheirEnds) {
  Gateway& gw = Make();
  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  out_.Take(Tag::kControl);
  Status(1, StreamDoneMsg(id, 1, 0, Outcome::kOk, ""));  // leader 1's stream already closed
  PollAll();
  ASSERT_TRUE(gw.Cancel(id, "cancelled by test"));
  PollAll();
  EXPECT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCancelled);
  std::vector<Sent> cancels = out_.Take(Tag::kControl);
  ASSERT_EQ(cancels.size(), 2u);
  EXPECT_EQ(DecodeControl(cancels[1].bytes).kind, ControlKind::kCancel);
  EXPECT_FALSE(gw.DrainedAt(id).has_value());
  in_.Push(2, Tag::kData, Frame(id, 0, 3));  // in flight: counted and dropped
  Status(2, StreamDoneMsg(id, 3, 1, Outcome::kCancelled, ""));
  PollAll();
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
  EXPECT_EQ(sink_->rows, 0u);
}

// With the direct links, a cancel goes to every data rank too (with the stage), and the
// request is drained once every data rank stopped: a member's end through its leader or its
// direct confirmation, a leader's direct confirmation (its own end does not cover its relay),
// before the leaders' stream ends. A confirmation of another stage counts for nothing.
TEST_F(GatewayTest, ADirectCancelDrainsOnEveryDataRanksConfirmation) {
  Gateway& gw = Make();
  gw.set_data_links(&data_out_, &data_in_);
  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  out_.Take(Tag::kControl);
  Status(1, RankDone(id, 2, 0));  // member 2 ended already (through leader 1)
  Status(1, RankDone(id, 1, 0));  // leader 1's own run ended, its relay has not
  PollAll();
  ASSERT_TRUE(gw.Cancel(id, "cancelled by test"));
  PollAll();
  EXPECT_EQ(sink_->final_info.state, RequestState::kCancelled);
  std::vector<Sent> direct = data_out_.Take(Tag::kCancel);
  ASSERT_EQ(direct.size(), 3u) << "ranks 1, 3 and 4: rank 2 is known to have stopped";
  EXPECT_EQ(direct[0].dest, 1);
  EXPECT_EQ(direct[1].dest, 3);
  EXPECT_EQ(direct[2].dest, 4);
  const ControlMsg cancel = DecodeControl(direct[0].bytes);
  EXPECT_EQ(cancel.kind, ControlKind::kCancel);
  EXPECT_EQ(cancel.request, id);
  EXPECT_EQ(cancel.stage, 0u);
  EXPECT_EQ(out_.Take(Tag::kControl).size(), 2u) << "and through the leaders, as before";
  Stopped(id, 3, 0);
  Stopped(id, 4, 1);              // of another stage
  Status(2, RankDone(id, 4, 0));  // rank 4's end through leader 3 (not a leader)
  PollAll();
  EXPECT_FALSE(gw.DrainedAt(id).has_value()) << "leader 1's relay has not confirmed";
  Stopped(id, 1, 0);
  PollAll();
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
  // The leaders' stream ends still arrive, with frames that were in flight: counted, dropped.
  in_.Push(2, Tag::kData, Frame(id, 0, 3));
  Status(2, StreamDoneMsg(id, 3, 1, Outcome::kCancelled, ""));
  Status(1, StreamDoneMsg(id, 1, 0, Outcome::kCancelled, ""));
  PollAll();
  EXPECT_EQ(sink_->rows, 0u);
  EXPECT_EQ(sink_->ends, 1);
}

// The stale-stage confirmation alone does not drain: rank 4 at stage 1 is not rank 4 at 0.
TEST_F(GatewayTest, AStopConfirmationOfAnotherStageDoesNotCount) {
  Gateway& gw = Make();
  gw.set_data_links(&data_out_, &data_in_);
  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  ASSERT_TRUE(gw.Cancel(id, "cancelled by test"));
  PollAll();
  EXPECT_EQ(data_out_.Take(Tag::kCancel).size(), 4u);
  for (int rank = 1; rank <= 4; ++rank) Stopped(id, rank, rank == 4 ? 1 : 0);
  PollAll();
  EXPECT_FALSE(gw.DrainedAt(id).has_value());
  Status(2, StreamDoneMsg(id, 3, 0, Outcome::kCancelled, ""));  // team {3, 4} closed
  PollAll();
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
}

// A sink that also notes its chunks and end in a log shared with other sinks.
struct LoggingSink : Sink {
  LoggingSink(std::vector<std::string>* log, std::string name)
      : log_(log), name_(std::move(name)) {}
  bool Chunk(const engine::Batch& chunk, const frontend::RequestInfo& info,
             std::string* error) override {
    log_->push_back(name_ + " chunk");
    return Sink::Chunk(chunk, info, error);
  }
  void End(const frontend::RequestInfo& info) override {
    log_->push_back(name_ + " end");
    Sink::End(info);
  }

 private:
  std::vector<std::string>* log_;
  std::string name_;
};

// A cancel is answered at the start of the next Step, before that Step handles frames and
// merges of other statements (issue 12 item 2: the answer does not wait for a long phase).
TEST_F(GatewayTest, ACancelIsAnsweredBeforeTheNextStepHandlesFrames) {
  Gateway& gw = Make();
  std::vector<std::string> log;
  const std::uint64_t a =
      gw.Submit("SELECT aqi FROM measurements", {100, 0}, std::make_shared<LoggingSink>(&log, "a"));
  sink_ = std::make_shared<LoggingSink>(&log, "b");
  const std::uint64_t b = Submit("SELECT aqi FROM measurements");
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(b, rank, 100));
  PollAll();
  ASSERT_TRUE(log.empty());
  ASSERT_TRUE(gw.Cancel(a, "cancelled by test"));
  in_.Push(1, Tag::kData, Frame(b, 0, 1));
  gw.Poll(0);
  EXPECT_EQ(log, (std::vector<std::string>{"a end", "b chunk"}));
}

TEST_F(GatewayTest, ARankFailureFailsTheRequestWithItsMessage) {
  Make();
  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  StatusMsg failed = RankDone(id, 4, 0);
  failed.outcome = Outcome::kFailed;
  failed.error = "Error: rank 4 (partition 3, x.h5): boom";
  Status(2, failed);
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_EQ(sink_->final_info.error, failed.error);
}

TEST_F(GatewayTest, DeadlineFiresWithoutAnyMessage) {
  Gateway& gw = Make();
  Submit("SELECT aqi FROM measurements", 0.05);
  const double until = gw.Now() + 5;
  while (sink_->ends == 0 && gw.Now() < until) gw.Poll(0.01);
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_NE(sink_->final_info.error.find("timed out after 0.05 s"), std::string::npos);
}

TEST_F(GatewayTest, ALostRankFailsWhatRunsAndWhatComesThenEndsTheJob) {
  Gateway& gw = Make();
  RecordingOutbox heartbeats_out;
  QueueInbox heartbeats_in;
  Liveness live({1, 2, 3, 4}, {"gw", "h1", "h2", "h3", "team4-host"}, 0.2, gw.Now());
  std::string ended;
  gw.Watch({&live, &heartbeats_out, &heartbeats_in, [&](const std::string& why) { ended = why; }});
  Submit("SELECT aqi FROM measurements");
  const double until = gw.Now() + 10;
  while (ended.empty() && gw.Now() < until) {
    for (int rank = 1; rank <= 3; ++rank) heartbeats_in.Push(rank, Tag::kHeartbeat, "h");
    gw.Poll(0.01);
  }
  const std::string message = "Error: rank 4 on team4-host has not answered for 0.2 s";
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_EQ(sink_->final_info.error, message);
  EXPECT_EQ(gw.lost(), message);
  EXPECT_EQ("Error: " + ended, message) << "the job is ended kLostGraceS after the loss";
  EXPECT_FALSE(heartbeats_out.Take(Tag::kHeartbeat).empty());
  auto later = std::make_shared<Sink>();
  gw.Submit("SELECT 1", {100, 0}, later);
  gw.Poll(0);
  ASSERT_EQ(later->ends, 1);
  EXPECT_EQ(later->final_info.error, message);
  EXPECT_FALSE(gw.Shutdown()) << "a shutdown after a loss cannot confirm every rank";
}

TEST_F(GatewayTest, AParseErrorEndsWithoutBegin) {
  Make();
  gateway_->Submit("SELEC 1", {100, 0}, sink_);
  PollAll();
  EXPECT_EQ(sink_->begins, 0);
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_TRUE(out_.sent.empty());
}

// A two-stage statement: the first stage runs on the ranks, its result is gathered, then the
// second runs on the gateway over it; the ranks see one start.
TEST_F(GatewayTest, StagesRunInOrderAndTheLastOneRunsOnTheGateway) {
  Gateway& gw = Make();
  const std::uint64_t id =
      Submit("WITH a AS (SELECT aqi FROM measurements) SELECT count(*) FROM a");
  ASSERT_EQ(out_.Take(Tag::kControl).size(), 2u);
  EXPECT_EQ(gw.Status(id)->stages, 2u);
  EXPECT_EQ(gw.Status(id)->stage_name, "a");
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  in_.Push(1, Tag::kData, Frame(id, 1, 2));
  Status(1, StreamDoneMsg(id, 1, 2, Outcome::kOk, ""));
  PollAll();
  EXPECT_EQ(sink_->rows, 0u) << "the first stage's rows are not the result";
  Status(2, StreamDoneMsg(id, 3, 0, Outcome::kOk, ""));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted) << sink_->final_info.error;
  EXPECT_EQ(sink_->final_info.stage, 1u);
  EXPECT_EQ(sink_->rows, 1u);
  EXPECT_EQ(sink_->first, 200);
  EXPECT_TRUE(out_.Take(Tag::kControl).empty()) << "the second stage sent nothing to the ranks";
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
}

// A window over a gathered result (here over a CTE that is no aggregate) is computed on rank 0
// in bounded units of its loop (engine::WindowComputation, Gateway::StepWindows), then the stage
// that reads it runs over the table with the windows.
TEST_F(GatewayTest, AWindowOverAGatheredResultIsComputedInStepsOfTheLoop) {
  Gateway& gw = Make();
  const std::uint64_t id = Submit(
      "WITH a AS (SELECT utc, latitude FROM measurements) SELECT count(*), sum(n) FROM (SELECT "
      "row_number() OVER (ORDER BY utc, latitude) AS n FROM a)");
  out_.Take(Tag::kControl);
  EXPECT_EQ(gw.Status(id)->stages, 4u);
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  in_.Push(1, Tag::kData, Frame(id, 1, 2));
  Status(1, StreamDoneMsg(id, 1, 2, Outcome::kOk, ""));
  Status(2, StreamDoneMsg(id, 3, 0, Outcome::kOk, ""));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted) << sink_->final_info.error;
  EXPECT_EQ(sink_->rows, 1u);
  EXPECT_EQ(sink_->first, 200);
  EXPECT_TRUE(out_.Take(Tag::kControl).empty()) << "the windows ran here, not on the ranks";
  // Cancelled while its windows are computed: the statement ends cancelled, the next answers.
  sink_ = std::make_shared<Sink>();
  const std::uint64_t again = Submit(
      "WITH a AS (SELECT utc, latitude FROM measurements) SELECT count(*) FROM (SELECT "
      "row_number() OVER (ORDER BY utc, latitude) AS n FROM a)");
  out_.Take(Tag::kControl);
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(again, rank, 100));
  in_.Push(1, Tag::kData, Frame(again, 0, 1));
  Status(1, StreamDoneMsg(again, 1, 1, Outcome::kOk, ""));
  Status(2, StreamDoneMsg(again, 3, 0, Outcome::kOk, ""));
  for (int i = 0; i < 20 && gw.Status(again)->stage_name != "window 1"; ++i) gw.Poll(0);
  ASSERT_EQ(gw.Status(again)->stage_name, "window 1");
  gw.Cancel(again, "test");
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCancelled) << sink_->final_info.error;
}

// A stage whose LIMIT is reached stops the ranks and waits for their ends before the next one.
TEST_F(GatewayTest, AStageThatReachedItsLimitStopsTheRanksFirst) {
  Gateway& gw = Make();
  const std::uint64_t id =
      Submit("WITH a AS (SELECT aqi FROM measurements LIMIT 50) SELECT count(*) FROM a");
  out_.Take(Tag::kControl);
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  PollAll();
  std::vector<Sent> cancels = out_.Take(Tag::kControl);
  ASSERT_EQ(cancels.size(), 2u);
  EXPECT_EQ(DecodeControl(cancels[0].bytes).kind, ControlKind::kCancel);
  EXPECT_EQ(sink_->ends, 0);
  exec_ = std::make_unique<engine::PartitionExecution>(*plan_, table_);  // rank 3's rows
  in_.Push(2, Tag::kData, Frame(id, 0, 3));                              // in flight: dropped
  Status(1, StreamDoneMsg(id, 1, 1, Outcome::kCancelled, ""));
  Status(2, StreamDoneMsg(id, 3, 1, Outcome::kCancelled, ""));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted) << sink_->final_info.error;
  EXPECT_EQ(sink_->first, 50);
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
}

// A gathered result past its memory limit fails the statement naming the stage and the rank.
TEST_F(GatewayTest, AStagePastItsMemoryLimitFailsNamingStageAndRank) {
  GatewayOptions options;
  options.stage_memory_bytes = 1000;
  Gateway& gw = Make(options);
  const std::uint64_t id =
      Submit("WITH a AS (SELECT aqi FROM measurements) SELECT count(*) FROM a");
  out_.Take(Tag::kControl);
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  in_.Push(1, Tag::kData, Frame(id, 1, 2));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_NE(sink_->final_info.error.find("stage 1 of 2 ('a') on rank 0 (the gateway) passed the "
                                         "--memory-limit"),
            std::string::npos)
      << sink_->final_info.error;
  EXPECT_EQ(out_.Take(Tag::kControl).size(), 2u) << "the ranks are told to stop";
  EXPECT_FALSE(gw.DrainedAt(id).has_value());
}

// A stage run on rank 0 counts against --memory-limit too (its executor and its final merge):
// past it the statement fails naming the gateway and the stage, and the gateway goes on.
TEST_F(GatewayTest, AStageOnTheGatewayPastTheMemoryLimitFailsNamingIt) {
  GatewayOptions options;
  options.memory_limit = 4000;
  Gateway& gw = Make(options);
  const std::uint64_t id = Submit(
      "WITH a AS (SELECT aqi, utc FROM measurements) SELECT utc, count(*) FROM a GROUP BY utc");
  out_.Take(Tag::kControl);
  for (int rank = 1; rank <= 4; ++rank) Status(rank < 3 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  in_.Push(1, Tag::kData, Frame(id, 1, 2));
  Status(1, StreamDoneMsg(id, 1, 2, Outcome::kOk, ""));
  Status(2, StreamDoneMsg(id, 3, 0, Outcome::kOk, ""));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kFailed);
  EXPECT_EQ(sink_->final_info.stage, 1u) << sink_->final_info.error;
  EXPECT_NE(sink_->final_info.error.find("Error: gateway: statement needs more than 3.9 KiB in "
                                         "the group table (--memory-limit)"),
            std::string::npos)
      << sink_->final_info.error;
  EXPECT_TRUE(gw.DrainedAt(id).has_value());
}

// A final merge of 200,000 groups from frames of 20,000: every Poll feeds, builds or hands on
// a bounded amount (issue 12 item 2), so the result arrives over many Polls, and a Cancel
// between two of them ends it at once.
TEST_F(GatewayTest, AFinalMergeOfManyGroupsAdvancesInBoundedPolls) {
  for (const bool cancel : {false, true}) {
    sink_ = std::make_shared<Sink>();
    Gateway& gw = Make();
    const std::uint64_t id = Submit("SELECT utc, count(*) FROM measurements GROUP BY utc");
    out_.Take(Tag::kControl);
    const engine::StreamLayout layout = engine::MakeStreamLayout(plan_->data());
    constexpr std::int64_t kGroups = 200000, kFrame = 20000;
    std::uint64_t frames = 0;
    for (std::int64_t from = 0; from < kGroups; from += kFrame) {
      engine::Batch b = engine::EmptyBatch(layout.types);
      for (std::int64_t g = from; g < from + kFrame; ++g) {
        b.columns[0].ints.push_back(1600000000 + g * 3600);
        b.columns[1].ints.push_back(1);
      }
      b.rows = kFrame;
      in_.Push(1, Tag::kData, encoder_.Encode({id, frames++, kFrame, 1}, b));
    }
    Status(1, StreamDoneMsg(id, 1, frames, Outcome::kOk, ""));
    Status(2, StreamDoneMsg(id, 3, 0, Outcome::kOk, ""));
    std::uint64_t most = 0, polls = 0;
    while (sink_->ends == 0 && polls < 100000) {
      const std::uint64_t before = sink_->rows;
      gw.Poll(0);
      ++polls;
      most = std::max(most, sink_->rows - before);
      if (cancel && sink_->rows > 0) gw.Cancel(id, "enough");
    }
    ASSERT_EQ(sink_->ends, 1);
    EXPECT_LE(most, Gateway::kDeliverRows + 100);
    if (cancel) {
      EXPECT_EQ(sink_->final_info.state, RequestState::kCancelled);
      EXPECT_LE(sink_->rows, Gateway::kDeliverRows + 100);
    } else {
      EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted) << sink_->final_info.error;
      EXPECT_EQ(sink_->rows, static_cast<std::uint64_t>(kGroups));
      EXPECT_GT(polls, kGroups / Gateway::kDeliverRows + 10) << "finals, sort and chunks in steps";
      EXPECT_GT(gw.loop_stats().iterations, polls / 2);
    }
  }
}

// SELECT aqi ... WHERE aqi IN (0, 1, ..., n - 1): a statement whose size grows with n.
std::string InListStatement(int n) {
  std::string sql = "SELECT aqi FROM measurements WHERE aqi IN (";
  for (int i = 0; i < n; ++i) sql += (i > 0 ? "," : "") + std::to_string(i);
  return sql + ")";
}

// A statement of kParseOffLoopBytes or more is parsed on a thread of its own: Submit returns
// before it is parsed, the loop keeps its turn, and the statement starts once parsed; its parse
// error comes back as from Submit; one cancelled while it parses ends at once and never starts.
TEST_F(GatewayTest, ALongStatementIsParsedOffTheLoop) {
  Gateway& gw = Make();
  const std::string sql = InListStatement(20000);
  ASSERT_GE(sql.size(), Gateway::kParseOffLoopBytes);
  const std::uint64_t id = gw.Submit(sql, {100, 0}, sink_);
  EXPECT_TRUE(out_.Take(Tag::kControl).empty()) << "Submit does not parse it";
  EXPECT_EQ(gw.Status(id)->state, RequestState::kQueued);
  std::vector<Sent> starts;
  for (const double until = gw.Now() + 60; starts.empty() && gw.Now() < until;) {
    gw.Poll(0.001);
    starts = out_.Take(Tag::kControl);
  }
  ASSERT_EQ(starts.size(), 2u) << "it starts once parsed";
  EXPECT_EQ(DecodeControl(starts[0].bytes).kind, ControlKind::kStart);
  EXPECT_EQ(gw.Status(id)->state, RequestState::kRunning);
  EXPECT_TRUE(gw.Cancel(id, ""));

  auto bad = std::make_shared<Sink>();
  gw.Submit(sql + " WHERE", {100, 0}, bad);
  for (const double until = gw.Now() + 60; bad->ends == 0 && gw.Now() < until;) gw.Poll(0.001);
  ASSERT_EQ(bad->ends, 1);
  EXPECT_EQ(bad->begins, 0);
  EXPECT_EQ(bad->final_info.state, RequestState::kFailed);
  EXPECT_NE(bad->final_info.error.find("(at character"), std::string::npos)
      << bad->final_info.error;

  auto cancelled = std::make_shared<Sink>();
  const std::uint64_t c = gw.Submit(sql, {100, 0}, cancelled);
  EXPECT_TRUE(gw.Cancel(c, ""));
  for (int i = 0; i < 5 && cancelled->ends == 0; ++i) gw.Poll(0);
  ASSERT_EQ(cancelled->ends, 1) << "a cancel does not wait for the parse";
  EXPECT_EQ(cancelled->final_info.state, RequestState::kCancelled);
  for (const double until = gw.Now() + 60; gw.Busy() && gw.Now() < until;) gw.Poll(0.001);
  out_.Take(Tag::kCredit);
  for (const Sent& s : out_.Take(Tag::kControl)) {
    EXPECT_NE(DecodeControl(s.bytes).kind, ControlKind::kStart) << "the cancelled one started";
  }
}

// The parse thread beside the loop (scripts/test's tsan step runs this under ThreadSanitizer):
// two statements above kParseOffLoopBytes parse on threads of their own while a short one is
// parsed, started, streamed and completed on the loop; then both long ones start with their own
// ids. A data race between a parse thread and the loop (the request, the plan options, the
// parser's shared state) is a TSan report; here it checks the loop served the short statement
// while the long ones still parsed and that each statement got its own start.
TEST_F(GatewayTest, ShortStatementsRunWhileLongOnesParseOffTheLoop) {
  Gateway& gw = Make();
  const std::string sql = InListStatement(200000);
  ASSERT_GE(sql.size(), Gateway::kParseOffLoopBytes);
  auto long1 = std::make_shared<Sink>(), long2 = std::make_shared<Sink>();
  const std::uint64_t l1 = gw.Submit(sql, {100, 0}, long1);
  const std::uint64_t l2 = gw.Submit(sql + " AND aqi > 5", {100, 0}, long2);
  EXPECT_TRUE(out_.Take(Tag::kControl).empty()) << "neither is parsed on the loop";

  const std::uint64_t id = Submit("SELECT aqi FROM measurements");
  std::vector<Sent> starts = out_.Take(Tag::kControl);
  ASSERT_EQ(starts.size(), 2u) << "the short one starts at once";
  EXPECT_EQ(DecodeControl(starts[0].bytes).request, id);
  for (int rank = 1; rank <= 4; ++rank) Status(rank <= 2 ? 1 : 2, CountMsg(id, rank, 100));
  in_.Push(1, Tag::kData, Frame(id, 0, 1));
  in_.Push(1, Tag::kData, Frame(id, 1, 2));
  in_.Push(2, Tag::kData, Frame(id, 0, 3));
  in_.Push(2, Tag::kData, Frame(id, 1, 4));
  Status(1, StreamDoneMsg(id, 1, 2, Outcome::kOk, ""));
  Status(2, StreamDoneMsg(id, 3, 2, Outcome::kOk, ""));
  PollAll();
  ASSERT_EQ(sink_->ends, 1);
  EXPECT_EQ(sink_->final_info.state, RequestState::kCompleted) << sink_->final_info.error;
  EXPECT_EQ(sink_->rows, 400u);
  // 200,000 elements take ~1 s to parse in Release (0.4-0.5 s for 100,000): the short one was
  // served in that time, not after.
  EXPECT_TRUE(gw.Status(l1)->state == RequestState::kQueued ||
              gw.Status(l2)->state == RequestState::kQueued)
      << "the short statement waited for the long ones' parses";

  std::vector<std::uint64_t> started;
  for (const double until = gw.Now() + 120; started.size() < 4 && gw.Now() < until;) {
    gw.Poll(0.001);
    for (const Sent& s : out_.Take(Tag::kControl)) {
      const ControlMsg msg = DecodeControl(s.bytes);
      EXPECT_EQ(msg.kind, ControlKind::kStart);
      started.push_back(msg.request);
    }
  }
  ASSERT_EQ(started.size(), 4u) << "both long statements start once parsed";
  EXPECT_EQ(std::count(started.begin(), started.end(), l1), 2);
  EXPECT_EQ(std::count(started.begin(), started.end(), l2), 2);
  EXPECT_EQ(gw.Status(l1)->state, RequestState::kRunning);
  EXPECT_EQ(gw.Status(l2)->state, RequestState::kRunning);
  EXPECT_TRUE(gw.Cancel(l1, ""));
  EXPECT_TRUE(gw.Cancel(l2, ""));
  PollAll();
  EXPECT_EQ(long1->ends, 1);
  EXPECT_EQ(long2->ends, 1);
}

}  // namespace
}  // namespace plume::ranks
