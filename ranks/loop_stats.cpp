#include "ranks/loop_stats.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace plume::ranks {

std::string_view LoopPhaseName(LoopPhase phase) {
  switch (phase) {
    case LoopPhase::kSubmit:
      return "submit";
    case LoopPhase::kStatus:
      return "status";
    case LoopPhase::kParse:
      return "parse";
    case LoopPhase::kFrames:
      return "frames";
    case LoopPhase::kPeers:
      return "peers";
    case LoopPhase::kOutputs:
      return "outputs";
    case LoopPhase::kPending:
      return "pending";
    case LoopPhase::kAdmit:
      return "admit";
    case LoopPhase::kDeadlines:
      return "deadlines";
    case LoopPhase::kNotify:
      return "notify";
    case LoopPhase::kExpire:
      return "expire";
    case LoopPhase::kCount:
      break;
  }
  return "?";
}

std::string LoopStats::FormatPhases() const {
  if (!phases) return "";
  std::vector<std::pair<double, LoopPhase>> longest;
  for (std::size_t p = 0; p < phase_max_cpu_s.size(); ++p) {
    if (phase_max_cpu_s[p] >= 1e-4) longest.emplace_back(phase_max_cpu_s[p], LoopPhase(p));
  }
  std::sort(longest.rbegin(), longest.rend());
  std::string s = "longest CPU per phase:";
  for (std::size_t i = 0; i < longest.size(); ++i) {
    s += (i == 0 ? " " : ", ") + std::string(LoopPhaseName(longest[i].second)) + " " +
         Ms(longest[i].first);
  }
  return s;
}

}  // namespace plume::ranks
