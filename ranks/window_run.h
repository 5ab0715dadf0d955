// One data rank's part of a window stage run through the hash exchange (engine/window_stage.h,
// docs/PROTOCOL.md "Windows through the exchange"): the window's rows of this partition are
// hashed by their PARTITION BY keys to the data ranks, the rows this rank owns are gathered
// into its share (bounded by --memory-limit), the windows are computed over it, and the stage
// that reads them gets a PartitionExecution over the share (TakeExecution), which DataRole then
// prepares and streams up the tree like any partition's.
//
// A partition-local stage (engine::WindowStage::local) has no exchange: its share is this
// partition's rows of the window's input, appended as they are made.
// A stage over an aggregate's final groups (engine::WindowStage::pre) first runs that aggregate
// as DataRole runs one through the exchange: kAggPrepare (its partition's partial groups, one
// morsel a step), kAggScatter (split by the GroupPartitioner of pre_keys and offered through
// its own exchange), kAggGather (every sender's groups merged by a Merger(kExchangeFinal)) and
// kAggEmit (the share finalized in bounded steps into a GatheredTable, bounded by
// --memory-limit); the window's input then runs over that table instead of the partition.
// Phases (Phase, one per Step): kPrepare (the input plan's preparation over the partition, one
// morsel a step), kScatter (offers within the credit windows, then the next batch split),
// kGather (waits for every sender's end), kCompute (sorts the share and computes the windows,
// one bounded unit a step: engine::WindowStageSteps, a morsel of 16,384 rows of the sort, the
// merge or the evaluation, so the loop keeps its heartbeats and other requests between them,
// and a cancel or a deadline drops the run after at most the unit under way), kReady.
// A stage with PARTITION BY keys (engine::WindowStage::spillable) holds the rows it receives as
// batches until they pass spill.threshold; then it spills them and every later row to a
// WindowSpill (ranks/window_spill.h), and kCompute hands it to a WindowSpillReader
// (ranks/window_spill_reader.h), which computes the windows bucket by bucket from its files and
// runs the reading stage over each bucket in turn (the files are removed on every path: they
// go with the reader, or with this object before it). Below the
// threshold the held batches go into the share at kCompute, a few a step, as before.
// Every step first takes what the peers sent, so the all-to-all cannot deadlock (the share takes
// everything). Everything runs on the loop's thread; the destructor frees at once. Errors:
// engine exceptions (a share past the memory limit is engine::StageMemoryError naming the stage)
// propagate to DataRole, which fails the request.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/query.h"
#include "engine/staged.h"
#include "engine/table.h"
#include "engine/window_stage.h"
#include "io/manifest.h"
#include "ranks/exchange.h"
#include "ranks/row_source.h"
#include "ranks/window_spill.h"
#include "ranks/window_spill_reader.h"

namespace plume::ranks {

class WindowRun {
 public:
  // `next`: the plan of the stage that reads the windows; `partition`/`info`: this rank's; the
  // exchange is open (owned by the hub; nullptr for a local() stage, which needs none), and so is
  // `pre_exchange` for a stage with a pre() aggregate (else nullptr);
  // memory_limit: bytes (0 = none); `rank`: names this rank in the share's memory error ("this
  // rank": DataRole's errors name it already).
  WindowRun(engine::WindowStage stage, engine::Plan next, const engine::Table& partition,
            const io::PartitionInfo& info, Exchange* exchange, std::uint64_t memory_limit,
            const std::string& rank, std::uint32_t batch_rows, Exchange* pre_exchange = nullptr,
            SpillOptions spill = {});
  WindowRun(const WindowRun&) = delete;
  WindowRun& operator=(const WindowRun&) = delete;

  // One bounded step; true when it did work.
  bool Step();
  bool ready() const { return phase_ == Phase::kReady; }
  // Once ready(): the execution of `next` over this rank's share (which this object keeps: it
  // must outlive the execution), or over the spilled share's buckets one at a time (a
  // WindowSpillReader, not prepared yet). Call once.
  std::unique_ptr<RowSource> TakeExecution();
  std::uint64_t share_rows() const { return spilled() ? spilled_rows_ : share_.rows; }
  // Whether the share spilled, and the rows it wrote to its files.
  bool spilled() const { return spilled_rows_ != 0; }
  std::uint64_t spilled_rows() const { return spilled_rows_; }

 private:
  enum class Phase {
    kAggPrepare,
    kAggScatter,
    kAggGather,
    kAggEmit,
    kPrepare,
    kScatter,
    kGather,
    kCompute,
    kReady
  };
  void StartAggregate(const engine::Plan& pre, const engine::Table& partition,
                      const std::string& rank);
  bool Receive();
  bool AggScatter();
  bool AggGather();
  bool AggEmit();
  bool Scatter();
  bool Compute();
  bool ComputeSpilled();
  void Hold(engine::Batch batch);

  engine::WindowStage stage_;
  engine::Plan next_;
  Exchange* exchange_;  // nullptr: partition-local
  std::uint64_t memory_limit_;
  std::uint32_t batch_rows_;
  Phase phase_ = Phase::kPrepare;
  std::unique_ptr<engine::PartitionExecution> input_;  // null when the partition is pruned
  std::vector<engine::Batch> pending_;                 // split parts not offered yet
  engine::GatheredTable builder_;
  SpillOptions spill_options_;
  std::string rank_;
  std::deque<engine::Batch> held_batches_;  // a spillable share below the threshold
  std::uint64_t held_batch_bytes_ = 0;
  std::unique_ptr<WindowSpill> spill_;  // the share past the threshold
  std::uint64_t spilled_rows_ = 0;
  std::unique_ptr<engine::WindowStageSteps> computing_;  // kCompute: the windows, in steps
  std::uint64_t held_ = 0;                               // the share's bytes
  engine::Table share_;
  std::unique_ptr<RowSource> exec_;
  // A pre() aggregate only: its exchange, partial groups, merge, share and the table it makes.
  Exchange* pre_exchange_ = nullptr;
  std::unique_ptr<engine::PartitionExecution> pre_exec_;
  std::optional<engine::GroupPartitioner> partitioner_;
  std::unique_ptr<engine::Merger> merger_;
  std::vector<bool> closed_;  // per part: its stream closed in merger_
  std::optional<engine::GatheredTable> groups_;
  engine::Table groups_table_;
};

}  // namespace plume::ranks
