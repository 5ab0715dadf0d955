// Window functions over one table (the gathered input of a window stage, engine/staged.h):
// rows sorted by PARTITION BY then ORDER BY keys, peers (equal ORDER BY keys) for rank and RANGE
// frames, ROWS frames by position. Private to engine/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql_ast.h"
#include "engine/table.h"

namespace plume::engine {

enum class WindowFn : std::uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kNtile,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kCountStar,
  kNowcast,  // EPA's PM NowCast over the trailing 12 hours of the ORDER BY timestamp
  kPercentRank,
  kCumeDist,
  kNthValue,  // the last: plan codecs check against it
};

std::optional<WindowFn> WindowByName(std::string_view name);
// The names WindowByName knows (for "did you mean" in errors).
std::vector<std::string> WindowFunctionNames();
// DuckDB's result type; throws std::invalid_argument when `fn` does not take `arg`.
Type WindowResultType(WindowFn fn, Type arg);

struct WindowKey {
  std::string column;  // a column of the table
  bool desc = false;
  bool nulls_first = false;
};

struct WindowCall {
  WindowFn fn = WindowFn::kRowNumber;
  std::string arg;         // the argument's column; empty for none
  std::int64_t param = 1;  // lag/lead offset, ntile buckets
  // lag/lead's default: a column of the argument's type (the default cast to it, per row) for
  // the rows whose offset row is outside the partition; empty: NULL.
  std::string fallback;
  // nth_value's n: a BIGINT column (the argument cast, per row, as DuckDB's); a NULL, zero or
  // negative n, or one past the frame, gives NULL.
  std::string nth;
  // lag/lead/first_value/last_value/nth_value: IGNORE NULLS (count only the non-NULL values).
  bool ignore_nulls = false;
  std::vector<std::string> partition;
  std::vector<WindowKey> order;
  // The frame, normalised: without ORDER BY the whole partition; with ORDER BY and no frame,
  // RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
  bool rows = false;
  bool groups = false;  // GROUPS: offsets count peer groups (rows is false)
  FrameBound start{FrameBound::Kind::kUnboundedPreceding, 0};
  FrameBound end{FrameBound::Kind::kCurrentRow, 0};
  FrameExclude exclude = FrameExclude::kNoOthers;
  std::string name;  // the result column's name in the table
  Type result = Type::kInt64;
};

// Appends one column per call to *table (named call.name, typed call.result), the value for
// every row. Throws std::runtime_error for a BIGINT sum out of range.
void ComputeWindows(const std::vector<WindowCall>& calls, Table* table);

// ComputeWindows in bounded units, so that a rank's loop can run it between its polls and drop
// it at a cancel or a deadline: each Step sorts one morsel of rows, merges one morsel of two
// sorted runs (a bottom-up merge sort), or evaluates one morsel of sorted rows (finding a
// partition's end, its peers and prefix sums, its values: resumed inside a partition, so a
// window without PARTITION BY is bounded too). A unit counts rows: min/max slide a monotonic
// deque over the frames (amortized O(1) a row, whatever the frame's width). `morsel_rows`: the
// unit (tests make it tiny to cross every boundary).
// Throws from Step what ComputeWindows throws.
class WindowComputation {
 public:
  static constexpr std::size_t kMorselRows = 16384;
  WindowComputation(std::vector<WindowCall> calls, Table table,
                    std::size_t morsel_rows = kMorselRows);
  ~WindowComputation();
  WindowComputation(const WindowComputation&) = delete;
  WindowComputation& operator=(const WindowComputation&) = delete;
  // One unit; false once every window is computed (then Take).
  bool Step();
  // The table with the windows' columns appended (zone maps rebuilt). Call once, after Step
  // returned false.
  Table Take();
  std::size_t steps() const { return steps_; }

 private:
  enum class Phase { kSortRuns, kMerge, kEvaluate, kDone };
  void Begin();  // the next call's sort keys and output column
  void SortRun();
  void Merge();
  void Evaluate();
  bool Less(std::uint32_t a, std::uint32_t b) const;

  std::vector<WindowCall> calls_;
  Table table_;
  std::size_t morsel_;
  std::size_t call_ = 0;  // the call being computed
  Phase phase_ = Phase::kSortRuns;
  std::vector<std::uint32_t> idx_, tmp_;  // row order; the merge's output
  std::size_t pos_ = 0;                   // kSortRuns, kEvaluate: the next row position
  // kMerge: runs of width_ merged pairwise into tmp_; the pair at [l_, le_) and [r_, re_).
  std::size_t width_ = 0, l_ = 0, le_ = 0, r_ = 0, re_ = 0, out_pos_ = 0;
  bool in_pair_ = false;
  std::vector<Column> added_;
  std::size_t steps_ = 0;
  struct Keys;  // the call's sort columns (pointers into table_)
  std::unique_ptr<Keys> keys_;
};

}  // namespace plume::engine
