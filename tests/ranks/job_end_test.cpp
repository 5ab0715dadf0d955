// ranks/job_end.h's Deadline: its thread waits on a condition variable that Disarm (or the
// destructor) signals from the caller's thread. Disarmed in time it never fires (firing would
// end this process through MPI_Abort) and Disarm returns at once, not at the limit; the tsan
// step runs this (docs/TESTING.md).
#include "ranks/job_end.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace plume::ranks {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(Deadline, DisarmedInTimeReturnsAtOnceAndNeverFires) {
  const auto start = std::chrono::steady_clock::now();
  {
    Deadline d(600, "a step that completes");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // its thread is waiting
    d.Disarm();
    d.Disarm();  // twice: nothing more
  }
  {
    Deadline d(600, "a step whose Deadline is destroyed armed");  // the destructor disarms
  }
  EXPECT_LT(SecondsSince(start), 60) << "Disarm waited for the limit";
}

TEST(Deadline, DisarmedFromAnotherThread) {
  const auto start = std::chrono::steady_clock::now();
  Deadline d(600, "a step disarmed by another thread");
  std::thread other([&d] { d.Disarm(); });
  other.join();
  EXPECT_LT(SecondsSince(start), 60);
}

}  // namespace
}  // namespace plume::ranks
