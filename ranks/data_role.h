// What every data rank does with its own partition: runs each started request's plan on it and
// hands the batches to an Upstream, one bounded unit of one request per Step() (round-robin over
// the active requests, so concurrent statements share the rank fairly): a piece of a column the
// plan needs and the partition has not loaded yet (io::PartitionLoader), a preparation step of
// the PartitionExecution (a morsel of filter, aggregation or sort), an exchange step or one batch.
//
// Protocol per request: Count (total rows of this partition, before any batch), batches (only
// while Upstream::Ready), then exactly one Done (ok, cancelled or failed with this rank's
// message). Engine exceptions never escape: they end that request with kFailed. A memory limit
// (--memory-limit) is set on every execution and merge: a statement whose state here outgrows it
// fails with "Error: rank R (partition P, FILE): statement needs more than N MiB in the group
// table (--memory-limit)". Count is sent once the partition's preparation (filter, aggregation,
// sort, in bounded steps: engine::PartitionExecution::Step) is done.
// A plan whose merge() is kExchange runs in three phases here (Phase): scatter (this
// partition's partial groups, split by GroupPartitioner, offered to their parts through the
// ExchangeHub within the credit windows), gather (every data rank's share for this rank merged
// by a Merger(kExchangeFinal), taking each batch as it arrives), then emit (the finalized share,
// sorted, up to the Upstream as above). Receiving goes on in every phase, so the all-to-all
// cannot deadlock; Count is this partition's partial groups. A kLocal plan (partition-local
// groups) skips the exchange: its own partial groups go straight into a one-input Merger.
// A kStart with a window stage (ControlMsg::window_stage) first runs a WindowRun (the window's
// rows exchanged by their PARTITION BY keys, or kept here when the stage is partition-local, the
// windows computed over this rank's share, and any row-wise stages between run over it); the
// plan then runs over that share as over a partition (never pruned by the manifest: the share
// is not the partition), Count once it is prepared. A plan through the exchange (or kLocal) over
// the shares then scatters, gathers and emits its groups as over a partition. A spilled share
// (ranks/window_spill.h) is read bucket by bucket instead: the plan's executions over each
// bucket in turn are merged into one stream (ranks/window_spill_reader.h), prepared like one
// execution, so Count follows the last bucket.
// Single-threaded, but for its Reaper: a finished run is destroyed on the reaper's thread (its
// destructor only frees); nothing blocks. The table must outlive the DataRole.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"
#include "io/manifest.h"
#include "io/partition_loader.h"
#include "ranks/exchange.h"
#include "ranks/outbox.h"
#include "ranks/protocol.h"
#include "ranks/reaper.h"
#include "ranks/window_spill.h"

namespace plume::ranks {

class Upstream {
 public:
  virtual ~Upstream() = default;
  virtual void Open(std::uint64_t request, const ControlMsg& start) = 0;
  virtual void Count(std::uint64_t request, std::uint64_t rows) = 0;
  // True when a batch for `request` may be handed over now (a credit is available).
  virtual bool Ready(std::uint64_t request) = 0;
  virtual void Batch(std::uint64_t request, engine::Batch batch) = 0;
  virtual void Done(std::uint64_t request, const StatusMsg& done) = 0;
};

class DataRole {
 public:
  // memory_limit: bytes per statement on this rank (0 = none). `hub`: this rank's exchange
  // links (nullptr: plans with a hash exchange fail here with an error); it must outlive the
  // DataRole. `loader` (nullptr: `table` is complete) loads the columns of `table` a started
  // plan needs and lacks, one piece per Step(), before the run's preparation begins; a column
  // that fails its checks fails the runs that need it. It must outlive the DataRole.
  DataRole(int world_rank, const engine::Table& table, const io::PartitionInfo& partition,
           Upstream& upstream, std::uint64_t memory_limit = 0, ExchangeHub* hub = nullptr,
           io::PartitionLoader* loader = nullptr);
  DataRole(const DataRole&) = delete;
  DataRole& operator=(const DataRole&) = delete;
  ~DataRole();

  // Deserializes the plan and sets up its execution (no pass over the rows: Step() does the
  // work); a partition the manifest's utc range prunes reports its count of 0 at once.
  void Start(const ControlMsg& start);
  // Stops producing for `request` and reports Done(kCancelled); unknown ids are ignored (the
  // request already ended here, or its start has not arrived: the cancel through the leader
  // follows the start). With `stage`, only a run of that stage is stopped (a direct cancel may
  // arrive after the request's next stage started here).
  // Returns whether it stopped a run.
  bool Cancel(std::uint64_t request, std::optional<std::uint32_t> stage = std::nullopt);
  // Where a cancelled run confirms its stop at once, before its Done goes up: a StatusMsg
  // kRankDone {request, stage, rows, batches, kCancelled} to rank 0 with Tag::kStopped
  // (nullptr: no confirmation; the Done through the leader is the only one). Must outlive the
  // DataRole.
  void set_stopped_out(Outbox* out) { stopped_out_ = out; }
  // One bounded unit of one request: a preparation step (then the count, once it is ready), an
  // exchange step, or one batch of a ready request. Returns false when nothing could be done.
  bool Step();
  bool Busy() const { return !runs_.empty(); }
  // How window stages spill their shares (--spill-threshold, --spill-dir); default: never.
  void set_spill(SpillOptions spill) { spill_ = std::move(spill); }

 private:
  struct Run;
  enum class Phase { kScatter, kGather, kEmit };
  using RunIt = std::map<std::uint64_t, std::unique_ptr<Run>>::iterator;
  void StartExchange(const ControlMsg& start, Run& run, std::uint32_t stage);
  bool Load(Run& run);
  void Execute(Run& run);
  void StartWindow(const ControlMsg& start, Run& run);
  bool StepWindow(RunIt it);
  void NeedColumns(const engine::Plan& plan, Run& run) const;
  bool Prepare(RunIt it);
  bool StepTree(RunIt it);
  bool SendUp(RunIt it, bool more, engine::Batch batch);
  bool StepExchange(RunIt it);
  bool Scatter(Run& run);
  bool Gather(Run& run);
  bool Emit(RunIt it);
  void Finish(std::map<std::uint64_t, std::unique_ptr<Run>>::iterator it, Outcome outcome,
              const std::string& error);
  std::string Where() const;

  int rank_;
  const engine::Table& table_;
  io::PartitionInfo partition_;
  Upstream& upstream_;
  std::uint64_t memory_limit_;
  ExchangeHub* hub_;
  io::PartitionLoader* loader_;
  Outbox* stopped_out_ = nullptr;
  SpillOptions spill_;
  std::map<std::uint64_t, std::unique_ptr<Run>> runs_;
  std::uint64_t cursor_ = 0;  // round-robin: the next request served is the first id > cursor_
  Reaper reaper_;             // frees finished runs off the loop; destroyed (joined) first
};

}  // namespace plume::ranks
