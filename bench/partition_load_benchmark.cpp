// Time to load one of 5 partitions into an engine::Table (target: < 100 ms on 2 cores), per
// compression setting: args {L, D}: L = 0 no filter, L > 0 shuffle +
// deflate level L; D = 0 leaves the float64 columns unfiltered.
// Data: the default synthetic set (1,167,525 rows), and the real AirNow files when present.
// Run: build-*/bench/partition_load_benchmark  (prints ms per load, MB/s of column data)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <string>

#include "engine/table.h"
#include "io/manifest.h"
#include "io/partition_reader.h"
#include "preprocess/ingest.h"
#include "preprocess/partitioner.h"
#include "preprocess/synthetic.h"

namespace {

namespace fs = std::filesystem;
namespace pp = plume::preprocess;

std::string BenchDir(const std::string& name) {
  return (fs::temp_directory_path() / ("plume-load-bench-" + name)).string();
}

// Writes (once per process) the data set `kind` ("synthetic" or "airnow") with deflate `level`
// into a temp directory; returns "" when the real files are absent.
// The data set directories made by this process, removed at exit.
struct MadeDirs {
  std::map<std::string, std::string> dirs;
  ~MadeDirs() {
    std::error_code ignored;
    for (const auto& [key, dir] : dirs) {
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  }
};

std::string DataSet(const std::string& kind, int level, bool deflate_doubles) {
  static MadeDirs made_dirs;
  std::map<std::string, std::string>& made = made_dirs.dirs;
  const std::string key = kind + "-d" + std::to_string(level) + (deflate_doubles ? "" : "-raw");
  if (auto it = made.find(key); it != made.end()) return it->second;
  const std::string dir = BenchDir(key);
  plume::io::WriteOptions options;
  options.deflate_level = level;
  options.deflate_doubles = deflate_doubles;
  pp::PrepareOutputDir(dir);
  plume::io::Manifest m;
  if (kind == "airnow") {
    if (!fs::is_directory(PLUME_AIRNOW_DIR)) return made[key] = "";
    const pp::IngestResult r = pp::IngestFiles(pp::CollectCsvFiles({PLUME_AIRNOW_DIR}), 2);
    options.source = "airnow-csv";
    m = pp::WritePartitions(r.rows.table(), 5, dir, options);
  } else {
    pp::SyntheticOptions s;
    s.partitions = 5;
    m = pp::WriteSynthetic(s, dir, options);
  }
  plume::io::WriteManifest(dir, m);
  return made[key] = dir;
}

std::size_t ColumnBytes(const plume::engine::Table& t) {
  std::size_t bytes = 0;
  for (const auto& c : t.columns) {
    bytes += c.ints.size() * 8 + c.doubles.size() * 8 + c.codes.size() * 4 + c.valid.size();
  }
  return bytes;
}

void LoadOne(benchmark::State& state, const std::string& kind) {
  const int level = static_cast<int>(state.range(0));
  const std::string dir = DataSet(kind, level, state.range(1) != 0);
  if (dir.empty()) {
    state.SkipWithError("real AirNow files absent (PLUME_AIRNOW_DIR)");
    return;
  }
  const std::string path = (fs::path(dir) / pp::PartitionFileName(2)).string();
  std::size_t rows = 0, bytes = 0;
  for (auto _ : state) {
    plume::engine::Table t = plume::io::LoadPartition(path);
    rows = t.rows;
    bytes = ColumnBytes(t);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["file_MB"] = static_cast<double>(fs::file_size(path)) / 1e6;
}

void BM_LoadSyntheticPartition(benchmark::State& state) { LoadOne(state, "synthetic"); }
void BM_LoadAirNowPartition(benchmark::State& state) { LoadOne(state, "airnow"); }

// Args: {deflate level (0 = no filter), deflate the float64 columns too (1) or not (0)}.
BENCHMARK(BM_LoadSyntheticPartition)
    ->ArgsProduct({{0, 1, 4}, {1}})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadAirNowPartition)
    ->ArgsProduct({{0, 1, 4}, {1}})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
