// The job the launcher fronts (mpirun ... plume), started in its own session (setsid) so that
// no terminal signal reaches it, with pipes for its stdin, stdout and stderr. Owns the pipes
// and reaps the child; the destructor closes the pipes (it does not kill or wait).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace plume::launcher {

class ChildProcess {
 public:
  // Starts argv[0] (looked up on PATH). Throws std::system_error when the pipes or the fork
  // fail; a program that cannot be run exits 127 after saying why on its stderr.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  // Writes all of `text` to the child's stdin; false once the child no longer reads it.
  bool Send(const std::string& text);
  void CloseStdin();
  // Signals the child's whole session (mpirun and what it started).
  void Signal(int sig) const;
  // Reaps the child if it has ended (WNOHANG); true once it has.
  bool Reap();
  bool ended() const { return ended_; }
  // The exit code as a shell gives it: the status, or 128 + the signal.
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool ended_ = false;
  int exit_code_ = 1;
};

}  // namespace plume::launcher
