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
// kInt16, kInt8, kUInt8, kUInt16 and kUInt32 are DuckDB's SMALLINT, TINYINT, UTINYINT,
// USMALLINT and UINTEGER, held the same way (in `ints`, within their own range): only CASTs
// make them.
// DECIMAL(width, scale) is a Type value of its own per width and scale (DecimalType), so that
// two types are equal exactly when DuckDB's are; only computed values are DECIMALs.
// kHugeint is DuckDB's HUGEINT (128-bit integers: sum of an INTEGER or BIGINT, integer literals
// beyond BIGINT, CAST(x AS HUGEINT)); its values live in `wide` (Column and BatchColumn); only
// computed values are HUGEINTs.
// kUbigint is DuckDB's UBIGINT (UINT64, 0 .. 2^64-1: CAST(x AS UBIGINT)). Its values live in
// `wide` like HUGEINT's: 2^64-1 does not fit `ints`, and in `wide` every path that moves,
// compares, sorts or prints a HUGEINT (IsWidePhysical) serves it unchanged; only arithmetic,
// casts and typing tell the two apart. Only computed values are UBIGINTs.
enum class Type : std::uint16_t {
  kBool,
  kInt64,
  kFloat64,
  kTimestamp,
  kString,
  kDate,
  kInt32,
  kInt16,
  kInt8,
  kUInt8,
  kUInt16,
  kUInt32,
  kHugeint,
  kUbigint,
};
inline constexpr Type kLastType = Type::kUbigint;

// DECIMAL(width, scale), 1 <= width <= 38, 0 <= scale <= width, as DuckDB's. Its values are
// held as value * 10^scale ("units"): a DECIMAL of width 1-18 in 64 bits (`ints`), one of width
// 19-38 in 128 bits (`wide`, IsWideDecimal), as DuckDB's INT64 and INT128 decimals, so every
// DECIMAL holds its 38 digits wherever it goes. Inside one expression (expr_eval.cpp) a
// DECIMAL of width 19-38 is computed in 64 bits while its units fit them and in 128 from the
// first row that does not; every vector the evaluator returns holds it in `wide`.
__extension__ typedef __int128 Int128;
inline constexpr int kMaxDecimalWidth = 38;
inline constexpr Int128 kUbigintMax = (Int128{1} << 64) - 1;  // UBIGINT's largest value
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
// The integer types narrower than BIGINT: INTEGER, SMALLINT, TINYINT, UTINYINT, USMALLINT,
// UINTEGER (a value outside the type's range is DuckDB's overflow or conversion error).
constexpr bool IsNarrowInteger(Type t) {
  return t == Type::kInt32 || (t >= Type::kInt16 && t <= Type::kUInt32);
}
// BIGINT and the narrow integer types (not HUGEINT: its values are in `wide`).
constexpr bool IsInteger(Type t) { return t == Type::kInt64 || IsNarrowInteger(t); }
// HUGEINT and UBIGINT: the integers whose values live in `wide`.
constexpr bool IsWideInteger(Type t) { return t == Type::kHugeint || t == Type::kUbigint; }
// A DECIMAL whose units live in `wide`: width 19-38.
constexpr bool IsWideDecimal(Type t) { return IsDecimal(t) && DecimalWidth(t) > 18; }
// Whether values of `type` live in `wide` (HUGEINT, UBIGINT, DECIMAL of width 19-38): what moves,
// compares, hashes, sorts and encodes values (not what types or computes them) asks this.
constexpr bool IsWidePhysical(Type t) { return IsWideInteger(t) || IsWideDecimal(t); }
// The numbers: the integer types, DOUBLE, DECIMAL and the wide types.
constexpr bool IsNumeric(Type t) {
  return IsInteger(t) || t == Type::kFloat64 || IsDecimal(t) || IsWideInteger(t);
}
constexpr bool IsUnsigned(Type t) { return t >= Type::kUInt8 && t <= Type::kUInt32; }
// The smallest and largest value of an integer type.
constexpr std::int64_t IntegerMin(Type t) {
  return t == Type::kInt32   ? std::numeric_limits<std::int32_t>::min()
         : t == Type::kInt16 ? std::numeric_limits<std::int16_t>::min()
         : t == Type::kInt8  ? std::numeric_limits<std::int8_t>::min()
         : IsUnsigned(t)     ? 0
                             : std::numeric_limits<std::int64_t>::min();
}
constexpr std::int64_t IntegerMax(Type t) {
  return t == Type::kInt32    ? std::numeric_limits<std::int32_t>::max()
         : t == Type::kInt16  ? std::numeric_limits<std::int16_t>::max()
         : t == Type::kInt8   ? std::numeric_limits<std::int8_t>::max()
         : t == Type::kUInt8  ? std::numeric_limits<std::uint8_t>::max()
         : t == Type::kUInt16 ? std::numeric_limits<std::uint16_t>::max()
         : t == Type::kUInt32 ? std::numeric_limits<std::uint32_t>::max()
                              : std::numeric_limits<std::int64_t>::max();
}
// Whether v is within integer type t's range.
constexpr bool FitsInteger(Type t, std::int64_t v) {
  return v >= IntegerMin(t) && v <= IntegerMax(t);
}
// DuckDB's physical name of a type in its conversion and overflow errors: "INT8", "INT16",
// "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "INT128", "DOUBLE"; else the type's
// name.
std::string_view PhysicalName(Type type);
// Whether values of `type` live in `ints` (BIGINT, INTEGER, BOOLEAN, TIMESTAMP, DATE, DECIMAL of
// width 1-18).
constexpr bool IsIntPhysical(Type t) {
  return IsInteger(t) || t == Type::kBool || t == Type::kTimestamp || t == Type::kDate ||
         (IsDecimal(t) && !IsWideDecimal(t));
}

// "BOOLEAN", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UTINYINT", ..., "DOUBLE", "TIMESTAMP",
// "VARCHAR", "DATE", "DECIMAL(3,2)"
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

// What GROUP BY's dense keys need of an integer column (engine/group_by.cpp): the range of its
// non-NULL values and whether they all have one remainder modulo kGridStep (timestamps on the
// hour). Whoever fills a column piece by piece adds each piece (io::PartitionLoader), so no
// statement scans the whole column in one step (at 10x the two scans of a 2.3M-row utc were a
// 10-18 ms step of a data rank, for which a cancel waited); not `known`, the aggregator adds
// the whole column itself.
struct IntSummary {
  static constexpr std::int64_t kGridStep = 3600;
  bool known = false;
  bool any = false;  // a non-NULL value was added
  std::int64_t lo = 0, hi = 0;
  std::int64_t residue = 0;  // of the first non-NULL value, in [0, kGridStep)
  bool on_grid = true;       // every non-NULL value has that remainder

  // valid: nullptr when every value of the piece is non-NULL.
  void Add(const std::int64_t* values, const std::uint8_t* valid, std::size_t n);
};

// One column. Exactly one of the value vectors is used, chosen by `type`:
//   kInt64, the narrow integers, kTimestamp, kDate, kBool -> ints;   kFloat64 -> doubles;
//   kHugeint, kUbigint, DECIMAL of width 19-38 -> wide; DECIMAL of width 1-18 -> ints;
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
  std::vector<Int128> wide;  // IsWidePhysical types
  IntSummary summary;        // integer types; whoever changes `ints` after it is known resets it

  bool IsNull(std::size_t row) const { return !valid.empty() && valid[row] == 0; }
  std::size_t size() const;
};

// Builds the zone maps of blocks [first, first + count) of `c` from its values (bounded work for
// a caller that builds them in steps); first == 0 sizes c.blocks for all of its values.
void BuildZoneMaps(Column& c, std::size_t first, std::size_t count);

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
