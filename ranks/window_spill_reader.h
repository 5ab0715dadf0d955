// The reading stage of a spilled window share (ranks/window_spill.h, docs/ARCHITECTURE.md
// "Spilling a window stage"): instead of gathering every bucket's result into one table, the
// reading stage's PartitionExecution runs over each bucket's result in turn (the bucket's
// table is dropped before the next is read), and its output goes into a Merger(kPartial) with
// one input per bucket, exactly as a team leader merges its members' streams: an aggregate's
// partial groups fold into one group table, an ordered stream is merged (each bucket's top-k
// for an ORDER BY ... LIMIT), a plain one passes through (cut at LIMIT). What it then emits is
// the stream an unspilled share's execution emits (partial groups, or rows in the partition's
// stream form), so DataRole sends it up the tree or through the exchange unchanged.
// A rank holds one bucket's table and execution plus the merged output: the groups of an
// aggregate, k rows per bucket of a top-k, the output rows of a plain or ordered stream.
// Ownership: owns the WindowSpill (its files go with it). `next` is copied (cheap).
// Threading: none. Errors: the WindowSpill's (a file, a bucket past --memory-limit) and the
// engine's (MemoryLimitExceeded when the merge or a bucket's execution passes the limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

#include "engine/query.h"
#include "engine/table.h"
#include "ranks/row_source.h"
#include "ranks/window_spill.h"

namespace plume::ranks {

class WindowSpillReader final : public RowSource {
 public:
  // `spill` holds the share (written, not stepped yet); `memory_limit`: bytes, 0 = none.
  WindowSpillReader(std::unique_ptr<WindowSpill> spill, const engine::Plan& next,
                    std::uint64_t memory_limit);
  // One bounded unit: of the spill (a bucket read or computed), of a bucket's execution, one
  // batch of its output into the merge, or kStepRows rows of the merged output popped and
  // counted (an aggregate's groups are then held twice for a moment: the merge's table and
  // its partial rows, until the merge goes).
  bool Step() override;
  bool ready() const override { return ready_; }
  std::uint64_t total_rows() override;
  bool Next(std::size_t max_rows, engine::Batch* out) override;

  std::size_t buckets_read() const { return taken_; }
  std::uint64_t peak_bucket_bytes() const { return peak_bucket_; }

  static constexpr std::size_t kStepRows = 16384;

 private:
  bool StepBucket();
  bool Drain();
  std::uint64_t Held() const { return (merger_ ? merger_->memory_bytes() : 0) + out_bytes_; }

  std::unique_ptr<WindowSpill> spill_;
  engine::Plan next_;
  std::uint64_t memory_limit_;
  std::size_t inputs_;                      // of the merge: one per bucket
  std::unique_ptr<engine::Merger> merger_;  // until its output is drained
  engine::Table table_;                     // the current bucket's result, which exec_ reads
  std::unique_ptr<engine::PartitionExecution> exec_;
  std::size_t taken_ = 0;  // buckets taken from the spill (the merge's input of the current)
  bool closed_ = false;    // every input of the merge closed
  std::deque<engine::Batch> out_;  // a plain stream's merged rows, counted before they go
  std::size_t out_pos_ = 0;        // next row of out_.front()
  std::uint64_t out_bytes_ = 0, total_ = 0, peak_bucket_ = 0;
  bool ready_ = false;
};

}  // namespace plume::ranks
