// Liveness in one process (fake links, a clock the test moves): heartbeats every interval, a
// peer lost once silent for longer than the timeout, the message naming rank and host.
#include "ranks/liveness.h"

#include <gtest/gtest.h>

#include "tests/ranks/fake_links.h"

namespace plume::ranks {
namespace {

using testing::QueueInbox;
using testing::RecordingOutbox;

TEST(Liveness, SendsHeartbeatsEveryInterval) {
  RecordingOutbox out;
  QueueInbox in;
  Liveness live({1, 2}, {"gw", "h1", "h2"}, 2.0, 0);
  EXPECT_DOUBLE_EQ(live.interval_s(), 0.5);
  EXPECT_TRUE(live.Step(out, in, 0));
  ASSERT_EQ(out.sent.size(), 2u);
  EXPECT_EQ(out.sent[0].dest, 1);
  EXPECT_EQ(out.sent[1].dest, 2);
  EXPECT_EQ(out.sent[0].tag, Tag::kHeartbeat);
  out.sent.clear();
  EXPECT_FALSE(live.Step(out, in, 0.4));
  EXPECT_TRUE(out.sent.empty());
  live.Step(out, in, 0.5);
  EXPECT_EQ(out.sent.size(), 2u);
  EXPECT_DOUBLE_EQ(Liveness({0}, {"a"}, 60, 0).interval_s(), 1.0) << "at most a second apart";
}

TEST(Liveness, APeerSilentForTheTimeoutIsLost) {
  RecordingOutbox out;
  QueueInbox in;
  Liveness live({1, 2}, {"gw", "team1-host", "team4-host"}, 2.0, 0);
  for (double t = 0; t <= 3.0; t += 0.25) {
    in.Push(1, Tag::kHeartbeat, "h");
    if (t < 0.6) in.Push(2, Tag::kHeartbeat, "h");  // rank 2 stops after 0.5 s
    live.Step(out, in, t);
    if (t <= 2.5) {
      EXPECT_FALSE(live.Lost(t)) << t;
    }
  }
  ASSERT_EQ(live.Lost(3.0), 2);
  EXPECT_EQ(live.LostMessage(2), "rank 2 on team4-host has not answered for 2 s");
  EXPECT_EQ(live.HostOf(9), "an unknown host");
}

TEST(Liveness, NobodyHeardFromSinceTheStartIsLostToo) {
  RecordingOutbox out;
  QueueInbox in;
  Liveness live({0}, {"gateway-host"}, 1.5, 10);
  live.Step(out, in, 10);
  EXPECT_FALSE(live.Lost(11.5));
  ASSERT_EQ(live.Lost(11.6), 0);
  EXPECT_EQ(live.LostMessage(0), "rank 0 on gateway-host has not answered for 1.5 s");
}

TEST(Liveness, ARankThatWasItselfStoppedGivesItsPeersAFreshTimeout) {
  RecordingOutbox out;
  QueueInbox in;
  Liveness strict({0}, {"gateway-host"}, 2.0, 0);
  strict.Step(out, in, 30);
  EXPECT_EQ(strict.Lost(30), 0) << "rank 0's own pauses are not forgiven";
  Liveness live({0}, {"gateway-host"}, 2.0, 0, true);
  live.Step(out, in, 0.5);
  live.Step(out, in, 30);  // this rank did not run for 29.5 s (SIGSTOP, then SIGCONT)
  EXPECT_FALSE(live.Lost(30));
  for (double t = 30.5; t < 32; t += 0.5) live.Step(out, in, t);
  EXPECT_FALSE(live.Lost(31.9));
  EXPECT_EQ(live.Lost(32.1), 0) << "timed from the step after the pause";
}

}  // namespace
}  // namespace plume::ranks
