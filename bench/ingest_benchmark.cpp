// Ingest throughput: the 516 real AirNow files (181 MB) read and parsed with 1 and 2 threads,
// and the whole CSV -> partitions path (target: all files in < 10 s on 2 cores); synthetic
// generation into 5 partitions. Prints rows/s and MB/s.
// Run: build-*/bench/ingest_benchmark
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "io/manifest.h"
#include "preprocess/ingest.h"
#include "preprocess/partitioner.h"
#include "preprocess/synthetic.h"

namespace {

namespace fs = std::filesystem;
namespace pp = plume::preprocess;

const std::vector<std::string>* RealFiles() {
  static const std::vector<std::string> files = [] {
    return fs::is_directory(PLUME_AIRNOW_DIR) ? pp::CollectCsvFiles({PLUME_AIRNOW_DIR})
                                              : std::vector<std::string>{};
  }();
  return files.empty() ? nullptr : &files;
}

void BM_ParseAirNow(benchmark::State& state) {
  const auto* files = RealFiles();
  if (files == nullptr) return state.SkipWithError("real AirNow files absent (PLUME_AIRNOW_DIR)");
  std::size_t rows = 0, bytes = 0;
  for (auto _ : state) {
    pp::IngestResult r = pp::IngestFiles(*files, static_cast<int>(state.range(0)));
    rows = r.report.stored;
    bytes = r.report.bytes;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ParseAirNow)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestAirNowToPartitions(benchmark::State& state) {
  const auto* files = RealFiles();
  if (files == nullptr) return state.SkipWithError("real AirNow files absent (PLUME_AIRNOW_DIR)");
  const std::string dir = (fs::temp_directory_path() / "plume-ingest-bench").string();
  std::size_t rows = 0, bytes = 0;
  for (auto _ : state) {
    pp::IngestResult r = pp::IngestFiles(*files, 2);
    pp::PrepareOutputDir(dir);
    plume::io::WriteOptions options;
    options.source = "airnow-csv";
    plume::io::WriteManifest(dir, pp::WritePartitions(r.rows.table(), 5, dir, options));
    rows = r.report.stored;
    bytes = r.report.bytes;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  fs::remove_all(dir);
}
BENCHMARK(BM_IngestAirNowToPartitions)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SyntheticToPartitions(benchmark::State& state) {
  const std::string dir = (fs::temp_directory_path() / "plume-synthetic-bench").string();
  pp::SyntheticOptions s;
  s.rows = static_cast<std::uint64_t>(state.range(0));
  s.partitions = 5;
  for (auto _ : state) {
    pp::PrepareOutputDir(dir);
    plume::io::WriteManifest(dir, pp::WriteSynthetic(s, dir, plume::io::WriteOptions{}));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.rows));
  fs::remove_all(dir);
}
BENCHMARK(BM_SyntheticToPartitions)->Arg(1167525)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
