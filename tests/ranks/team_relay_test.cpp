// TeamRelay in one process (recording outboxes, no MPI): the team's counts before its frames,
// forwarding within the gateway's window, credits back to members in bytes and batches, an end that
// overtakes its frames, cancel accounting.
#include "ranks/team_relay.h"

#include <gtest/gtest.h>

#include "engine/query.h"
#include "io/manifest.h"
#include "io/partition_reader.h"
#include "tests/ranks/fake_links.h"

namespace plume::ranks {
namespace {

using testing::RecordingOutbox;
using testing::Sent;

class TeamRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(PLUME_RANKS_TEST_DATA) + "/p1";
    table_ = io::LoadPartition(dir + "/" + io::ReadManifest(dir).partitions.at(0).file);
  }
  ControlMsg Start(std::uint64_t id, const std::string& sql, std::uint32_t window) {
    ControlMsg start{ControlKind::kStart, id, engine::Plan::Parse(sql).Serialize(), 100, window};
    plan_.emplace(engine::Plan::Parse(sql));
    exec_ = std::make_unique<engine::PartitionExecution>(*plan_, table_);
    return start;
  }
  // A member's next frame of request `id`.
  std::string Frame(std::uint64_t id, std::uint64_t seq, int origin) {
    engine::Batch batch;
    EXPECT_TRUE(exec_->Next(100, &batch));
    return encoder_.Encode({id, seq, static_cast<std::uint32_t>(batch.rows), origin}, batch);
  }
  static StatusMsg End(std::uint64_t id, int rank, std::uint64_t batches, Outcome outcome) {
    return StreamDoneMsg(id, rank, batches, outcome, "");
  }
  std::vector<StatusMsg> Statuses() {
    std::vector<StatusMsg> out;
    for (const Sent& s : upper_.Take(Tag::kStatus)) out.push_back(DecodeStatus(s.bytes));
    return out;
  }

  engine::Table table_;
  std::optional<engine::Plan> plan_;
  std::unique_ptr<engine::PartitionExecution> exec_;
  FrameEncoder encoder_;
  RecordingOutbox team_, upper_;
};

TEST_F(TeamRelayTest, ForwardsWithinTheWindowAndCreditsMembersInBytes) {
  TeamRelay relay(1, 3, team_, upper_);
  relay.Open(5, Start(5, "SELECT aqi FROM measurements", 2));
  relay.Count(5, 10);
  ASSERT_EQ(Statuses().at(0).kind, StatusKind::kCount);
  const std::string a = Frame(5, 0, 2), b = Frame(5, 1, 2), c = Frame(5, 0, 3);
  relay.OnMemberStatus(1, CountMsg(5, 2, 20));
  relay.OnMemberFrame(1, a);
  relay.OnMemberFrame(1, b);
  relay.OnMemberFrame(2, c);
  EXPECT_FALSE(relay.Pump()) << "member 2's count must go up before any frame";
  EXPECT_TRUE(upper_.Take(Tag::kData).empty());
  relay.OnMemberStatus(2, CountMsg(5, 3, 20));
  ASSERT_EQ(Statuses().size(), 2u);
  EXPECT_TRUE(relay.Pump());
  std::vector<Sent> up = upper_.Take(Tag::kData);
  ASSERT_EQ(up.size(), 2u) << "the gateway's window is 2 batches";
  EXPECT_EQ(PeekFrame(up[0].bytes).sequence, 0u);
  EXPECT_EQ(PeekFrame(up[1].bytes).sequence, 1u);
  EXPECT_EQ(PeekFrame(up[1].bytes).origin, 2);
  std::vector<Sent> credits = team_.Take(Tag::kCredit);
  ASSERT_EQ(credits.size(), 1u) << "both of member 1's frames go back as one credit";
  EXPECT_EQ(credits[0].dest, 1);
  const CreditMsg credit = DecodeCredit(credits[0].bytes);
  EXPECT_EQ(credit.batches, 2u);
  EXPECT_EQ(credit.bytes, a.size() + b.size());
  EXPECT_FALSE(relay.Pump()) << "no credit from the gateway";
  relay.OnCredit({5, 2, up[0].bytes.size() + up[1].bytes.size()});
  EXPECT_TRUE(relay.Pump());
  ASSERT_EQ(upper_.Take(Tag::kData).size(), 1u);
  EXPECT_EQ(DecodeCredit(team_.Take(Tag::kCredit).at(0).bytes).batches, 1u);
  // Every input ends: the team's stream ends after the 3 frames sent up.
  relay.Done(5, End(5, 1, 0, Outcome::kOk));
  relay.OnMemberStatus(1, End(5, 2, 2, Outcome::kOk));
  relay.OnMemberStatus(2, End(5, 3, 1, Outcome::kOk));
  EXPECT_TRUE(relay.Pump());
  std::vector<StatusMsg> st = Statuses();
  ASSERT_EQ(st.size(), 4u);  // three kRankDone, one kStreamDone
  EXPECT_EQ(st[0].kind, StatusKind::kRankDone);
  EXPECT_EQ(st[3].kind, StatusKind::kStreamDone);
  EXPECT_EQ(st[3].batches, 3u);
  EXPECT_FALSE(relay.Busy());
}

// With a codec the relay compresses the frames it sends up (they decode to the members' frames);
// members are still credited the bytes they sent.
TEST_F(TeamRelayTest, CompressesFramesForTheGateway) {
  TeamRelay relay(1, 3, team_, upper_);
  relay.set_frame_codec(Codec::kLz4);
  ControlMsg start = Start(6, "SELECT parameter, site_name FROM measurements", 8);
  relay.Open(6, start);
  relay.Count(6, 0);  // the team's counts go up before any frame
  relay.OnMemberStatus(1, CountMsg(6, 2, 200));
  relay.OnMemberStatus(2, CountMsg(6, 3, 0));
  const std::string a = Frame(6, 0, 2), b = Frame(6, 1, 2);
  relay.OnMemberFrame(1, a);
  relay.OnMemberFrame(1, b);
  EXPECT_TRUE(relay.Pump());
  std::vector<Sent> up = upper_.Take(Tag::kData);
  ASSERT_EQ(up.size(), 2u);
  std::string scratch;
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(PeekFrame(up[i].bytes).codec, static_cast<std::uint32_t>(Codec::kLz4));
    EXPECT_LT(up[i].bytes.size(), (i ? b : a).size());
    EXPECT_EQ(FrameBody(up[i].bytes, &scratch), std::string_view(i ? b : a).substr(32));
  }
  // Members are credited the bytes they sent (uncompressed here).
  EXPECT_EQ(DecodeCredit(team_.Take(Tag::kCredit).at(0).bytes).bytes, a.size() + b.size());
}

TEST_F(TeamRelayTest, AMemberEndThatOvertakesItsFramesWaitsForThem) {
  TeamRelay relay(1, 2, team_, upper_);
  relay.Open(6, Start(6, "SELECT aqi FROM measurements", 16));
  relay.Done(6, End(6, 1, 0, Outcome::kOk));
  relay.OnMemberStatus(1, End(6, 2, 2, Outcome::kOk));  // announces 2 frames not yet in
  relay.Pump();
  for (const StatusMsg& s : Statuses()) EXPECT_NE(s.kind, StatusKind::kStreamDone);
  relay.OnMemberFrame(1, Frame(6, 0, 2));
  relay.Pump();
  EXPECT_TRUE(relay.Busy());
  relay.OnMemberFrame(1, Frame(6, 1, 2));
  relay.Pump();
  EXPECT_FALSE(relay.Busy());
  EXPECT_EQ(upper_.Take(Tag::kData).size(), 2u);
  std::vector<StatusMsg> st = Statuses();
  ASSERT_FALSE(st.empty());
  EXPECT_EQ(st.back().kind, StatusKind::kStreamDone);
  EXPECT_EQ(st.back().batches, 2u);
}

TEST_F(TeamRelayTest, CancelCountsAndDropsLateFramesThenEndsCancelled) {
  TeamRelay relay(1, 2, team_, upper_);
  relay.Open(7, Start(7, "SELECT aqi FROM measurements ORDER BY aqi", 16));
  relay.OnMemberFrame(1, Frame(7, 0, 2));
  relay.Cancel(7);
  EXPECT_FALSE(relay.Ready(7)) << "a cancelled request takes no more of the leader's batches";
  relay.OnMemberFrame(1, Frame(7, 1, 2));  // in flight when the cancel went out
  relay.Done(7, End(7, 1, 0, Outcome::kCancelled));
  relay.Pump();
  EXPECT_TRUE(relay.Busy()) << "member 1's end is not in yet";
  relay.OnMemberStatus(1, End(7, 2, 3, Outcome::kCancelled));
  relay.Pump();
  EXPECT_TRUE(relay.Busy()) << "member 1 announced 3 frames, 2 are in";
  relay.OnMemberFrame(1, Frame(7, 2, 2));
  relay.Pump();
  EXPECT_FALSE(relay.Busy());
  EXPECT_TRUE(upper_.Take(Tag::kData).empty());
  std::vector<StatusMsg> st = Statuses();
  ASSERT_FALSE(st.empty());
  EXPECT_EQ(st.back().kind, StatusKind::kStreamDone);
  EXPECT_EQ(st.back().outcome, Outcome::kCancelled);
  EXPECT_EQ(st.back().batches, 0u);
}

// The direct cancel names its stage: a stale one (of the stage before, overtaking this start)
// leaves the relay as it is; the right one reports that the relay was active, once.
TEST_F(TeamRelayTest, ADirectCancelStopsOnlyTheRelayOfItsStage) {
  TeamRelay relay(1, 2, team_, upper_);
  ControlMsg start = Start(7, "SELECT aqi FROM measurements", 16);
  start.stage = 1;
  relay.Open(7, start);
  EXPECT_FALSE(relay.Cancel(7, 0));
  EXPECT_TRUE(relay.Ready(7)) << "still forwarding";
  EXPECT_FALSE(relay.Cancel(8, 1)) << "no such request";
  EXPECT_TRUE(relay.Cancel(7, 1));
  EXPECT_FALSE(relay.Ready(7));
  EXPECT_FALSE(relay.Cancel(7, 1)) << "discarding already";
  EXPECT_FALSE(relay.Cancel(7)) << "the leader's kCancel after it: nothing left to stop";
}

}  // namespace
}  // namespace plume::ranks
