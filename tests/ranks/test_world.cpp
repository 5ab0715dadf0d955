// main() of the MPI test binary. Every rank first runs the collective startup checks (a data
// set with the wrong partition count, one with a missing partition file), then starts the real
// runtime: rank 0 runs the GoogleTest cases against the gateway, the others serve. The exit code
// is combined across ranks, so any rank's failure fails every rank.
#include "tests/ranks/test_world.h"

#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

#include "io/partition_reader.h"
#include "ranks/runtime.h"
#include "tests/timeout_scale.h"

namespace plume::ranks::testing {

TestWorld& World() {
  static TestWorld world;
  return world;
}

void CollectSink::Begin(const frontend::RequestInfo& info) { ++begins; }

bool CollectSink::Chunk(const engine::Batch& chunk, const frontend::RequestInfo& info,
                        std::string* error) {
  chunk_rows.push_back(chunk.rows);
  at_chunk.push_back(info);
  AppendBatchText(chunk, &rows);
  if (order != nullptr) order->push_back(tag);
  if (stop_after_chunks >= 0 && static_cast<int>(chunk_rows.size()) >= stop_after_chunks) {
    *error = "Error: test output refused more rows";
    return false;
  }
  return true;
}

void CollectSink::End(const frontend::RequestInfo& info) {
  ++ends;
  final_info = info;
}

namespace {

void PollUntil(const std::function<bool()>& done, const char* what) {
  auto give_up = std::chrono::steady_clock::now() +
                 std::chrono::duration<double>(60 * plume::testing::TimeoutScale());
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "timed out waiting for " << what;
      return;
    }
    World().gateway->Poll(0.01);
  }
}

}  // namespace

void WaitEnded(const std::vector<std::shared_ptr<CollectSink>>& sinks) {
  PollUntil(
      [&] {
        for (const auto& s : sinks) {
          if (s->ends == 0) return false;
        }
        return true;
      },
      "sink End");
}

std::shared_ptr<CollectSink> RunStatement(const std::string& sql, std::size_t chunk_rows,
                                          double timeout_s) {
  auto sink = std::make_shared<CollectSink>();
  World().gateway->Submit(sql, {chunk_rows, timeout_s}, sink);
  WaitEnded({sink});
  return sink;
}

void WaitDrained(std::uint64_t id) {
  PollUntil([&] { return World().gateway->DrainedAt(id).has_value(); }, "drain");
}

namespace {

// Expects the Runtime constructor to fail on every rank; returns a failure text or "".
std::string ExpectStartupError(const boost::mpi::communicator& world, const std::string& dir,
                               const std::vector<std::string>& needles) {
  RuntimeOptions options;
  options.data_dir = dir;
  try {
    Runtime runtime(world, options);
  } catch (const StartupError& e) {
    if (world.rank() != 0) return "";
    for (const std::string& needle : needles) {
      if (std::strstr(e.what(), needle.c_str()) == nullptr) {
        return "startup error for " + dir + " lacks '" + needle + "': " + e.what();
      }
    }
    return "";
  }
  return "no startup error for " + dir;
}

int StartupChecks(const boost::mpi::communicator& world, const std::string& root) {
  const int parts = world.size() - 1;
  const int other = parts == 1 ? 2 : 1;
  std::vector<std::string> failures;
  failures.push_back(ExpectStartupError(
      world, root + "/p" + std::to_string(other),
      {std::to_string(other) + " partitions", std::to_string(world.size()) + " ranks"}));
  failures.push_back(ExpectStartupError(
      world, root + "/missing" + std::to_string(parts),
      {"rank 1 on " + boost::mpi::environment::processor_name(), "part-00000.h5"}));
  int failed = 0;
  for (const std::string& f : failures) {
    if (!f.empty()) {
      std::fprintf(stderr, "FAILED startup check: %s\n", f.c_str());
      failed = 1;
    }
  }
  return failed;
}

int RunGateway(Runtime& runtime, const std::string& dir, int argc, char** argv) {
  TestWorld& world = World();
  world.gateway = &runtime.gateway();
  world.data_dir = dir;
  world.world = runtime.layout().world;
  for (const io::PartitionInfo& p : runtime.manifest().partitions) {
    world.partitions.push_back(io::LoadPartition(dir + "/" + p.file));
  }
  ::testing::InitGoogleTest(&argc, argv);
  int result = RUN_ALL_TESTS();
  runtime.Shutdown();
  return result == 0 ? 0 : 1;
}

}  // namespace
}  // namespace plume::ranks::testing

int main(int argc, char** argv) {
  namespace ranks = plume::ranks;
  plume::ranks::SetMpiDefaults();
  boost::mpi::environment env(argc, argv, boost::mpi::threading::single);
  boost::mpi::communicator world;
  std::string root;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--data-root") == 0) root = argv[i + 1];
  }
  if (root.empty()) {
    std::fprintf(stderr, "usage: ranks_mpi_test --data-root DIR [gtest flags]\n");
    return 2;
  }
  int failed = ranks::testing::StartupChecks(world, root);
  try {
    ranks::RuntimeOptions options;
    options.data_dir = root + "/p" + std::to_string(world.size() - 1);
    options.gateway.max_running = 2;
    options.gateway.queue_limit = 2;
    options.gateway.ttl_s = 2;
    options.gateway.batch_rows = 1000;  // many batches per rank: exercises credits and cancel
    options.gateway.window = 2;
    // Under a sanitizer a rank's step can take seconds (tests/timeout_scale.h); finished
    // requests must stay listed until a slow case looks at them.
    options.peer_timeout_s *= plume::testing::TimeoutScale();
    options.gateway.ttl_s *= plume::testing::TimeoutScale();
    ranks::Runtime runtime(world, options);
    if (runtime.is_gateway()) {
      failed |= ranks::testing::RunGateway(runtime, options.data_dir, argc, argv);
    } else {
      runtime.Serve();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", world.rank(), e.what());
    failed = 1;
  }
  int any = 0;
  boost::mpi::all_reduce(world, failed, any, boost::mpi::maximum<int>());
  return any;
}
