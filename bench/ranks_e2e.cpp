// End-to-end driver of the MPI runtime (run under mpirun; see bench/ranks_e2e.sh). Rank 0 drives
// ranks::Gateway directly with a sink that discards rows and prints, as medians over --runs:
//   ready        mpirun start (--t0, epoch seconds) until the gateway can take a statement
//   first chunk  planning done (request started) until the first chunk reached the sink
//   all rows     planning done until every row was at the gateway (and discarded)
//   rows/s, MB/s over "all rows" (MB of encoded batches received by the gateway)
//   cancel       Cancel() until every rank confirmed it stopped (DrainedAt)
//   RSS          gateway VmHWM during SELECT * above its idle VmRSS
//   CPU time     per statement, all ranks and each rank (same-host only: /proc/PID/schedstat)
//   idle CPU     CPU% of every rank over --idle seconds with nothing to do (same-host only)
#include <unistd.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/e2e_support.h"
#include "ranks/runtime.h"

namespace {

using plume::bench::DiscardSink;
using plume::bench::Median;
using plume::frontend::RequestInfo;
using plume::frontend::RequestState;

struct Args {
  std::string data;
  std::string sql =
      "SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150";
  int runs = 7;
  double t0 = 0;
  double idle_s = 5;
  std::size_t chunk = 1000;
  std::uint32_t batch_rows = 1024;
  std::uint32_t window = plume::ranks::GatewayOptions{}.window;
};

double EpochSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

long StatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key)));
  }
  return -1;
}

// CPU time of a process so far, in seconds (/proc/PID/schedstat: nanoseconds on a CPU).
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
  double ns = 0;
  in >> ns;
  return ns * 1e-9;
}

std::vector<double> CpuSeconds(const std::vector<int>& pids) {
  std::vector<double> cpu;
  for (int pid : pids) cpu.push_back(CpuSeconds(pid));
  return cpu;
}

RequestInfo RunOnce(plume::ranks::Gateway& gw, const Args& args, const std::string& sql) {
  auto sink = std::make_shared<DiscardSink>();
  gw.Submit(sql, {args.chunk, 0}, sink);
  while (!sink->ended) gw.Poll(0.001);
  return sink->final_info;
}

// Cancels SELECT * after its first chunk; returns the seconds until every rank is idle.
double CancelOnce(plume::ranks::Gateway& gw, const Args& args) {
  auto sink = std::make_shared<DiscardSink>();
  std::uint64_t id = gw.Submit("SELECT * FROM measurements", {args.chunk, 0}, sink);
  while (gw.Status(id)->chunks_delivered == 0 && !sink->ended) gw.Poll(0.001);
  const double t = gw.Now();
  gw.Cancel(id, "bench cancel");
  while (!gw.DrainedAt(id)) gw.Poll(0.0005);
  return *gw.DrainedAt(id) - t;
}

void IdleCpu(plume::ranks::Gateway& gw, const std::vector<int>& pids, double seconds) {
  const std::vector<double> before = CpuSeconds(pids);
  const double start = gw.Now();
  while (gw.Now() - start < seconds) gw.Poll(0.05);
  const std::vector<double> after = CpuSeconds(pids);
  std::printf("%-28s", "idle CPU % per rank");
  double sum = 0;
  for (std::size_t r = 0; r < pids.size(); ++r) {
    double pct = 100.0 * (after[r] - before[r]) / seconds;
    sum += pct;
    std::printf(" %.1f", pct);
  }
  std::printf("  (total %.1f%% over %.0f s)\n", sum, seconds);
}

void Drive(plume::ranks::Runtime& runtime, const Args& args, double ready_s,
           const std::vector<int>& pids) {
  plume::ranks::Gateway& gw = runtime.gateway();
  std::printf("plume e2e: %d ranks, %d partitions, %llu rows, chunk %zu, batch %u, window %u\n",
              gw.World().ranks, gw.World().partitions,
              static_cast<unsigned long long>(gw.World().rows), args.chunk, args.batch_rows,
              args.window);
  std::printf("%-28s %.1f ms\n", "ready after mpirun start", ready_s * 1e3);
  IdleCpu(gw, pids, args.idle_s);
  std::vector<double> first, all, rows_s, mb_s, cancel;
  RunOnce(gw, args, args.sql);  // warm-up
  RequestInfo last;
  const std::vector<double> cpu_before = CpuSeconds(pids);
  for (int i = 0; i < args.runs; ++i) {
    last = RunOnce(gw, args, args.sql);
    const double span = last.finished_s - last.started_s;
    first.push_back(last.first_chunk_s - last.started_s);
    all.push_back(span);
    rows_s.push_back(last.rows_delivered / span);
    mb_s.push_back(last.bytes_received / span / 1e6);
  }
  const std::vector<double> cpu_after = CpuSeconds(pids);
  std::vector<double> cpu_ms;
  for (std::size_t r = 0; r < pids.size(); ++r) {
    cpu_ms.push_back((cpu_after[r] - cpu_before[r]) * 1e3 / args.runs);
  }
  for (int i = 0; i < args.runs; ++i) cancel.push_back(CancelOnce(gw, args));
  std::printf("statement: %s (%llu rows, %s)\n", args.sql.c_str(),
              static_cast<unsigned long long>(last.rows_delivered),
              std::string(plume::frontend::StateName(last.state)).c_str());
  std::printf("%-28s %.2f ms (median of %d)\n", "first chunk after planning", Median(first) * 1e3,
              args.runs);
  std::printf("%-28s %.2f ms\n", "all rows at gateway", Median(all) * 1e3);
  std::printf("%-28s %.2f M rows/s, %.0f MB/s\n", "throughput", Median(rows_s) / 1e6, Median(mb_s));
  std::printf("%-28s %.1f ms per statement (all ranks; mean); per rank", "CPU time",
              std::accumulate(cpu_ms.begin(), cpu_ms.end(), 0.0));
  for (double ms : cpu_ms) std::printf(" %.1f", ms);
  std::printf("\n");
  std::printf("%-28s %.2f ms (median of %d)\n", "cancel until all ranks idle", Median(cancel) * 1e3,
              args.runs);
  const long idle_kb = StatusKb("VmRSS:");
  std::ofstream("/proc/self/clear_refs") << "5";  // reset VmHWM to the current RSS
  RequestInfo star = RunOnce(gw, args, "SELECT * FROM measurements");
  const long peak_kb = StatusKb("VmHWM:");
  std::printf(
      "%-28s idle %.1f MiB, peak during SELECT * %.1f MiB (+%.1f MiB; %llu rows, %.0f ms)\n",
      "gateway RSS", idle_kb / 1024.0, peak_kb / 1024.0, (peak_kb - idle_kb) / 1024.0,
      static_cast<unsigned long long>(star.rows_delivered),
      (star.finished_s - star.started_s) * 1e3);
}

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--data")
      args->data = v;
    else if (k == "--sql")
      args->sql = v;
    else if (k == "--runs")
      args->runs = std::stoi(v);
    else if (k == "--t0")
      args->t0 = std::stod(v);
    else if (k == "--idle")
      args->idle_s = std::stod(v);
    else if (k == "--chunk")
      args->chunk = std::stoul(v);
    else if (k == "--batch")
      args->batch_rows = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--window")
      args->window = static_cast<std::uint32_t>(std::stoul(v));
    else
      return false;
  }
  return !args->data.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  return plume::bench::E2eMain(
      argc, argv,
      "ranks_e2e --data DIR [--sql S] [--runs N] [--t0 EPOCH_S] [--idle S] [--chunk N] "
      "[--batch N] [--window N]",
      [&](int n, char** v, plume::ranks::RuntimeOptions* options) {
        if (!ParseArgs(n, v, &args)) return false;
        options->data_dir = args.data;
        options->gateway.batch_rows = args.batch_rows;
        options->gateway.window = args.window;
        return true;
      },
      [&](plume::ranks::Runtime& runtime, const std::vector<int>& pids) {
        Drive(runtime, args, args.t0 > 0 ? EpochSeconds() - args.t0 : -1, pids);
      });
}
