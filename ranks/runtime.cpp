#include "ranks/runtime.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "engine/schema.h"
#include "io/spill_dir.h"
#include "ranks/startup.h"
#include "ranks/worker.h"

namespace plume::ranks {
namespace {

// A data rank's --spill-dir (window stages spill there) must take files: checked at start-up so
// that a bad one fails every rank at once, not a statement later. The spill files that a killed
// plume on this host left there go (a live process's stay). Returns "" or why it cannot.
std::string PrepareSpillDir(const RuntimeOptions& options) {
  const std::string dir = io::SpillDir(options.spill_dir);
  const std::string problem = io::SpillDirProblem(dir);
  if (!problem.empty()) return "--spill-dir " + problem;
  io::RemoveStaleSpillFiles(dir);
  return "";
}

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
  if (std::string problem = PrepareSpillDir(options); !problem.empty()) return problem;
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
    std::error_code size_error;
    const std::uintmax_t bytes = std::filesystem::file_size(
        std::filesystem::path(options.data_dir) / mine->file, size_error);
    if (!size_error && bytes <= options.eager_load_bytes) {
      for (std::size_t c = 0; c < engine::kSchema.size(); ++c) (*loader)->Want(c);
      (*loader)->LoadQueued();
    }
  } catch (const std::exception& e) {
    return "cannot load partition " + std::to_string(rank - 1) + ": " + e.what();
  }
  return "";
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
// partition's dictionary size (0 for columns without a dictionary); rank 0 sums them.
std::vector<std::uint64_t> DictionarySizes(const engine::Table& table) {
  std::vector<std::uint64_t> sizes(engine::kSchema.size(), 0);
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const int i = table.Find(engine::kSchema[c].name);
    if (i >= 0) sizes[c] = table.columns[static_cast<std::size_t>(i)].dict.size();
  }
  return sizes;
}

// A test hook (docs/TESTING.md): $PLUME_TEST_LOAD_DELAY_S makes every data rank's preparation
// take that many seconds longer, so that a test can stop a rank while the others load; the
// rank says so on stderr first (the test waits for that line: the rank is past MPI_Init).
void TestLoadDelay(int rank) {
  const char* text = std::getenv("PLUME_TEST_LOAD_DELAY_S");
  const double delay = text == nullptr ? 0 : std::atof(text);
  if (delay <= 0) return;
  std::fprintf(stderr, "plume: rank %d: loading %g s longer (PLUME_TEST_LOAD_DELAY_S)\n", rank,
               delay);
  std::fflush(stderr);
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));
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

void SetMallocDefaults() {
  for (const char* v : {"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
    const char* set = std::getenv(v);
    if (set != nullptr && *set != '\0') return;
  }
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

Runtime::Runtime(const boost::mpi::communicator& world, const RuntimeOptions& options) {
  const int rank = world.rank();
  // Asked here: the preparation runs on a thread of its own, which must not call MPI (funneled).
  const int size = world.size();
  StartupOutcome start = RunStartup(world, options.peer_timeout_s, [&] {
    StartupReport report;
    report.error = PrepareRank(rank, size, options, &layout_, &manifest_, &partition_, &loader_);
    if (rank != 0) TestLoadDelay(rank);
    report.distinct = DictionarySizes(loader_ ? loader_->table() : no_table_);
    return report;
  });
  hosts_ = std::move(start.hosts);
  if (!start.summary.empty()) throw StartupError(start.summary);
  // The communicators' split is the one blocking collective left: it starts once every rank
  // arrived (a rank stopped before that is named by the heartbeats), and the deadline covers
  // only a rank stopped inside the split itself, after every rank had arrived.
  ArriveAtSplit(world, options.peer_timeout_s, hosts_);
  Deadline split(options.peer_timeout_s + 5, "rank " + std::to_string(rank) + " on " +
                                                 hosts_[static_cast<std::size_t>(rank)] +
                                                 ": the communicators' split at startup");
  comms_ = Comms::Split(world, layout_);
  split.Disarm();
  peer_timeout_s_ = options.peer_timeout_s;
  const std::vector<std::uint64_t> distinct = std::move(start.distinct);
  memory_limit_ = options.memory_limit;
  if (memory_limit_ == 0) {
    const int here = static_cast<int>(std::count(hosts_.begin(), hosts_.end(), hosts_[rank]));
    memory_limit_ = DefaultMemoryLimit(HostMemoryBytes(), here);
  }
  spill_.threshold = options.spill_threshold != 0 ? options.spill_threshold : memory_limit_ / 4;
  spill_.dir = io::SpillDir(options.spill_dir);
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
  gateway_->set_data_links(world_out_.get(), world_in_.get());  // the direct cancel
}

Runtime::~Runtime() = default;

void Runtime::Serve() {
  Worker worker(comms_, layout_, *loader_, partition_, codec_,
                WorkerLiveness{hosts_, peer_timeout_s_}, memory_limit_, spill_);
  worker.Run();
}

bool Runtime::Shutdown() { return gateway_ ? gateway_->Shutdown() : true; }

}  // namespace plume::ranks
