// Names inside a partition file, shared by the writer and the reader (docs/DATA.md shows the
// layout). One group per column, named as the column, under the root:
//   /<column>/values      float64 or int64, one per row       (numeric and timestamp columns)
//   /<column>/codes       uint32 codes into dict, one per row (string columns)
//   /<column>/dict        variable-length UTF-8 strings, sorted ascending, unique
//   /<column>/valid       uint8, 1 = value, 0 = NULL          (nullable columns only)
//   /<column>/zone_min, zone_max (float64), zone_nulls (uint32): one per kBlockRows rows
// Every dataset has a uint64 `checksum` attribute (io/checksum.h), verified on load.
#pragma once

#include <string_view>

namespace plume::io::format {

inline constexpr const char* kValues = "values";
inline constexpr const char* kCodes = "codes";
inline constexpr const char* kDict = "dict";
inline constexpr const char* kValid = "valid";
inline constexpr const char* kZoneMin = "zone_min";
inline constexpr const char* kZoneMax = "zone_max";
inline constexpr const char* kZoneNulls = "zone_nulls";

// Root attributes.
inline constexpr const char* kAttrSchemaVersion = "schema_version";
inline constexpr const char* kAttrRows = "rows";
inline constexpr const char* kAttrSource = "source";
inline constexpr const char* kAttrTable = "table";
inline constexpr const char* kAttrPartition = "partition";
inline constexpr const char* kAttrUtcMin = "utc_min";
inline constexpr const char* kAttrUtcMax = "utc_max";
inline constexpr const char* kAttrBlockRows = "block_rows";
// Column group attributes.
inline constexpr const char* kAttrType = "type";
inline constexpr const char* kAttrUnits = "units";
// Dataset attribute: XXH3-64 of the dataset's values (io/checksum.h).
inline constexpr const char* kAttrChecksum = "checksum";

// The units attribute of a column, or "" where none is meaningful.
std::string_view UnitsOf(std::string_view column);

}  // namespace plume::io::format
