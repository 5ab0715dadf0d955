#include "launcher/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "ranks/frontend/launcher_protocol.h"
#include "ranks/frontend/meta_command.h"

namespace plume::launcher {
namespace {

constexpr std::string_view kMainPrompt = "plume> ";
int g_signal_fd = -1;  // the write end of the self-pipe, for the signal handler

void OnSignal(int sig) {
  int saved = errno;
  auto byte = static_cast<unsigned char>(sig);
  [[maybe_unused]] ssize_t n = ::write(g_signal_fd, &byte, 1);
  errno = saved;
}

std::size_t TerminalColumns() {
  winsize ws{};
  return ::ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
}

// Columns taken by `text` (UTF-8: continuation bytes take none).
std::size_t Width(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

Launcher* From(EditLine* el) {
  void* self = nullptr;
  el_get(el, EL_CLIENTDATA, &self);
  return static_cast<Launcher*>(self);
}

}  // namespace

Launcher::Launcher(LauncherOptions options)
    : options_(std::move(options)), grace_(options_.end_grace_s) {
  if (::tcgetattr(0, &saved_) != 0) {
    throw std::runtime_error("plume-launcher: standard input is not a terminal");
  }
  // Ctrl-C and Ctrl-\ are keys here, not signals: they must reach the editor (the job runs in
  // a session of its own and never sees the terminal's signals anyway).
  cooked_ = saved_;
  cooked_.c_cc[VINTR] = _POSIX_VDISABLE;
  cooked_.c_cc[VQUIT] = _POSIX_VDISABLE;
  // While a statement runs: no echo, keys one by one, output processed as usual.
  quiet_ = cooked_;
  quiet_.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG | IEXTEN);
  quiet_.c_cc[VMIN] = 1;
  quiet_.c_cc[VTIME] = 0;
  if (::pipe2(signal_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "plume-launcher: pipe");
  }
  g_signal_fd = signal_pipe_[1];
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGWINCH, SIGTERM, SIGHUP, SIGINT}) ::sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  OpenDisplay();
  el_ = el_init("plume", stdin, display_file_, stderr);
  history_ = history_init();
  if (el_ == nullptr || history_ == nullptr) {
    throw std::runtime_error("plume-launcher: libedit could not start");
  }
  HistEvent ev;
  history(history_, &ev, H_SETSIZE, 1000);
  history(history_, &ev, H_SETUNIQUE, 1);
  LoadHistory();
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_SIGNAL, 0);
  el_set(el_, EL_PROMPT, &Launcher::PromptText);
  el_set(el_, EL_GETCFN, &Launcher::GetChar);
  el_set(el_, EL_HIST, history, history_);
  el_set(el_, EL_ADDFN, "plume-complete", "complete a word", &Launcher::OnComplete);
  el_set(el_, EL_BIND, "^I", "plume-complete", nullptr);
  el_set(el_, EL_ADDFN, "plume-interrupt", "cancel or clear the line", &Launcher::OnInterrupt);
  el_set(el_, EL_BIND, "^C", "plume-interrupt", nullptr);
  child_ = std::make_unique<ChildProcess>(options_.command);
  child_out_ = child_->stdout_fd();
  child_err_ = child_->stderr_fd();
  SetTerminal(quiet_);
}

Launcher::~Launcher() {
  ::tcsetattr(0, TCSADRAIN, &saved_);
  if (history_ != nullptr) history_end(history_);
  if (el_ != nullptr) el_end(el_);
  if (display_file_ != nullptr && display_file_ != stdout) std::fclose(display_file_);
  g_signal_fd = -1;
  ::close(signal_pipe_[0]);
  ::close(signal_pipe_[1]);
}

void Launcher::SetTerminal(const termios& mode) { ::tcsetattr(0, TCSADRAIN, &mode); }

// With --tty, the prompt, the line being edited and everything rank 0 says go to the terminal
// when standard output is not one (`plume-shell > out.txt`: plume-shell then sends the results
// to that stdout through plume's --output, so the file gets results only, as psql's does).
void Launcher::OpenDisplay() {
  display_file_ = stdout;
  if (!options_.draw_on_tty || ::isatty(1)) return;
  const int fd = ::open("/dev/tty", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  display_file_ = ::fdopen(fd, "w");
  if (display_file_ == nullptr) {
    ::close(fd);
    display_file_ = stdout;
    return;
  }
  display_ = fd;
}

// libedit's history file; a file of plain lines (the bash launcher's, before) is read line by
// line instead, and saved in libedit's format at the end.
void Launcher::LoadHistory() {
  const std::string& file = options_.history_file;
  HistEvent ev;
  if (file.empty() || history(history_, &ev, H_LOAD, file.c_str()) >= 0) return;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) history(history_, &ev, H_ENTER, line.c_str());
  }
}

int Launcher::Run() {
  while (true) {
    if (state_ == State::kEditing) {
      EditOneLine();
    } else if (!Pump(-1)) {
      break;
    }
  }
  WriteAll(display_, frames_.Finish() + held_text_);
  while (!child_->Reap()) {  // its output has ended: it is about to exit
    StopIfOverdue();
    ::usleep(10000);
  }
  if (stopped_) WriteAll(2, grace_.StoppedMessage());
  HistEvent ev;
  if (!options_.history_file.empty()) history(history_, &ev, H_SAVE, options_.history_file.c_str());
  return grace_.ExitCode(child_->exit_code(), stopped_);
}

void Launcher::StopIfOverdue() {
  if (stopped_ || !grace_.Expired(EndGrace::Now())) return;
  child_->Signal(SIGKILL);
  stopped_ = true;
}

// One line at the prompt rank 0 asked for. Keys typed ahead are read first (GetChar).
void Launcher::EditOneLine() {
  SetTerminal(cooked_);
  editing_ = true;
  interrupted_ = false;
  int count = 0;
  const char* line = el_gets(el_, &count);
  editing_ = false;
  partial_line_.clear();  // left behind on screen with the line just ended
  SetTerminal(quiet_);
  if (interrupted_) {
    statements_.Interrupted();
    SendInterrupt();
    state_ = State::kWaiting;
    return;
  }
  if (line == nullptr || count <= 0) {  // Ctrl-D at an empty line, or the job has ended
    WriteAll(display_, "\n");
    child_->CloseStdin();
    state_ = State::kClosing;
    return;
  }
  std::string text(line, static_cast<std::size_t>(count));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  statements_.Sent(text, prompt_ != kMainPrompt);
  SendLine(text);
  state_ = State::kWaiting;
}

// The typed text as lines (a recalled statement may hold several). A line that would read as
// a control line of the channel gets a leading blank, which SQL and meta commands ignore.
void Launcher::SendLine(const std::string& text) {
  std::size_t pos = 0;
  std::string out;
  while (pos <= text.size()) {
    std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view piece = std::string_view(text).substr(pos, nl - pos);
    if (piece == frontend::kInterruptLine || piece.starts_with('\x1b')) out.push_back(' ');
    out.append(piece).push_back('\n');
    pos = nl + 1;
  }
  if (!child_->Send(out)) state_ = State::kClosing;
}

void Launcher::SendInterrupt() { child_->Send(std::string(frontend::kInterruptLine) + "\n"); }

void Launcher::SendColumns() {
  std::string line(frontend::kColumnsLinePrefix);
  child_->Send(line.append(std::to_string(TerminalColumns())).append("\n"));
}

// Waits up to timeout_ms (-1: no limit) for the terminal, the job's output or a signal, and
// handles what came. False once the job's output has ended (nothing more can happen).
bool Launcher::Pump(int timeout_ms) {
  if (child_out_ < 0 && child_err_ < 0) return false;
  pollfd fds[4] = {{signal_pipe_[0], POLLIN, 0},
                   {child_out_, POLLIN, 0},
                   {child_err_, POLLIN, 0},
                   {tty_open_ && state_ != State::kClosing ? 0 : -1, POLLIN, 0}};
  const int grace_ms = grace_.WaitMs(EndGrace::Now());
  if (grace_ms >= 0 && (timeout_ms < 0 || grace_ms < timeout_ms)) timeout_ms = grace_ms;
  if (::poll(fds, 4, stopped_ ? 10 : timeout_ms) < 0) {
    if (errno == EINTR) return true;
    throw std::system_error(errno, std::generic_category(), "plume-launcher: poll");
  }
  StopIfOverdue();
  if (fds[0].revents != 0) HandleSignals();
  if (fds[1].revents != 0) ReadChild(&child_out_, true);
  if (fds[2].revents != 0) ReadChild(&child_err_, false);
  if (fds[3].revents != 0) ReadTerminal();
  return child_out_ >= 0 || child_err_ >= 0;
}

void Launcher::HandleSignals() {
  unsigned char sigs[64];
  ssize_t n = ::read(signal_pipe_[0], sigs, sizeof sigs);
  for (ssize_t i = 0; i < n; ++i) {
    if (sigs[i] == SIGWINCH) {
      SendColumns();
      if (editing_) {
        el_resize(el_);
        ShowAboveLine("");
      }
    } else if (sigs[i] == SIGINT) {
      if (!editing_) SendInterrupt();
    } else {  // SIGTERM, SIGHUP: the job ends with us
      child_->Signal(SIGTERM);
      state_ = State::kClosing;
    }
  }
}

// Keys: while a statement runs only Ctrl-C acts (the interrupt line; rank 0 answers with the
// cancelled statement's error, and keys typed ahead before it are dropped); everything else
// waits for the prompt, unseen. At the prompt they go to the editor (GetChar).
void Launcher::ReadTerminal() {
  char buffer[4096];
  ssize_t n = ::read(0, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {  // the terminal is gone: end the input as Ctrl-D would
    tty_open_ = false;
    child_->CloseStdin();
    state_ = State::kClosing;
    return;
  }
  for (ssize_t i = 0; i < n; ++i) {
    if (!editing_ && buffer[i] == '\x03') {  // no echo: it would land inside the bar
      typeahead_.clear();
      SendInterrupt();
    } else {
      typeahead_.push_back(buffer[i]);
    }
  }
}

void Launcher::ReadChild(int* fd, bool frames) {
  char buffer[65536];
  ssize_t n = ::read(*fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    *fd = -1;  // ChildProcess closes it
    if (frames) ShowText(frames_.Finish());
    return;
  }
  std::string_view data(buffer, static_cast<std::size_t>(n));
  if (!frames) {
    grace_.Feed(data, EndGrace::Now());
    ShowText(data);
    return;
  }
  for (const StreamEvent& e : frames_.Feed(data)) OnEvent(e);
}

void Launcher::OnEvent(const StreamEvent& event) {
  if (event.kind == StreamEvent::Kind::kText) {
    ShowText(event.text);
  } else if (event.kind_name == frontend::kWordsFrame) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < event.text.size()) {
      std::size_t sp = std::min(event.text.find(' ', pos), event.text.size());
      if (sp > pos) words.push_back(event.text.substr(pos, sp - pos));
      pos = sp + 1;
    }
    completer_.SetWords(std::move(words));
  } else if (event.kind_name == frontend::kPromptFrame) {
    prompt_ = event.text;
    HistEvent ev;
    for (const std::string& entry : statements_.TakeEntries(prompt_ == kMainPrompt)) {
      history(history_, &ev, H_ENTER, entry.c_str());
    }
    if (editing_) {  // shown again after an announcement: redraw, text held so far first
      std::string rest = std::exchange(held_text_, std::string());
      ShowAboveLine(rest.empty() || rest.back() == '\n' ? rest : rest + "\n");
    } else if (state_ == State::kWaiting) {
      state_ = State::kEditing;
    }
  }
}

// Output of the job: as it comes while no line is edited; above the edit line otherwise,
// whole lines at a time.
void Launcher::ShowText(std::string_view text) {
  if (!editing_) {
    WriteAll(display_, text);
    KeepPartialLine(text);
    return;
  }
  held_text_.append(text);
  std::size_t nl = held_text_.rfind('\n');
  if (nl == std::string::npos) return;
  std::string lines = held_text_.substr(0, nl + 1);
  held_text_.erase(0, nl + 1);
  ShowAboveLine(lines);
}

// The erase below clears the whole screen line the prompt is on, so an unfinished line shown
// before the prompt (partial_line_) is drawn again: completed by the text, or before the prompt.
void Launcher::ShowAboveLine(std::string_view text) {
  WriteAll(display_, EraseEditBlock());
  WriteAll(display_, partial_line_);
  WriteAll(display_, text);
  if (!text.empty()) partial_line_.clear();
  el_set(el_, EL_REFRESH);
}

// Rank 0 writes results from a writer thread and prompts from its main thread, so a prompt
// frame can come in the middle of a background result's line: what is on screen after the
// last line break (and after the last '\r', which redraws the line) is kept to draw again.
void Launcher::KeepPartialLine(std::string_view text) {
  const std::size_t nl = text.rfind('\n');
  if (nl != std::string_view::npos) {
    partial_line_.clear();
    text.remove_prefix(nl + 1);
  }
  const std::size_t cr = text.rfind('\r');
  if (cr != std::string_view::npos) {
    partial_line_.clear();
    text.remove_prefix(cr + 1);
  }
  partial_line_.append(text);
  constexpr std::size_t kMaxPartial = 1 << 16;  // a line this long wraps anyway: keep the end
  if (partial_line_.size() > kMaxPartial)
    partial_line_.erase(0, partial_line_.size() - kMaxPartial);
}

// Moves to the start of the prompt and clears from there down (the typed line may wrap).
std::string Launcher::EraseEditBlock() const {
  const LineInfo* li = el_line(el_);
  std::size_t before = Width(partial_line_) + Width(prompt_) +
                       Width(std::string_view(li->buffer, li->cursor - li->buffer));
  std::size_t up = before / TerminalColumns();
  std::string out = "\r";
  if (up > 0) out.append("\x1b[").append(std::to_string(up)).append("A");
  return out.append("\x1b[J");
}

// The next key for the editor: typed-ahead keys first, then the terminal, while the job's
// output keeps being shown.
bool Launcher::TakeKey(wchar_t* c) {
  if (typeahead_.empty()) return false;
  std::size_t n = std::mbrtowc(c, typeahead_.data(), typeahead_.size(), &key_state_);
  if (n == static_cast<std::size_t>(-2)) return false;  // a character cut short: wait
  if (n == static_cast<std::size_t>(-1) || n == 0) {    // not in the locale's encoding
    *c = static_cast<unsigned char>(typeahead_[0]);
    key_state_ = std::mbstate_t{};
    n = 1;
  }
  typeahead_.erase(0, n);
  return true;
}

int Launcher::GetChar(EditLine* el, wchar_t* c) {
  Launcher* self = From(el);
  while (!self->TakeKey(c)) {
    if (!self->tty_open_ || self->state_ == State::kClosing || !self->Pump(-1)) return 0;
  }
  return 1;
}

char* Launcher::PromptText(EditLine* el) { return From(el)->prompt_.data(); }

// Ctrl-C at the prompt: "^C" after the line, which ends it; the line is not sent (EditOneLine
// sends the interrupt line instead).
unsigned char Launcher::OnInterrupt(EditLine* el, int) {
  Launcher* self = From(el);
  self->interrupted_ = true;
  const LineInfo* li = el_line(el);
  el_cursor(el, static_cast<int>(li->lastchar - li->cursor));
  el_insertstr(el, "^C");
  el_push(el, "\n");
  return CC_REFRESH;
}

unsigned char Launcher::OnComplete(EditLine* el, int) { return From(el)->Complete(); }

unsigned char Launcher::Complete() {
  const LineInfo* li = el_line(el_);
  std::string before(li->buffer, li->cursor);
  Completion c = completer_.Complete(before);
  if (c.candidates.empty()) return CC_REFRESH_BEEP;
  std::string typed = before.substr(c.start);
  std::string insert = c.candidates.size() == 1 ? c.candidates[0] : CommonPrefix(c.candidates);
  bool whole = c.candidates.size() == 1;
  if (whole && !c.file) insert += " ";
  if (whole && c.file && !insert.ends_with('/') && (insert[0] == '\'' || insert[0] == '"')) {
    insert += insert[0];
  }
  if (insert.size() > typed.size() || (insert != typed && insert.size() >= typed.size())) {
    el_deletestr(el_, static_cast<int>(typed.size()));
    el_insertstr(el_, insert.c_str());
    return CC_REFRESH;
  }
  std::string list = "\n";  // nothing more in common: show the choices above the line
  std::size_t width = 0;
  for (const std::string& w : c.candidates) {
    if (width + w.size() + 2 > TerminalColumns() && width > 0) {
      list += "\n";
      width = 0;
    }
    list += w + "  ";
    width += w.size() + 2;
  }
  ShowAboveLine(list.append("\n"));
  return CC_NORM;
}

}  // namespace plume::launcher
