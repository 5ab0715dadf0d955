// Startup and ownership of one rank's share of the runtime. Used by ranks/main.cpp, the MPI
// tests and the end-to-end benchmark.
//
// The constructor is collective over `world`: every rank reads the manifest, checks that there
// is exactly one partition per data rank (world size - 1), the data ranks load their partition
// (partition i on world rank i + 1), and all ranks exchange their outcome. If any rank failed,
// every rank throws StartupError (on rank 0 the message names each failing rank and why), so
// the job ends with a non-zero exit code everywhere instead of hanging.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/table.h"
#include "io/manifest.h"
#include "ranks/compression.h"
#include "ranks/gateway.h"
#include "ranks/topology.h"
#include "ranks/transport.h"

namespace plume::ranks {

class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RuntimeOptions {
  std::string data_dir;
  std::vector<int> leaders;  // empty: the default layout (topology.h)
  CompressMode compress = CompressMode::kAuto;
  GatewayOptions gateway;
};

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

 private:
  Layout layout_;
  Comms comms_;
  io::Manifest manifest_;
  io::PartitionInfo partition_;
  engine::Table table_;
  Codec codec_ = Codec::kNone;              // of the data frames this rank sends upward
  std::unique_ptr<MpiOutbox> gateway_out_;  // rank 0: the gateway's links to the leaders
  std::unique_ptr<MpiInbox> gateway_in_;
  std::unique_ptr<Gateway> gateway_;
};

}  // namespace plume::ranks
