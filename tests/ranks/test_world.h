// Shared state of the MPI test binary: world rank 0 runs the GoogleTest cases against the live
// gateway; every other rank serves. Also the sink and helpers the cases use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/table.h"
#include "ranks/gateway.h"
#include "tests/ranks/oracle.h"

namespace plume::ranks::testing {

struct TestWorld {
  Gateway* gateway = nullptr;
  std::vector<engine::Table> partitions;  // the same files the data ranks loaded (oracle input)
  std::string data_dir;
  int world = 0;
};
TestWorld& World();

// Collects a request's rows and the sink calls in order.
class CollectSink : public frontend::ResultSink {
 public:
  void Begin(const frontend::RequestInfo& info) override;
  bool Chunk(const engine::Batch& chunk, const frontend::RequestInfo& info,
             std::string* error) override;
  void End(const frontend::RequestInfo& info) override;

  int begins = 0;
  int ends = 0;
  std::vector<std::size_t> chunk_rows;
  std::vector<TextRow> rows;
  std::vector<frontend::RequestInfo> at_chunk;  // info as of each Chunk call
  frontend::RequestInfo final_info;
  int stop_after_chunks = -1;         // >= 0: Chunk returns false (an output error) after that many
  std::vector<int>* order = nullptr;  // appends `tag` per chunk (interleaving checks)
  int tag = 0;
};

// Polls until every sink got End (fails the test after 60 s).
void WaitEnded(const std::vector<std::shared_ptr<CollectSink>>& sinks);
// Submits and waits; returns the sink.
std::shared_ptr<CollectSink> RunStatement(const std::string& sql, std::size_t chunk_rows = 1000,
                                          double timeout_s = 0);
// Polls until every rank confirmed it stopped working on `id` (fails after 60 s).
void WaitDrained(std::uint64_t id);

}  // namespace plume::ranks::testing
