// The data-rank side of a window stage that runs through the hash exchange (engine/staged.h,
// docs/ARCHITECTURE.md "Windows on the data ranks"). The gateway sends it beside the plan of
// the stage that reads the windows (ControlMsg::window_stage); every data rank then
//   1. runs input() over its partition (the window's columns, WHERE applied),
//   2. hands each row to the data rank that owns the hash of its partition keys (Split),
//   3. gathers its share (a GatheredTable of fields(), bounded by --memory-limit) and
//      computes the windows over it (Compute: every window partition is whole in one share),
//   4. runs the reading stage's plan over that table and streams its rows up the tree.
// The partition keys are the PARTITION BY expressions common to every window of the SELECT;
// windows without one in common (no PARTITION BY at all included) send every row to part 0:
// one data rank computes them, within its memory limit.
// Threading: none; nothing blocks. Errors: Deserialize throws std::runtime_error for malformed
// bytes; Compute throws std::runtime_error for a window sum out of BIGINT range.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"

namespace plume::engine {

struct WindowCall;

class WindowStage {
 public:
  // `input`: the stage's plan over measurements; `calls`: its windows (arguments and keys are
  // columns of input's output); `name`: the stage for errors ("stage 1 of 2 ('window 1')").
  // Engine code (StagedStatement) makes it.
  WindowStage(Plan input, std::vector<WindowCall> calls, std::string name);
  static WindowStage Deserialize(std::string_view bytes);
  std::string Serialize() const;

  const Plan& input() const;
  const std::string& name() const;
  // The columns of input()'s output: what each rank's share holds before Compute.
  const std::vector<Field>& fields() const { return input().output(); }
  // Indices into fields() of the partition keys (empty: every row goes to part 0).
  const std::vector<std::size_t>& keys() const;
  // Replaces *out with `parts` batches: out[p] holds the rows of `batch` whose keys hash to p.
  void Split(const Batch& batch, std::size_t parts, std::vector<Batch>* out) const;
  // Appends the window columns to this rank's share.
  Table Compute(Table share) const;

  struct Data;  // engine-private

 private:
  std::shared_ptr<const Data> data_;
};

}  // namespace plume::engine
