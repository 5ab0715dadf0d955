// Sorting in bounded steps (issue 12 item 2), for work that must not sort a whole result in one
// call (the final merge of many groups on the gateway or after an exchange): each Step() either
// sorts one run of at most kStepItems items or emits at most kStepItems items of a pairwise
// merge of two sorted runs. `less` must be a strict total order (callers break ties by an
// index), so the result is exactly that of one std::sort. Only the first `keep` items are kept
// (top-k: every run and every merge is cut there; a small k keeps one running top-k, so that
// nothing is left to merge). Private to engine/. Single-threaded; nothing blocks or throws
// besides std::bad_alloc.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

namespace plume::engine {

template <class T, class Less>
class BoundedSort {
 public:
  static constexpr std::size_t kStepItems = 32768;

  BoundedSort(std::vector<T> items, std::size_t keep, Less less)
      : keep_(std::min(keep, items.size())), less_(std::move(less)), input_(std::move(items)) {}
  BoundedSort(const BoundedSort&) = delete;
  BoundedSort& operator=(const BoundedSort&) = delete;

  // One bounded unit of work; false once sorted (then Take()).
  bool Step() {
    if (next_ < input_.size()) {
      SortRun();
      return true;
    }
    if (merging_ || runs_.size() > 1) {
      MergeStep();
      return true;
    }
    return false;
  }
  // The first `keep` items in order. Only once Step() returned false.
  std::vector<T> Take() {
    if (runs_.empty()) return {};
    std::vector<T> out = std::move(runs_.front());
    runs_.clear();
    return out;
  }
  std::size_t memory_bytes() const {
    std::size_t items = input_.capacity() + a_.capacity() + b_.capacity() + out_.capacity();
    for (const auto& r : runs_) items += r.capacity();
    return sizeof(T) * items;
  }

 private:
  void SortRun() {
    const auto from = input_.begin() + static_cast<std::ptrdiff_t>(next_);
    const std::size_t end = std::min(input_.size(), next_ + kStepItems);
    std::vector<T> run(from, input_.begin() + static_cast<std::ptrdiff_t>(end));
    next_ = end;
    if (next_ == input_.size()) input_ = {};
    if (keep_ * 16 < kStepItems && !runs_.empty()) {  // a small top-k: one running top-k
      std::vector<T>& best = runs_.back();
      best.insert(best.end(), run.begin(), run.end());
      Cut(&best);
      return;
    }
    Cut(&run);
    runs_.push_back(std::move(run));
  }
  void Cut(std::vector<T>* run) const {
    const std::size_t k = std::min(keep_, run->size());
    if (k < run->size()) {
      std::partial_sort(run->begin(), run->begin() + static_cast<std::ptrdiff_t>(k), run->end(),
                        less_);
      run->resize(k);
    } else {
      std::sort(run->begin(), run->end(), less_);
    }
  }
  // Emits up to kStepItems items of the merge of a_ and b_; a finished merge becomes a run.
  void MergeStep() {
    if (!merging_) {
      a_ = std::move(runs_.front());
      runs_.pop_front();
      b_ = std::move(runs_.front());
      runs_.pop_front();
      ia_ = ib_ = 0;
      out_.clear();
      out_.reserve(std::min(keep_, a_.size() + b_.size()));
      merging_ = true;
    }
    const std::size_t want = std::min(keep_, a_.size() + b_.size());
    const std::size_t stop = std::min(want, out_.size() + kStepItems);
    while (out_.size() < stop) {
      if (ib_ == b_.size() || (ia_ < a_.size() && less_(a_[ia_], b_[ib_]))) {
        out_.push_back(std::move(a_[ia_++]));
      } else {
        out_.push_back(std::move(b_[ib_++]));
      }
    }
    if (out_.size() < want) return;
    runs_.push_back(std::move(out_));
    out_ = {};
    a_ = {};
    b_ = {};
    merging_ = false;
  }

  std::size_t keep_;
  Less less_;
  std::vector<T> input_;  // the unsorted items
  std::size_t next_ = 0;  // the next run of input_ to sort
  std::deque<std::vector<T>> runs_;
  std::vector<T> a_, b_, out_;  // the merge under way
  std::size_t ia_ = 0, ib_ = 0;
  bool merging_ = false;
};

}  // namespace plume::engine
