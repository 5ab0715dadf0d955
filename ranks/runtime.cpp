#include "ranks/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include "engine/schema.h"
#include "ranks/worker.h"

namespace plume::ranks {
namespace {

// What this rank can set up on its own; returns "" or why it failed.
std::string PrepareRank(int rank, int world, const RuntimeOptions& options, Layout* layout,
                        io::Manifest* manifest, io::PartitionInfo* partition,
                        std::unique_ptr<io::PartitionLoader>* loader) {
  try {
    *layout = Layout::Make(world, options.leaders);
    *manifest = io::ReadManifest(options.data_dir);
  } catch (const std::exception& e) {
    return e.what();
  }
  const std::size_t parts = manifest->partitions.size();
  if (parts != static_cast<std::size_t>(world - 1)) {
    return "data set " + options.data_dir + " has " + std::to_string(parts) +
           " partitions but mpirun started " + std::to_string(world) +
           " ranks: plume needs one rank per partition plus the gateway (mpirun -n " +
           std::to_string(parts + 1) + ")";
  }
  if (rank == 0) return "";
  const io::PartitionInfo* mine = nullptr;
  for (const io::PartitionInfo& p : manifest->partitions) {
    if (p.index == rank - 1) mine = &p;
  }
  if (mine == nullptr) {
    return "manifest of " + options.data_dir + " lists no partition " + std::to_string(rank - 1);
  }
  *partition = *mine;
  try {
    *loader = std::make_unique<io::PartitionLoader>(options.data_dir, *manifest, *mine);
    if (!options.lazy_columns) {
      for (std::size_t c = 0; c < engine::kSchema.size(); ++c) (*loader)->Want(c);
      (*loader)->LoadQueued();
    }
  } catch (const std::exception& e) {
    return "cannot load partition " + std::to_string(rank - 1) + ": " + e.what();
  }
  return "";
}

// Rank 0: one message for all failures ("Error: ..." once when every rank says the same), else
// one line per failure and host: "rank 1,2 on team1-host: cannot load partition 0: ...".
std::string Summarize(const std::vector<std::string>& errors,
                      const std::vector<std::string>& hosts) {
  std::map<std::pair<std::string, std::string>, std::vector<int>> by_text;
  std::size_t failed = 0;
  for (std::size_t r = 0; r < errors.size(); ++r) {
    if (errors[r].empty()) continue;
    by_text[{errors[r], hosts[r]}].push_back(static_cast<int>(r));
    ++failed;
  }
  if (failed == 0) return "";
  const std::string& first = by_text.begin()->first.first;
  if (failed == errors.size() &&
      std::all_of(errors.begin(), errors.end(), [&](const std::string& e) { return e == first; })) {
    return "Error: " + first;
  }
  std::string text = "Error: startup failed";
  for (const auto& [what_where, ranks] : by_text) {
    std::string who;
    for (int r : ranks) {
      if (!who.empty()) who += ',';
      who += std::to_string(r);
    }
    text += "\n  rank " + who + " on " + what_where.second + ": " + what_where.first;
  }
  return text;
}

// The codec of the frames `rank` sends: to its leader, or from a leader to the gateway.
Codec UpwardCodec(CompressMode mode, const Layout& layout, const std::vector<std::string>& hosts,
                  int rank) {
  const int up = layout.IsLeader(rank) ? 0 : layout.LeaderOf(rank);
  return LinkCodec(mode, hosts[rank] == hosts[up]);
}

// For WorldInfo and \status: "lz4 on 2 of 5 links (--compress auto)".
std::string CompressionSummary(CompressMode mode, const Layout& layout,
                               const std::vector<std::string>& hosts) {
  std::map<Codec, int> links;
  for (int rank = 1; rank < layout.world; ++rank) ++links[UpwardCodec(mode, layout, hosts, rank)];
  const int total = layout.world - 1;
  std::string text;
  for (const auto& [codec, n] : links) {
    if (codec == Codec::kNone) continue;
    if (!text.empty()) text += ", ";
    text += CodecName(codec) + " on " + std::to_string(n) + " of " + std::to_string(total) +
            (total == 1 ? " link" : " links");
  }
  if (text.empty()) text = "off";
  return text + " (--compress " + std::string(ModeName(mode)) + ")";
}

// The planner's distinct-value estimates (engine::DataStats::distinct): per table column, the
// sum over the partitions of their dictionary sizes (0 for columns without a dictionary), on
// rank 0. Collective.
std::vector<std::uint64_t> SumDictionarySizes(const boost::mpi::communicator& world,
                                              const engine::Table& table) {
  std::vector<std::uint64_t> sizes(engine::kSchema.size(), 0), sum(sizes.size(), 0);
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const int i = table.Find(engine::kSchema[c].name);
    if (i >= 0) sizes[c] = table.columns[static_cast<std::size_t>(i)].dict.size();
  }
  boost::mpi::reduce(world, sizes.data(), static_cast<int>(sizes.size()), sum.data(),
                     std::plus<std::uint64_t>(), 0);
  return sum;
}

}  // namespace

std::uint64_t DefaultMemoryLimit(std::uint64_t host_bytes, int ranks_on_host) {
  constexpr std::uint64_t kFloor = std::uint64_t{64} << 20;
  const std::uint64_t share =
      host_bytes / 10 * 8 / static_cast<std::uint64_t>(std::max(1, ranks_on_host));
  return std::max(kFloor, share);
}

std::uint64_t HostMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0
             ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
             : 0;
}

void SetMpiDefaults() {
  // overwrite = 0: a value the user gave wins.
  ::setenv("OMPI_MCA_btl_tcp_eager_limit", "1048576", 0);
}

void FinalizeWatchdog::Arm(double seconds, std::string who) {
  thread_ = std::thread([this, seconds, who = std::move(who)] {
    std::unique_lock<std::mutex> lock(mu_);
    const auto limit = std::chrono::duration<double>(seconds);
    if (done_.wait_for(lock, limit, [this] { return disarmed_; })) return;
    std::fprintf(stderr,
                 "plume: %s: MPI_Finalize did not complete within %g s (a rank stopped "
                 "answering); ending the job\n",
                 who.c_str(), seconds);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  });
}

FinalizeWatchdog::~FinalizeWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    disarmed_ = true;
  }
  done_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Runtime::Runtime(const boost::mpi::communicator& world, const RuntimeOptions& options) {
  const int rank = world.rank();
  std::string error =
      PrepareRank(rank, world.size(), options, &layout_, &manifest_, &partition_, &loader_);
  // First the builds: a rank of another plume build is named for that alone (whatever else
  // failed there may follow from it).
  std::vector<std::string> identities, errors;
  boost::mpi::gather(world, BuildIdentity(), identities, 0);
  boost::mpi::gather(world, error, errors, 0);
  if (rank == 0) {
    std::vector<std::string> mismatches = VersionMismatches(identities);
    for (std::size_t r = 0; r < errors.size(); ++r) {
      if (!mismatches[r].empty()) errors[r] = mismatches[r];
    }
  }
  // Every rank knows every rank's host: the liveness messages name them.
  boost::mpi::all_gather(world, boost::mpi::environment::processor_name(), hosts_);
  std::string summary = rank == 0 ? Summarize(errors, hosts_) : "";
  boost::mpi::broadcast(world, summary, 0);
  if (!summary.empty()) throw StartupError(summary);
  comms_ = Comms::Split(world, layout_);
  peer_timeout_s_ = options.peer_timeout_s;
  const std::vector<std::uint64_t> distinct =
      SumDictionarySizes(world, loader_ ? loader_->table() : no_table_);
  memory_limit_ = options.memory_limit;
  if (memory_limit_ == 0) {
    const int here = static_cast<int>(std::count(hosts_.begin(), hosts_.end(), hosts_[rank]));
    memory_limit_ = DefaultMemoryLimit(HostMemoryBytes(), here);
  }
  if (rank == 0) {
    GatewayOptions gateway = options.gateway;
    gateway.memory_limit = memory_limit_;
    gateway.distinct = distinct;
    gateway.compression = CompressionSummary(options.compress, layout_, hosts_);
    gateway_out_ = std::make_unique<MpiOutbox>(comms_.upper);
    gateway_in_ = std::make_unique<MpiInbox>(comms_.upper);
    gateway_ = std::make_unique<Gateway>(layout_, manifest_, gateway, *gateway_out_, *gateway_in_);
    WatchPeers();
  } else {
    codec_ = UpwardCodec(options.compress, layout_, hosts_, rank);
  }
}

// Rank 0 watches every other rank; when one is lost the gateway fails what runs, lets the front
// end report it, then this ends the job (MPI_Abort: every rank, exit code 1).
void Runtime::WatchPeers() {
  std::vector<int> peers;
  for (int r = 1; r < comms_.world.size(); ++r) peers.push_back(r);
  world_out_ = std::make_unique<MpiOutbox>(comms_.world);
  world_in_ = std::make_unique<MpiInbox>(comms_.world);
  liveness_ = std::make_unique<Liveness>(peers, hosts_, peer_timeout_s_, gateway_->Now());
  boost::mpi::communicator world = comms_.world;
  gateway_->Watch({liveness_.get(), world_out_.get(), world_in_.get(),
                   [world](const std::string& why) { EndJob(world, why); }});
}

void EndJob(const boost::mpi::communicator& world, const std::string& why) {
  std::fprintf(stderr, "plume: %s; ending the job\n", why.c_str());
  std::fflush(stderr);
  world.abort(1);
  std::abort();  // MPI_Abort does not return; this only keeps [[noreturn]] true
}

Runtime::~Runtime() = default;

void Runtime::Serve() {
  Worker worker(comms_, layout_, *loader_, partition_, codec_,
                WorkerLiveness{hosts_, peer_timeout_s_}, memory_limit_);
  worker.Run();
}

bool Runtime::Shutdown() { return gateway_ ? gateway_->Shutdown() : true; }

}  // namespace plume::ranks
