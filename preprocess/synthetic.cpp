#include "preprocess/synthetic.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "engine/schema.h"
#include "preprocess/partitioner.h"
#include "preprocess/synthetic_model.h"
#include "preprocess/utc_cuts.h"

namespace plume::preprocess {

std::string SyntheticSource(std::uint64_t seed, std::uint64_t rows) {
  return "synthetic seed=" + std::to_string(seed) + " rows=" + std::to_string(rows);
}

namespace {

void ClearRows(engine::Table* t) {
  for (engine::Column& c : t->columns) {
    c.ints.clear();
    c.doubles.clear();
    c.codes.clear();
    c.valid.clear();
  }
  t->rows = 0;
}

// Streams rows [lo, hi) of the hour-major stream into `writer`, one parameter at a time so the
// writer receives them already sorted by (parameter, utc, longitude, ...).
void StreamPartition(SyntheticModel& model, std::uint64_t lo, std::uint64_t hi,
                     std::size_t buffer_rows, io::PartitionWriter* writer) {
  const std::uint64_t per_hour = model.pairs_per_hour();
  engine::Table buffer = engine::MakeMeasurementsTable();
  auto flush = [&] {
    writer->Append(buffer, 0, buffer.rows);
    ClearRows(&buffer);
  };
  if (lo >= hi) return;
  for (std::size_t param = 0; param < kSyntheticParameters; ++param) {
    for (std::uint64_t hour = lo / per_hour; hour <= (hi - 1) / per_hour; ++hour) {
      const std::uint64_t first = hour * per_hour;
      for (std::uint32_t pos : model.PairsOf(param)) {
        const std::uint64_t row = first + pos;
        if (row < lo || row >= hi) continue;
        model.AppendRow(pos, hour, &buffer);
        if (buffer.rows == buffer_rows) flush();
      }
    }
  }
  if (buffer.rows > 0) flush();
}

// The stream's utc runs: every hour holds pairs_per_hour rows, the last one what is left.
std::vector<UtcRun> HourRuns(std::uint64_t rows, std::uint64_t per_hour) {
  std::vector<UtcRun> runs;
  for (std::uint64_t hour = 0; hour * per_hour < rows; ++hour) {
    runs.push_back({SyntheticModel::HourUtc(hour), std::min(per_hour, rows - hour * per_hour)});
  }
  return runs;
}

}  // namespace

io::Manifest WriteSynthetic(const SyntheticOptions& options, const std::string& dir,
                            io::WriteOptions write, SyntheticStats* stats) {
  if (options.partitions < 1) throw std::invalid_argument("partitions must be at least 1");
  if (options.buffer_rows == 0) throw std::invalid_argument("buffer_rows must be positive");
  SyntheticModel model(options.seed);
  write.source = SyntheticSource(options.seed, options.rows);
  io::Manifest manifest;
  manifest.schema_version = engine::kSchemaVersion;
  manifest.source = write.source;
  const UtcCuts cuts =
      CutUtcRuns(HourRuns(options.rows, model.pairs_per_hour()), options.partitions);
  if (stats != nullptr) stats->cut = cuts.unit;
  const auto parts = static_cast<std::uint64_t>(options.partitions);
  for (std::uint64_t p = 0; p < parts; ++p) {
    write.partition = static_cast<int>(p);
    const std::string path =
        (std::filesystem::path(dir) / PartitionFileName(write.partition)).string();
    io::PartitionWriter writer(path, write, model.Dictionaries());
    StreamPartition(model, cuts.starts[p], cuts.starts[p + 1], options.buffer_rows, &writer);
    if (stats != nullptr) {
      stats->peak_buffered_rows =
          std::max(stats->peak_buffered_rows, options.buffer_rows + writer.peak_buffered_rows());
    }
    manifest.partitions.push_back(writer.Finish());
    manifest.total_rows += manifest.partitions.back().rows;
  }
  return manifest;
}

}  // namespace plume::preprocess
