// How long the launcher lets the job take to end once plume itself ended it. plume prints
// "plume: WHY; ending the job" on stderr and calls MPI_Abort; mpirun then waits for every
// host's daemon, and the daemon of a host whose link went down never answers (measured: until
// mpirun's --timeout, exit code 0 or 110). plume's own watcher stops mpirun when it is rank 0's
// parent (ranks/job_end.h); the launcher is the backstop for every other placement: `seconds`
// after that line, if the job is still running, it stops it (SIGKILL) and the launcher exits 1
// with a message. The seconds: $PLUME_END_GRACE (default kDefaultSeconds).
// Pure logic (a clock the caller passes); no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plume::launcher {

class EndGrace {
 public:
  static constexpr double kDefaultSeconds = 5;
  static constexpr std::string_view kEndingLine = "; ending the job";

  explicit EndGrace(double seconds) : seconds_(seconds) {}
  // kDefaultSeconds, or $PLUME_END_GRACE when it is a number >= 0.
  static double FromEnvironment();

  // The job's stderr as it comes (any cut); the clock starts at the first line ending in
  // kEndingLine.
  void Feed(std::string_view bytes, double now_s);
  bool armed() const { return deadline_s_.has_value(); }
  bool Expired(double now_s) const { return deadline_s_ && now_s >= *deadline_s_; }
  // Milliseconds until expiry for poll() (at least 0); -1 while not armed.
  int WaitMs(double now_s) const;
  // What the launcher prints when it stopped the job.
  std::string StoppedMessage() const;
  // The launcher's exit code: 1 when it stopped the job, and when plume ended the job but
  // mpirun's code says nothing of it (0, or a signal's: plume's watcher stopped mpirun);
  // else the job's code.
  int ExitCode(int job_code, bool stopped) const;
  // Seconds on a monotonic clock, for the `now_s` arguments.
  static double Now();

 private:
  double seconds_;
  std::string line_;  // the stderr line so far
  std::optional<double> deadline_s_;
};

}  // namespace plume::launcher
