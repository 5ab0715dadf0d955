// One-shot and batch mode: runs the -c and -f statements in order (each --repeat times, with up
// to --concurrency in flight), writes their results in statement order (later ones are held
// until the earlier ones are written), prints errors on stderr, and writes the --report JSON.
// When the reader of the results goes away (EPIPE: `| head`), the run ends quietly with 0.
// A failed statement or setting line does not stop the rest, and the report is always written
// (its file is opened before anything runs, so a bad path fails at once). Main thread only; never
// throws for user errors.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/options.h"
#include "ranks/frontend/progress.h"
#include "ranks/frontend/prompt.h"
#include "ranks/frontend/report.h"
#include "ranks/frontend/settings.h"
#include "ranks/frontend/statement_splitter.h"

namespace plume::frontend {

class BatchSession {
 public:
  // `backend` must outlive the session.
  BatchSession(Backend& backend, Settings settings, const CliOptions& options, const ConsoleIo& io);
  BatchSession(const BatchSession&) = delete;
  BatchSession& operator=(const BatchSession&) = delete;

  // Returns the exit code: 0 only if every statement completed (and the report was written).
  int Run();

 private:
  struct Item {
    Piece piece;
    int statement = 0;  // 1-based among statements
  };
  struct Exec {
    int statement = 0, repeat = 0;
    std::uint64_t id = 0;
    std::shared_ptr<StatementSink> sink;
  };

  bool Load();
  void AddScript(std::string_view text);
  bool HaveMore() const { return next_item_ < items_.size(); }
  void SubmitNext();
  void FinishHeads();
  void StopQuietly();
  void StopLost();
  void Complain(const std::string& where, const std::string& message);
  // The bar on err_fd; through the results' queue when they share it (PromptSession's rule).
  ProgressDisplay MakeProgress(bool bar) const;
  bool WriteReport(double wall_ms);
  std::size_t Running() const;

  Backend& backend_;
  Settings settings_;
  const CliOptions& options_;
  ConsoleIo io_;
  ProgressDisplay progress_;
  std::vector<Item> items_;
  std::size_t next_item_ = 0;
  int next_repeat_ = 1;
  std::deque<Exec> order_;  // submitted and not yet reported, in submission order
  std::vector<ExecutionRecord> records_;
  double last_write_s_ = 0;
  std::shared_ptr<OutputTarget> report_;    // --report, opened by Load; null without one
  std::vector<ScriptError> script_errors_;  // failed setting lines: the exit code is 1
};

}  // namespace plume::frontend
