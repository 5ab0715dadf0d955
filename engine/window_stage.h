// The data-rank side of a window stage that runs through the hash exchange (engine/staged.h,
// docs/ARCHITECTURE.md "Windows on the data ranks"). The gateway sends it beside the plan of
// the stage that reads the windows (ControlMsg::window_stage); every data rank then
//   1. runs input() over its partition (the window's columns, WHERE applied),
//   2. hands each row to the data rank that owns the hash of its partition keys (Split),
//   3. gathers its share (a GatheredTable of fields(), bounded by --memory-limit) and
//      computes the windows over it (Compute: every window partition is whole in one share),
//   4. runs the plans of the row-wise stages between (between(): a subquery or CTE that only
//      filters and projects the window's rows, read by one stage) over it, each into the
//      table the next reads, and
//   5. runs the reading stage's plan over that table and streams its rows (or, for an
//      aggregate, its partial groups, merged up the tree) to the gateway.
// The partition keys are the PARTITION BY expressions common to every window of the SELECT;
// windows without one in common (no PARTITION BY at all included) send every row to part 0:
// one data rank computes them, within its memory limit. A partition-local stage (local(): a
// key is utc, or a bucket of it that no partition boundary splits, and the partitions' utc
// ranges do not overlap) skips the exchange: every window partition is whole in one data
// partition already, so each rank's share is its own partition's rows.
// A window over an aggregate's result (a CTE or subquery in FROM that groups measurements and
// only the window reads: pre()) runs there too: every data rank first runs pre() over its
// partition, exchanges its partial groups (hashed by pre_keys(): the aggregate's GROUP BY keys
// that are the window's PARTITION BY keys, so a window partition's groups meet on one rank) and
// finalizes its share of the groups (a GatheredTable of pre()'s output); input() then reads that
// share. When the window's keys are all such group keys the stage is local() (no second
// exchange); otherwise pre_keys() are all the group keys and the window's rows go through a
// second exchange by their PARTITION BY keys, as over measurements.
// Threading: none; nothing blocks. Errors: Deserialize throws std::runtime_error for malformed
// bytes; Compute throws std::runtime_error for a window sum out of BIGINT range and
// StageMemoryError when a between() stage's rows pass the limit.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"

namespace plume::engine {

struct WindowCall;
class WindowComputation;

class WindowStage {
 public:
  // `input`: the stage's plan over measurements; `calls`: its windows (arguments and keys are
  // columns of input's output); `name`: the stage for errors ("stage 1 of 2 ('window 1')").
  // Engine code (StagedStatement) makes it.
  // `local`: partition-local (no exchange); `between`: the row-wise stages between it and the
  // reading stage, in order, with their names for errors (each reads the one before).
  // `pre`: the aggregate whose final groups input() reads (its merge() is kExchange, input()'s
  // input columns are its output()), `pre_keys` the GROUP BY keys its exchange hashes by.
  WindowStage(Plan input, std::vector<WindowCall> calls, std::string name, bool local = false,
              std::vector<std::pair<Plan, std::string>> between = {},
              std::optional<Plan> pre = std::nullopt, std::vector<std::size_t> pre_keys = {});
  static WindowStage Deserialize(std::string_view bytes);
  std::string Serialize() const;

  const Plan& input() const;
  const std::string& name() const;
  // The columns of input()'s output: what each rank's share holds before Compute.
  const std::vector<Field>& fields() const { return input().output(); }
  // Indices into fields() of the partition keys (empty: every row goes to part 0).
  const std::vector<std::size_t>& keys() const;
  bool local() const;
  // The aggregate run before input() (nullptr: input() reads measurements).
  const Plan* pre() const;
  const std::vector<std::size_t>& pre_keys() const;
  const std::vector<std::pair<Plan, std::string>>& between() const;
  // Replaces *out with `parts` batches: out[p] holds the rows of `batch` whose keys hash to p.
  void Split(const Batch& batch, std::size_t parts, std::vector<Batch>* out) const;
  // Whether a share can be spilled and computed bucket by bucket (ranks/window_spill.h): the
  // windows have partition keys, so every window partition is whole in one bucket.
  bool spillable() const { return !keys().empty(); }
  // Replaces *out with `buckets` batches by a remix of Split's hash, so that the rows one rank
  // owns (one value of hash % parts) still spread over every bucket. Requires spillable().
  void SplitBuckets(const Batch& batch, std::size_t buckets, std::vector<Batch>* out) const;
  // Appends the window columns to this rank's share, then runs the between() plans over it:
  // the table the reading stage reads. Each between() result keeps only the columns the plan
  // after it reads (`reader`: the reading stage's needed_columns()), since making a column is
  // what costs. `limit_bytes` bounds each between() result (0 = none); `rank` names this rank in
  // its error.
  Table Compute(Table share, const std::vector<std::string>& reader, std::uint64_t limit_bytes = 0,
                const std::string& rank = "this rank") const;
  // The windows' calls (for WindowStageSteps).
  const std::vector<WindowCall>& calls() const;
  // Compute's second half: the between() plans over a share whose windows are computed.
  Table Between(Table computed, const std::vector<std::string>& reader, std::uint64_t limit_bytes,
                const std::string& rank) const;

  struct Data;  // engine-private

 private:
  std::shared_ptr<const Data> data_;
};

// Compute in bounded steps, for a data rank's loop (ranks/window_run.h): the windows by
// WindowComputation's morsels (engine/window.h: one sort, merge or evaluation unit of about
// 16,384 rows a step), then the between() plans in one step (they only filter and project).
// Dropping it mid-way (a cancel, a deadline) costs nothing more than the step under way.
// `stage` must outlive it. Step throws what Compute throws.
class WindowStageSteps {
 public:
  WindowStageSteps(const WindowStage& stage, Table share, std::vector<std::string> reader,
                   std::uint64_t limit_bytes, std::string rank);
  ~WindowStageSteps();
  WindowStageSteps(const WindowStageSteps&) = delete;
  WindowStageSteps& operator=(const WindowStageSteps&) = delete;
  // One unit; false once the result is there (then Take).
  bool Step();
  // The table the reading stage reads. Call once, after Step returned false.
  Table Take() { return std::move(result_); }
  std::size_t steps() const { return steps_; }

 private:
  const WindowStage& stage_;
  std::unique_ptr<WindowComputation> windows_;
  std::vector<std::string> reader_;
  std::uint64_t limit_;
  std::string rank_;
  Table result_;
  std::size_t steps_ = 0;
};

}  // namespace plume::engine
