// The job the launcher fronts (mpirun ... plume). At a terminal: started in its own session
// (setsid) so that no terminal signal reaches it, with pipes for its stdin, stdout and stderr.
// Piped (plume-launcher --pipe): stdin and stdout are the launcher's own, only stderr is a pipe
// (for EndGrace), and the job stays in the launcher's process group (Ctrl-C reaches mpirun as
// without a launcher). Owns the pipes and reaps the child; the destructor closes the pipes (it
// does not kill or wait). A descriptor not piped reads -1.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace plume::launcher {

// Writes all of `text` to `fd` (short writes and EINTR retried); false once a write fails.
bool WriteAll(int fd, std::string_view text);

enum class ChildMode { kTerminal, kPiped };

class ChildProcess {
 public:
  // Starts argv[0] (looked up on PATH). Throws std::system_error when the pipes or the fork
  // fail; a program that cannot be run exits 127 after saying why on its stderr.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        ChildMode mode = ChildMode::kTerminal);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  // Writes all of `text` to the child's stdin; false once the child no longer reads it.
  bool Send(const std::string& text);
  void CloseStdin();
  // Signals the child's whole session (mpirun and what it started); piped: the child only.
  void Signal(int sig) const;
  // Reaps the child if it has ended (WNOHANG); true once it has.
  bool Reap();
  bool ended() const { return ended_; }
  // The exit code as a shell gives it: the status, or 128 + the signal.
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  ChildMode mode_;
  int in_ = -1, out_ = -1, err_ = -1;
  bool ended_ = false;
  int exit_code_ = 1;
};

}  // namespace plume::launcher
