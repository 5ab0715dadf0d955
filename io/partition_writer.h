// Writes one partition file of the measurements table, streaming: rows arrive in any number of
// Append calls and are written chunk by chunk, so memory stays bounded by the chunk size
// whatever the partition's size. Zone maps are computed per kBlockRows rows as chunks are
// written and stored in the file.
//
// Usage: PartitionWriter w(path, options, dicts); w.Append(t, 0, t.rows) ...; info = w.Finish();
// The file is written as "<path>.tmp" and renamed to `path` by Finish(), so a crashed or
// abandoned write never leaves a file that looks complete (the destructor deletes the temp).
// Single-threaded (serial HDF5): one writer at a time per process. Throws std::runtime_error
// naming the file on any HDF5 or file-system failure; std::invalid_argument on misuse.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/table.h"
#include "io/manifest.h"

namespace plume::io {

struct WriteOptions {
  std::size_t chunk_rows = 65536;  // HDF5 chunk length and write buffer; multiple of kBlockRows
  int deflate_level = 1;           // 0 = no deflate filter
  bool shuffle = true;             // byte shuffle before deflate (ignored without deflate)
  bool deflate_doubles = false;    // float64 columns unfiltered by default: see docs/DATA.md
  std::string source;              // the "source" attribute, e.g. "airnow-csv"
  int partition = 0;               // the "partition" attribute
};

class PartitionWriter {
 public:
  // `dicts[i]` is the sorted, unique dictionary of the i-th string column of engine::kSchema (in
  // schema order); the codes of every appended row refer to it.
  PartitionWriter(std::string path, WriteOptions options,
                  std::vector<std::vector<std::string>> dicts);
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;
  ~PartitionWriter();

  // Appends rows [begin, end) of `rows` (measurements columns in schema order; string columns
  // as codes into this writer's dictionaries; `dict` of `rows` is ignored).
  void Append(const engine::Table& rows, std::size_t begin, std::size_t end);
  // Writes what is buffered, the zone maps and the attributes, closes the file and renames it
  // into place. Returns the manifest entry (index from options.partition, file = base name).
  PartitionInfo Finish();

  std::size_t rows_written() const { return rows_; }
  // The largest number of rows this writer has held in memory at once (for streaming tests).
  std::size_t peak_buffered_rows() const { return peak_buffered_; }

 private:
  struct State;
  void Flush();
  void WriteZoneMaps(PartitionInfo* info);  // and the utc/aqi ranges of *info

  std::string path_;
  WriteOptions options_;
  std::unique_ptr<State> state_;
  engine::Table buffer_;
  std::vector<std::vector<engine::BlockStats>> zones_;  // per column
  std::size_t rows_ = 0;
  std::size_t peak_buffered_ = 0;
  bool finished_ = false;
};

}  // namespace plume::io
