// The public schema of the one table, `measurements`. Column names and order are the public
// interface (SELECT * returns them in this order); io/ and preprocess/ write them in this order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/table.h"

namespace plume::engine {

inline constexpr std::string_view kTableName = "measurements";
inline constexpr std::uint32_t kSchemaVersion = 2;  // 2: checksums (docs/DATA.md)

struct ColumnSpec {
  std::string_view name;
  Type type;
  bool nullable;
};

// Indices into kSchema, for code that builds or reads tables by position.
enum class Col : int {
  kLatitude,
  kLongitude,
  kUtc,
  kParameter,
  kConcentration,
  kUnit,
  kRawConcentration,
  kAqi,
  kCategory,
  kSiteName,
  kAgency,
  kAqsId,
  kFullAqsId
};

inline constexpr std::array<ColumnSpec, 13> kSchema{{
    {"latitude", Type::kFloat64, false},
    {"longitude", Type::kFloat64, false},
    {"utc", Type::kTimestamp, false},
    {"parameter", Type::kString, false},
    {"concentration", Type::kFloat64, true},
    {"unit", Type::kString, false},
    {"raw_concentration", Type::kFloat64, true},
    {"aqi", Type::kInt64, true},
    {"category", Type::kInt64, true},
    {"site_name", Type::kString, false},
    {"agency", Type::kString, false},
    {"aqs_id", Type::kString, false},
    {"full_aqs_id", Type::kString, false},
}};

// Makes an empty Table with the measurements columns (names and types set, no rows).
Table MakeMeasurementsTable();

// One column of the table a plan reads: measurements (kSchema) or the gathered result of an
// earlier stage of a multi-stage statement (WITH, a subquery in FROM).
struct InputColumn {
  std::string name;
  Type type = Type::kInt64;
  bool nullable = true;
};

// kSchema as InputColumns (built once).
const std::vector<InputColumn>& MeasurementsInput();

}  // namespace plume::engine
