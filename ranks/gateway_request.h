// Internal to the gateway (gateway.cpp, gateway_stream.cpp): the state of one request.
#pragma once

#include <algorithm>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "engine/query.h"
#include "engine/staged.h"
#include "engine/window.h"
#include "ranks/gateway.h"
#include "ranks/merge_stage.h"

namespace plume::ranks {

struct Gateway::Request {
  frontend::RequestInfo info;
  Stage stage = Stage::kQueued;
  std::shared_ptr<frontend::ResultSink> sink;
  Options options;
  std::optional<engine::StagedStatement> staged;
  // A long statement's parse on its thread (Gateway::kParseOffLoopBytes) until CollectParses
  // took its result; the request stays listed until then (a future's destructor would wait).
  std::future<engine::StagedStatement> parsing;
  std::optional<engine::Plan> plan;                  // of the running stage
  std::vector<engine::Table> results;                // the gathered results of the stages before it
  std::unique_ptr<engine::GatheredTable> gathering;  // the running stage's, unless it is the last
  bool finishing = false;       // its stage ended: `gathering` is finished in steps (StepFinish)
  bool stage_draining = false;  // the running stage's result is complete; waiting for stream ends
  bool counts_in = false;       // every rank's count of the running stage arrived
  double deadline_s = std::numeric_limits<double>::infinity();
  double drained_s = -1;
  bool waiting_output = false;  // delivery stopped for the sink's backlog (Step resumes it)
  bool pending = false;         // Deliver stopped at its bound with work left (Step continues it)
  std::uint64_t delivered_in = 0;  // the Step that last ran Deliver (one bound per Step)
  // A stage over a gathered result, run here: its executor until every batch is in the merge.
  std::unique_ptr<engine::PartitionExecution> local;
  // A window stage's windows over its gathered result, computed here in bounded steps.
  std::unique_ptr<engine::WindowComputation> windowing;
  std::unique_ptr<MergeStage> merge;
  std::unique_ptr<Chunker> chunker;
  std::vector<StreamTally> streams;   // per leader; empty until started
  std::vector<CreditLedger> ledgers;  // per leader: frames held here, credits due back
  std::size_t counts = 0;
  std::uint64_t count_sum = 0;
  // Per data rank (world rank r at r - 1), of the running stage: it stopped working on it (its
  // end came through its leader, its direct stop confirmation came, or its team's stream
  // closed). A leader's own end does not count: its relay may still work.
  std::vector<bool> stopped;
  std::size_t stopped_count = 0;

  bool finished() const { return frontend::IsFinished(info.state); }
  bool started() const { return !streams.empty(); }  // Start went to the leaders
  bool last_stage() const { return !gathering; }
  bool AllClosed() const {
    return std::all_of(streams.begin(), streams.end(),
                       [](const StreamTally& s) { return s.closed(); });
  }
  bool AllStopped() const { return !stopped.empty() && stopped_count == stopped.size(); }
  // Nothing of it is left anywhere: drained, and every stream's end and frames are in.
  bool quiet() const { return drained_s >= 0 && (!started() || AllClosed()); }
};

}  // namespace plume::ranks
