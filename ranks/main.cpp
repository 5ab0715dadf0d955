// The `plume` binary: `mpirun -n N plume --data DIR [...]`. World rank 0 runs the front end
// (prompt, -c, -f) over ranks::Gateway; every other rank serves its partition until the
// gateway shuts the job down. Exit code: the front end's on rank 0, 0 elsewhere; startup
// failures exit 1 on every rank, bad options 2.
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "ranks/frontend/options.h"
#include "ranks/frontend/run.h"
#include "ranks/runtime.h"

namespace {

plume::ranks::RuntimeOptions ToRuntime(const plume::frontend::CliOptions& cli) {
  plume::ranks::RuntimeOptions options;
  options.data_dir = cli.data_dir;
  options.leaders = cli.leaders;
  // Validated by ParseCli (auto, lz4, zstd or off).
  options.compress =
      plume::ranks::ParseCompressMode(cli.compress).value_or(plume::ranks::CompressMode::kAuto);
  options.gateway.max_running = cli.max_running;
  options.gateway.queue_limit = cli.queue_limit;
  options.gateway.ttl_s = cli.ttl_s;
  options.gateway.window_bytes = cli.credit_window_bytes;
  options.gateway.row_text_on_ranks = cli.format_on_ranks;
  options.peer_timeout_s = cli.peer_timeout_s;
  options.memory_limit = cli.memory_limit_bytes;
  options.spill_threshold = cli.spill_threshold_bytes;
  options.spill_dir = cli.spill_dir;
  options.eager_load_bytes = cli.eager_load_bytes;
  // Validated by ParseCli (auto, tree or exchange).
  options.gateway.merge = cli.merge == "tree"       ? plume::engine::MergeChoice::kTree
                          : cli.merge == "exchange" ? plume::engine::MergeChoice::kExchange
                                                    : plume::engine::MergeChoice::kAuto;
  options.gateway.exchange_groups = cli.exchange_groups;
  return options;
}

// Serves until the gateway's shutdown; arms the watchdog for MPI_Finalize. A shutdown that
// could not confirm every rank stopped ends the job instead (exit code 1, never 0).
int Serve(boost::mpi::communicator& world, const plume::frontend::CliOptions& cli,
          plume::ranks::FinalizeWatchdog* watchdog) {
  plume::ranks::Runtime runtime(world, ToRuntime(cli));
  const std::string who = "rank " + std::to_string(world.rank()) + " on " +
                          runtime.hosts().at(static_cast<std::size_t>(world.rank()));
  // Rank 0 gives up first: concurrent MPI_Abort calls from several ranks can hang mpirun.
  const double finalize_limit = runtime.peer_timeout_s() + 5;
  if (!runtime.is_gateway()) {
    runtime.Serve();
    watchdog->Arm(2 * finalize_limit, who);
    return 0;
  }
  int code = plume::frontend::Run(runtime.gateway(), cli);
  if (!runtime.Shutdown()) {
    const std::string& lost = runtime.gateway().lost();
    // Gateway::Shutdown waited kShutdownDrain seconds for the confirmations; say so. (Appends,
    // not `"..." + std::to_string(n)`: g++ 12 warns -Wrestrict on that falsely.)
    std::string why = "not every rank confirmed the end of the last statements within ";
    why += std::to_string(static_cast<int>(plume::ranks::Gateway::kShutdownDrain));
    why += " s (";
    why += who;
    why += ")";
    plume::ranks::EndJob(world, lost.empty() ? why : lost.substr(std::string("Error: ").size()));
  }
  watchdog->Arm(finalize_limit, who);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // funneled: rank 0's front end reads stdin on a second thread that never calls MPI.
  plume::ranks::SetMpiDefaults();
  plume::ranks::FinalizeWatchdog watchdog;  // outlives env, whose destructor finalizes MPI
  boost::mpi::environment env(argc, argv, boost::mpi::threading::funneled);
  plume::ranks::SetMallocDefaults();  // after MPI_Init, whose components may set their own
  boost::mpi::communicator world;
  const bool gateway = world.rank() == 0;
  std::string error;
  auto cli = plume::frontend::ParseCli(argc, argv, &error);
  if (!cli) {
    if (gateway) std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  if (cli->help) {
    if (gateway) std::fputs(plume::frontend::CliUsage().c_str(), stdout);
    return 0;
  }
  try {
    return Serve(world, *cli, &watchdog);
  } catch (const plume::ranks::StartupError& e) {
    if (gateway) std::fprintf(stderr, "%s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plume: rank %d: fatal: %s\n", world.rank(), e.what());
    env.abort(1);
  }
  return 1;
}
