#include "ranks/frontend/prompt.h"

#include <algorithm>

#include "ranks/frontend/completion_words.h"
#include "ranks/frontend/data_guard.h"
#include "ranks/frontend/launcher_protocol.h"
#include "ranks/frontend/read_file.h"

namespace plume::frontend {
namespace {

constexpr double kPollWaitS = 0.02;  // backend wait while statements run
constexpr double kIdleWaitS = 0.1;   // input wait when nothing runs

bool IsExitWord(std::string_view line) {
  std::size_t b = line.find_first_not_of(" \t\r");
  std::size_t e = line.find_last_not_of(" \t\r;");
  if (b == std::string_view::npos || e == std::string_view::npos || e < b) return false;
  std::string_view word = line.substr(b, e - b + 1);
  return word == "exit" || word == "quit";
}

}  // namespace

PromptSession::PromptSession(Backend& backend, Settings settings, const ConsoleIo& io)
    : backend_(backend),
      settings_(std::move(settings)),
      io_(io),
      reader_(io.in_fd, settings_.max_statement_bytes),
      splitter_(settings_.max_statement_bytes),
      progress_(MakeProgress(io.progress)) {}

void PromptSession::Say(const std::string& text) {
  progress_.Clear();
  Console(io_.out_fd, text);
}

// The ordering rule: console text (messages, prompt, progress, errors) to the descriptor the
// results go to joins their queue; elsewhere (a file, a fifo) it goes at once.
void PromptSession::Console(int fd, const std::string& text) {
  if (std::shared_ptr<OutputTarget> target = SharedTarget(fd)) {
    target->WriteConsole(text);
  } else {
    WriteFd(fd, text);
  }
}

std::shared_ptr<OutputTarget> PromptSession::SharedTarget(int fd) const {
  for (const std::shared_ptr<OutputTarget>& t : {settings_.output, settings_.screen}) {
    if (t && t->Shares(fd)) return t;
  }
  return nullptr;
}

ProgressDisplay PromptSession::MakeProgress(bool bar) {
  ProgressDisplay progress(io_.err_fd, bar, io_.progress);
  progress.set_via(SharedTarget(io_.err_fd));
  return progress;
}

int PromptSession::Run() {
  bool eof = false;
  if (io_.frames) {
    std::string words;
    for (const std::string& w : CompletionWords()) words.append(words.empty() ? "" : " ") += w;
    Console(io_.out_fd, LauncherFrame(kWordsFrame, words));
  }
  while (!quit_ && !(eof && !foreground_)) {
    if (foreground_) {
      StepForeground();
    } else {
      StepIdle(&eof);
    }
  }
  if (eof && io_.person && !io_.frames) Say("\n");  // the launcher ends the line itself
  FinishAll(quit_);
  return 0;
}

// No foreground statement: handle ready pieces, typed-ahead lines, then new input.
void PromptSession::StepIdle(bool* eof) {
  Piece piece;
  if (splitter_.Next(&piece)) {
    HandlePiece(piece);
    return;
  }
  ShowFinishedBackground();
  ShowPrompt();
  if (!typeahead_.empty()) {
    std::string line = std::move(typeahead_.front());
    typeahead_.pop_front();
    typeahead_bytes_ -= line.size();
    prompt_shown_ = false;
    HandleLine(line);
    return;
  }
  std::string line;
  bool busy = backend_.Busy();
  switch (reader_.Pop(&line, busy ? 0.0 : kIdleWaitS)) {
    case LineReader::Result::kLine:
      prompt_shown_ = false;
      HandleLine(line);
      break;
    case LineReader::Result::kEof:
      splitter_.Finish();  // a last statement without ';' still runs
      if (!splitter_.Next(&piece)) {
        *eof = true;
        return;
      }
      HandlePiece(piece);
      break;
    case LineReader::Result::kTooLong:
      prompt_shown_ = false;
      Say(line + "\n");
      break;
    case LineReader::Result::kNone:
      break;
  }
  backend_.Poll(busy ? kPollWaitS : 0.0);
}

// A foreground statement runs: keep chunks flowing, watch the input for Ctrl-C.
void PromptSession::StepForeground() {
  backend_.Poll(kPollWaitS);
  std::string line;
  // Type-ahead is bounded like the reader's queue: beyond it, input waits in the pipe.
  while (typeahead_bytes_ <= 4 * settings_.max_statement_bytes) {
    LineReader::Result got = reader_.Pop(&line, 0);
    if (got == LineReader::Result::kTooLong) {
      Say(line + "\n");
    } else if (got != LineReader::Result::kLine) {
      break;
    } else if (line == kInterruptLine) {
      if (!backend_.Cancel(foreground_->id, "cancelled by user (Ctrl-C)") &&
          foreground_->sink->DropUnwritten()) {
        Say("Error: statement cancelled: cancelled by user (Ctrl-C) after it completed; the "
            "rows its output had not taken yet are dropped\n");
      }
    } else if (ActsAtOnce(line)) {
      HandleMeta(line);
    } else if (!TakeColumnsLine(line)) {
      typeahead_bytes_ += line.size();
      typeahead_.push_back(std::move(line));
    }
  }
  const StatementSink& sink = *foreground_->sink;
  if (sink.finished()) {
    FinishForeground();
    return;
  }
  if (auto info = backend_.Status(foreground_->id)) {
    progress_.Update(*info, backend_.Now() - sink.start_s());
  }
}

// A line typed while a foreground statement runs (or waits for its output): a meta command
// that runs no SQL acts at once, as Ctrl-C does, so \status and \cancel answer while the
// output is stuck; but only when no typed-ahead input waits before it (it refers to, or
// applies after, what was typed before it). \i, \d, \chart and \quit always keep their turn.
bool PromptSession::ActsAtOnce(const std::string& line) const {
  if (!line.starts_with('\\') || splitter_.InStatement() || splitter_.HasReady() ||
      !typeahead_.empty()) {
    return false;
  }
  std::string error;
  const std::optional<MetaCommand> cmd = ParseMeta(line, &error);
  if (!cmd) return false;  // the error is said in its turn
  using Kind = MetaCommand::Kind;
  return cmd->kind != Kind::kInclude && cmd->kind != Kind::kDescribe && cmd->kind != Kind::kChart &&
         cmd->kind != Kind::kQuit;
}

// A columns line from the launcher (the terminal was resized): the table follows the new width
// for the statements that follow, unless \maxwidth chose one. Nothing is shown.
bool PromptSession::TakeColumnsLine(const std::string& line) {
  if (!io_.frames || !line.starts_with(kColumnsLinePrefix)) return false;
  std::string_view digits = std::string_view(line).substr(kColumnsLinePrefix.size());
  std::size_t columns = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || columns > 100000) return true;  // malformed: ignored
    columns = columns * 10 + static_cast<std::size_t>(c - '0');
  }
  if (columns >= 20 && columns <= 10000 && !settings_.max_width_by_user) {
    settings_.max_width = columns;
  }
  return true;
}

void PromptSession::HandleLine(const std::string& line) {
  if (TakeColumnsLine(line)) return;
  if (line == kInterruptLine) {  // Ctrl-C at the prompt: drop what was typed
    splitter_.Clear();
    prompt_shown_ = false;
    return;
  }
  if (!splitter_.InStatement() && IsExitWord(line)) {  // psql: exit / quit alone leave
    quit_ = true;
    return;
  }
  splitter_.AddLine(line);
}

void PromptSession::HandlePiece(const Piece& piece) {
  if (piece.kind == Piece::Kind::kError) {
    Say(piece.text + "\n");
  } else if (piece.kind == Piece::Kind::kMeta) {
    HandleMeta(piece.text);
  } else {
    StartStatement(piece);
  }
}

void PromptSession::HandleMeta(const std::string& line) {
  std::string error, message;
  std::optional<MetaCommand> cmd = ParseMeta(line, &error);
  if (!cmd) {
    Say(error + "\n");
    return;
  }
  if (HandleRequestCommand(*cmd)) return;
  if (cmd->kind == MetaCommand::Kind::kInclude) {
    Include(cmd->text);
    return;
  }
  if (cmd->kind == MetaCommand::Kind::kChart) {
    Chart(cmd->text);
    return;
  }
  if (cmd->kind == MetaCommand::Kind::kDescribe) {  // \d [TABLE]: DESCRIBE with a headline
    std::string sql = "DESCRIBE " + (cmd->text.empty() ? std::string("measurements") : cmd->text);
    if (SchemaKindOf(sql) == SchemaKind::kDescribe && cmd->text.find(' ') == std::string::npos) {
      std::string why;
      if (!AnswerSchema(sql, &why)) {  // the DESCRIBE was not typed: no place in it, no caret
        Say(why.substr(0, why.find(" (at character ")) + "\n");
        return;
      }
      Say(TableSummaryLine(backend_.World()));
    }
    StartStatement(Piece{Piece::Kind::kStatement, sql, false});
    return;
  }
  ApplySetting(*cmd, &settings_, &message, &error);
  Say((error.empty() ? message : error) + "\n");
}

// \help, \status, \list, \cancel, \quit; false for the other commands.
bool PromptSession::HandleRequestCommand(const MetaCommand& cmd) {
  using Kind = MetaCommand::Kind;
  switch (cmd.kind) {
    case Kind::kHelp:
      Say(MetaHelp());
      return true;
    case Kind::kStatus:
      ShowStatus(cmd.id);
      return true;
    case Kind::kList:
      ShowList();
      return true;
    case Kind::kCancel:
      CancelBackground(*cmd.id, cmd.text == "show");
      return true;
    case Kind::kQuit:
      quit_ = true;
      return true;
    default:
      return false;
  }
}

// `show`: a background statement's rows are shown when it ends (\cancel id show), as a failed
// one's are; otherwise only how many it had.
void PromptSession::CancelBackground(std::uint64_t id, bool show) {
  if (!backend_.Cancel(id, "cancelled by user")) {
    // Completed, but its output has not taken every row yet (a reader that stopped reading).
    for (Job& job : draining_) {
      if (job.id == id && job.sink->DropUnwritten()) {
        Say("Cancelled request " + std::to_string(id) +
            " after it completed: the rows its output had not taken yet are dropped.\n" +
            job.sink->NotWrittenNote());
        return;
      }
    }
    Say("Error: request " + std::to_string(id) +
        " is unknown or already finished (\\list shows the tracked ones)\n");
    return;
  }
  for (Job& job : background_) job.drop = job.drop || (job.id == id && !show);
  Say("Cancelling request " + std::to_string(id) + ".\n");
}

// \i FILE: its lines go through the splitter as if typed (statements run one after another).
void PromptSession::Include(const std::string& path) {
  std::string text, error;
  if (!ReadTextFile(path, 4 * settings_.max_statement_bytes, &text, &error)) {
    Say(error + "\n");
    return;
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = std::min(text.find('\n', pos), text.size());
    splitter_.AddLine(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
  }
  splitter_.Finish();  // a last statement without ';' runs, as with -f
}

// \chart [FILE.png]: the latest foreground result, at the terminal or as a PNG.
void PromptSession::Chart(const std::string& path) {
  std::string text, error;
  ChartData none;
  const ChartData& data = last_result_ ? last_result_->data() : none;
  if (!path.empty()) {
    error = RefuseInsideDataSet(path, settings_.data_dir);
    if (error.empty() && PngChart(data, path, &error)) {
      Say("Chart written to " + path + ".\n");
      return;
    }
  } else if (TerminalChart(data, settings_.max_width == 0 ? 100 : settings_.max_width, &text,
                           &error)) {
    Say(text);
    return;
  }
  Say(error + "\n");
}

void PromptSession::StartStatement(const Piece& piece) {
  std::string error;
  std::optional<Prepared> prepared =
      Prepare(piece.text, settings_, backend_, !piece.background, &error);
  if (!prepared) {
    Say(error + "\n");
    return;
  }
  std::shared_ptr<StatementSink> sink = prepared->sink;
  bool streams_to_terminal = prepared->copy_path.empty() && settings_.output->is_stdout() &&
                             (settings_.format == "csv" || settings_.format == "json");
  // A bar between streamed rows on the same terminal would garble them: closing line only.
  progress_ = MakeProgress(io_.progress && !streams_to_terminal);
  sink->set_before_write([this] { progress_.Clear(); });
  std::shared_ptr<ChartCapture> capture;
  if (!piece.background && prepared->copy_path.empty()) {
    capture = std::make_shared<ChartCapture>(sink);
    last_result_ = capture;
  }
  Retyped retyped{piece.text, std::nullopt};
  if (prepared->copy) retyped.copy = prepared->copy->copy;
  bool is_retyped = prepared->copy || !prepared->summarize.empty();
  Job job{Start(*prepared, settings_, backend_, capture), sink, prepared->copy_path};
  if (job.id != 0) last_id_ = job.id;
  if (job.id != 0 && is_retyped) {
    std::erase_if(retyped_, [this](const auto& r) { return !backend_.Status(r.first); });
    retyped_[job.id] = std::move(retyped);
  }
  if (piece.background) {
    sink->set_before_write(nullptr);
    background_.push_back(job);
    Say(std::string("[") + std::to_string(job.id) + "] started in the background\n");
  } else {
    foreground_ = job;
  }
}

void PromptSession::FinishForeground() {
  StatementSink& sink = *foreground_->sink;
  ExecutionRecord record = sink.Record();
  double elapsed = record.total_ms / 1e3;
  if (record.status == "completed") {
    progress_.Close(sink.info(), elapsed);
  } else {
    progress_.Clear();
    Say(ErrorText(record) + "\n");
  }
  if (const std::string note = sink.NotWrittenNote(); !note.empty()) Say(note);
  if (record.status == "completed" && !foreground_->copy_path.empty()) {
    Say("COPY " + CountOf(record.rows, "row") + " to " + foreground_->copy_path + ".\n");
  }
  if (settings_.timing) Say(TimingLine(record.total_ms) + "\n");
  foreground_.reset();
  prompt_shown_ = false;
}

// Shows background statements that have finished: a status line, then their held output
// (rows a failed one had produced included; a cancelled one only says how many it had); a
// write of that output that fails gets a second line.
void PromptSession::ShowFinishedBackground() {
  auto done = std::stable_partition(background_.begin(), background_.end(),
                                    [](const Job& j) { return !j.sink->finished(); });
  for (auto it = done; it != background_.end(); ++it) {
    StatementSink& sink = *it->sink;
    std::string head = "[";  // not "[" + to_string(...): g++ 12 -Wrestrict false positive
    head.append(std::to_string(it->id)).append("] ");
    ExecutionRecord before = sink.Record();
    if (it->drop) {
      Say(head + "cancelled: " + CountOf(sink.info().rows_delivered, "row") +
          " had arrived, not shown (" + before.error + ")\n");
      continue;
    }
    Say(head + before.status + ": " +
        (before.status == "completed" ? ClosingLine(sink.info(), before.total_ms / 1e3)
                                      : ErrorText(before)) +
        "\n");
    sink.Release();
    ExecutionRecord after = sink.Record();
    if (after.status != before.status || after.error != before.error) {
      Say(head + after.status + ": " + ErrorText(after) + "\n");
    }
    if (after.status == "completed" && !it->copy_path.empty()) {
      Say(head + "COPY " + CountOf(after.rows, "row") + " to " + it->copy_path + ".\n");
    }
    if (sink.released() && sink.Backlog() > 0) draining_.push_back(*it);  // \cancel may drop it
  }
  if (done != background_.end()) prompt_shown_ = false;
  background_.erase(done, background_.end());
  std::erase_if(draining_, [](const Job& j) { return j.sink->Backlog() == 0; });
}

void PromptSession::ShowPrompt() {
  if (!io_.person || prompt_shown_) return;
  const char* prompt = splitter_.InStatement() ? "   ...> " : "plume> ";
  Console(io_.out_fd, io_.frames ? LauncherFrame(kPromptFrame, prompt) : prompt);
  prompt_shown_ = true;
}

void PromptSession::FinishAll(bool cancel) {
  if (cancel) {
    for (Job& job : background_) {
      backend_.Cancel(job.id, "session ended (\\quit)");
      job.drop = true;
    }
  }
  while (!background_.empty() || backend_.Busy()) {
    backend_.Poll(kPollWaitS);
    ShowFinishedBackground();
  }
}

}  // namespace plume::frontend
