// A result cache on the gateway, in front of the runtime: a statement repeated over the same
// data set is answered from rank 0's memory instead of from the data ranks.
//
// CachingBackend is a Backend that wraps another one (ranks::Gateway). Every statement goes
// through it. A completed statement's result is kept, keyed on the data set's identity
// (WorldInfo::dataset) and the normalised statement (NormalizeStatement), while it fits in
// `capacity_bytes` (one result at most a quarter of it); the least recently used results are
// dropped to make room. A later Submit of
// a statement with the same key never reaches the runtime: its rows are handed to the sink from
// memory, cut into the new request's chunk size, and its RequestInfo says `cached`.
// capacity_bytes == 0 turns the cache off (every call passes through).
//
// Ids: the cache hands out its own request ids (1, 2, ...) for every statement and maps them to
// the runtime's, so ids stay unique across cached and uncached requests.
// Threading: the Backend rules (every call on the gateway's main thread). Never throws for a bad
// statement; failures arrive through the sink as they do from the wrapped backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/batch.h"
#include "ranks/frontend/backend.h"

namespace plume::frontend {

// The cache key's statement part: SQL comments dropped, runs of whitespace made one space,
// words outside quotes lower-cased, a trailing ';' and surrounding blanks removed. Text inside
// '...' and "..." is kept exactly (string literals and quoted identifiers are case-sensitive).
std::string NormalizeStatement(std::string_view sql);

// Bytes a batch holds in memory (what the cache counts against its capacity).
std::size_t BatchBytes(const engine::Batch& batch);

class CachingBackend final : public Backend {
 public:
  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
  };

  // `inner` must outlive this object. `ttl_s`: how long finished cached requests stay listed.
  CachingBackend(Backend& inner, std::size_t capacity_bytes, double ttl_s);
  ~CachingBackend() override;
  CachingBackend(const CachingBackend&) = delete;
  CachingBackend& operator=(const CachingBackend&) = delete;

  std::uint64_t Submit(const std::string& sql, const Options& options,
                       std::shared_ptr<ResultSink> sink) override;
  bool Cancel(std::uint64_t id, const std::string& reason) override;
  // Delivers a bounded amount of cached rows (at most kChunksPerPoll chunks), then polls the
  // wrapped backend (without waiting while cached rows are still to be delivered).
  void Poll(double max_wait_s) override;
  std::optional<RequestInfo> Status(std::uint64_t id) const override;
  std::vector<RequestInfo> List() const override;
  bool Busy() const override;
  WorldInfo World() const override { return inner_.World(); }
  double Now() const override { return inner_.Now(); }
  std::string Lost() const override { return inner_.Lost(); }

  Stats stats() const;

  static constexpr std::size_t kChunksPerPoll = 64;

 private:
  struct Entry;
  struct Replay;
  class RecordingSink;

  static constexpr std::size_t kPruneBatch = 1024;
  // One result may take at most this share of the cache (1/4): a single huge result neither
  // flushes every other one nor is copied in full on rank 0 only to be thrown away.
  static constexpr std::size_t kEntryShare = 4;
  // What one result may take: that share, and no more than rank 0's --memory-limit (the copy
  // a statement records counts against it; past it the copy is dropped, the statement goes on).
  std::size_t EntryLimit() const;

  std::string Key(const std::string& sql, engine::RowText row_text) const;
  void Map(std::uint64_t outer, std::uint64_t inner);
  void StartReplay(std::uint64_t id, const std::string& sql, const Options& options,
                   std::shared_ptr<ResultSink> sink, const std::shared_ptr<const Entry>& entry);
  // Called by a RecordingSink when its statement completed with a result worth keeping.
  void Insert(const std::string& key, std::shared_ptr<const Entry> entry);
  void Touch(const std::string& key);  // marks a kept result as most recently used
  bool DeliverSome(Replay& replay);
  const engine::Batch& NextChunk(Replay& replay, std::size_t chunk, engine::Batch* cut);
  void Finish(Replay& replay, RequestState state, const std::string& error);
  void DropExpired();
  RequestInfo Outer(RequestInfo info) const;  // the wrapped backend's info with our id

  Backend& inner_;
  std::size_t capacity_;
  double ttl_s_;
  // Shared with the RecordingSinks, which may outlive this object inside the wrapped backend.
  std::shared_ptr<bool> alive_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::uint64_t> inner_of_;  // our id -> the wrapped backend's
  std::unordered_map<std::uint64_t, std::uint64_t> outer_of_;
  std::map<std::uint64_t, std::unique_ptr<Replay>> replays_;  // answered from the cache, by id
  std::list<std::string> lru_;                                // most recently used first
  std::unordered_map<std::string,
                     std::pair<std::shared_ptr<const Entry>, std::list<std::string>::iterator>>
      entries_;
  std::size_t bytes_ = 0;
  std::size_t prune_at_ = kPruneBatch;  // id-map size at which DropExpired next checks it
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace plume::frontend
