#include "ranks/frontend/batch.h"

#include "ranks/frontend/data_guard.h"
#include "ranks/frontend/read_file.h"
#include "ranks/frontend/report.h"

namespace plume::frontend {
namespace {

constexpr double kPollWaitS = 0.02;

std::string Where(int statement, int repeat, int repeats) {
  std::string where = "[statement " + std::to_string(statement);
  if (repeats > 1) where += " run " + std::to_string(repeat);
  return where + "] ";
}

}  // namespace

BatchSession::BatchSession(Backend& backend, Settings settings, const CliOptions& options,
                           const ConsoleIo& io)
    : backend_(backend),
      settings_(std::move(settings)),
      options_(options),
      io_(io),
      progress_(MakeProgress(io.progress)) {}

// Messages go after the rows queued before them when the results share their descriptor (a
// terminal with no mpirun in between), as at the prompt.
void BatchSession::Complain(const std::string& where, const std::string& message) {
  progress_.Clear();
  if (settings_.output->Shares(io_.err_fd)) {
    settings_.output->WriteConsole(where + message + "\n");
  } else {
    WriteFd(io_.err_fd, where + message + "\n");
  }
}

ProgressDisplay BatchSession::MakeProgress(bool bar) const {
  ProgressDisplay progress(io_.err_fd, bar, io_.progress);
  if (settings_.output->Shares(io_.err_fd)) progress.set_via(settings_.output);
  return progress;
}

void BatchSession::AddScript(std::string_view text) {
  StatementSplitter splitter(options_.max_statement_bytes);
  auto take = [&] {
    Piece piece;
    while (splitter.Next(&piece)) {
      int statement = 0;
      if (piece.kind == Piece::Kind::kStatement) {
        statement = items_.empty() ? 1 : items_.back().statement + 1;
      } else if (!items_.empty()) {
        statement = items_.back().statement;
      }
      items_.push_back({std::move(piece), statement});
    }
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    splitter.AddLine(text.substr(pos, nl - pos));
    take();
    pos = nl + 1;
  }
  splitter.Finish();
  take();
}

bool BatchSession::Load() {
  for (const std::string& command : options_.commands) AddScript(command);
  if (!options_.file.empty()) {
    std::string text, error;
    if (!ReadTextFile(options_.file, 4 * options_.max_statement_bytes, &text, &error)) {
      Complain("", error);
      return false;
    }
    AddScript(text);
  }
  // Opened (created or truncated) now, so that a report that cannot be written is found out
  // before anything runs rather than after the whole run.
  if (!options_.report.empty()) {
    std::string error = RefuseInsideDataSet(options_.report, options_.data_dir);
    if (!error.empty()) {
      Complain("", error);
      return false;
    }
    report_ = OutputTarget::Open(options_.report, &error, OutputContent::kReport);
    if (!report_) {
      Complain("", error);
      return false;
    }
  }
  return true;
}

std::size_t BatchSession::Running() const {
  std::size_t n = 0;
  for (const Exec& e : order_) n += !e.sink->finished();
  return n;
}

// Submits the next execution, first applying any setting commands that precede it.
void BatchSession::SubmitNext() {
  const Item& item = items_[next_item_];
  if (item.piece.kind == Piece::Kind::kError) {  // a statement over --max-statement-bytes
    ++next_item_;
    Complain("", item.piece.text);
    script_errors_.push_back({"(a statement too long to show)", item.statement, item.piece.text});
    return;
  }
  if (item.piece.kind == Piece::Kind::kMeta) {
    ++next_item_;
    std::string error, message;
    std::optional<MetaCommand> cmd = ParseMeta(item.piece.text, &error);
    if (cmd && cmd->kind == MetaCommand::Kind::kQuit) {
      next_item_ = items_.size();
    } else if (cmd && !ApplySetting(*cmd, &settings_, &message, &error)) {
      error = "Error: " + item.piece.text + " works only at the prompt";
    }
    if (!error.empty()) {
      Complain("", error);
      script_errors_.push_back({item.piece.text, item.statement, error});
    }
    return;
  }
  std::string error;
  std::optional<Prepared> prepared =
      Prepare(item.piece.text, settings_, backend_, order_.empty(), &error);
  if (!prepared) {
    ++next_item_;
    Complain(Where(item.statement, 1, 1), error);
    script_errors_.push_back({item.piece.text, item.statement, error});
    return;
  }
  std::shared_ptr<StatementSink> sink = prepared->sink;
  bool streams_to_terminal =
      settings_.output->is_stdout() && (settings_.format == "csv" || settings_.format == "json");
  if (order_.empty()) {
    progress_ = MakeProgress(io_.progress && !streams_to_terminal);
  }
  sink->set_before_write([this] { progress_.Clear(); });
  Exec exec{item.statement, next_repeat_, 0, sink};
  exec.id = Start(*prepared, settings_, backend_);
  order_.push_back(exec);
  if (++next_repeat_ > options_.repeat) {
    next_repeat_ = 1;
    ++next_item_;
  }
}

// Reports finished executions in submission order and lets the next one write its output.
void BatchSession::FinishHeads() {
  while (!order_.empty() && order_.front().sink->finished()) {
    Exec exec = order_.front();
    order_.pop_front();
    exec.sink->Release();
    ExecutionRecord record = exec.sink->Record();
    record.statement = exec.statement;
    record.repeat = exec.repeat;
    std::string where = Where(exec.statement, exec.repeat, options_.repeat);
    if (record.status == "completed") {
      progress_.Close(exec.sink->info(), record.total_ms / 1e3);
    } else if (!settings_.output->reader_gone()) {  // `| head`: the reader has all it wanted
      Complain(where, ErrorText(record));
      if (const std::string note = exec.sink->NotWrittenNote(); !note.empty()) {
        Complain(where, note.substr(0, note.size() - 1));
      }
    }
    if (settings_.timing) Complain(where, TimingLine(record.total_ms));
    last_write_s_ = exec.sink->start_s() + record.total_ms / 1e3;
    records_.push_back(std::move(record));
    if (!order_.empty()) {
      bool streams = settings_.output->is_stdout() &&
                     (settings_.format == "csv" || settings_.format == "json");
      progress_ = MakeProgress(io_.progress && !streams);
      order_.front().sink->Release();
    }
  }
}

int BatchSession::Run() {
  if (!Load()) return 1;
  double start = backend_.Now();
  last_write_s_ = start;
  std::size_t concurrency = static_cast<std::size_t>(std::max(1, options_.concurrency));
  while (HaveMore() || !order_.empty()) {
    while (HaveMore() && Running() < concurrency) SubmitNext();
    if (order_.empty()) continue;
    backend_.Poll(kPollWaitS);
    FinishHeads();
    if (settings_.output->reader_gone()) StopQuietly();
    if (HaveMore() && !backend_.Lost().empty()) StopLost();
    if (!order_.empty()) {
      const Exec& head = order_.front();
      if (auto info = backend_.Status(head.id)) {
        progress_.Update(*info, backend_.Now() - head.sink->start_s());
      }
    }
  }
  progress_.Clear();
  // The report is written even when a script line failed: it shows what did run and why
  // the exit code is 1.
  bool ok = WriteReport((last_write_s_ - start) * 1e3) && script_errors_.empty();
  std::string error;
  if (!settings_.output->Close(&error)) {  // the results' last chance to say they were lost
    Complain("", error);
    ok = false;
  }
  for (const ExecutionRecord& r : records_) {
    ok = ok && (r.status == "completed" || settings_.output->reader_gone());
  }
  return ok ? 0 : 1;
}

// The reader of the results went away (`plume -c ... | head`): like `seq 100 | head`, the run
// ends quietly and successfully; nothing more is submitted and what runs is cancelled.
void BatchSession::StopQuietly() {
  next_item_ = items_.size();
  for (const Exec& e : order_) {
    if (!e.sink->finished())
      backend_.Cancel(e.id, "the reader of " + settings_.output->name() + " went away");
  }
}

// A rank was lost: every later statement would fail at once with the same message (thousands
// of lines for a --repeat run) while the job ends. The running ones already failed with it.
void BatchSession::StopLost() {
  next_item_ = items_.size();
  Complain("", backend_.Lost() + ": the rest of the script is not run");
}

bool BatchSession::WriteReport(double wall_ms) {
  if (!report_) return true;
  std::string error;
  if (report_->Write(ReportJson(backend_.World(), records_, wall_ms, script_errors_), &error) &&
      report_->Close(&error)) {
    return true;
  }
  Complain("", error);
  return false;
}

}  // namespace plume::frontend
