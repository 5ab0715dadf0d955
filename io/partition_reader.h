// Loads one partition file into the engine's in-memory columnar Table.
#pragma once

#include <string>

#include "engine/table.h"

namespace plume::io {

// Reads every column, the dictionaries and the zone maps of the HDF5 partition at `path`, and
// checks the schema version and row counts. Throws std::runtime_error naming the file and what
// is wrong when it is missing, truncated, not a plume partition, or inconsistent.
// The zone maps are read from the file, not recomputed; a nullable column whose zone maps count
// no NULL gets an empty `valid` (the "no NULLs" form). Layout: docs/DATA.md.
// Blocking; not thread-safe (serial HDF5); called once per data rank at start.
engine::Table LoadPartition(const std::string& path);

}  // namespace plume::io
