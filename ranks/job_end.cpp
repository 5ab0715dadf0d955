#include "ranks/job_end.h"

#include <fcntl.h>
#include <mpi.h>
#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

extern char** environ;

namespace plume::ranks {
namespace {

// The launchers whose abort may wait for a host out of reach: mpirun and Open MPI's daemons.
// Anything else (a shell, for a plume started without mpirun) is never stopped.
bool IsLauncher(const std::string& comm) {
  for (std::string_view name : {"mpirun", "mpiexec", "orterun", "orted", "prterun", "prted"}) {
    if (comm == name) return true;
  }
  return false;
}

std::string CommOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

// The watcher of job_end.h, as a small shell script in a session of its own (posix_spawn: no
// fork handlers run in this MPI process), stdin/stdout/stderr on /dev/null and no other
// descriptor of this rank. Once per process.
void StartWatcher() {
  static std::atomic<bool> started{false};
  if (started.exchange(true)) return;
  const pid_t self = ::getpid();
  const pid_t launcher = ::getppid();
  const std::string launcher_comm = CommOf(launcher);
  const std::string self_comm = CommOf(self);
  if (!IsLauncher(launcher_comm)) return;
  char grace[32];
  std::snprintf(grace, sizeof grace, "%g", kEndGrace);
  const std::string message = std::string("plume: mpirun had not ended the job ") + grace +
                              " s after plume ended it (a host out of reach: its daemon cannot "
                              "confirm); stopped it (SIGKILL to " +
                              launcher_comm + ", pid " + std::to_string(launcher) + ")";
  static const char kScript[] =
      "sleep \"$1\"\n"
      "if [ \"$(cat /proc/$2/comm 2>/dev/null)\" = \"$3\" ]; then\n"
      "  printf '%s\\n' \"$4\" >>/proc/$2/fd/2; kill -KILL \"$2\"\n"
      "fi\n"
      "[ \"$(cat /proc/$5/comm 2>/dev/null)\" = \"$6\" ] && kill -KILL \"$5\"\n";
  const std::string launcher_pid = std::to_string(launcher), self_pid = std::to_string(self);
  const char* argv[] = {"sh",
                        "-c",
                        kScript,
                        "plume-end-watcher",
                        grace,
                        launcher_pid.c_str(),
                        launcher_comm.c_str(),
                        message.c_str(),
                        self_pid.c_str(),
                        self_comm.c_str(),
                        nullptr};
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&files);
  for (int fd = 0; fd < 3; ++fd) {
    posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  posix_spawn_file_actions_addclosefrom_np(&files, 3);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = 0;
  ::posix_spawn(&pid, "/bin/sh", &files, &attr, const_cast<char* const*>(argv), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
}

[[noreturn]] void AbortJob() {
  StartWatcher();
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();  // MPI_Abort does not return; this only keeps [[noreturn]] true
}

}  // namespace

void EndJob(const boost::mpi::communicator& world, const std::string& why) {
  std::fprintf(stderr, "plume: %s; ending the job\n", why.c_str());
  std::fflush(stderr);
  StartWatcher();
  world.abort(1);
  std::abort();
}

Deadline::Deadline(double seconds, std::string what) {
  thread_ = std::thread([this, seconds, what = std::move(what)] {
    std::unique_lock<std::mutex> lock(mu_);
    const auto limit = std::chrono::duration<double>(seconds);
    if (done_.wait_for(lock, limit, [this] { return disarmed_; })) return;
    std::fprintf(stderr,
                 "plume: %s did not complete within %g s (a rank stopped answering); ending "
                 "the job\n",
                 what.c_str(), seconds);
    std::fflush(stderr);
    AbortJob();
  });
}

void Deadline::Disarm() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    disarmed_ = true;
  }
  done_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Deadline::~Deadline() { Disarm(); }

}  // namespace plume::ranks
