// plume-preprocess --synthetic: writes a deterministic AirNow-like data set (see
// synthetic_model.h for what it models) straight into partition files, streaming: rows are
// generated per partition and per parameter run in the partition's sort order and handed to
// the writer in buffers of at most `buffer_rows`, so memory does not grow with the row count.
// Single-threaded (serial HDF5). Throws std::runtime_error naming the file on write failures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/manifest.h"
#include "io/partition_writer.h"
#include "preprocess/utc_cuts.h"

namespace plume::preprocess {

inline constexpr std::uint64_t kDefaultSyntheticRows = 1167525;  // the real data set's size

struct SyntheticOptions {
  std::uint64_t rows = kDefaultSyntheticRows;
  std::uint64_t seed = 1;
  int partitions = 1;
  std::size_t buffer_rows = 65536;  // generator buffer handed to the writer
};

struct SyntheticStats {
  std::size_t peak_buffered_rows = 0;  // generator buffer + writer buffer, at most
  CutUnit cut = CutUnit::kUtc;         // where the partitions were cut
};

// "synthetic seed=S rows=N": the manifest and file source attribute.
std::string SyntheticSource(std::uint64_t seed, std::uint64_t rows);

// Writes options.partitions files into `dir` (which must exist) and returns the manifest (the
// caller writes it). Rows: the hour-major stream cut into disjoint utc ranges (utc_cuts.h: whole
// hours, whole UTC days when the balance allows), sorted inside by (parameter, utc, longitude,
// latitude, full_aqs_id): both like the CSV path.
// write.source is overwritten with SyntheticSource.
io::Manifest WriteSynthetic(const SyntheticOptions& options, const std::string& dir,
                            io::WriteOptions write, SyntheticStats* stats = nullptr);

}  // namespace plume::preprocess
