// The interactive prompt on rank 0: reads statements and meta commands from a descriptor
// (stdin) on a reader thread, runs them through the Backend, shows results, progress and
// errors, with psql's manners: meta commands act at once (also inside a pending statement;
// while a foreground statement runs or is stuck writing, those that run no SQL, unless
// typed-ahead input waits before them),
// `exit` / `quit` alone leave, \i runs a file, DuckDB dot commands get a hint. A statement
// ending in '&' runs in the background; its output is held and shown at the prompt once it has
// finished (a background statement the user cancels only says how many rows it had). Input EOF
// lets running statements finish, then Run returns 0.
// Main thread only; never throws for user errors (the constructor throws std::system_error
// when the reader thread cannot start).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/chart.h"
#include "ranks/frontend/line_reader.h"
#include "ranks/frontend/options.h"
#include "ranks/frontend/progress.h"
#include "ranks/frontend/settings.h"
#include "ranks/frontend/statement_splitter.h"

namespace plume::frontend {

// The descriptors a session uses and what it knows about the person at the other end.
struct ConsoleIo {
  int in_fd = 0;
  int out_fd = 1;         // prompt, messages, errors (one stream keeps them in order)
  int err_fd = 2;         // progress bar
  bool person = false;    // show prompts (a person is typing)
  bool progress = false;  // show the progress bar and closing line
  // The terminal launcher is at the other end (PLUME_FRAMES=1): prompts go out as frames and
  // the completion words once at the start (launcher_protocol.h); columns lines are read.
  bool frames = false;
};

class PromptSession {
 public:
  // `backend` must outlive the session.
  PromptSession(Backend& backend, Settings settings, const ConsoleIo& io);
  PromptSession(const PromptSession&) = delete;
  PromptSession& operator=(const PromptSession&) = delete;

  // Runs until \quit or input EOF and every submitted statement has finished. Returns 0.
  int Run();

 private:
  struct Job {
    std::uint64_t id = 0;
    std::shared_ptr<StatementSink> sink;
    std::string copy_path;  // COPY ... TO: where the rows went
    bool drop = false;      // cancelled by the user: its held rows are not shown
  };

  void StepIdle(bool* eof);
  void StepForeground();
  bool ActsAtOnce(const std::string& line) const;
  void HandleLine(const std::string& line);
  bool TakeColumnsLine(const std::string& line);
  void HandlePiece(const Piece& piece);
  void HandleMeta(const std::string& line);
  bool HandleRequestCommand(const MetaCommand& cmd);
  void CancelBackground(std::uint64_t id, bool show);
  void Include(const std::string& path);
  void Chart(const std::string& path);
  void StartStatement(const Piece& piece);
  void FinishForeground();
  void ShowFinishedBackground();
  void ShowStatus(std::optional<std::uint64_t> id);
  void ShowList();
  void ShowPrompt();
  void FinishAll(bool cancel);
  void Say(const std::string& text);
  // `info` under the statement as typed, when the backend ran other SQL for it.
  RequestInfo AsTyped(const RequestInfo& info) const;
  // Console text to `fd`: through the results target that shares it (the same terminal), so
  // it comes after the rows queued before it; else straight to the descriptor.
  void Console(int fd, const std::string& text);
  std::shared_ptr<OutputTarget> SharedTarget(int fd) const;
  ProgressDisplay MakeProgress(bool bar);

  Backend& backend_;
  Settings settings_;
  ConsoleIo io_;
  LineReader reader_;
  StatementSplitter splitter_;
  ProgressDisplay progress_;
  std::optional<Job> foreground_;
  // Background statements shown whose output has not taken all their rows yet (\cancel id).
  std::vector<Job> draining_;
  std::shared_ptr<ChartCapture> last_result_;  // the latest foreground result, for \chart
  std::vector<Job> background_;
  std::deque<std::string> typeahead_;  // lines typed while a foreground statement ran
  std::size_t typeahead_bytes_ = 0;
  std::uint64_t last_id_ = 0;
  // Statements the backend runs as other SQL than typed (COPY's query, SUMMARIZE's aggregate),
  // by request id while it tracks them: what was typed and, for a COPY, where its query came
  // from. \list and \status show what was typed.
  struct Retyped {
    std::string sql;
    std::optional<CopyStatement> copy;
  };
  std::map<std::uint64_t, Retyped> retyped_;
  bool prompt_shown_ = false;
  bool quit_ = false;
};

}  // namespace plume::frontend
