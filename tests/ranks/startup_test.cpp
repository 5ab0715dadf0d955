// The startup exchange in one process (fake links, a clock the test moves): hello and report to
// rank 0, the verdict back with every host, a rank of another build named for that alone, and a
// rank silent during its load named as lost "while starting".
#include "ranks/startup.h"

#include <gtest/gtest.h>

#include "engine/byte_io.h"
#include "tests/ranks/fake_links.h"

namespace plume::ranks {
namespace {

using testing::QueueInbox;
using testing::RecordingOutbox;
using testing::Sent;

constexpr char kBuild[] = "plume 0.1.0, protocol 2";

// Data rank `rank` of a world of 3 on `host`: what it sent (hello, then its report).
std::vector<Sent> DataRankMessages(int rank, const std::string& host, const std::string& build,
                                   StartupReport report) {
  RecordingOutbox out;
  StartupExchange data(rank, 3, host, build, 1.0, 0, out);
  data.Prepared(std::move(report));
  return out.Take(Tag::kStartup);
}

TEST(StartupExchange, RankZeroAnswersEveryRankOnceAllReported) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange gateway(0, 3, "gw-host", kBuild, 1.0, 0, out);
  gateway.Prepared({"", {0, 0}});
  for (int r : {1, 2}) {
    for (Sent& s : DataRankMessages(r, "team-host" + std::to_string(r), kBuild, {"", {3, 4}})) {
      in.Push(r, Tag::kStartup, std::move(s.bytes));
    }
    gateway.Step(in, 0.1 * r);
    EXPECT_EQ(gateway.state(),
              r == 2 ? StartupExchange::State::kDone : StartupExchange::State::kWaiting);
  }
  const StartupOutcome& outcome = gateway.outcome();
  EXPECT_EQ(outcome.summary, "");
  EXPECT_EQ(outcome.hosts, (std::vector<std::string>{"gw-host", "team-host1", "team-host2"}));
  EXPECT_EQ(outcome.distinct, (std::vector<std::uint64_t>{6, 8}));
  const std::vector<Sent> verdicts = out.Take(Tag::kStartup);
  ASSERT_EQ(verdicts.size(), 2u);

  // A data rank takes the verdict: done, with every host.
  RecordingOutbox data_out;
  QueueInbox data_in;
  StartupExchange data(1, 3, "team-host1", kBuild, 1.0, 0, data_out);
  data.Prepared({"", {3, 4}});
  EXPECT_EQ(data.state(), StartupExchange::State::kWaiting);
  data_in.Push(0, Tag::kStartup, verdicts[0].bytes);
  data.Step(data_in, 0.5);
  ASSERT_EQ(data.state(), StartupExchange::State::kDone);
  EXPECT_EQ(data.outcome().hosts, outcome.hosts);
  EXPECT_EQ(data.outcome().summary, "");
}

TEST(StartupExchange, ErrorsAndOtherBuildsAreNamedWithTheirHost) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange gateway(0, 3, "gw", kBuild, 1.0, 0, out);
  for (Sent& s : DataRankMessages(1, "h1", kBuild, {"cannot load partition 0: gone", {}})) {
    in.Push(1, Tag::kStartup, std::move(s.bytes));
  }
  for (Sent& s : DataRankMessages(2, "h2", "plume 0.0.1, protocol 0", {"garbage", {9}})) {
    in.Push(2, Tag::kStartup, std::move(s.bytes));
  }
  gateway.Step(in, 0.1);
  EXPECT_EQ(gateway.state(), StartupExchange::State::kPreparing) << "its own load still runs";
  gateway.Prepared({"", {}});
  ASSERT_EQ(gateway.state(), StartupExchange::State::kDone);
  const std::string& summary = gateway.outcome().summary;
  EXPECT_NE(summary.find("rank 1 on h1: cannot load partition 0: gone"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("rank 2 on h2: runs plume 0.0.1, protocol 0 but rank 0 runs"),
            std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("garbage"), std::string::npos) << "another build's report is not read";
}

TEST(StartupExchange, ARankSilentWhileLoadingIsLostWithItsHost) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange gateway(0, 3, "gw", kBuild, 1.0, 0, out);
  gateway.Prepared({"", {}});
  std::vector<Sent> one = DataRankMessages(1, "h1", kBuild, {"", {}});
  in.Push(1, Tag::kStartup, one[0].bytes);  // hello only: rank 1 is loading
  for (double t = 0; t <= 1.0; t += 0.25) {
    in.Push(1, Tag::kHeartbeat, "h");
    in.Push(2, Tag::kHeartbeat, "h");
    gateway.Step(in, t);
    EXPECT_FALSE(gateway.Lost(t)) << t;
  }
  in.Push(2, Tag::kHeartbeat, "h");  // rank 1 stops here
  gateway.Step(in, 1.5);
  EXPECT_FALSE(gateway.Lost(1.5));
  in.Push(2, Tag::kHeartbeat, "h");
  gateway.Step(in, 2.1);
  EXPECT_EQ(gateway.Lost(2.1),
            "rank 1 on h1 has not answered for 1 s (while starting: loading its partition)");
}

TEST(StartupExchange, ARankNeverHeardFromHasNoHostYet) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange gateway(0, 2, "gw", kBuild, 1.0, 0, out);
  gateway.Step(in, 0);
  EXPECT_EQ(gateway.Lost(1.1),
            "rank 1 on an unknown host has not answered for 1 s (while starting: before it said "
            "hello)");
}

TEST(StartupExchange, ADataRankWatchesTheGatewayLonger) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange data(2, 3, "h2", kBuild, 1.0, 0, out);
  data.Step(in, 0);
  data.Step(in, 0.4);  // steady steps: no pause of its own to forgive
  data.Step(in, 0.8);
  data.Step(in, 1.2);
  EXPECT_FALSE(data.Lost(1.5)) << "twice the peer timeout";
  data.Step(in, 1.6);
  data.Step(in, 2.0);
  EXPECT_EQ(data.Lost(2.1),
            "rank 2 on h2: the gateway, rank 0 on an unknown host has not answered for 2 s (while "
            "starting)");
}

TEST(StartupExchange, MalformedMessagesThrow) {
  RecordingOutbox out;
  QueueInbox in;
  StartupExchange gateway(0, 2, "gw", kBuild, 1.0, 0, out);
  in.Push(1, Tag::kStartup, "R");  // a report before the hello
  EXPECT_THROW(gateway.Step(in, 0), std::runtime_error);
  StartupExchange data(1, 2, "h1", kBuild, 1.0, 0, out);
  in.Push(0, Tag::kStartup, "V");  // a verdict cut short
  EXPECT_THROW(data.Step(in, 0), std::runtime_error);
}

}  // namespace
}  // namespace plume::ranks
