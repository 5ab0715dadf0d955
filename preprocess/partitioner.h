// Splits staged rows into partition files: disjoint utc ranges balanced by row count (the rows
// in utc order, cut only where the utc value changes, at UTC days when the balance allows:
// utc_cuts.h), each sorted inside by (parameter, utc, longitude, latitude, full_aqs_id).
// Why: docs/DATA.md.
// Single-threaded (serial HDF5). Throws std::runtime_error naming the file on write failures.
#pragma once

#include <string>

#include "engine/table.h"
#include "io/manifest.h"
#include "io/partition_writer.h"
#include "preprocess/utc_cuts.h"

namespace plume::preprocess {

// "part-00003.h5".
std::string PartitionFileName(int index);

// Creates `dir` if needed and removes a previous manifest.json and part-*.h5 files, so the
// directory never holds a manifest that names files of another run. Throws on failure.
void PrepareOutputDir(const std::string& dir);

// Writes `partitions` files for the rows of `staged` (a RowStore table: dictionaries unsorted,
// full `valid` vectors) into `dir` and returns the manifest (the caller writes it last).
// options.source is copied into every file; options.partition is set per file. *unit (if
// given) receives where the partitions were cut.
io::Manifest WritePartitions(const engine::Table& staged, int partitions, const std::string& dir,
                             io::WriteOptions options, CutUnit* unit = nullptr);

}  // namespace plume::preprocess
