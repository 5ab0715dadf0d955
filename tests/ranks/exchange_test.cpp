// The all-to-all between data ranks (ranks/exchange.h) in one process: hubs wired through the
// fake links, messages carried by hand, so order, overtaking and credits are under test control.
#include "ranks/exchange.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/ranks/fake_links.h"

namespace plume::ranks::testing {
namespace {

engine::Batch Numbers(std::int64_t first, std::size_t rows) {
  engine::Batch b;
  b.rows = rows;
  b.columns.resize(1);
  b.columns[0].type = engine::Type::kInt64;
  for (std::size_t i = 0; i < rows; ++i) b.columns[0].ints.push_back(first + std::int64_t(i));
  return b;
}

// n data ranks: part p's outbox and inbox; Carry moves sent messages to their receivers.
struct Net {
  explicit Net(int n) : outs(n), ins(n) {
    for (int p = 0; p < n; ++p)
      hubs.push_back(std::make_unique<ExchangeHub>(p, n, outs[p], ins[p]));
  }
  // Moves every message sent so far (world rank dest = part dest - 1); `shuffle` reorders the
  // tags' arrival (ends before frames), never the order within one (sender, tag).
  void Carry(bool ends_first = false) {
    for (int p = 0; p < static_cast<int>(outs.size()); ++p) {
      std::vector<Sent> sent = std::move(outs[p].sent);
      outs[p].sent.clear();
      if (ends_first) {
        std::stable_partition(sent.begin(), sent.end(),
                              [](const Sent& s) { return s.tag == Tag::kExchangeEnd; });
      }
      for (Sent& s : sent) ins[s.dest - 1].Push(p + 1, s.tag, std::move(s.bytes));
    }
  }
  std::vector<RecordingOutbox> outs;
  std::vector<QueueInbox> ins;
  std::vector<std::unique_ptr<ExchangeHub>> hubs;
};

// Every part sends rows [1000 p, 1000 p + 100) to every part in batches of 7 rows, with a window
// of 2 frames; returns what each part received, per sender, in order.
std::vector<std::vector<std::vector<std::int64_t>>> AllToAll(Net& net, bool ends_first) {
  const int n = static_cast<int>(net.hubs.size());
  const ExchangeKey key{5, 0};
  std::vector<Exchange*> xs;
  for (auto& hub : net.hubs) xs.push_back(&hub->Open(key, CreditWindow(2, 1 << 20)));
  std::vector<std::vector<std::int64_t>> next(n, std::vector<std::int64_t>(n, 0));
  std::vector<std::vector<std::vector<std::int64_t>>> got(
      n, std::vector<std::vector<std::int64_t>>(n));
  for (int pass = 0; pass < 1000; ++pass) {
    bool all = true;
    for (int p = 0; p < n; ++p) {
      for (int q = 0; q < n; ++q) {
        while (next[p][q] < 100 && xs[p]->CanOffer(q)) {
          const std::size_t rows = std::min<std::int64_t>(7, 100 - next[p][q]);
          xs[p]->Offer(q, Numbers(1000 * p + next[p][q], rows));
          next[p][q] += static_cast<std::int64_t>(rows);
        }
        all &= next[p][q] == 100;
      }
      if (all && !xs[p]->finished_sending()) xs[p]->FinishSending();
    }
    net.Carry(ends_first);
    bool closed = true;
    for (int p = 0; p < n; ++p) {
      net.hubs[p]->Poll();
      int from = 0;
      engine::Batch b;
      while (xs[p]->Receive(&from, &b)) {
        for (std::int64_t v : b.columns[0].ints) got[p][from].push_back(v);
      }
      closed &= xs[p]->AllClosed();
    }
    if (closed) return got;
  }
  ADD_FAILURE() << "the exchange did not complete";
  return got;
}

TEST(Exchange, AllToAllDeliversEveryBatchOnceInOrderWithinTheWindow) {
  for (bool ends_first : {false, true}) {
    Net net(3);
    const auto got = AllToAll(net, ends_first);
    for (int p = 0; p < 3; ++p) {
      for (int q = 0; q < 3; ++q) {
        std::vector<std::int64_t> want;
        for (int i = 0; i < 100; ++i) want.push_back(1000 * q + i);
        EXPECT_EQ(got[p][q], want) << "part " << p << " from " << q;
      }
    }
  }
}

TEST(Exchange, WindowClosesUntilTheReceiverTakesTheFrames) {
  Net net(2);
  Exchange& a = net.hubs[0]->Open({1, 0}, CreditWindow(2, 1 << 20));
  Exchange& b = net.hubs[1]->Open({1, 0}, CreditWindow(2, 1 << 20));
  a.Offer(1, Numbers(0, 3));
  a.Offer(1, Numbers(3, 3));
  EXPECT_FALSE(a.CanOffer(1));
  EXPECT_TRUE(a.CanOffer(0));  // its own part never waits
  net.Carry();
  net.hubs[1]->Poll();
  net.Carry();
  net.hubs[0]->Poll();
  EXPECT_FALSE(a.CanOffer(1)) << "credit came back before the receiver took a frame";
  int from = -1;
  engine::Batch got;
  ASSERT_TRUE(b.Receive(&from, &got));
  EXPECT_EQ(from, 0);
  net.hubs[1]->Poll();  // the credit for the taken frame goes back
  net.Carry();
  net.hubs[0]->Poll();
  EXPECT_TRUE(a.CanOffer(1));
}

TEST(Exchange, EarlyMessagesWaitForOpenAndForgottenOnesAreDropped) {
  Net net(2);
  Exchange& a = net.hubs[0]->Open({9, 1}, CreditWindow(4, 1 << 20));
  a.Offer(1, Numbers(42, 1));
  a.FinishSending();
  net.Carry();
  net.hubs[1]->Poll();  // part 1 has not opened {9, 1} yet: held
  Exchange& b = net.hubs[1]->Open({9, 1}, CreditWindow(4, 1 << 20));
  int from = -1;
  engine::Batch got;
  ASSERT_TRUE(b.Receive(&from, &got));
  EXPECT_EQ(got.columns[0].ints, std::vector<std::int64_t>{42});
  EXPECT_TRUE(b.Closed(0));
  EXPECT_FALSE(b.Closed(1));  // its own stream has not ended

  Exchange& c = net.hubs[0]->Open({10, 0}, CreditWindow(4, 1 << 20));
  c.Offer(1, Numbers(1, 1));
  net.hubs[1]->Forget(10);
  net.Carry();
  EXPECT_FALSE(net.hubs[1]->Find({10, 0}));
  net.hubs[1]->Poll();
  EXPECT_FALSE(net.hubs[1]->Find({10, 0}));
  EXPECT_THROW(net.hubs[1]->Open({10, 0}, CreditWindow(4, 1 << 20)), std::logic_error);
}

TEST(Exchange, MisuseAndMalformedMessagesAreErrors) {
  Net net(2);
  Exchange& a = net.hubs[0]->Open({3, 0}, CreditWindow(4, 1 << 20));
  EXPECT_THROW(a.Offer(2, Numbers(0, 1)), std::logic_error);
  a.FinishSending();
  EXPECT_THROW(a.Offer(1, Numbers(0, 1)), std::logic_error);
  EXPECT_THROW(DecodeExchangeHeader("short"), std::runtime_error);
  net.ins[1].Push(1, Tag::kExchangeData, std::string(32, 'x'));
  EXPECT_THROW(net.hubs[1]->Poll(), std::runtime_error);
  // A frame whose batch bytes are corrupt fails when it is taken, with the decoder's message.
  Exchange& b = net.hubs[1]->Open({4, 0}, CreditWindow(4, 1 << 20));
  ExchangeHeader h{4, 0, ExchangeHeader::kMagic, 0, 1};
  net.ins[1].Push(1, Tag::kExchangeData, EncodeExchangeHeader(h) + "junk");
  net.hubs[1]->Poll();
  int from = 0;
  engine::Batch got;
  EXPECT_THROW(b.Receive(&from, &got), std::runtime_error);
}

}  // namespace
}  // namespace plume::ranks::testing
