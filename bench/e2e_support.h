// What the end-to-end drivers (ranks_e2e.cpp, bounded_e2e.cpp) share: a sink that discards
// rows, medians, and the mpirun main (every rank builds the Runtime; rank 0 drives the gateway,
// the others serve until its shutdown).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "ranks/runtime.h"

namespace plume::bench {

class DiscardSink : public frontend::ResultSink {
 public:
  void Begin(const frontend::RequestInfo&) override {}
  bool Chunk(const engine::Batch&, const frontend::RequestInfo&, std::string*) override {
    return true;
  }
  void End(const frontend::RequestInfo& info) override {
    ended = true;
    final_info = info;
  }
  bool ended = false;
  frontend::RequestInfo final_info;
};

inline double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// parse(argc, argv, &options) fills the runtime options (false: print `usage`, exit 2);
// drive(runtime, pids) runs on rank 0 with every rank's process id.
inline int E2eMain(int argc, char** argv, const char* usage,
                   const std::function<bool(int, char**, ranks::RuntimeOptions*)>& parse,
                   const std::function<void(ranks::Runtime&, const std::vector<int>&)>& drive) {
  ranks::SetMpiDefaults();
  boost::mpi::environment env(argc, argv, boost::mpi::threading::single);
  boost::mpi::communicator world;
  ranks::RuntimeOptions options;
  if (!parse(argc, argv, &options)) {
    if (world.rank() == 0) std::fprintf(stderr, "usage: %s\n", usage);
    return 2;
  }
  try {
    ranks::Runtime runtime(world, options);
    std::vector<int> pids;
    boost::mpi::gather(world, static_cast<int>(getpid()), pids, 0);
    if (!runtime.is_gateway()) {
      runtime.Serve();
      return 0;
    }
    drive(runtime, pids);
    runtime.Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", world.rank(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace plume::bench
