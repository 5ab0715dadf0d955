// Ending the job when plume decides to (a lost rank, a shutdown that cannot complete), so that
// it really ends: never a hang, never exit code 0.
//
// MPI_Abort asks mpirun to end every rank; mpirun then waits for every host's daemon to
// confirm, and the daemon of a host whose link went down never answers (measured: mpirun waited
// until its --timeout, exit code 0 or 110). So before it calls MPI_Abort, EndJob starts a
// watcher: a process of its own (forked, its own session, every descriptor closed, so mpirun's
// output forwarding never waits for it) that, if this rank's launcher (its parent: mpirun, or
// Open MPI's daemon on another host) is still running kEndGrace seconds later, says so on the
// launcher's stderr and stops it (SIGKILL: a SIGTERM during mpirun's abort crashed it), then
// this rank. The daemons still reachable end their ranks when mpirun's connection closes.
// Any thread may call these.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace plume::ranks {

// Seconds after MPI_Abort before the watcher stops the launcher (rank 0 on mpirun's host).
inline constexpr double kEndGrace = 3;

// Prints "plume: WHY; ending the job" on stderr and aborts every rank (MPI_Abort, exit code 1),
// with the watcher above.
[[noreturn]] void EndJob(const boost::mpi::communicator& world, const std::string& why);

// A deadline for a step that blocks inside MPI (a collective, MPI_Finalize): unless disarmed
// within `seconds`, its thread prints "plume: WHAT did not complete within S s (a rank stopped
// answering); ending the job" and ends the job as EndJob does (MPI_Abort from its own thread:
// the blocked step never returns to use MPI again).
class Deadline {
 public:
  Deadline(double seconds, std::string what);
  ~Deadline();  // disarms and joins
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void Disarm();

 private:
  std::mutex mu_;
  std::condition_variable done_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace plume::ranks
