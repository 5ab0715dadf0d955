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
  struct Stream {  // one leader's stream for this request
    std::uint64_t received = 0;
    std::optional<std::uint64_t> expected;  // from the leader's kStreamDone
    bool closed = false;
  };
  frontend::RequestInfo info;
  std::shared_ptr<frontend::ResultSink> sink;
  Options options;
  std::optional<engine::Plan> plan;
  double deadline_s = std::numeric_limits<double>::infinity();
  bool started = false;  // Start sent to the leaders
  bool begun = false;    // sink->Begin called
  bool ended = false;    // sink->End called
  double drained_s = -1;
  std::unique_ptr<MergeStage> merge;
  std::unique_ptr<Chunker> chunker;
  std::vector<Stream> streams;
  std::vector<std::uint64_t> credits_due;
  std::size_t counts = 0;
  std::uint64_t count_sum = 0;

  bool finished() const { return frontend::IsFinished(info.state); }
  bool AllClosed() const {
    return std::all_of(streams.begin(), streams.end(), [](const Stream& s) { return s.closed; });
  }
};

}  // namespace plume::ranks
