#include "io/partition_reader.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "engine/schema.h"
#include "io/checksum.h"
#include "io/file_check.h"
#include "io/hdf5_handle.h"
#include "io/partition_format.h"

namespace plume::io {

namespace {

using engine::Column;
using engine::Type;

[[noreturn]] void Bad(const std::string& context, const std::string& what) {
  throw std::runtime_error(context + ": " + what);
}

h5::Handle OpenDataset(hid_t group, const char* name, std::uint64_t expected,
                       const std::string& context) {
  const std::string what = context + "/" + name;
  if (H5Lexists(group, name, H5P_DEFAULT) <= 0) Bad(what, "dataset is missing");
  h5::Handle dataset = h5::Dataset(H5Dopen2(group, name, H5P_DEFAULT), what);
  const std::uint64_t n = h5::DatasetLength(dataset.get(), what);
  if (n != expected) {
    Bad(what, "has " + std::to_string(n) + " values, expected " + std::to_string(expected));
  }
  return dataset;
}

std::string Hex(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xf];
  return out;
}

void VerifyChecksum(hid_t dataset, std::uint64_t actual, const std::string& what) {
  const std::uint64_t stored = h5::ReadUint64Attr(dataset, format::kAttrChecksum, what);
  if (stored != actual) {
    Bad(what, "checksum mismatch (stored " + Hex(stored) + ", data " + Hex(actual) +
                  "): the file is corrupted; make it again with plume-preprocess");
  }
}

template <typename T>
void ReadAll(hid_t group, const char* name, hid_t mem_type, std::uint64_t n, std::vector<T>* out,
             const std::string& context) {
  h5::Handle dataset = OpenDataset(group, name, n, context);
  out->resize(n);
  const std::string what = context + "/" + name;
  if (n > 0) {
    h5::Check(H5Dread(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data()),
              what + ": read");
  }
  VerifyChecksum(dataset.get(), ChecksumOf(out->data(), n * sizeof(T)), what);
}

void ReadDictionary(hid_t group, Column* col, const std::string& context) {
  const std::string what = context + "/" + format::kDict;
  if (H5Lexists(group, format::kDict, H5P_DEFAULT) <= 0) Bad(what, "dataset is missing");
  h5::Handle dict = h5::Dataset(H5Dopen2(group, format::kDict, H5P_DEFAULT), what);
  col->dict = h5::ReadStrings(dict.get(), what);
  VerifyChecksum(dict.get(), ChecksumOfStrings(col->dict), what);
}

// Zone map of `n` values from `values` (null where valid[i] == 0, when `valid` is given), by value
// as engine::Table::BuildZoneMaps computes it. Four independent lanes: the loader's hot loop
// (BuildZoneMaps was 16% of a load's profile). min/max over T then one conversion to double:
// the conversion is monotonic, so this is the min/max of the converted values.
template <typename T>
engine::BlockStats StatsOf(const T* values, const std::uint8_t* valid, std::size_t n) {
  constexpr std::size_t kLanes = 4;
  // Sentinels that never win: +-inf for doubles (a NaN never wins either, as in BuildZoneMaps),
  // the extremes for integers (equal to them, the result is the same).
  constexpr T kHigh = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                           : std::numeric_limits<T>::max();
  constexpr T kLow = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                          : std::numeric_limits<T>::lowest();
  T lo[kLanes] = {kHigh, kHigh, kHigh, kHigh}, hi[kLanes] = {kLow, kLow, kLow, kLow};
  std::uint32_t nulls = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (valid != nullptr && valid[i] == 0) {
      ++nulls;
      continue;
    }
    const T v = values[i];
    const std::size_t l = i % kLanes;
    lo[l] = v < lo[l] ? v : lo[l];
    hi[l] = hi[l] < v ? v : hi[l];
  }
  engine::BlockStats s;
  s.nulls = nulls;
  if (nulls == n) return s;  // no value: +inf / -inf
  for (std::size_t l = 0; l < kLanes; ++l) {
    s.min = std::min(s.min, static_cast<double>(lo[l]));
    s.max = std::max(s.max, static_cast<double>(hi[l]));
  }
  return s;
}

// Compared by value: -0.0 and 0.0 prune alike, and a NaN never becomes a min or max.
bool SameStats(const engine::BlockStats& a, const engine::BlockStats& b) {
  return a.min == b.min && a.max == b.max && a.nulls == b.nulls;
}

template <typename T>
void VerifyColumnZones(const std::vector<T>& values, const Column& col,
                       const std::string& context) {
  const std::uint8_t* valid = col.valid.empty() ? nullptr : col.valid.data();
  for (std::size_t b = 0; b < col.blocks.size(); ++b) {
    const std::size_t begin = b * engine::kBlockRows;
    const std::size_t n = std::min(engine::kBlockRows, values.size() - begin);
    const engine::BlockStats actual =
        StatsOf(values.data() + begin, valid == nullptr ? nullptr : valid + begin, n);
    if (!SameStats(actual, col.blocks[b])) {
      Bad(context + ", column '" + col.name + "'",
          "zone map of block " + std::to_string(b) + " does not match its data");
    }
  }
}

// The stored zone maps must be what the data gives: the engine skips blocks by them, so a wrong
// one (a writer bug, or corruption behind a matching checksum) would change answers. Then drops
// the validity bytes of columns without NULLs (the engine's fast path: valid empty).
void VerifyZoneMaps(engine::Table* table, const std::string& context) {
  for (Column& col : table->columns) {
    switch (col.type) {
      case Type::kFloat64:
        VerifyColumnZones(col.doubles, col, context);
        break;
      case Type::kString:
        VerifyColumnZones(col.codes, col, context);
        break;
      default:
        VerifyColumnZones(col.ints, col, context);
        break;
    }
    std::uint64_t nulls = 0;
    for (const engine::BlockStats& s : col.blocks) nulls += s.nulls;
    if (nulls == 0) col.valid.clear();
  }
}

void ReadZoneMaps(hid_t group, std::uint64_t rows, Column* col, const std::string& context) {
  const std::uint64_t blocks = (rows + engine::kBlockRows - 1) / engine::kBlockRows;
  std::vector<double> mins, maxs;
  std::vector<std::uint32_t> nulls;
  ReadAll(group, format::kZoneMin, H5T_NATIVE_DOUBLE, blocks, &mins, context);
  ReadAll(group, format::kZoneMax, H5T_NATIVE_DOUBLE, blocks, &maxs, context);
  ReadAll(group, format::kZoneNulls, H5T_NATIVE_UINT32, blocks, &nulls, context);
  col->blocks.resize(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    col->blocks[b] = engine::BlockStats{mins[b], maxs[b], nulls[b]};
  }
}

void ReadColumn(hid_t file, const engine::ColumnSpec& spec, std::uint64_t rows, Column* col,
                const std::string& file_context) {
  const std::string context = file_context + ", column '" + col->name + "'";
  if (H5Lexists(file, col->name.c_str(), H5P_DEFAULT) <= 0) Bad(context, "group is missing");
  h5::Handle group = h5::Group(H5Gopen2(file, col->name.c_str(), H5P_DEFAULT), context);
  switch (spec.type) {
    case Type::kFloat64:
      ReadAll(group.get(), format::kValues, H5T_NATIVE_DOUBLE, rows, &col->doubles, context);
      break;
    case Type::kString: {
      ReadAll(group.get(), format::kCodes, H5T_NATIVE_UINT32, rows, &col->codes, context);
      ReadDictionary(group.get(), col, context);
      break;
    }
    default:
      ReadAll(group.get(), format::kValues, H5T_NATIVE_INT64, rows, &col->ints, context);
      break;
  }
  if (spec.nullable) {
    ReadAll(group.get(), format::kValid, H5T_NATIVE_UINT8, rows, &col->valid, context);
  }
  ReadZoneMaps(group.get(), rows, col, context);
}

// The file's identity (partition number, rows, utc range, source) against its manifest entry.
// `rows` is the file's row count attribute, already read by the caller.
void CheckIdentity(hid_t root, const Manifest& manifest, const PartitionInfo& entry,
                   std::int64_t rows, const std::string& context) {
  auto differ = [&](const char* what, const std::string& in_file, const std::string& listed) {
    Bad(context, std::string("does not belong to this data set: its ") + what + " is " + in_file +
                     " but the manifest lists " + listed + " for partition " +
                     std::to_string(entry.index) + " (copied from another data set?)");
  };
  const std::int64_t index = h5::ReadIntAttr(root, format::kAttrPartition, context);
  if (index != entry.index) {
    differ("partition number", std::to_string(index), std::to_string(entry.index));
  }
  if (rows < 0 || static_cast<std::uint64_t>(rows) != entry.rows) {
    differ("row count", std::to_string(rows), std::to_string(entry.rows));
  }
  const std::int64_t lo = h5::ReadIntAttr(root, format::kAttrUtcMin, context);
  const std::int64_t hi = h5::ReadIntAttr(root, format::kAttrUtcMax, context);
  if (lo != entry.utc_min || hi != entry.utc_max) {
    differ("utc range", std::to_string(lo) + ".." + std::to_string(hi),
           std::to_string(entry.utc_min) + ".." + std::to_string(entry.utc_max));
  }
  const std::string source = h5::ReadStringAttr(root, format::kAttrSource, context);
  if (source != manifest.source) {
    differ("source", "'" + source + "'", "'" + manifest.source + "'");
  }
}

void CheckVersion(std::int64_t version, const std::string& context) {
  if (version == engine::kSchemaVersion) return;
  const std::string versions = " (format version " + std::to_string(version) +
                               ", this build reads " + std::to_string(engine::kSchemaVersion) + ")";
  if (version < engine::kSchemaVersion) {
    Bad(context, "was made by an older plume-preprocess" + versions +
                     ": run plume-preprocess again to rebuild the data set");
  }
  Bad(context, "was made by a newer plume-preprocess" + versions + ": use that plume");
}

// Loads `path`; with a manifest entry, first checks that the file is that partition.
engine::Table LoadPartitionFile(const std::string& path, const Manifest* manifest,
                                const PartitionInfo* entry) {
  h5::SilenceErrorPrinting();
  const std::string context = "partition file '" + path + "'";
  if (const std::string why = UnreadableFileReason(path); !why.empty()) Bad(context, why);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    h5::ErrorStackText();  // clear
    Bad(context, "is not an HDF5 file (foreign, empty or truncated before its superblock)");
  }
  h5::Handle file = h5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                             "open " + context + " (truncated or damaged?)");
  const hid_t root = file.get();
  if (!h5::HasAttr(root, format::kAttrSchemaVersion)) {
    Bad(context, "is not a plume partition (no schema_version attribute)");
  }
  CheckVersion(h5::ReadIntAttr(root, format::kAttrSchemaVersion, context), context);
  const std::int64_t rows = h5::ReadIntAttr(root, format::kAttrRows, context);
  if (manifest != nullptr) CheckIdentity(root, *manifest, *entry, rows, context);
  if (rows < 0) Bad(context, "has a negative row count");
  engine::Table table = engine::MakeMeasurementsTable();
  table.rows = static_cast<std::size_t>(rows);
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) {
    ReadColumn(root, engine::kSchema[c], table.rows, &table.columns[c], context);
  }
  VerifyZoneMaps(&table, context);
  try {
    table.Validate();
  } catch (const std::exception& e) {
    Bad(context, std::string("is inconsistent: ") + e.what());
  }
  return table;
}

}  // namespace

engine::Table LoadPartition(const std::string& path) {
  return LoadPartitionFile(path, nullptr, nullptr);
}

engine::Table LoadPartition(const std::string& dir, const Manifest& manifest,
                            const PartitionInfo& entry) {
  return LoadPartitionFile(dir + "/" + entry.file, &manifest, &entry);
}

}  // namespace plume::io
