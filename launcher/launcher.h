// The terminal side of the plume prompt: owns the terminal, runs the job (mpirun ... plume) in
// its own session and edits lines with libedit, talking to rank 0 over the launcher channel
// (ranks/frontend/launcher_protocol.h). What it guarantees a person at the terminal:
// - output that arrives while a line is being typed (a background statement's announcement)
//   is printed above the prompt, and the prompt and the typed line are redrawn under it;
// - while a statement runs (no prompt) nothing typed is echoed, so the progress bar stays
//   whole; the keys are kept and become the next input once the prompt is back (psql's
//   type-ahead); Ctrl-C sends the interrupt line at once (cancel), at the prompt it clears
//   the line and the pending statement;
// - Ctrl-L clears the screen and redraws the prompt; Tab completes (completer.h); history has
//   one entry per statement (statement_history.h), kept in the history file;
// - a resize is passed on as a columns line, so the table follows the terminal's width;
// - Ctrl-D at an empty prompt ends the job's input; Run returns the job's exit code;
// - with draw_on_tty, all of this is drawn on /dev/tty when standard output is not a terminal.
// - a job that has not ended `end_grace_s` after plume ended it is stopped (end_grace.h), and
//   Run returns 1.
// Main thread only; one Launcher per process (libedit callbacks find it through
// EL_CLIENTDATA, signals through a self-pipe).
#pragma once

#include <histedit.h>
#include <termios.h>

#include <cstdio>
#include <cwchar>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "launcher/child_process.h"
#include "launcher/completer.h"
#include "launcher/end_grace.h"
#include "launcher/frame_reader.h"
#include "launcher/statement_history.h"

namespace plume::launcher {

struct LauncherOptions {
  std::string history_file;          // "" or /dev/null: none kept
  bool draw_on_tty = false;          // draw on /dev/tty when stdout is not a terminal
  std::vector<std::string> command;  // the job, e.g. mpirun -n 6 ... plume --data DIR
  double end_grace_s = EndGrace::kDefaultSeconds;
};

class Launcher {
 public:
  // Starts the job. Throws std::runtime_error when stdin is not a terminal or libedit
  // cannot start, std::system_error when the job cannot be started.
  explicit Launcher(LauncherOptions options);
  ~Launcher();
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  int Run();

 private:
  enum class State { kWaiting, kEditing, kClosing };

  static int GetChar(EditLine* el, wchar_t* c);
  static char* PromptText(EditLine* el);
  static unsigned char OnInterrupt(EditLine* el, int key);
  static unsigned char OnComplete(EditLine* el, int key);

  bool Pump(int timeout_ms);
  void ReadTerminal();
  void ReadChild(int* fd, bool frames);
  void HandleSignals();
  void StopIfOverdue();
  void OnEvent(const StreamEvent& event);
  void ShowText(std::string_view text);
  void ShowAboveLine(std::string_view text);
  void KeepPartialLine(std::string_view text);
  std::string EraseEditBlock() const;
  bool TakeKey(wchar_t* c);
  void EditOneLine();
  void SendLine(const std::string& line);
  void SendInterrupt();
  void SendColumns();
  unsigned char Complete();
  void SetTerminal(const termios& mode);
  void OpenDisplay();
  void LoadHistory();

  LauncherOptions options_;
  termios saved_{}, cooked_{}, quiet_{};
  int signal_pipe_[2] = {-1, -1};
  std::unique_ptr<ChildProcess> child_;
  int child_out_ = -1, child_err_ = -1;
  int display_ = 1;               // the terminal: stdout, or /dev/tty when stdout is not one
  FILE* display_file_ = nullptr;  // the same for libedit
  EditLine* el_ = nullptr;
  History* history_ = nullptr;
  FrameReader frames_;
  EndGrace grace_;
  bool stopped_ = false;  // the end-grace stopped the job
  Completer completer_;
  StatementHistory statements_;
  State state_ = State::kWaiting;
  bool editing_ = false;      // inside el_gets
  bool interrupted_ = false;  // Ctrl-C ended the line being edited
  bool tty_open_ = true;
  std::string prompt_ = "plume> ";
  std::string typeahead_;  // keys not yet given to the editor
  std::mbstate_t key_state_{};
  std::string held_text_;     // output while editing, up to its next '\n'
  std::string partial_line_;  // output shown before the prompt after its last line break
};

}  // namespace plume::launcher
