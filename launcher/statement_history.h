// History one entry per statement (psql's): the lines of a statement typed over several
// prompts become one entry once the main prompt comes back; a meta command is an entry of its
// own at once (also inside a pending statement). Ctrl-C drops the pending statement. Pure.
#pragma once

#include <string>
#include <vector>

namespace plume::launcher {

class StatementHistory {
 public:
  // A line was sent; `continued`: typed at the continuation prompt ("   ...> ").
  void Sent(const std::string& line, bool continued);
  void Interrupted() { pending_.clear(); }
  // A prompt arrived (`main`: "plume> "): the entries that are complete now, oldest first.
  std::vector<std::string> TakeEntries(bool main);

 private:
  std::vector<std::string> pending_;  // lines of the statement being typed
  std::vector<std::string> ready_;    // meta commands, entries of their own
};

}  // namespace plume::launcher
