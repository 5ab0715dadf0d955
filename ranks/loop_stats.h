// LoopStats: how long the iterations of a role loop took (the work of one Gateway::Step, not
// its idle waits), as a histogram of their CPU time and the maxima of CPU and wall time: the
// figure behind "cancel, deadlines and other statements get their turn within about 10 ms"
// (issue 12 item 2). CPU time is what the step costs whatever the load (on a shared, loaded
// machine the wall time adds the time the rank waited for a core). A value type; the gateway
// keeps one and bench/bounded_e2e prints it. Four clock reads per iteration; with `phases` on,
// one more per phase of an iteration (LoopPhase), whose longest CPU times it keeps: which part
// of a Step a long one spent its time in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

namespace plume::ranks {

// The parts of one turn of rank 0's loop (Gateway::Submit, or one Gateway::Step).
enum class LoopPhase : std::uint8_t {
  kSubmit,     // Gateway::Submit: parse and plan, admission
  kStatus,     // status messages (counts, stream ends: a Deliver or the next stage's start)
  kParse,      // statements parsed off the loop queued (their parse ran on a thread)
  kFrames,     // data frames: decode, Add, Deliver
  kPeers,      // heartbeats and liveness
  kOutputs,    // deliveries resumed for outputs that drained
  kPending,    // requests continued at their bound (Deliver, StepLocal, the next stage)
  kAdmit,      // queued requests started (plan encoding, kStart sends)
  kDeadlines,  // timeouts
  kNotify,     // sink Begin / End
  kExpire,     // finished requests dropped after the TTL
  kCount
};
std::string_view LoopPhaseName(LoopPhase phase);

struct LoopStats {
  // Upper bounds of the buckets, in seconds; the last bucket holds everything above.
  static constexpr std::array<double, 7> kBounds = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
  std::array<std::uint64_t, kBounds.size() + 1> counts{};
  std::uint64_t iterations = 0;
  double max_s = 0;      // wall time
  double max_cpu_s = 0;  // CPU time of this thread
  double total_cpu_s = 0;

  bool phases = false;  // time the phases of each iteration too (PhaseTimer)
  std::array<double, static_cast<std::size_t>(LoopPhase::kCount)> phase_max_cpu_s{};

  void AddPhase(LoopPhase phase, double cpu_s) {
    double& max = phase_max_cpu_s[static_cast<std::size_t>(phase)];
    if (cpu_s > max) max = cpu_s;
  }
  void Add(double wall_s, double cpu_s) {
    std::size_t b = 0;
    while (b < kBounds.size() && cpu_s > kBounds[b]) ++b;
    ++counts[b];
    ++iterations;
    total_cpu_s += cpu_s;
    if (wall_s > max_s) max_s = wall_s;
    if (cpu_s > max_cpu_s) max_cpu_s = cpu_s;
  }
  // This thread's CPU time in seconds (CLOCK_THREAD_CPUTIME_ID).
  static double ThreadCpu() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  }
  // "max CPU 3.1 ms (wall 9.0 ms), 1234 iterations, CPU: <=1.0 ms 1200 <=2.0 ms 30 ...".
  std::string Format() const {
    std::string s = "max CPU " + Ms(max_cpu_s) + " (wall " + Ms(max_s) + "), " +
                    std::to_string(iterations) + " iterations, CPU:";
    for (std::size_t b = 0; b < counts.size(); ++b) {
      s += b < kBounds.size() ? " <=" + Ms(kBounds[b]) : " >" + Ms(kBounds.back());
      s += " " + std::to_string(counts[b]);
    }
    return s;
  }
  // "longest CPU per phase: frames 3.1 ms, pending 2.0 ms, ..." (phases that took >= 0.1 ms,
  // longest first); empty without `phases`.
  std::string FormatPhases() const;

 private:
  static std::string Ms(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 0.01 ? "%.1f ms" : "%.0f ms", s * 1e3);
    return buf;
  }
};

// Attributes the CPU time between its laps to phases of `stats` (nothing when stats.phases is
// off): construct at the start of an iteration, Lap(phase) at the end of each phase.
class PhaseTimer {
 public:
  explicit PhaseTimer(LoopStats& stats)
      : stats_(stats), last_(stats.phases ? LoopStats::ThreadCpu() : 0) {}
  void Lap(LoopPhase phase) {
    if (!stats_.phases) return;
    const double now = LoopStats::ThreadCpu();
    stats_.AddPhase(phase, now - last_);
    last_ = now;
  }

 private:
  LoopStats& stats_;
  double last_;
};

}  // namespace plume::ranks
