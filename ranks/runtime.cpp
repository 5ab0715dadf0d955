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

}  // namespace

Runtime::Runtime(const boost::mpi::communicator& world, const RuntimeOptions& options) {
  const int rank = world.rank();
  std::string error =
      PrepareRank(rank, world.size(), options, &layout_, &manifest_, &partition_, &table_);
  std::vector<std::string> errors, hosts;
  boost::mpi::gather(world, error, errors, 0);
  boost::mpi::gather(world, boost::mpi::environment::processor_name(), hosts, 0);
  std::string summary = rank == 0 ? Summarize(errors, hosts) : "";
  boost::mpi::broadcast(world, summary, 0);
  if (!summary.empty()) throw StartupError(summary);
  comms_ = Comms::Split(world, layout_);
  if (rank == 0) {
    gateway_out_ = std::make_unique<MpiOutbox>(comms_.upper);
    gateway_in_ = std::make_unique<MpiInbox>(comms_.upper);
    gateway_ =
        std::make_unique<Gateway>(layout_, manifest_, options.gateway, *gateway_out_, *gateway_in_);
  }
}

Runtime::~Runtime() = default;

void Runtime::Serve() {
  Worker worker(comms_, layout_, table_, partition_);
  worker.Run();
}

bool Runtime::Shutdown() { return gateway_ ? gateway_->Shutdown() : true; }

}  // namespace plume::ranks
