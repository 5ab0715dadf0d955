#include "launcher/piped_run.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string_view>

#include "launcher/child_process.h"
#include "launcher/end_grace.h"

namespace plume::launcher {

int RunPiped(const std::vector<std::string>& command, double grace_s) {
  std::signal(SIGPIPE, SIG_IGN);
  ChildProcess child(command, ChildMode::kPiped);
  // Ctrl-C reaches mpirun through the process group and ends the job, as without a launcher;
  // the launcher stays to report how it ended (ignored after the fork: mpirun keeps its own).
  std::signal(SIGINT, SIG_IGN);
  EndGrace grace(grace_s);
  bool stopped = false;
  int err = child.stderr_fd();
  char buffer[65536];
  // Until the job ended and its stderr was read to the end (or stayed silent for a second after
  // the job ended: a process it left behind may hold the pipe).
  double ended_at = -1;
  while (true) {
    const double now = EndGrace::Now();
    if (ended_at < 0 && child.Reap()) ended_at = now;
    if (ended_at >= 0 && (err < 0 || now - ended_at > 1)) break;
    if (grace.Expired(now) && !stopped && ended_at < 0) {
      child.Signal(SIGKILL);
      stopped = true;
    }
    pollfd fd{err, POLLIN, 0};
    const int grace_ms = grace.WaitMs(now);
    const int wait_ms = err < 0 || stopped || ended_at >= 0 ? 10 : grace_ms < 0 ? 1000 : grace_ms;
    if (::poll(&fd, 1, wait_ms) <= 0 || err < 0) continue;
    const ssize_t n = ::read(err, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      err = -1;  // the job's stderr ended (ChildProcess closes the pipe)
      continue;
    }
    const std::string_view text(buffer, static_cast<std::size_t>(n));
    WriteAll(2, text);
    grace.Feed(text, EndGrace::Now());
  }
  if (stopped) WriteAll(2, grace.StoppedMessage());
  return grace.ExitCode(child.exit_code(), stopped);
}

}  // namespace plume::launcher
