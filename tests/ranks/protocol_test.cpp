// The protocol's rules as value types (ranks/protocol.h): credit codec, credit window, credit
// ledger, end-of-stream tally, status message builders.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "ranks/protocol.h"

namespace plume::ranks {
namespace {

TEST(BuildIdentity, NamesVersionAndProtocol) {
  const std::string id = BuildIdentity();
  EXPECT_EQ(id.rfind("plume ", 0), 0u) << id;
  EXPECT_NE(id.find(", protocol " + std::to_string(kProtocolVersion)), std::string::npos) << id;
}

TEST(VersionMismatches, NamesEveryRankOfAnotherBuild) {
  const std::string a = "plume 0.1.0, protocol 1", b = "plume 0.1.0, protocol 2";
  std::vector<std::string> why = VersionMismatches({a, a, b, a, b});
  ASSERT_EQ(why.size(), 5u);
  for (int r : {0, 1, 3}) EXPECT_EQ(why[r], "") << r;
  for (int r : {2, 4}) {
    EXPECT_EQ(why[r],
              "runs " + b + " but rank 0 runs " + a + ": every host needs the same plume build");
  }
  EXPECT_EQ(VersionMismatches({a}), std::vector<std::string>{""});
  EXPECT_TRUE(VersionMismatches({}).empty());
}

TEST(CreditCodec, RoundTripAndRejectsWrongSizes) {
  const CreditMsg c{7, 3, 123456};
  const std::string bytes = EncodeCredit(c);
  EXPECT_EQ(bytes.size(), 24u);
  const CreditMsg back = DecodeCredit(bytes);
  EXPECT_EQ(back.request, 7u);
  EXPECT_EQ(back.batches, 3u);
  EXPECT_EQ(back.bytes, 123456u);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(DecodeCredit(bytes.substr(0, n)), std::runtime_error) << n;
  }
  EXPECT_THROW(DecodeCredit(bytes + "x"), std::runtime_error);
}

TEST(CreditWindow, LimitsBatchesAndBytes) {
  CreditWindow none;
  EXPECT_FALSE(none.open());
  CreditWindow w(2, 1000);
  ASSERT_TRUE(w.open());
  w.Spend(400);
  EXPECT_TRUE(w.open());
  w.Spend(400);
  EXPECT_FALSE(w.open()) << "two batches are the limit";
  w.Return({0, 1, 400});
  EXPECT_TRUE(w.open());
  w.Return({0, 1, 400});
  w.Spend(1050);  // one batch of 1050 bytes in flight: the byte limit closes the window
  EXPECT_EQ(w.in_flight_batches(), 1u);
  EXPECT_EQ(w.in_flight_bytes(), 1050u);
  EXPECT_FALSE(w.open());
  w.Return({0, 1, 1050});
  EXPECT_TRUE(w.open());
  w.Return({0, 5, 5000});  // more than is in flight: clamps at zero
  EXPECT_EQ(w.in_flight_batches(), 0u);
  EXPECT_EQ(w.in_flight_bytes(), 0u);
}

TEST(CreditWindow, OneFrameLargerThanTheByteWindowStillGoesAlone) {
  CreditWindow w(16, 100);
  ASSERT_TRUE(w.open());
  w.Spend(5000);
  EXPECT_FALSE(w.open());
  w.Return({0, 1, 5000});
  EXPECT_TRUE(w.open());
}

TEST(CreditWindow, FromStart) {
  ControlMsg start;
  start.window = 1;
  start.window_bytes = 10;
  CreditWindow w(start);
  EXPECT_TRUE(w.open());
  w.Spend(1);
  EXPECT_FALSE(w.open());
}

TEST(CreditLedger, ReturnsConsumedFramesInArrivalOrder) {
  CreditLedger ledger;
  EXPECT_FALSE(ledger.due());
  EXPECT_THROW(ledger.Consumed(), std::logic_error);
  ledger.Received(100);
  ledger.Received(250);
  ledger.Received(7);
  EXPECT_EQ(ledger.held(), 3u);
  ledger.Consumed();
  ledger.Consumed();
  ASSERT_TRUE(ledger.due());
  const CreditMsg c = ledger.TakeDue(9);
  EXPECT_EQ(c.request, 9u);
  EXPECT_EQ(c.batches, 2u);
  EXPECT_EQ(c.bytes, 350u);
  EXPECT_FALSE(ledger.due());
  ledger.Consumed();
  EXPECT_EQ(ledger.TakeDue(9).bytes, 7u);
  EXPECT_EQ(ledger.held(), 0u);
}

TEST(StreamTally, ClosesWhenTheEndAndAllItsFramesAreIn) {
  StreamTally in_order;
  EXPECT_FALSE(in_order.OnFrame());
  EXPECT_FALSE(in_order.OnFrame());
  EXPECT_TRUE(in_order.OnEnd(2));
  EXPECT_TRUE(in_order.closed());

  StreamTally overtaken;  // the end overtook its frames
  EXPECT_FALSE(overtaken.OnEnd(2));
  EXPECT_FALSE(overtaken.OnFrame());
  EXPECT_FALSE(overtaken.closed());
  EXPECT_TRUE(overtaken.OnFrame());
  EXPECT_FALSE(overtaken.OnFrame()) << "closes once";
  EXPECT_EQ(overtaken.received(), 3u);

  StreamTally empty;
  EXPECT_TRUE(empty.OnEnd(0));
}

TEST(StatusBuilders, CountAndStreamDone) {
  const StatusMsg count = DecodeStatus(EncodeStatus(CountMsg(4, 5, 600)));
  EXPECT_EQ(count.kind, StatusKind::kCount);
  EXPECT_EQ(count.request, 4u);
  EXPECT_EQ(count.rank, 5);
  EXPECT_EQ(count.rows, 600u);
  const StatusMsg end = StreamDoneMsg(4, 1, 12, Outcome::kFailed, "Error: x");
  EXPECT_EQ(end.kind, StatusKind::kStreamDone);
  EXPECT_EQ(end.batches, 12u);
  EXPECT_EQ(end.outcome, Outcome::kFailed);
  EXPECT_EQ(end.error, "Error: x");
}

ControlMsg SampleStart() {
  ControlMsg start;
  start.kind = ControlKind::kStart;
  start.request = 77;
  start.plan = std::string("plan\0bytes", 10);
  start.batch_rows = 4096;
  start.window = 3;
  start.window_bytes = 1 << 20;
  return start;
}

TEST(ControlCodec, RoundTripsEveryField) {
  const ControlMsg back = DecodeControl(EncodeControl(SampleStart()));
  EXPECT_EQ(back.kind, ControlKind::kStart);
  EXPECT_EQ(back.request, 77u);
  EXPECT_EQ(back.plan, std::string("plan\0bytes", 10));
  EXPECT_EQ(back.batch_rows, 4096u);
  EXPECT_EQ(back.window, 3u);
  EXPECT_EQ(back.window_bytes, 1u << 20);
  const StatusMsg done = DecodeStatus(EncodeStatus(StreamDoneMsg(9, 2, 5, Outcome::kOk, "")));
  EXPECT_EQ(done.request, 9u);
  EXPECT_EQ(done.error, "");
}

TEST(ControlCodec, EveryTruncationAndTrailingByteIsRejected) {
  const std::string bytes = EncodeControl(SampleStart());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(DecodeControl(bytes.substr(0, n)), std::runtime_error) << n;
  }
  EXPECT_THROW(DecodeControl(bytes + 'x'), std::runtime_error);
  const std::string status = EncodeStatus(StreamDoneMsg(9, 2, 5, Outcome::kFailed, "Error: x"));
  for (std::size_t n = 0; n < status.size(); ++n) {
    EXPECT_THROW(DecodeStatus(status.substr(0, n)), std::runtime_error) << n;
  }
}

// A corrupt string length fails before anything of that size is allocated (Boost's
// binary_iarchive, used before, allocated and zero-filled what the length said).
TEST(ControlCodec, AStringLongerThanTheMessageIsRejectedWithoutAllocatingIt) {
  std::string bytes = EncodeControl(SampleStart());
  const std::uint64_t huge = 0x1817161514131212;
  std::memcpy(bytes.data() + 4 + 8, &huge, sizeof huge);  // the plan's length: after kind, request
  try {
    DecodeControl(bytes);
    FAIL() << "decoded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("malformed control message"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("a string of 1735880461161533970 bytes"),
              std::string::npos)
        << e.what();
  }
}

TEST(ControlCodec, AnEnumValueOutsideItsTypeIsRejected) {
  std::string bytes = EncodeControl(SampleStart());
  const std::int32_t kind = 256 + 1;  // would truncate to kCancel in a uint8 enum
  std::memcpy(bytes.data(), &kind, sizeof kind);
  EXPECT_THROW(DecodeControl(bytes), std::runtime_error);
}

}  // namespace
}  // namespace plume::ranks
