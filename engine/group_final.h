// The final result of a GroupMerger's groups built in bounded steps (issue 12 item 2), so that
// the gateway (kFinal) and a data rank after a hash exchange (kExchangeFinal) keep their loops
// turning while a million groups are finalized. Each Step() does at most kStepGroups groups of
// one phase: final values, HAVING and the select-list expressions; the order words of one key
// column (strings: distinct values, their sort, their ranks); the sort entries; or one step of
// the bounded sort (engine/bounded_sort.h). Pop() then gathers the rows in order. The rows are
// exactly GroupMerger::Final's (which runs these steps at once). Private to engine/ (Merger).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/batch.h"
#include "engine/expr.h"
#include "engine/plan_data.h"

namespace plume::engine {

class GroupMerger;

class GroupFinal {
 public:
  static constexpr std::size_t kStepGroups = 32768;

  // `groups` must outlive this and take no more rows meanwhile. `exchange`: the exchange form.
  GroupFinal(const GroupMerger& groups, bool exchange);
  ~GroupFinal();
  GroupFinal(const GroupFinal&) = delete;
  GroupFinal& operator=(const GroupFinal&) = delete;

  // One bounded unit: about kStepGroups groups (or sort items) of work, over as many phases as
  // that covers (a small result is built in one call). False once the rows are in order
  // (ready()). Throws std::runtime_error for a value out of its type's range (an integer sum
  // beyond BIGINT).
  bool Step();
  bool ready() const { return phase_ == Phase::kReady; }
  // Moves up to max_rows (at least 1) next result rows into *out; false when none are left.
  // Only once ready().
  bool Pop(std::size_t max_rows, Batch* out);
  // Rows the result has (after HAVING, OFFSET and LIMIT), once ready().
  std::size_t rows() const { return order_.size() - pos_begin_; }
  std::size_t memory_bytes() const;

  // A group's order words inline (up to four: two key columns, or one wide one, without ORDER
  // BY), so that sorting moves contiguous memory; the group index breaks no tie (the keys are
  // unique) but makes the order total.
  struct Entry {
    std::uint64_t w[4];
    std::size_t group;
    bool operator<(const Entry& o) const;
  };
  struct IndexLess;  // the order of two group indices (more keys, or ORDER BY)

 private:
  enum class Phase { kSlots, kWords, kEntries, kSort, kReady };
  // Per string key column: its distinct values, sorted in steps, then their ranks.
  enum class Strings { kCollect, kSort, kRank, kWords };
  void OneStep();  // one step of the current phase; adds what it did to work_
  void SlotsStep();
  int KeyOfColumn(std::size_t k) const;
  void ReserveAll();
  void WordsStep();
  bool StringWordsStep(std::size_t column);
  void EntriesStep();
  void SortStep();
  void StartSort();
  bool IndexBefore(std::size_t x, std::size_t y) const;

  const GroupMerger& g_;
  bool exchange_;
  bool trailing_keys_;  // the group keys after the result columns (ORDER BY ties, exchange)
  std::size_t groups_;  // of g_
  std::size_t keep_;    // LIMIT + OFFSET (all groups without LIMIT)
  Phase phase_ = Phase::kSlots;
  std::size_t next_ = 0;  // the next group (or item) of the phase
  std::size_t work_ = 0;  // groups or items handled so far (all phases)
  std::vector<Type> slot_types_;
  std::vector<std::unique_ptr<ExprEvaluator>> post_, having_;
  Batch all_;                         // every group: result columns (+ trailing keys)
  std::vector<std::size_t> kept_;     // the groups HAVING kept
  std::size_t width_ = 0;             // order words per group (no ORDER BY: 2 per key, 3 if wide)
  std::vector<std::size_t> word_at_;  // per key column its first order word
  // Per group its width_ order words (per key column a NULL flag and a value word, two if
  // wide). From calloc, so millions of groups' words are mapped zeroed, not cleared in one call
  // (a vector's assign took 122 ms at 3.2M groups, 10x data).
  struct FreeWords {
    void operator()(std::uint64_t* p) const;
  };
  std::unique_ptr<std::uint64_t[], FreeWords> words_;
  std::size_t words_size_ = 0;
  void FreeWordArray() {
    words_.reset();
    words_size_ = 0;
  }
  std::size_t word_column_ = 0;  // the key column whose words are being made
  Strings strings_ = Strings::kCollect;
  std::unordered_map<std::string_view, std::uint64_t> rank_;
  std::vector<std::string_view> distinct_;
  struct StringSort;
  std::unique_ptr<StringSort> string_sort_;
  std::vector<Entry> entries_;
  struct Sorter;
  std::unique_ptr<Sorter> sorter_;
  std::size_t sort_items_ = 0;       // what sorter_ sorts
  std::vector<SortKey> order_keys_;  // with ORDER BY: it, then the group keys
  std::vector<std::size_t> order_;   // groups in output order (LIMIT applied)
  std::size_t pos_begin_ = 0;        // OFFSET rows skipped (not in the exchange form)
  std::size_t pos_ = 0;              // the next row of order_ to pop
};

}  // namespace plume::engine
