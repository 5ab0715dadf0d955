// Destroys what a role loop retires on a thread of its own, so that freeing a big object never
// holds the loop: a finished statement's merge of millions of groups on rank 0, or a cancelled
// run's group table and sort runs on a data rank, is hundreds of MB of touched pages whose
// munmap alone took 64 ms at 1x and 330 ms at 10x in one call (docs/BENCHMARKS.md).
//
// Retire() hands over the only owner and returns at once (a mutex and a deque push). What is
// retired must not be used by the loop again and its destructor must touch nothing the loop
// still uses: engine objects qualify (a Merger shares its PlanData only through an atomic
// shared_ptr; an execution reads its Table but does not write it when destroyed). Objects are
// destroyed in the order retired. The thread runs as SCHED_BATCH at nice 19, so waking it
// never preempts the loop (woken threads preempt the running one under CFS: the first version
// made a data rank's Done wait for its own teardown again). When the thread cannot be started,
// Retire destroys at once, in the caller, as before. The destructor waits until everything retired
// is destroyed, then joins. Retire is called by one thread (the loop's); destructors of retired
// objects must not throw (they never do: C++ destructors are noexcept).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace plume::ranks {

class Reaper {
 public:
  Reaper();
  ~Reaper();
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  template <class T>
  void Retire(std::unique_ptr<T> object) {
    if (object) Push(std::shared_ptr<void>(std::move(object)));
  }
  // Objects retired and not yet destroyed (for tests and the loop's statistics).
  std::size_t pending() const;
  // Blocks until everything retired so far is destroyed (tests; shutdown).
  void Wait() const;
  // False when the thread could not be started (Retire then destroys in the caller).
  bool threaded() const { return thread_.joinable(); }

 private:
  void Push(std::shared_ptr<void> object);
  void Loop();

  mutable std::mutex mutex_;
  mutable std::condition_variable wake_, idle_;
  std::deque<std::shared_ptr<void>> queue_;
  std::size_t busy_ = 0;  // objects taken off the queue and being destroyed
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace plume::ranks
