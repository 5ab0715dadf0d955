// The progress bar on stderr while a foreground statement runs, in the seed's spirit:
//   [#####.....] 75.0% | chunk 3/4 | rows 3,000/4,000 | 0.12 s
// redrawn in place (carriage return + erase to end of line), then a closing line
//   4,000 rows | 4 chunks | 0.15 s
// Shown only to a person (see CliOptions::progress); never part of result files.
#pragma once

#include <memory>
#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/output.h"

namespace plume::frontend {

// One bar line (no newline). When the result's row count is not known yet, the bar follows the
// partitions' scan progress (RequestInfo::ranks) and the row count has no total.
std::string ProgressLine(const RequestInfo& info, double elapsed_s);
// The line printed when the statement has finished (no newline).
std::string ClosingLine(const RequestInfo& info, double elapsed_s);
// "0.12 s", "12.3 s", "2 min 03 s".
std::string FormatSeconds(double seconds);
// What \timing prints, as psql does: "Time: 12.345 ms".
std::string TimingLine(double milliseconds);

// Draws ProgressLine on a descriptor, at most every 0.1 s and only once a statement has run for
// 0.25 s (fast statements show no flicker). Main thread only; never throws.
class ProgressDisplay {
 public:
  // bar: draw the bar while the statement runs; closing: print the closing line at the end.
  ProgressDisplay(int fd, bool bar, bool closing) : fd_(fd), enabled_(bar), closing_(closing) {}
  // The results target that shares the descriptor (the same terminal): the bar and the closing
  // line then go through its queue (OutputTarget::WriteConsole), after the rows queued before
  // them, and the bar is not drawn while rows wait there.
  void set_via(std::shared_ptr<OutputTarget> via) { via_ = std::move(via); }
  void Update(const RequestInfo& info, double elapsed_s);
  // Erases the bar (before other text goes to the terminal).
  void Clear();
  // Erases the bar and prints the closing line.
  void Close(const RequestInfo& info, double elapsed_s);

 private:
  void Put(const std::string& text);

  int fd_;
  std::shared_ptr<OutputTarget> via_;
  bool enabled_;
  bool closing_;
  bool shown_ = false;
  double last_draw_s_ = -1;
};

}  // namespace plume::frontend
