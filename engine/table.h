// The in-memory columnar table of one partition: what io/ loads and the engine scans.
//
// Ownership: a Table owns all its column storage. It is built once (by io::LoadPartition or by
// tests), then only read; the engine never mutates it, so any number of queries may scan it.
// Nothing here blocks or throws except Validate().
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace plume::engine {

// Physical/logical column types. kTimestamp is seconds since 1970-01-01T00:00 UTC, kDate days
// since 1970-01-01 (only computed values are DATEs: CAST(utc AS DATE), DATE '...').
// kInt32 is DuckDB's INTEGER (the type of an integer literal within its range, and of INTEGER
// arithmetic): its values live in `ints` like BIGINT's and stay within INT32 (an arithmetic
// result beyond it is DuckDB's overflow error); only computed values are INTEGERs.
// DECIMAL(width, scale) is a Type value of its own per width and scale (DecimalType), so that
// two types are equal exactly when DuckDB's are; only computed values are DECIMALs.
// kHugeint is DuckDB's HUGEINT (128-bit integers: sum of an INTEGER or BIGINT, integer literals
// beyond BIGINT, CAST(x AS HUGEINT)); its values live in `wide` (Column and BatchColumn); only
// computed values are HUGEINTs.
enum class Type : std::uint16_t {
  kBool,
  kInt64,
  kFloat64,
  kTimestamp,
  kString,
  kDate,
  kInt32,
  kHugeint
};
inline constexpr Type kLastType = Type::kHugeint;

// DECIMAL(width, scale), 1 <= width <= 38, 0 <= scale <= width, as DuckDB's. Its values are
// held as value * 10^scale ("units"). Stored values (Column::ints, and every BatchColumn that
// leaves the expression evaluator) hold them in 64 bits, so a stored DECIMAL holds 18 digits of
// units (|v * 10^scale| <= INT64_MAX; beyond it is an error naming the expression,
// docs/SQL.md). Inside one expression a DECIMAL of width 19-38 may hold 128-bit units
// (BatchColumn::wide), so intermediate values, comparisons and casts are exact to 38 digits.
__extension__ typedef __int128 Int128;
inline constexpr int kMaxDecimalWidth = 38;
inline constexpr std::uint16_t kDecimalBase = 0x1000;
constexpr Type DecimalType(int width, int scale) {
  return static_cast<Type>(kDecimalBase + width * 64 + scale);
}
constexpr bool IsDecimal(Type t) { return static_cast<std::uint16_t>(t) >= kDecimalBase; }
constexpr int DecimalWidth(Type t) { return (static_cast<int>(t) - kDecimalBase) / 64; }
constexpr int DecimalScale(Type t) { return (static_cast<int>(t) - kDecimalBase) % 64; }
// Whether `code` is the value of a Type (the wire forms check what they read).
bool IsTypeCode(std::uint64_t code);
// Whether an integer is within INTEGER's range.
constexpr bool FitsInt32(std::int64_t v) {
  return v >= std::numeric_limits<std::int32_t>::min() &&
         v <= std::numeric_limits<std::int32_t>::max();
}
// BIGINT or INTEGER: the integer types.
constexpr bool IsInteger(Type t) { return t == Type::kInt64 || t == Type::kInt32; }
// Whether values of `type` live in `wide` (HUGEINT).
constexpr bool IsWidePhysical(Type t) { return t == Type::kHugeint; }
// Whether values of `type` live in `ints` (BIGINT, INTEGER, BOOLEAN, TIMESTAMP, DATE, DECIMAL).
constexpr bool IsIntPhysical(Type t) {
  return IsInteger(t) || t == Type::kBool || t == Type::kTimestamp || t == Type::kDate ||
         IsDecimal(t);
}

// "BOOLEAN", "BIGINT", "INTEGER", "DOUBLE", "TIMESTAMP", "VARCHAR", "DATE", "DECIMAL(3,2)"
std::string_view TypeName(Type type);

// Rows per zone-map block. Also the natural vector size of the executor.
inline constexpr std::size_t kBlockRows = 8192;

// Zone map of one block of one column: min/max over the block's non-NULL values (as doubles:
// exact for every int64 |x| < 2^53, which covers AQI, codes and timestamps). A block with no
// non-NULL value has min = +inf, max = -inf.
struct BlockStats {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::uint32_t nulls = 0;
};

// One column. Exactly one of the value vectors is used, chosen by `type`:
//   kInt64, kInt32, kTimestamp, kDate, kBool -> ints;   kFloat64 -> doubles; kHugeint -> wide;
//   kString -> codes into dict. dict is sorted ascending and unique, so comparing codes
//              compares strings, and zone maps over codes work for = < > on strings.
// valid: empty means "no NULLs"; otherwise one byte per row, 1 = value, 0 = NULL.
// blocks: one BlockStats per kBlockRows rows (the last block may be short).
struct Column {
  std::string name;
  Type type = Type::kInt64;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint32_t> codes;
  std::vector<std::string> dict;
  std::vector<std::uint8_t> valid;
  std::vector<BlockStats> blocks;
  std::vector<Int128> wide;  // kHugeint

  bool IsNull(std::size_t row) const { return !valid.empty() && valid[row] == 0; }
  std::size_t size() const;
};

// A partition: columns of equal length, in schema order (see schema.h).
struct Table {
  std::vector<Column> columns;
  std::size_t rows = 0;

  // Index of the column named `name`, or -1.
  int Find(std::string_view name) const;
  // Recomputes every column's zone maps from its values.
  void BuildZoneMaps();
  // Throws std::runtime_error naming the column when lengths, dictionary order, code ranges or
  // zone maps are inconsistent. Used by io/ after loading and by tests.
  void Validate() const;
};

// Throws std::runtime_error naming the column when its length, validity length, zone map count,
// dictionary order or code range is inconsistent with a table of `rows` rows (what Validate
// checks, for one column: io/ checks each column as it loads it).
void ValidateColumn(const Column& column, std::size_t rows);

}  // namespace plume::engine
