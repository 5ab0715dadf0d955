#include "ranks/runtime.h"

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <map>

#include "io/partition_reader.h"
#include "ranks/worker.h"

namespace plume::ranks {
namespace {

// What this rank can set up on its own; returns "" or why it failed.
std::string PrepareRank(int rank, int world, const RuntimeOptions& options, Layout* layout,
                        io::Manifest* manifest, io::PartitionInfo* partition,
                        engine::Table* table) {
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
    *table = io::LoadPartition(options.data_dir, *manifest, *mine);
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

}  // namespace

Runtime::Runtime(const boost::mpi::communicator& world, const RuntimeOptions& options) {
  const int rank = world.rank();
  std::string error =
      PrepareRank(rank, world.size(), options, &layout_, &manifest_, &partition_, &table_);
  std::vector<std::string> errors, hosts;
  boost::mpi::gather(world, error, errors, 0);
  boost::mpi::all_gather(world, boost::mpi::environment::processor_name(), hosts);
  std::string summary = rank == 0 ? Summarize(errors, hosts) : "";
  boost::mpi::broadcast(world, summary, 0);
  if (!summary.empty()) throw StartupError(summary);
  comms_ = Comms::Split(world, layout_);
  if (rank == 0) {
    GatewayOptions gateway = options.gateway;
    gateway.compression = CompressionSummary(options.compress, layout_, hosts);
    gateway_out_ = std::make_unique<MpiOutbox>(comms_.upper);
    gateway_in_ = std::make_unique<MpiInbox>(comms_.upper);
    gateway_ = std::make_unique<Gateway>(layout_, manifest_, gateway, *gateway_out_, *gateway_in_);
  } else {
    codec_ = UpwardCodec(options.compress, layout_, hosts, rank);
  }
}

Runtime::~Runtime() = default;

void Runtime::Serve() {
  Worker worker(comms_, layout_, table_, partition_, codec_);
  worker.Run();
}

bool Runtime::Shutdown() { return gateway_ ? gateway_->Shutdown() : true; }

}  // namespace plume::ranks
