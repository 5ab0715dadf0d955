#include "launcher/statement_history.h"

namespace plume::launcher {

void StatementHistory::Sent(const std::string& line, bool continued) {
  std::size_t b = line.find_first_not_of(" \t");
  if (b == std::string::npos) {
    if (continued && !pending_.empty()) pending_.push_back(line);
    return;
  }
  if (line[b] == '\\' && line.find('\n') == std::string::npos) {
    ready_.push_back(line);
    return;
  }
  if (!continued) pending_.clear();  // the main prompt: whatever was pending has ended
  pending_.push_back(line);
}

std::vector<std::string> StatementHistory::TakeEntries(bool main) {
  std::vector<std::string> out = std::move(ready_);
  ready_.clear();
  if (main && !pending_.empty()) {
    std::string entry;
    for (const std::string& l : pending_) entry.append(entry.empty() ? "" : "\n").append(l);
    while (!entry.empty() && (entry.back() == '\n' || entry.back() == ' ')) entry.pop_back();
    out.push_back(std::move(entry));
    pending_.clear();
  }
  return out;
}

}  // namespace plume::launcher
