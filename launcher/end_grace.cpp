#include "launcher/end_grace.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace plume::launcher {

double EndGrace::FromEnvironment() {
  const char* text = std::getenv("PLUME_END_GRACE");
  if (text == nullptr || *text == '\0') return kDefaultSeconds;
  char* end = nullptr;
  const double seconds = std::strtod(text, &end);
  return *end == '\0' && std::isfinite(seconds) && seconds >= 0 ? seconds : kDefaultSeconds;
}

void EndGrace::Feed(std::string_view bytes, double now_s) {
  for (char c : bytes) {
    if (c != '\n') {
      // Only the tail matters: a line longer than this cannot hide the ending.
      if (line_.size() < 4096) line_.push_back(c);
      continue;
    }
    if (!deadline_s_ && std::string_view(line_).ends_with(kEndingLine)) {
      deadline_s_ = now_s + seconds_;
    }
    line_.clear();
  }
}

int EndGrace::WaitMs(double now_s) const {
  if (!deadline_s_) return -1;
  const double ms = std::ceil((*deadline_s_ - now_s) * 1000);
  return ms <= 0 ? 0 : static_cast<int>(ms);
}

std::string EndGrace::StoppedMessage() const {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", seconds_);
  return std::string("plume-launcher: Error: the job had not ended ") + seconds +
         " s after plume ended it (a host out of reach: its daemon cannot confirm); stopped "
         "mpirun; exit code 1\n";
}

int EndGrace::ExitCode(int job_code, bool stopped) const {
  if (stopped || (armed() && (job_code == 0 || job_code > 128))) return 1;
  return job_code;
}

double EndGrace::Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace plume::launcher
