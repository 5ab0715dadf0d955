#include "launcher/child_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace plume::launcher {
namespace {

void MakePipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "plume-launcher: pipe");
  }
}

[[noreturn]] void RunChild(const std::vector<std::string>& argv, ChildMode mode, int in, int out,
                           int err) {
  if (mode == ChildMode::kTerminal) {
    ::setsid();
    ::dup2(in, 0);
    ::dup2(out, 1);
  }
  ::dup2(err, 2);
  std::signal(SIGPIPE, SIG_DFL);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "plume-launcher: Error: cannot run %s: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

}  // namespace

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, ChildMode mode) : mode_(mode) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2];
  if (mode == ChildMode::kTerminal) {
    MakePipe(in);
    MakePipe(out);
  }
  MakePipe(err);
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::system_error(errno, std::generic_category(), "plume-launcher: fork");
  }
  if (pid_ == 0) RunChild(argv, mode, in[0], out[1], err[1]);
  for (int fd : {in[0], out[1], err[1]}) {
    if (fd >= 0) ::close(fd);
  }
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
}

ChildProcess::~ChildProcess() {
  for (int fd : {in_, out_, err_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool ChildProcess::Send(const std::string& text) { return in_ >= 0 && WriteAll(in_, text); }

void ChildProcess::CloseStdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

void ChildProcess::Signal(int sig) const {
  if (!ended_) ::kill(mode_ == ChildMode::kTerminal ? -pid_ : pid_, sig);
}

bool ChildProcess::Reap() {
  if (ended_) return true;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return false;
  ended_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

}  // namespace plume::launcher
