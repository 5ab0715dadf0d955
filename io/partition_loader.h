// Loads the columns of one partition file into an engine::Table lazily, column by column and in
// bounded pieces, so that a data rank is ready as soon as the file is opened and checked, and
// loads (and verifies) only the columns a statement needs, the first time one needs them
// (docs/DATA.md, "Lazy columns"). io::LoadPartition is this loader with every column wanted.
//
// Trust: nothing of a column is visible before all of it is checked. While a column is not
// Loaded() its values, validity and zone maps are empty (the engine refuses to bind a column
// whose length differs from the table's rows); once its last piece is read, its datasets'
// checksums (XXH3, io/checksum.h), its zone maps against its data and its codes against its
// dictionary are verified, then it is marked loaded. Dictionaries are read and verified
// (checksum, sorted and unique) when the loader opens the file: the planner's estimates need
// their sizes at start-up.
//
// Owned by one data rank; single-threaded (serial HDF5). The Table lives as long as the loader
// and never moves; columns only fill in, so a Column reference taken once it is loaded stays
// valid. Step() does at most kStepRows rows of one column (one HDF5 chunk by default: ~1 ms):
// reads them (the column is reserved, not zero-filled, when its load begins), or checks their
// zone maps after the column's checksums were verified; a last step validates the column.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "engine/table.h"
#include "io/manifest.h"

namespace plume::io {

class PartitionLoader {
 public:
  static constexpr std::size_t kStepRows = 65536;

  // Opens `path` and checks what LoadPartition checks before the columns: a readable HDF5 file,
  // a plume partition of this format version with a row count, and reads the dictionaries.
  // Throws std::runtime_error naming the file and what is wrong.
  explicit PartitionLoader(const std::string& path);
  // As above for partition `entry` of the data set `dir`, and checks that the file is that
  // partition (number, rows, utc range, source as the manifest says).
  PartitionLoader(const std::string& dir, const Manifest& manifest, const PartitionInfo& entry);
  ~PartitionLoader();
  PartitionLoader(const PartitionLoader&) = delete;
  PartitionLoader& operator=(const PartitionLoader&) = delete;

  engine::Table& table();
  const engine::Table& table() const;

  // `column` is a schema index (engine::kSchema order); std::out_of_range beyond it.
  bool Loaded(std::size_t column) const;
  // Queues `column` for loading unless it is loaded or queued already.
  void Want(std::size_t column);
  // The column the next Step() works on, or -1 when nothing is queued.
  int Next() const;
  // Loads the next piece of the first queued column; after its last piece, checks the column in
  // steps and marks it loaded. Returns false when nothing is queued. Throws std::runtime_error
  // naming the file and the column when the column is corrupted or inconsistent; that column is
  // then dropped (neither loaded nor queued): wanting it again reads and checks it again.
  bool Step();
  // Step() until nothing is queued (blocking).
  void LoadQueued();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plume::io
