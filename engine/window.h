// Window functions over one table (the gathered input of a window stage, engine/staged.h):
// rows sorted by PARTITION BY then ORDER BY keys, peers (equal ORDER BY keys) for rank and RANGE
// frames, ROWS frames by position. Private to engine/.
#pragma once

#include <cstdint>
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
  std::vector<std::string> partition;
  std::vector<WindowKey> order;
  // The frame, normalised: without ORDER BY the whole partition; with ORDER BY and no frame,
  // RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
  bool rows = false;
  FrameBound start{FrameBound::Kind::kUnboundedPreceding, 0};
  FrameBound end{FrameBound::Kind::kCurrentRow, 0};
  std::string name;  // the result column's name in the table
  Type result = Type::kInt64;
};

// Appends one column per call to *table (named call.name, typed call.result), the value for
// every row. Throws std::runtime_error for a BIGINT sum out of range.
void ComputeWindows(const std::vector<WindowCall>& calls, Table* table);

}  // namespace plume::engine
