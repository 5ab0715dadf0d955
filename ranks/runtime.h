// Startup and ownership of one rank's share of the runtime. Used by ranks/main.cpp, the MPI
// tests and the end-to-end benchmark.
//
// The constructor is collective over `world`: every rank reads the manifest, checks that there
// is exactly one partition per data rank (world size - 1), the data ranks load their partition
// (partition i on world rank i + 1), and all ranks exchange their outcome (startup.h: messages
// and heartbeats, so a rank stopped or cut off meanwhile ends the job after --peer-timeout).
// If any rank failed, every rank throws StartupError (on rank 0 the message names each failing
// rank and why), so the job ends with a non-zero exit code everywhere instead of hanging.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/table.h"
#include "io/manifest.h"
#include "io/partition_loader.h"
#include "ranks/compression.h"
#include "ranks/gateway.h"
#include "ranks/job_end.h"
#include "ranks/liveness.h"
#include "ranks/topology.h"
#include "ranks/transport.h"
#include "ranks/window_spill.h"

namespace plume::ranks {

// The Open MPI settings plume needs, put into this process's environment unless the user set
// them (mpirun --mca NAME or OMPI_MCA_NAME): btl_tcp_eager_limit 1 MiB, so a frame (about
// 160 KB at 1000 rows) crosses TCP in one message instead of paying a rendezvous round trip
// (shared memory is not affected). Every rank sets the same, so they agree. Call before MPI_Init
// (boost::mpi::environment).
void SetMpiDefaults();

// glibc's malloc settings for a rank that runs statement after statement: blocks up to 32 MiB
// (its largest mmap threshold) come from the heap, and up to 512 MiB of freed heap stay with
// the process, so a statement's group tables reuse the last one's pages instead of the kernel
// zeroing fresh ones (page faults were a quarter of a data rank's CPU on the 677,000-group
// statement; docs/BENCHMARKS.md). Peak memory is unchanged. Skipped when the user set
// GLIBC_TUNABLES or MALLOC_*_ variables.
void SetMallocDefaults();

// Guards MPI_Finalize, which waits for every rank: one that is stopped (SIGSTOP) or cut off
// makes it wait forever. Construct before boost::mpi::environment (so it outlives the
// environment's MPI_Finalize) and Arm it before leaving main: if finalization has not completed
// `seconds` later, it prints "plume: rank R on HOST: MPI_Finalize did not complete within S s
// ..." and ends the job (a Deadline, job_end.h).
class FinalizeWatchdog {
 public:
  FinalizeWatchdog() = default;
  ~FinalizeWatchdog() = default;  // disarms (finalization completed) and joins
  FinalizeWatchdog(const FinalizeWatchdog&) = delete;
  FinalizeWatchdog& operator=(const FinalizeWatchdog&) = delete;

  void Arm(double seconds, const std::string& who) {
    deadline_.emplace(seconds, who + ": MPI_Finalize");
  }

 private:
  std::optional<Deadline> deadline_;
};

class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RuntimeOptions {
  std::string data_dir;
  std::vector<int> leaders;  // empty: the default layout (topology.h)
  CompressMode compress = CompressMode::kAuto;
  GatewayOptions gateway;
  double peer_timeout_s = 10;  // a rank silent this long is lost: the job ends (liveness.h)
  // Bytes a statement may hold on each rank (--memory-limit); 0 = DefaultMemoryLimit.
  std::uint64_t memory_limit = 0;
  // --load-columns: a partition file of at most this many bytes has every column loaded and
  // checked at start-up (eager); a larger one makes the data rank ready once the file is opened
  // and checked, and each column is loaded the first time a statement needs it (lazy;
  // io::PartitionLoader). 0: always lazy.
  std::uint64_t eager_load_bytes = std::uint64_t{64} << 20;
  // --spill-threshold: bytes of a window stage's share a data rank holds before it spills them
  // to --spill-dir (ranks/window_spill.h); 0 = a quarter of the memory limit. Empty dir: $TMPDIR
  // or /tmp.
  std::uint64_t spill_threshold = 0;
  std::string spill_dir;
};

// The default --memory-limit of a rank: 80% of the host's physical memory divided by the ranks
// on the host (at least 64 MiB), so that every rank of a host at its limit together still fit.
std::uint64_t DefaultMemoryLimit(std::uint64_t host_bytes, int ranks_on_host);
// This host's physical memory (sysconf), 0 when unknown.
std::uint64_t HostMemoryBytes();

class Runtime {
 public:
  Runtime(const boost::mpi::communicator& world, const RuntimeOptions& options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  bool is_gateway() const { return comms_.world.rank() == 0; }
  // World rank 0 only.
  Gateway& gateway() { return *gateway_; }
  // Every other rank: serves requests until the gateway's Shutdown(). Blocking.
  void Serve();
  // World rank 0: ends all requests and makes every rank leave Serve(). Blocking (bounded, see
  // Gateway::Shutdown); false when some rank did not confirm.
  bool Shutdown();

  const Layout& layout() const { return layout_; }
  const io::Manifest& manifest() const { return manifest_; }
  // MPI processor name of every world rank.
  const std::vector<std::string>& hosts() const { return hosts_; }
  double peer_timeout_s() const { return peer_timeout_s_; }
  // This rank's --memory-limit (the option, or DefaultMemoryLimit for this host).
  std::uint64_t memory_limit() const { return memory_limit_; }

 private:
  void WatchPeers();

  Layout layout_;
  Comms comms_;
  io::Manifest manifest_;
  io::PartitionInfo partition_;
  std::unique_ptr<io::PartitionLoader> loader_;  // data ranks: this rank's partition
  engine::Table no_table_;                       // rank 0 holds no partition
  Codec codec_ = Codec::kNone;                   // of the data frames this rank sends upward
  std::unique_ptr<MpiOutbox> gateway_out_;       // rank 0: the gateway's links to the leaders
  std::unique_ptr<MpiInbox> gateway_in_;
  std::vector<std::string> hosts_;
  double peer_timeout_s_ = 10;
  std::uint64_t memory_limit_ = 0;
  SpillOptions spill_;
  std::unique_ptr<MpiOutbox> world_out_;  // rank 0: heartbeats
  std::unique_ptr<MpiInbox> world_in_;
  std::unique_ptr<Liveness> liveness_;
  std::unique_ptr<Gateway> gateway_;
};

}  // namespace plume::ranks
