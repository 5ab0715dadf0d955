// The manifest of a data set directory: which partition files exist, their row counts and
// value ranges. Written by plume-preprocess as DIR/manifest.json, read by every rank at start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plume::io {

struct PartitionInfo {
  int index = 0;     // 0-based partition number
  std::string file;  // file name relative to the data set directory
  std::uint64_t rows = 0;
  std::int64_t utc_min = 0;  // seconds since epoch, inclusive
  std::int64_t utc_max = 0;
  double aqi_min = 0, aqi_max = 0;  // over non-NULL AQI values
};

struct Manifest {
  std::uint32_t schema_version = 0;
  std::uint64_t total_rows = 0;
  std::string source;  // "airnow-csv" or "synthetic seed=S rows=N"
  std::vector<PartitionInfo> partitions;
};

// Reads DIR/manifest.json. Throws std::runtime_error naming the file and what is wrong
// (missing, unparsable, wrong schema version, row counts that do not add up).
Manifest ReadManifest(const std::string& dir);
// Writes DIR/manifest.json atomically (temp file + rename).
void WriteManifest(const std::string& dir, const Manifest& manifest);

}  // namespace plume::io
