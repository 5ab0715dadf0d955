#include "preprocess/partitioner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "engine/schema.h"

namespace plume::preprocess {

namespace fs = std::filesystem;
using engine::Col;
using engine::Column;
using engine::Type;

std::string PartitionFileName(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05d.h5", index);
  return buf;
}

void PrepareOutputDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error("cannot create output directory '" + dir + "'" +
                             (ec ? ": " + ec.message() : std::string()));
  }
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const bool stale =
        name == "manifest.json" || (name.rfind("part-", 0) == 0 && e.path().extension() == ".h5");
    if (stale && !fs::remove(e.path(), ec)) {
      throw std::runtime_error("cannot remove '" + e.path().string() + "': " + ec.message());
    }
  }
}

namespace {

const Column& At(const engine::Table& t, Col c) { return t.columns[static_cast<std::size_t>(c)]; }

// rank[code] = position of dict[code] in sorted order.
std::vector<std::uint32_t> Ranks(const std::vector<std::string>& dict) {
  std::vector<std::uint32_t> order(dict.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return dict[a] < dict[b]; });
  std::vector<std::uint32_t> rank(dict.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

// Copies rows `idx` of `staged` into a partition table whose dictionaries hold only the strings
// used, sorted; returns the dictionaries (schema order of string columns) in *dicts.
engine::Table Gather(const engine::Table& staged, const std::vector<std::uint32_t>& idx,
                     std::vector<std::vector<std::string>>* dicts) {
  engine::Table t = engine::MakeMeasurementsTable();
  t.rows = idx.size();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const Column& from = staged.columns[c];
    Column& to = t.columns[c];
    if (!from.valid.empty()) {
      to.valid.resize(idx.size());
      for (std::size_t i = 0; i < idx.size(); ++i) to.valid[i] = from.valid[idx[i]];
    }
    if (from.type == Type::kFloat64) {
      to.doubles.resize(idx.size());
      for (std::size_t i = 0; i < idx.size(); ++i) to.doubles[i] = from.doubles[idx[i]];
    } else if (from.type != Type::kString) {
      to.ints.resize(idx.size());
      for (std::size_t i = 0; i < idx.size(); ++i) to.ints[i] = from.ints[idx[i]];
    } else {
      std::vector<std::uint32_t> used;
      std::vector<char> seen(from.dict.size(), 0);
      for (std::uint32_t r : idx) {
        if (!seen[from.codes[r]]) seen[from.codes[r]] = 1, used.push_back(from.codes[r]);
      }
      std::sort(used.begin(), used.end(),
                [&](auto a, auto b) { return from.dict[a] < from.dict[b]; });
      std::vector<std::uint32_t> remap(from.dict.size(), 0);
      std::vector<std::string> dict;
      for (std::uint32_t i = 0; i < used.size(); ++i) {
        remap[used[i]] = i;
        dict.push_back(from.dict[used[i]]);
      }
      to.codes.resize(idx.size());
      for (std::size_t i = 0; i < idx.size(); ++i) to.codes[i] = remap[from.codes[idx[i]]];
      dicts->push_back(std::move(dict));
    }
  }
  return t;
}

}  // namespace

namespace {

// The distinct utc values of `order` (row indexes in utc order) and their row counts.
std::vector<UtcRun> RunsOf(const std::vector<std::int64_t>& utc,
                           const std::vector<std::uint32_t>& order) {
  std::vector<UtcRun> runs;
  for (std::uint32_t r : order) {
    if (runs.empty() || runs.back().utc != utc[r]) runs.push_back({utc[r], 0});
    ++runs.back().rows;
  }
  return runs;
}

}  // namespace

io::Manifest WritePartitions(const engine::Table& staged, int partitions, const std::string& dir,
                             io::WriteOptions options, CutUnit* unit) {
  if (partitions < 1) throw std::invalid_argument("the number of partitions must be at least 1");
  const std::size_t n = staged.rows;
  const auto& utc = At(staged, Col::kUtc).ints;
  const auto& lon = At(staged, Col::kLongitude).doubles;
  const auto& lat = At(staged, Col::kLatitude).doubles;
  const auto& param = At(staged, Col::kParameter).codes;
  const auto& site = At(staged, Col::kFullAqsId).codes;
  const std::vector<std::uint32_t> param_rank = Ranks(At(staged, Col::kParameter).dict);
  const std::vector<std::uint32_t> site_rank = Ranks(At(staged, Col::kFullAqsId).dict);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return utc[a] < utc[b]; });
  const UtcCuts cuts = CutUtcRuns(RunsOf(utc, order), partitions);
  if (unit != nullptr) *unit = cuts.unit;

  io::Manifest manifest;
  manifest.schema_version = engine::kSchemaVersion;
  manifest.source = options.source;
  const auto parts = static_cast<std::size_t>(partitions);
  for (std::size_t p = 0; p < parts; ++p) {
    std::vector<std::uint32_t> idx(order.begin() + static_cast<std::ptrdiff_t>(cuts.starts[p]),
                                   order.begin() + static_cast<std::ptrdiff_t>(cuts.starts[p + 1]));
    std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (param_rank[param[a]] != param_rank[param[b]]) {
        return param_rank[param[a]] < param_rank[param[b]];
      }
      if (utc[a] != utc[b]) return utc[a] < utc[b];
      if (lon[a] != lon[b]) return lon[a] < lon[b];
      if (lat[a] != lat[b]) return lat[a] < lat[b];
      if (site[a] != site[b]) return site_rank[site[a]] < site_rank[site[b]];
      return a < b;
    });
    std::vector<std::vector<std::string>> dicts;
    const engine::Table table = Gather(staged, idx, &dicts);
    options.partition = static_cast<int>(p);
    io::PartitionWriter writer((fs::path(dir) / PartitionFileName(options.partition)).string(),
                               options, std::move(dicts));
    writer.Append(table, 0, table.rows);
    manifest.partitions.push_back(writer.Finish());
    manifest.total_rows += table.rows;
  }
  return manifest;
}

}  // namespace plume::preprocess
