#include "ranks/reaper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace plume::ranks {
namespace {

// Notes which thread destroyed it and in which order; can hold its destructor until released.
struct Tracked {
  Tracked(int id, std::vector<int>* order, std::mutex* mu, std::thread::id* by,
          const std::atomic<bool>* hold = nullptr)
      : id_(id), order_(order), mu_(mu), by_(by), hold_(hold) {}
  ~Tracked() {
    while (hold_ != nullptr && hold_->load()) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(*mu_);
    order_->push_back(id_);
    *by_ = std::this_thread::get_id();
  }
  int id_;
  std::vector<int>* order_;
  std::mutex* mu_;
  std::thread::id* by_;
  const std::atomic<bool>* hold_;
};

TEST(Reaper, DestroysOffTheCallersThreadInTheOrderRetired) {
  std::vector<int> order;
  std::mutex mu;
  std::thread::id by;
  Reaper reaper;
  ASSERT_TRUE(reaper.threaded());
  for (int i = 0; i < 5; ++i) reaper.Retire(std::make_unique<Tracked>(i, &order, &mu, &by));
  reaper.Wait();
  EXPECT_EQ(reaper.pending(), 0u);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(by, std::this_thread::get_id());
}

TEST(Reaper, RetireReturnsWhileADestructorRuns) {
  std::vector<int> order;
  std::mutex mu;
  std::thread::id by;
  std::atomic<bool> hold{true};
  Reaper reaper;
  reaper.Retire(std::make_unique<Tracked>(1, &order, &mu, &by, &hold));
  const auto t = std::chrono::steady_clock::now();
  reaper.Retire(std::make_unique<Tracked>(2, &order, &mu, &by));
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(1));
  EXPECT_EQ(reaper.pending(), 2u) << "the first is being destroyed, the second waits";
  hold = false;
  reaper.Wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Reaper, DestructorFinishesWhatWasRetired) {
  std::vector<int> order;
  std::mutex mu;
  std::thread::id by;
  {
    Reaper reaper;
    for (int i = 0; i < 100; ++i) reaper.Retire(std::make_unique<Tracked>(i, &order, &mu, &by));
    reaper.Retire(std::unique_ptr<Tracked>());  // nothing to do
  }
  ASSERT_EQ(order.size(), 100u);
  EXPECT_EQ(order.back(), 99);
}

}  // namespace
}  // namespace plume::ranks
