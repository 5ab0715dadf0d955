#include "ranks/reaper.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <system_error>
#include <utility>

namespace plume::ranks {

Reaper::Reaper() {
  try {
    thread_ = std::thread([this] { Loop(); });
  } catch (const std::system_error&) {
    // No thread: Retire destroys in the caller (the loop is then as slow as before, not wrong).
  }
}

Reaper::~Reaper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Reaper::Push(std::shared_ptr<void> object) {
  if (!thread_.joinable()) return;  // `object` is destroyed here, in the caller
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(object));
  }
  wake_.notify_one();
}

std::size_t Reaper::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + busy_;
}

void Reaper::Wait() const {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && busy_ == 0; });
}

// Destroys the queued objects one at a time outside the lock, so Retire never waits for a
// destructor; at stop it finishes the queue first.
void Reaper::Loop() {
  // Freeing is never urgent: as a batch thread at nice 19 it neither preempts the loop it was
  // woken by (a data rank about to send its Done) nor competes with the ranks for the cores
  // (6 ranks on 2 cores). Failure leaves the default priority, which is only slower.
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left
    std::shared_ptr<void> object = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    object.reset();
    lock.lock();
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_.notify_all();
  }
}

}  // namespace plume::ranks
