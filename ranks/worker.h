// The role loop of every rank but the gateway: a data rank, and on leaders also the team relay.
//
// Loop: one poll step (Iprobe control, credits, and on leaders the team's status and frames),
// then one bounded unit of work (one batch of one request, round-robin; the relay's sends),
// and when neither found anything an idle backoff that sleeps instead of spinning. Control
// (start, cancel) is checked with Iprobe between batches, so after a cancel no rank works on the
// request for longer than one batch. A cancel comes directly from rank 0 (Tag::kCancel, world
// comm) and again through the leader; a run it stops confirms to rank 0 directly (kStopped).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/table.h"
#include "io/manifest.h"
#include "io/partition_loader.h"
#include "ranks/compression.h"
#include "ranks/topology.h"
#include "ranks/window_spill.h"

namespace plume::ranks {

// How a worker watches the gateway (liveness.h): it exchanges heartbeats with world rank 0 and,
// when rank 0 has been silent for kGatewayFactor x peer_timeout_s (longer than rank 0 waits for
// any rank, so rank 0 normally reports first), prints which rank went silent and ends the job.
struct WorkerLiveness {
  std::vector<std::string> hosts;  // per world rank
  double peer_timeout_s = 10;
  static constexpr double kGatewayFactor = 2;
};

class Worker {
 public:
  // `loader` (this rank's partition: its table and the columns it has not loaded yet) must
  // outlive the Worker. `codec`: how the data frames this
  // rank sends upward (to its leader, or from a leader to the gateway) are compressed.
  // memory_limit: bytes a statement may hold here (--memory-limit), in the partition's execution
  // and, on leaders, the team's merge (0 = none).
  Worker(const Comms& comms, const Layout& layout, io::PartitionLoader& loader,
         const io::PartitionInfo& partition, Codec codec, WorkerLiveness liveness,
         std::uint64_t memory_limit = 0, SpillOptions spill = {});
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Blocks, serving requests, until the gateway sends shutdown; waits for its own pending sends
  // before returning. Throws only on a protocol violation (a malformed control message).
  void Run();

 private:
  const Comms& comms_;
  const Layout& layout_;
  io::PartitionLoader& loader_;
  io::PartitionInfo partition_;
  Codec codec_;
  WorkerLiveness liveness_;
  std::uint64_t memory_limit_;
  SpillOptions spill_;  // the data role's window stages (ranks/window_spill.h)
};

}  // namespace plume::ranks
