// Single-process tests of the runtime's pieces that need no MPI: the layout, the wire messages
// and the chunker.
#include <gtest/gtest.h>
#include <algorithm>
#include <numeric>

#include <stdexcept>

#include "ranks/merge_stage.h"
#include "ranks/protocol.h"
#include "ranks/topology.h"
#include "ranks/transport.h"

namespace plume::ranks {
namespace {

TEST(CheckMpi, SuccessPassesAndAFailureNamesCallRankTagAndPeer) {
  EXPECT_NO_THROW(CheckMpi(MPI_SUCCESS, "MPI_Imrecv", 3, Tag::kData, 1));
  try {
    CheckMpi(MPI_ERR_TRUNCATE, "MPI_Imrecv", 3, Tag::kData, 1);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("rank 3: MPI_Imrecv (tag 3, from rank 1) failed: ", 0), 0u) << what;
    EXPECT_GT(what.size(), std::string("rank 3: MPI_Imrecv (tag 3, from rank 1) failed: ").size());
  }
  try {
    CheckMpi(MPI_ERR_COMM, "MPI_Improbe", 0, Tag::kHeartbeat, -1);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("MPI_Improbe (tag 5, from any rank) failed: "),
              std::string::npos)
        << e.what();
  }
}

TEST(Layout, DefaultTeams) {
  EXPECT_EQ(Layout::Make(6, {}).leaders, (std::vector<int>{1, 4}));
  EXPECT_EQ(Layout::Make(2, {}).leaders, (std::vector<int>{1}));
  EXPECT_EQ(Layout::Make(3, {}).leaders, (std::vector<int>{1}));
  EXPECT_EQ(Layout::Make(8, {}).leaders, (std::vector<int>{1, 4, 6}));
  EXPECT_EQ(Layout::Make(12, {}).leaders, (std::vector<int>{1, 4, 7, 10}));
  const Layout six = Layout::Make(6, {});
  EXPECT_EQ(six.Team(0), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(six.Team(1), (std::vector<int>{4, 5}));
  EXPECT_EQ(six.LeaderOf(3), 1);
  EXPECT_EQ(six.LeaderOf(5), 4);
  EXPECT_EQ(six.LeaderOf(0), -1);
  EXPECT_TRUE(six.IsLeader(4));
  EXPECT_FALSE(six.IsLeader(2));
  for (int world = 2; world <= 12; ++world) {
    const Layout l = Layout::Make(world, {});
    int covered = 0;
    for (std::size_t t = 0; t < l.leaders.size(); ++t) {
      const auto team = l.Team(static_cast<int>(t));
      EXPECT_GE(team.size(), 1u);
      EXPECT_LE(team.size(), 3u);
      covered += static_cast<int>(team.size());
    }
    EXPECT_EQ(covered, world - 1) << world;
  }
}

TEST(Layout, ExplicitLeadersAndErrors) {
  EXPECT_EQ(Layout::Make(6, {1, 3}).Team(1), (std::vector<int>{3, 4, 5}));
  EXPECT_THROW(Layout::Make(1, {}), std::invalid_argument);
  EXPECT_THROW(Layout::Make(6, {2, 4}), std::invalid_argument);  // rank 1 would have no team
  EXPECT_THROW(Layout::Make(6, {1, 6}), std::invalid_argument);
  EXPECT_THROW(Layout::Make(6, {1, 4, 4}), std::invalid_argument);
  try {
    Layout::Make(6, {1, 9});
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("1,9"), std::string::npos) << e.what();
  }
}

TEST(Protocol, MessagesRoundTrip) {
  ControlMsg c{ControlKind::kStart, 42, std::string("plan\0bytes", 10), 8192, 4};
  ControlMsg c2 = DecodeControl(EncodeControl(c));
  EXPECT_EQ(c2.kind, ControlKind::kStart);
  EXPECT_EQ(c2.request, 42u);
  EXPECT_EQ(c2.plan, c.plan);
  EXPECT_EQ(c2.batch_rows, 8192u);
  EXPECT_EQ(c2.window, 4u);
  StatusMsg s{StatusKind::kStreamDone, 7, 3, 100, 5, Outcome::kFailed, "Error: rank 3: boom"};
  StatusMsg s2 = DecodeStatus(EncodeStatus(s));
  EXPECT_EQ(s2.kind, StatusKind::kStreamDone);
  EXPECT_EQ(s2.rank, 3);
  EXPECT_EQ(s2.batches, 5u);
  EXPECT_EQ(s2.outcome, Outcome::kFailed);
  EXPECT_EQ(s2.error, s.error);
  EXPECT_THROW(DecodeStatus("x"), std::runtime_error);
}

TEST(Protocol, Frames) {
  engine::Batch batch;
  batch.rows = 3;
  batch.columns.push_back({engine::Type::kInt64, {1, 2, 3}, {}, {}, {}, {}, {}});
  const std::string frame = EncodeFrame({9, 2, 3, 4}, batch, 0);
  const FrameHeader h = PeekFrame(frame);
  EXPECT_EQ(h.request, 9u);
  EXPECT_EQ(h.sequence, 2u);
  EXPECT_EQ(h.rows, 3u);
  EXPECT_EQ(h.origin, 4);
  const engine::Batch back =
      engine::DecodeBatch(std::string_view(frame).substr(sizeof(FrameHeader)));
  EXPECT_EQ(back.columns.at(0).ints, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_THROW(PeekFrame("short"), std::runtime_error);
  std::string bad = frame;
  bad[24] ^= 1;  // magic
  EXPECT_THROW(PeekFrame(bad), std::runtime_error);
}

engine::Batch Numbers(std::int64_t from, std::size_t n) {
  engine::Batch b;
  b.rows = n;
  engine::BatchColumn ints{engine::Type::kInt64, {}, {}, {}, {}, {}, {}};
  engine::BatchColumn strs{engine::Type::kString, {}, {}, {0}, {}, {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    ints.ints.push_back(from + static_cast<std::int64_t>(i));
    strs.chars += 's';
    strs.chars += std::to_string(from + static_cast<std::int64_t>(i));
    strs.offsets.push_back(static_cast<std::uint32_t>(strs.chars.size()));
    strs.valid.push_back((from + static_cast<std::int64_t>(i)) % 3 != 0);
  }
  b.columns = {ints, strs};
  return b;
}

TEST(Chunker, ExactChunksAcrossBatchBoundaries) {
  Chunker chunker(7);
  std::int64_t next = 0;
  for (std::size_t n : {3u, 7u, 0u, 12u, 1u, 20u}) {
    chunker.Add(Numbers(next, n));
    next += static_cast<std::int64_t>(n);
  }
  std::vector<std::size_t> sizes;
  std::int64_t expect = 0;
  engine::Batch chunk;
  for (bool flush : {false, true}) {
    while (chunker.Take(flush, &chunk)) {
      sizes.push_back(chunk.rows);
      for (std::size_t r = 0; r < chunk.rows; ++r, ++expect) {
        EXPECT_EQ(chunk.columns[0].ints[r], expect);
        EXPECT_EQ(chunk.columns[1].StringAt(r).substr(1), std::to_string(expect));
        EXPECT_EQ(chunk.columns[1].IsNull(r), expect % 3 == 0) << expect;
      }
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{7, 7, 7, 7, 7, 7, 1}));
  EXPECT_EQ(expect, 43);
}

// A plain stream's Chunker hands a chunk-sized batch on as it is (no copy) while a partial chunk
// is pending; every row still leaves exactly once and every chunk but the last is full.
TEST(Chunker, ReorderPassesChunkSizedBatchesThrough) {
  Chunker chunker(7, true);
  ASSERT_TRUE(chunker.reorders());
  std::int64_t next = 0;
  std::vector<const std::int64_t*> whole;  // data of the batches that must not be copied
  for (std::size_t n : {3u, 7u, 5u, 7u, 1u}) {
    engine::Batch b = Numbers(next, n);
    if (n == 7) whole.push_back(b.columns[0].ints.data());
    chunker.Add(std::move(b));
    next += static_cast<std::int64_t>(n);
  }
  std::vector<std::size_t> sizes;
  std::vector<std::int64_t> seen;
  std::vector<const std::int64_t*> data;
  engine::Batch chunk;
  for (bool flush : {false, true}) {
    while (chunker.Take(flush, &chunk)) {
      sizes.push_back(chunk.rows);
      data.push_back(chunk.columns[0].ints.data());
      for (std::size_t r = 0; r < chunk.rows; ++r) {
        const std::int64_t v = chunk.columns[0].ints[r];
        seen.push_back(v);
        EXPECT_EQ(chunk.columns[1].StringAt(r).substr(1), std::to_string(v));
        EXPECT_EQ(chunk.columns[1].IsNull(r), v % 3 == 0) << v;
      }
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{7, 7, 7, 2}));
  EXPECT_EQ(data[0], whole[0]);
  EXPECT_EQ(data[2], whole[1]);
  std::sort(seen.begin(), seen.end());
  std::vector<std::int64_t> all(static_cast<std::size_t>(next));
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(seen, all);
}

}  // namespace
}  // namespace plume::ranks
