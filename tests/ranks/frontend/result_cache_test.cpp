// CachingBackend: a repeated statement is answered from memory, re-chunked, with its own ids;
// failures, oversized results and other data sets are never served from it.
#include "ranks/frontend/result_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/ranks/frontend/fake_backend.h"

namespace plume::frontend {
namespace {

using testing::BatchBuilder;
using testing::FakeBackend;

// Records what a sink was told.
class CollectingSink : public ResultSink {
 public:
  void Begin(const RequestInfo& info) override { begun_id = info.id; }
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override {
    chunk_sizes.push_back(chunk.rows);
    for (std::size_t r = 0; r < chunk.rows; ++r) values.push_back(chunk.columns[0].ints[r]);
    if (refuse_after > 0 && chunk_sizes.size() >= refuse_after) {
      *error = "the output refused";
      return false;
    }
    last_id = info.id;
    return true;
  }
  void End(const RequestInfo& info) override {
    ended = true;
    final_info = info;
  }

  std::uint64_t begun_id = 0, last_id = 0;
  std::vector<std::size_t> chunk_sizes;
  std::vector<std::int64_t> values;
  std::size_t refuse_after = 0;
  bool ended = false;
  RequestInfo final_info;
};

class ResultCacheTest : public ::testing::Test {
 protected:
  ResultCacheTest() {
    std::vector<std::int64_t> v;
    for (int i = 0; i < 25; ++i) v.push_back(i);
    fake_.AddResult("SELECT n FROM t", BatchBuilder().Ints("n", v));
    fake_.AddError("SELECT bad", "Error: no such thing");
    Backend::WorldInfo world;
    world.dataset = "set A";
    fake_.set_world(world);
  }

  // Submits `sql` and polls until its sink ended; `refuse_after` > 0 makes the sink refuse
  // that chunk.
  std::shared_ptr<CollectingSink> Run(Backend& b, const std::string& sql, std::size_t chunk,
                                      std::size_t refuse_after = 0,
                                      engine::RowText row_text = engine::RowText::kNone) {
    auto sink = std::make_shared<CollectingSink>();
    sink->refuse_after = refuse_after;
    Backend::Options options;
    options.chunk_rows = chunk;
    options.row_text = row_text;
    b.Submit(sql, options, sink);
    for (int i = 0; i < 1000 && !sink->ended; ++i) b.Poll(0.001);
    EXPECT_TRUE(sink->ended) << sql;
    return sink;
  }

  FakeBackend fake_;
};

TEST(NormalizeStatement, KeepsQuotedTextAndFoldsTheRest) {
  EXPECT_EQ(NormalizeStatement("  SELECT  count(*)\n FROM measurements ; "),
            "select count(*) from measurements");
  EXPECT_EQ(NormalizeStatement("select 1 -- a comment\n"), "select 1");
  EXPECT_EQ(NormalizeStatement("select /* x */ 1"), "select 1");
  EXPECT_EQ(NormalizeStatement("SELECT 'Ab  C' FROM \"T x\""), "select 'Ab  C' from \"T x\"");
  EXPECT_EQ(NormalizeStatement("SELECT 'it''s -- not' x"), "select 'it''s -- not' x");
  EXPECT_NE(NormalizeStatement("SELECT 'a'"), NormalizeStatement("SELECT 'A'"));
}

TEST_F(ResultCacheTest, RepeatIsServedFromMemoryInTheNewChunkSize) {
  CachingBackend cache(fake_, 1 << 20, 60);
  auto first = Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(first->chunk_sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_FALSE(first->final_info.cached);
  EXPECT_EQ(fake_.submitted(), 1);

  auto second = Run(cache, "  select n\nfrom t ", 7);
  EXPECT_EQ(fake_.submitted(), 1) << "the repeat must not reach the runtime";
  EXPECT_TRUE(second->final_info.cached);
  EXPECT_EQ(second->final_info.state, RequestState::kCompleted);
  EXPECT_EQ(second->chunk_sizes, (std::vector<std::size_t>{7, 7, 7, 4}));
  EXPECT_EQ(second->values, first->values);
  EXPECT_EQ(second->final_info.rows_delivered, 25u);
  EXPECT_EQ(second->final_info.chunks_delivered, 4u);
  EXPECT_EQ(second->final_info.chunks_total, 4u);
  EXPECT_GE(second->final_info.first_chunk_s, 0);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 1u);

  auto same = Run(cache, "SELECT n FROM t", 10);  // the kept chunks as they are
  EXPECT_EQ(same->chunk_sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(same->values, first->values);
  auto larger = Run(cache, "SELECT n FROM t", 12);  // cut across the kept chunks
  EXPECT_EQ(larger->chunk_sizes, (std::vector<std::size_t>{12, 12, 1}));
  EXPECT_EQ(larger->values, first->values);
}

TEST_F(ResultCacheTest, IdsAreUniqueAndStatusFollowsThem) {
  CachingBackend cache(fake_, 1 << 20, 60);
  auto a = Run(cache, "SELECT n FROM t", 100);
  auto b = Run(cache, "SELECT n FROM t", 100);
  EXPECT_NE(a->final_info.id, b->final_info.id);
  EXPECT_EQ(a->begun_id, a->final_info.id);
  auto sa = cache.Status(a->final_info.id);
  auto sb = cache.Status(b->final_info.id);
  ASSERT_TRUE(sa && sb);
  EXPECT_FALSE(sa->cached);
  EXPECT_TRUE(sb->cached);
  std::vector<RequestInfo> list = cache.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, a->final_info.id);
  EXPECT_EQ(list[1].id, b->final_info.id);
  EXPECT_FALSE(cache.Status(12345).has_value());
}

TEST_F(ResultCacheTest, FailuresAreNotCached) {
  CachingBackend cache(fake_, 1 << 20, 60);
  auto a = Run(cache, "SELECT bad", 10);
  auto b = Run(cache, "SELECT bad", 10);
  EXPECT_EQ(a->final_info.state, RequestState::kFailed);
  EXPECT_EQ(b->final_info.state, RequestState::kFailed);
  EXPECT_FALSE(b->final_info.cached);
  EXPECT_EQ(fake_.submitted(), 2);
}

TEST_F(ResultCacheTest, AResultCancelledByItsOutputIsNotCached) {
  CachingBackend cache(fake_, 1 << 20, 60);
  auto sink = Run(cache, "SELECT n FROM t", 10, 1);
  EXPECT_EQ(sink->final_info.state, RequestState::kCancelled);
  Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(fake_.submitted(), 2);
}

TEST_F(ResultCacheTest, ACachedReplayCanBeRefusedAndCancelled) {
  CachingBackend cache(fake_, 1 << 20, 60);
  Run(cache, "SELECT n FROM t", 10);
  auto refused = Run(cache, "SELECT n FROM t", 5, 2);
  EXPECT_EQ(refused->final_info.state, RequestState::kCancelled);
  EXPECT_EQ(refused->final_info.error, "the output refused");

  auto cancelled = std::make_shared<CollectingSink>();
  Backend::Options options;
  options.chunk_rows = 5;
  std::uint64_t id = cache.Submit("SELECT n FROM t", options, cancelled);
  EXPECT_TRUE(cache.Busy());
  EXPECT_TRUE(cache.Cancel(id, ""));
  EXPECT_FALSE(cancelled->ended) << "a sink never runs inside Cancel, as with the gateway";
  EXPECT_FALSE(cache.Cancel(id, "")) << "already being cancelled";
  cache.Poll(0);
  EXPECT_TRUE(cancelled->ended);
  EXPECT_EQ(cancelled->final_info.state, RequestState::kCancelled);
  EXPECT_EQ(cancelled->final_info.error, "cancelled by user");
  EXPECT_TRUE(cancelled->chunk_sizes.empty());
  EXPECT_FALSE(cache.Cancel(id, ""));
  EXPECT_FALSE(cache.Busy());
}

TEST_F(ResultCacheTest, AResultOverAQuarterOfTheCacheIsNotKept) {
  CachingBackend cache(fake_, 790, 60);  // 25 BIGINTs are 200 bytes: more than 790 / 4
  Run(cache, "SELECT n FROM t", 10);
  Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(fake_.submitted(), 2);
  EXPECT_EQ(cache.stats().entries, 0u);
  CachingBackend roomier(fake_, 800, 60);
  Run(roomier, "SELECT n FROM t", 10);
  EXPECT_EQ(roomier.stats().entries, 1u);
}

// The copy a statement records counts against rank 0's --memory-limit (issue 12 item 4): past
// it the copy is dropped and the statement still completes.
TEST_F(ResultCacheTest, ACopyPastTheMemoryLimitIsNotKeptAndTheStatementCompletes) {
  Backend::WorldInfo world = fake_.World();
  world.memory_limit = 199;  // 25 BIGINTs are 200 bytes
  fake_.set_world(world);
  CachingBackend cache(fake_, 1 << 20, 60);
  std::shared_ptr<CollectingSink> first = Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(first->final_info.state, RequestState::kCompleted);
  EXPECT_EQ(first->values.size(), 25u);
  Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(fake_.submitted(), 2);
  EXPECT_EQ(cache.stats().entries, 0u);
  world.memory_limit = 200;
  fake_.set_world(world);
  Run(cache, "SELECT n FROM t", 10);
  Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(fake_.submitted(), 3) << "a copy within the limit is kept";
}

TEST_F(ResultCacheTest, LeastRecentlyUsedResultsMakeRoom) {
  CachingBackend cache(fake_, 800, 60);  // room for four 200-byte results
  const std::vector<std::string> others = {"SELECT a FROM t", "SELECT b FROM t", "SELECT c FROM t",
                                           "SELECT d FROM t"};
  for (const std::string& sql : others) {
    fake_.AddResult(sql, BatchBuilder().Ints("x", std::vector<std::int64_t>(25, 7)));
  }
  Run(cache, "SELECT n FROM t", 10);
  Run(cache, others[0], 10);
  Run(cache, "SELECT n FROM t", 10);  // a hit: n is now the most recently used
  for (std::size_t i = 1; i < others.size(); ++i) Run(cache, others[i], 10);
  EXPECT_EQ(cache.stats().entries, 4u);
  EXPECT_EQ(fake_.submitted(), 5);
  Run(cache, "SELECT n FROM t", 10);
  EXPECT_EQ(fake_.submitted(), 5) << "n was used more recently than a";
  Run(cache, others[0], 10);
  EXPECT_EQ(fake_.submitted(), 6) << "a was the least recently used and made room for d";
}

TEST_F(ResultCacheTest, AnotherDataSetMisses) {
  CachingBackend cache(fake_, 1 << 20, 60);
  Run(cache, "SELECT n FROM t", 10);
  Backend::WorldInfo other;
  other.dataset = "set B";
  fake_.set_world(other);
  auto again = Run(cache, "SELECT n FROM t", 10);
  EXPECT_FALSE(again->final_info.cached);
  EXPECT_EQ(fake_.submitted(), 2);
}

// Lines the data ranks made for a csv output must not answer a table, nor json: the row text
// asked for is part of the key.
TEST_F(ResultCacheTest, TheRowTextIsPartOfTheKey) {
  CachingBackend cache(fake_, 1 << 20, 60);
  Run(cache, "SELECT n FROM t", 10, 0, engine::RowText::kCsv);
  EXPECT_FALSE(Run(cache, "SELECT n FROM t", 10)->final_info.cached);
  EXPECT_FALSE(Run(cache, "SELECT n FROM t", 10, 0, engine::RowText::kJson)->final_info.cached);
  auto again = Run(cache, "SELECT n FROM t", 10, 0, engine::RowText::kCsv);
  EXPECT_TRUE(again->final_info.cached);
  EXPECT_EQ(fake_.submitted(), 3);
}

TEST_F(ResultCacheTest, SizeZeroTurnsItOff) {
  CachingBackend cache(fake_, 0, 60);
  Run(cache, "SELECT n FROM t", 10);
  auto again = Run(cache, "SELECT n FROM t", 10);
  EXPECT_FALSE(again->final_info.cached);
  EXPECT_EQ(fake_.submitted(), 2);
}

TEST_F(ResultCacheTest, EmptyResultsReplayWithNoChunks) {
  fake_.AddResult("SELECT n FROM t WHERE false", BatchBuilder().Ints("n", {}));
  CachingBackend cache(fake_, 1 << 20, 60);
  Run(cache, "SELECT n FROM t WHERE false", 10);
  auto again = Run(cache, "SELECT n FROM t WHERE false", 10);
  EXPECT_TRUE(again->final_info.cached);
  EXPECT_EQ(again->final_info.state, RequestState::kCompleted);
  EXPECT_TRUE(again->chunk_sizes.empty());
}

}  // namespace
}  // namespace plume::frontend
