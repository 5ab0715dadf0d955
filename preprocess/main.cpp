// plume-preprocess: ingests AirNow CSV files (or generates synthetic rows) into partition files
// plus DIR/manifest.json. Exit codes: 0 ok, 1 error (or --strict with rejected rows), 2 usage.
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "io/manifest.h"
#include "preprocess/ingest.h"
#include "preprocess/partitioner.h"
#include "preprocess/synthetic.h"

namespace {

namespace pp = plume::preprocess;

constexpr const char* kUsage =
    "usage: plume-preprocess --input PATH... --out DIR --partitions N [--strict] [--threads T]\n"
    "                        [--list-rejects N]\n"
    "       plume-preprocess --synthetic ROWS [--seed S] --out DIR --partitions N\n"
    "\n"
    "  --input PATH...   CSV files, or directories searched recursively for *.csv\n"
    "  --out DIR         output directory: part-NNNNN.h5 files and manifest.json\n"
    "  --partitions N    number of partition files (utc ranges balanced by rows)\n"
    "  --strict          exit 1 (and write nothing) when any line is rejected\n"
    "  --threads T       CSV reader threads (default 2)\n"
    "  --list-rejects N  print the first N rejected lines in full (default 10)\n"
    "  --synthetic ROWS  generate ROWS AirNow-like rows instead (default data set: 1167525)\n"
    "  --seed S          synthetic generator seed (default 1)\n"
    "  --deflate L       deflate level 0-9 of the HDF5 datasets (default 1, 0 = none)\n"
    "  --help            this text\n";

struct Args {
  std::vector<std::string> inputs;
  std::string out;
  int partitions = 0;
  bool strict = false;
  int threads = 2;
  std::size_t list_rejects = pp::IngestReport::kDefaultListed;
  long long synthetic = -1;
  unsigned long long seed = 1;
  int deflate = 1;
};

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << "plume-preprocess: " << error << "\n" << kUsage;
  std::exit(2);
}

long long Number(const std::string& flag, const std::string& text, long long min, long long max) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < min || v > max) {
    Usage(flag + " needs a number from " + std::to_string(min) + " to " + std::to_string(max) +
          ", got '" + text + "'");
  }
  return v;
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (flag == "--input") {
      while (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        a.inputs.push_back(argv[++i]);
      }
      if (a.inputs.empty()) Usage("--input needs at least one path");
    } else if (flag == "--out") {
      a.out = value();
    } else if (flag == "--partitions") {
      a.partitions = static_cast<int>(Number(flag, value(), 1, 4096));
    } else if (flag == "--strict") {
      a.strict = true;
    } else if (flag == "--threads") {
      a.threads = static_cast<int>(Number(flag, value(), 1, 64));
    } else if (flag == "--list-rejects") {
      a.list_rejects = static_cast<std::size_t>(Number(flag, value(), 0, 1LL << 40));
    } else if (flag == "--synthetic") {
      a.synthetic = Number(flag, value(), 1, 1LL << 40);
    } else if (flag == "--seed") {
      a.seed = static_cast<unsigned long long>(Number(flag, value(), 0, 1LL << 62));
    } else if (flag == "--deflate") {
      a.deflate = static_cast<int>(Number(flag, value(), 0, 9));
    } else {
      Usage("unknown argument '" + flag + "'");
    }
  }
  if (a.out.empty()) Usage("--out DIR is required");
  if (a.partitions == 0) Usage("--partitions N is required");
  if (a.inputs.empty() == (a.synthetic < 0)) Usage("give either --input or --synthetic");
  return a;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void PrintWritten(const plume::io::Manifest& m, pp::CutUnit cut, const std::string& dir,
                  double seconds) {
  std::printf("wrote %zu partitions (cut at %s), %llu rows to %s in %.2f s (%.0f rows/s)\n",
              m.partitions.size(), pp::CutUnitName(cut),
              static_cast<unsigned long long>(m.total_rows), dir.c_str(), seconds,
              static_cast<double>(m.total_rows) / std::max(seconds, 1e-9));
}

int Ingest(const Args& a, const plume::io::WriteOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> files = pp::CollectCsvFiles(a.inputs);
  pp::IngestResult result = pp::IngestFiles(files, a.threads, a.list_rejects);
  const double read_s = Seconds(start);
  std::cout << result.report.Text();
  std::printf("read %.1f MB in %.2f s (%.0f rows/s, %.1f MB/s)\n",
              static_cast<double>(result.report.bytes) / 1e6, read_s,
              static_cast<double>(result.report.lines) / read_s,
              static_cast<double>(result.report.bytes) / 1e6 / read_s);
  if (a.strict && result.report.rejected > 0) {
    std::cerr << "plume-preprocess: --strict: " << result.report.rejected
              << " lines rejected; no data set written\n";
    return 1;
  }
  if (result.report.stored == 0) {
    std::cerr << "plume-preprocess: no rows stored; no data set written\n";
    return 1;
  }
  pp::PrepareOutputDir(a.out);
  pp::CutUnit cut = pp::CutUnit::kUtc;
  const plume::io::Manifest m =
      pp::WritePartitions(result.rows.table(), a.partitions, a.out, options, &cut);
  plume::io::WriteManifest(a.out, m);
  PrintWritten(m, cut, a.out, Seconds(start));
  return 0;
}

int Synthetic(const Args& a, const plume::io::WriteOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  pp::SyntheticOptions s;
  s.rows = static_cast<std::uint64_t>(a.synthetic);
  s.seed = a.seed;
  s.partitions = a.partitions;
  pp::PrepareOutputDir(a.out);
  pp::SyntheticStats stats;
  const plume::io::Manifest m = pp::WriteSynthetic(s, a.out, options, &stats);
  plume::io::WriteManifest(a.out, m);
  PrintWritten(m, stats.cut, a.out, Seconds(start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  plume::io::WriteOptions options;
  options.deflate_level = args.deflate;
  options.source = args.synthetic >= 0 ? pp::SyntheticSource(args.seed, args.synthetic)
                                       : std::string("airnow-csv");
  try {
    return args.synthetic >= 0 ? Synthetic(args, options) : Ingest(args, options);
  } catch (const std::exception& e) {
    std::cerr << "plume-preprocess: error: " << e.what() << "\n";
    return 1;
  }
}
