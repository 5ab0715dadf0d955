// The reading stage of a spilled window share (ranks/window_spill.h, docs/ARCHITECTURE.md
// "Spilling a window stage"): instead of gathering every bucket's result into one table, the
// reading stage's PartitionExecution runs over each bucket's result in turn (the bucket's
// table is dropped before the next is read), and its output goes into a Merger(kPartial) with
// one input per bucket, exactly as a team leader merges its members' streams: an aggregate's
// partial groups fold into one group table, an ordered stream is merged (each bucket's top-k
// for an ORDER BY ... LIMIT), a plain one passes through (cut at LIMIT). A stream without
// LIMIT (plain or ordered) is spooled: each bucket's output goes to a file of its own, and the
// merge reads them back a record at a time as Next needs rows. What it emits is the stream an
// unspilled share's execution emits (partial groups, or rows in the partition's stream form),
// so DataRole sends it up the tree or through the exchange unchanged; its Count follows the
// last bucket (the gateway holds rows back until every count is in, hence the files).
// A rank holds one bucket's table and execution plus the merged output: the groups of an
// aggregate, LIMIT + OFFSET rows per bucket of a LIMIT; a spooled stream one record of
// kRecordRows rows per bucket once emitting.
// Ownership: owns the WindowSpill and the spooled outputs (their files go with it, on every path).
// `next` is copied (cheap). Threading: none. Errors: the WindowSpill's and the spooled files' (a
// file that cannot be created, written or read; a bucket past --memory-limit) and the engine's
// (MemoryLimitExceeded when the merge or a bucket's execution passes the limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/query.h"
#include "engine/table.h"
#include "io/spill_file.h"
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

  static constexpr std::size_t kStepRows = WindowSpill::kStepRows;
  static constexpr std::size_t kRecordRows = 2048;  // rows of a spooled output's record

 private:
  void StartBucket();
  bool StepBucket();
  bool Drain();
  bool NextSpooled(std::size_t max_rows, engine::Batch* out);
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
  // A plain stream without LIMIT is spooled: each bucket's output goes to a file of its own
  // (one merge input), read back as Next merges them, so only a record per bucket is held.
  bool spool_;
  std::vector<io::SpillFile> outputs_;  // per bucket taken, when spooled
  std::size_t reading_ = 0;             // the first output not read to its end
  std::string record_;
  std::deque<engine::Batch> out_;  // otherwise the merged output, counted before it goes
  std::size_t out_pos_ = 0;        // next row of out_.front()
  std::uint64_t out_bytes_ = 0, total_ = 0;
  bool ready_ = false;
};

}  // namespace plume::ranks
