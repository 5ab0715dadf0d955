// The stream form that partitions emit and leaders re-emit, and helpers shared by the executor
// and the merger: typed row comparison (ORDER BY), batch building and 128-bit sums.
// Private to engine/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/plan_data.h"

namespace plume::engine {

__extension__ typedef __int128 Int128;

// Stream columns. Plain SELECT: result_types (visible columns, then hidden ORDER BY ones).
// Aggregate: the group keys (their column types), then per aggregate its partial state, whose
// columns engine/aggregate.h (PartialTypes) defines and docs/PROTOCOL.md lists.
struct StreamLayout {
  std::vector<Type> types;
  std::vector<std::size_t> agg_first;  // first stream column of each aggregate
  std::size_t keys = 0;                // group key columns (aggregate plans)
};
StreamLayout MakeStreamLayout(const PlanData& plan);

// The exchange form of an aggregate plan (Merger stages kExchangeFinal/kExchangeGather): the
// result columns (visible, then hidden ORDER BY ones), then the group keys.
std::vector<Type> ExchangeTypes(const PlanData& plan);
// The sort order of the exchange form and of final results: ORDER BY, then the group keys
// ascending with NULLs last (they are result columns [result.size(), +keys) of the exchange form).
std::vector<SortKey> ExchangeOrder(const PlanData& plan);

// Appends the canonical bytes of a group-key value: 0 for NULL, else 1 and the value
// (8 bytes for BIGINT/TIMESTAMP/DOUBLE with -0.0 as 0.0 and one NaN, or a 4-byte length and
// the bytes for VARCHAR), little-endian. Equal keys have equal bytes.
void AppendKeyBytes(const BatchColumn& c, std::size_t row, std::string* out);

// Throws std::runtime_error when `batch` does not have the stream's column count and types.
void CheckStreamBatch(const StreamLayout& layout, const Batch& batch, const char* who);

inline std::int64_t High(Int128 v) { return static_cast<std::int64_t>(v >> 64); }
inline std::int64_t Low(Int128 v) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(v));
}
inline Int128 Join(std::int64_t high, std::int64_t low) {
  return (static_cast<Int128>(high) << 64) | static_cast<Int128>(static_cast<std::uint64_t>(low));
}

// Empty batch columns of the given types (valid vectors empty).
Batch EmptyBatch(const std::vector<Type>& types);
// Clears the `valid` vector of every column of `b` that holds no null.
void DropAllValid(Batch* b);
// Appends value `row` of column `f` to `t` (same type), which holds `to_rows` values; `t->valid`
// stays empty while every value is non-null.
void AppendValue(const BatchColumn& f, std::size_t row, std::size_t to_rows, BatchColumn* t);
// Appends row `row` of `from` to `to` (same column types); keeps `valid` consistent.
void AppendRow(const Batch& from, std::size_t row, Batch* to);
// Appends values [begin, end) of column `f` to `t` (same type), which holds `to_rows` values.
void AppendColumnRows(const BatchColumn& f, std::size_t begin, std::size_t end, std::size_t to_rows,
                      BatchColumn* t);
// Appends rows [begin, end) of `from` to `to` (same column types), column by column.
void AppendRows(const Batch& from, std::size_t begin, std::size_t end, Batch* to);
// Copies rows [begin, end) of `from` into a new batch.
Batch SliceBatch(const Batch& from, std::size_t begin, std::size_t end);
// Compares values of column a (row i) and column b (row j) of the same type; NULL > value.
int CompareValues(const BatchColumn& a, std::size_t i, const BatchColumn& b, std::size_t j);
// ORDER BY comparison of two rows of possibly different batches (same layout): < 0, 0, > 0.
int CompareRows(const std::vector<SortKey>& keys, const Batch& a, std::size_t i, const Batch& b,
                std::size_t j);

}  // namespace plume::engine
