// Loads one partition file into the engine's in-memory columnar Table.
#pragma once

#include <string>

#include "engine/table.h"
#include "io/manifest.h"

namespace plume::io {

// Reads every column, the dictionaries and the zone maps of the HDF5 partition at `path`, and
// checks the schema version, row counts, every dataset's checksum and that the zone maps are
// what the data gives. Throws std::runtime_error naming the file (and the column) and what is
// wrong when it is missing, truncated, corrupted, made by another plume-preprocess version, not
// a plume partition, or inconsistent: a file that loads gives the answers of an intact one.
// A nullable column whose zone maps count no NULL gets an empty `valid` (the "no NULLs" form).
// Layout: docs/DATA.md.
// Blocking; not thread-safe (serial HDF5); called once per data rank at start.
engine::Table LoadPartition(const std::string& path);

// As above, for partition `entry` of the data set `dir` described by `manifest`, and also checks
// that the file is that partition of that data set: its partition number, row count, utc range
// and source must equal the manifest's. A file copied in from another data set or another
// partition (an easy mistake when spreading partitions over hosts) would otherwise answer
// queries with the wrong rows. Throws std::runtime_error naming the file and both values.
engine::Table LoadPartition(const std::string& dir, const Manifest& manifest,
                            const PartitionInfo& entry);

}  // namespace plume::io
