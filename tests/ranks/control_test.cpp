// Request control through the live gateway: progress and totals, cancel, admission and states,
// concurrent statements, early LIMIT, deadlines, errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tests/ranks/test_world.h"
#include "tests/timeout_scale.h"

namespace plume::ranks::testing {
namespace {

using frontend::RequestState;
constexpr const char* kBig = "SELECT * FROM measurements";
constexpr const char* kCheck = "SELECT count(*), sum(aqi) FROM measurements WHERE aqi < 50";

std::uint64_t Submit(const std::string& sql, const std::shared_ptr<CollectSink>& sink,
                     std::size_t chunk_rows = 1000, double timeout_s = 0) {
  return World().gateway->Submit(sql, {chunk_rows, timeout_s}, sink);
}

// The next statement after a disturbance still gives the reference answer.
void ExpectNextStatementCorrect() {
  auto sink = RunStatement(kCheck);
  ASSERT_EQ(sink->final_info.state, RequestState::kCompleted) << sink->final_info.error;
  std::vector<TextRow> expected = RunLocal(engine::Plan::Parse(kCheck), World().partitions);
  EXPECT_EQ(sink->rows, expected);
}

TEST(Control, TotalsKnownAtFirstChunkAndProgressive) {
  auto sink = RunStatement(kBig, 100);
  const frontend::RequestInfo& first = sink->at_chunk.at(0);
  EXPECT_TRUE(first.rows_total_known);
  std::uint64_t total = 0;
  for (const engine::Table& t : World().partitions) total += t.rows;
  EXPECT_EQ(first.rows_total, total);
  EXPECT_EQ(first.chunks_total, (total + 99) / 100);
  // Credits keep every rank from finishing before the gateway consumed its first batch.
  EXPECT_TRUE(std::any_of(first.ranks.begin(), first.ranks.end(),
                          [](const frontend::RankProgress& r) { return !r.done; }));
  const frontend::RequestInfo& info = sink->final_info;
  EXPECT_EQ(info.rows_delivered, total);
  ASSERT_EQ(info.ranks.size(), World().partitions.size());
  for (std::size_t r = 0; r < info.ranks.size(); ++r) {
    EXPECT_EQ(info.ranks[r].rank, static_cast<int>(r + 1));
    EXPECT_TRUE(info.ranks[r].done);
    EXPECT_EQ(info.ranks[r].rows_total, World().partitions[r].rows);
    EXPECT_EQ(info.ranks[r].rows_sent, World().partitions[r].rows);
  }
  EXPECT_GT(info.bytes_received, 0u);
  EXPECT_LE(info.submitted_s, info.started_s);
  EXPECT_LE(info.started_s, info.first_chunk_s);
  EXPECT_LE(info.first_chunk_s, info.finished_s);
}

TEST(Control, CancelMidStream) {
  Gateway& gw = *World().gateway;
  auto sink = std::make_shared<CollectSink>();
  const std::uint64_t id = Submit(kBig, sink, 100);
  while (sink->chunk_rows.size() < 3 && sink->ends == 0) gw.Poll(0.01);
  ASSERT_EQ(sink->ends, 0) << "finished before it could be cancelled";
  ASSERT_TRUE(gw.Cancel(id, "cancelled by test"));
  EXPECT_FALSE(gw.Cancel(id, "again"));
  const std::size_t delivered = sink->rows.size();
  WaitEnded({sink});
  WaitDrained(id);
  EXPECT_EQ(sink->rows.size(), delivered) << "rows delivered after the cancel";
  EXPECT_EQ(sink->final_info.state, RequestState::kCancelled);
  EXPECT_EQ(sink->final_info.error, "cancelled by test");
  EXPECT_LT(sink->final_info.rows_delivered, sink->final_info.rows_total);
  EXPECT_EQ(gw.Status(id)->state, RequestState::kCancelled);
  ExpectNextStatementCorrect();
}

TEST(Control, OutputErrorCancels) {
  auto sink = std::make_shared<CollectSink>();
  sink->stop_after_chunks = 2;
  const std::uint64_t id = Submit(kBig, sink, 100);
  WaitEnded({sink});
  WaitDrained(id);
  EXPECT_EQ(sink->chunk_rows.size(), 2u);
  EXPECT_EQ(sink->final_info.state, RequestState::kCancelled);
  EXPECT_EQ(sink->final_info.error, "Error: test output refused more rows");
  ExpectNextStatementCorrect();
}

TEST(Control, AdmissionQueueAndStates) {
  Gateway& gw = *World().gateway;  // the test runtime has max_running 2, queue_limit 2
  std::vector<std::shared_ptr<CollectSink>> sinks;
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 5; ++i) {
    sinks.push_back(std::make_shared<CollectSink>());
    ids.push_back(Submit(kCheck, sinks.back()));
  }
  EXPECT_EQ(gw.Status(ids[0])->state, RequestState::kRunning);
  EXPECT_EQ(gw.Status(ids[1])->state, RequestState::kRunning);
  EXPECT_EQ(gw.Status(ids[2])->state, RequestState::kQueued);
  EXPECT_EQ(gw.Status(ids[3])->state, RequestState::kQueued);
  EXPECT_EQ(gw.Status(ids[4])->state, RequestState::kFailed);
  EXPECT_NE(gw.Status(ids[4])->error.find("refused"), std::string::npos);
  EXPECT_TRUE(gw.Busy());
  bool saw_queued_then_running = false;
  while (sinks[2]->ends == 0) {
    gw.Poll(0.01);
    if (gw.Status(ids[2])->state == RequestState::kRunning) saw_queued_then_running = true;
  }
  WaitEnded(sinks);
  EXPECT_TRUE(saw_queued_then_running);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sinks[i]->final_info.state, RequestState::kCompleted) << sinks[i]->final_info.error;
    EXPECT_EQ(sinks[i]->rows, sinks[0]->rows);
  }
  EXPECT_EQ(sinks[4]->begins, 0);
  EXPECT_EQ(sinks[4]->ends, 1);
  EXPECT_FALSE(gw.Busy());
  const auto list = gw.List();
  for (std::uint64_t id : ids) {
    EXPECT_TRUE(std::any_of(list.begin(), list.end(), [&](auto& r) { return r.id == id; }));
  }
}

TEST(Control, TwoStatementsInFlight) {
  std::vector<int> order;
  auto a = std::make_shared<CollectSink>();
  auto b = std::make_shared<CollectSink>();
  a->order = b->order = &order;
  a->tag = 1;
  b->tag = 2;
  const std::string sql_b = "SELECT site_name, aqi FROM measurements WHERE aqi >= 0";
  Submit(kBig, a, 200);
  Submit(sql_b, b, 200);
  WaitEnded({a, b});
  ASSERT_EQ(a->final_info.state, RequestState::kCompleted);
  ASSERT_EQ(b->final_info.state, RequestState::kCompleted);
  // Interleaved: b delivered a chunk before a's last chunk and a before b's last.
  auto first = [&](int t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  auto last = [&](int t) {
    return static_cast<long>(order.rend() - std::find(order.rbegin(), order.rend(), t)) - 1;
  };
  EXPECT_LT(first(2), last(1));
  EXPECT_LT(first(1), last(2));
  std::vector<TextRow> want_b = RunLocal(engine::Plan::Parse(sql_b), World().partitions);
  std::vector<TextRow> got_b = b->rows;
  std::sort(want_b.begin(), want_b.end());
  std::sort(got_b.begin(), got_b.end());
  EXPECT_EQ(got_b, want_b);
}

TEST(Control, LimitStopsWorkEarly) {
  auto sink = std::make_shared<CollectSink>();
  // Each partition emits at most 6000 rows (the engine applies LIMIT per partition too); the
  // gateway needs 6000 in all and cancels the rest once it has them.
  const std::uint64_t id = Submit("SELECT * FROM measurements LIMIT 6000", sink, 4000);
  WaitEnded({sink});
  WaitDrained(id);
  EXPECT_EQ(sink->final_info.state, RequestState::kCompleted) << sink->final_info.error;
  EXPECT_EQ(sink->rows.size(), 6000u);
  EXPECT_EQ(sink->chunk_rows, (std::vector<std::size_t>{4000, 2000}));
  EXPECT_EQ(sink->final_info.rows_total, 6000u);
  EXPECT_EQ(sink->final_info.chunks_total, 2u);
  const auto info = *World().gateway->Status(id);
  std::uint64_t sent = 0;
  std::uint64_t total = 0;
  for (const auto& r : info.ranks) {
    sent += r.rows_sent;
    total += r.rows_total;
  }
  if (info.ranks.size() > 1) {
    EXPECT_LT(sent, total) << "ranks kept producing after the limit was reached";
  }
  for (const auto& r : info.ranks) EXPECT_TRUE(r.done) << "rank " << r.rank;
  ExpectNextStatementCorrect();
}

TEST(Control, DeadlineFailsAndCancels) {
  auto sink = std::make_shared<CollectSink>();
  const std::uint64_t id = Submit(kBig, sink, 100, 1e-6);
  WaitEnded({sink});
  WaitDrained(id);
  EXPECT_EQ(sink->final_info.state, RequestState::kFailed);
  EXPECT_NE(sink->final_info.error.find("timed out"), std::string::npos) << sink->final_info.error;
  ExpectNextStatementCorrect();
}

TEST(Control, BadStatementFailsWithMessage) {
  auto sink = RunStatement("SELECT nope FROM measurements");
  EXPECT_EQ(sink->final_info.state, RequestState::kFailed);
  EXPECT_NE(sink->final_info.error.find("Error"), std::string::npos);
  EXPECT_NE(sink->final_info.error.find("nope"), std::string::npos) << sink->final_info.error;
  EXPECT_EQ(sink->begins, 0);
  EXPECT_EQ(sink->ends, 1);
  EXPECT_FALSE(World().gateway->Cancel(sink->final_info.id, "late"));
  EXPECT_FALSE(World().gateway->Cancel(987654321, "unknown"));
  ExpectNextStatementCorrect();
}

TEST(Control, FinishedRequestsExpireAfterTtl) {
  Gateway& gw = *World().gateway;  // the test runtime's TTL is 2 s x TimeoutScale()
  const double scale = plume::testing::TimeoutScale();
  auto sink = RunStatement(kCheck);
  const std::uint64_t id = sink->final_info.id;
  WaitDrained(id);
  ASSERT_TRUE(gw.Status(id).has_value());
  const double ended = gw.Now();
  while (gw.Now() - ended < 1.0 * scale) gw.Poll(0.05);
  EXPECT_TRUE(gw.Status(id).has_value()) << "expired before its TTL";
  while (gw.Now() - ended < 3.0 * scale) gw.Poll(0.05);
  EXPECT_FALSE(gw.Status(id).has_value()) << "still listed after its TTL";
}

TEST(Control, WorldInfo) {
  const auto world = World().gateway->World();
  EXPECT_EQ(world.ranks, World().world);
  EXPECT_EQ(world.partitions, World().world - 1);
  EXPECT_EQ(world.leaders.front(), 1);
}

}  // namespace
}  // namespace plume::ranks::testing
