// Buffering around engine::Merger for one request on a leader (final = false) or the gateway
// (final = true), and the gateway's Chunker that cuts a row stream into exact-size chunks.
//
// Flow control: MergeStage keeps each input's received batches in its own queue and pushes
// them into the Merger only when the Merger can use them (any time for a streaming merge, only
// the input Waiting() names for an ordered merge of rows;
// aggregate merges take everything: their state is bounded by the number of groups). Feed() reports
// every batch it pushed, and the caller returns one credit to that input's sender per pushed batch,
// so a sender can never have more than its window of batches buffered here, whatever the merge
// waits for. Single-threaded; nothing blocks. Engine errors propagate as std::runtime_error.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"

namespace plume::ranks {

class MergeStage {
 public:
  MergeStage(const engine::Plan& plan, std::size_t inputs, bool final);
  // The gather stages after a hash exchange (kExchangeRelay, kExchangeGather) merge sorted
  // streams: batches are pushed as Waiting() asks, like an ordered plain merge.
  MergeStage(const engine::Plan& plan, std::size_t inputs, engine::MergeStage stage);
  MergeStage(const MergeStage&) = delete;
  MergeStage& operator=(const MergeStage&) = delete;

  void Add(std::size_t input, engine::Batch batch);
  // No batch will be Add()ed for `input` after this.
  void Close(std::size_t input);
  // Pushes what the Merger can use now, at most max_batches batches (a bounded step: a relay
  // feeds a few per pass, so its loop keeps polling); calls consumed(input) once per batch pushed.
  void Feed(const std::function<void(std::size_t)>& consumed,
            std::size_t max_batches = static_cast<std::size_t>(-1));
  // engine::Merger::Step: one bounded unit of a final aggregate's result; true while more remain.
  bool Step() { return merger_.Step(); }
  bool Pop(std::size_t max_rows, engine::Batch* out) { return merger_.Pop(max_rows, out); }
  bool Done() const { return merger_.Done(); }
  // engine::Merger::ReserveGroups.
  void ReserveGroups(std::uint64_t groups) { merger_.ReserveGroups(groups); }
  // engine::Merger::set_memory_limit: Feed and Pop then throw engine::MemoryLimitExceeded.
  void set_memory_limit(std::uint64_t bytes) { merger_.set_memory_limit(bytes); }
  std::size_t queued() const;
  std::size_t queued(std::size_t input) const { return inputs_.at(input).queue.size(); }

 private:
  struct Input {
    std::deque<engine::Batch> queue;
    bool closed = false;         // no more Add()
    bool merger_closed = false;  // Merger::Close called
  };
  bool PushOne(std::size_t input, const std::function<void(std::size_t)>& consumed);

  engine::Merger merger_;
  bool ordered_;
  std::vector<Input> inputs_;
};

// Appends rows [begin, begin + count) of `src` to *dst (which must have the same column types,
// or no columns yet).
void AppendRows(const engine::Batch& src, std::size_t begin, std::size_t count, engine::Batch* dst);

// Cuts a stream of batches into chunks of exactly chunk_rows rows (the last may be shorter).
// With `reorder` (only for streams whose row order does not matter: no ORDER BY), a batch of
// exactly chunk_rows rows becomes the next full chunk as it is (moved, not copied) even while a
// partial chunk is pending; otherwise rows leave in the order they were added.
class Chunker {
 public:
  explicit Chunker(std::size_t chunk_rows, bool reorder = false)
      : chunk_rows_(chunk_rows == 0 ? 1 : chunk_rows), reorder_(reorder) {}
  bool reorders() const { return reorder_; }
  // Rows the pending chunk still needs to be full.
  std::size_t Room() const { return chunk_rows_ - pending_.rows; }
  // Rows added but not taken yet.
  std::size_t Held() const;
  void Add(engine::Batch batch);
  // Moves a full chunk into *out; with flush, also a short last one. False when none.
  bool Take(bool flush, engine::Batch* out);

 private:
  std::size_t chunk_rows_;
  bool reorder_;
  engine::Batch pending_;
  std::deque<engine::Batch> full_;
};

}  // namespace plume::ranks
