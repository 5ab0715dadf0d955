// LoopStats: how long the iterations of a role loop took (the work of one Gateway::Step, not
// its idle waits), as a histogram of their CPU time and the maxima of CPU and wall time: the
// figure behind "cancel, deadlines and other statements get their turn within about 10 ms"
// (issue 12 item 2). CPU time is what the step costs whatever the load (on a shared, loaded
// machine the wall time adds the time the rank waited for a core). A value type; the gateway
// keeps one and bench/bounded_e2e prints it. Four clock reads per iteration.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace plume::ranks {

struct LoopStats {
  // Upper bounds of the buckets, in seconds; the last bucket holds everything above.
  static constexpr std::array<double, 7> kBounds = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
  std::array<std::uint64_t, kBounds.size() + 1> counts{};
  std::uint64_t iterations = 0;
  double max_s = 0;      // wall time
  double max_cpu_s = 0;  // CPU time of this thread
  double total_cpu_s = 0;

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

 private:
  static std::string Ms(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 0.01 ? "%.1f ms" : "%.0f ms", s * 1e3);
    return buf;
  }
};

}  // namespace plume::ranks
