// Internal to the gateway (gateway.cpp, gateway_stream.cpp): the state of one request.
#pragma once

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "engine/query.h"
#include "ranks/gateway.h"
#include "ranks/merge_stage.h"

namespace plume::ranks {

struct Gateway::Request {
  frontend::RequestInfo info;
  Stage stage = Stage::kQueued;
  std::shared_ptr<frontend::ResultSink> sink;
  Options options;
  std::optional<engine::Plan> plan;
  double deadline_s = std::numeric_limits<double>::infinity();
  double drained_s = -1;
  bool waiting_output = false;  // delivery stopped for the sink's backlog (Step resumes it)
  std::unique_ptr<MergeStage> merge;
  std::unique_ptr<Chunker> chunker;
  std::vector<StreamTally> streams;   // per leader; empty until started
  std::vector<CreditLedger> ledgers;  // per leader: frames held here, credits due back
  std::size_t counts = 0;
  std::uint64_t count_sum = 0;

  bool finished() const { return frontend::IsFinished(info.state); }
  bool started() const { return !streams.empty(); }  // Start went to the leaders
  bool AllClosed() const {
    return std::all_of(streams.begin(), streams.end(),
                       [](const StreamTally& s) { return s.closed(); });
  }
};

}  // namespace plume::ranks
