#include "io/partition_reader.h"

#include <filesystem>
#include <stdexcept>

#include "engine/schema.h"
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

template <typename T>
void ReadAll(hid_t group, const char* name, hid_t mem_type, std::uint64_t n, std::vector<T>* out,
             const std::string& context) {
  h5::Handle dataset = OpenDataset(group, name, n, context);
  out->resize(n);
  if (n == 0) return;
  h5::Check(H5Dread(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data()),
            context + "/" + name + ": read");
}

void ReadZoneMaps(hid_t group, std::uint64_t rows, Column* col, const std::string& context) {
  const std::uint64_t blocks = (rows + engine::kBlockRows - 1) / engine::kBlockRows;
  std::vector<double> mins, maxs;
  std::vector<std::uint32_t> nulls;
  ReadAll(group, format::kZoneMin, H5T_NATIVE_DOUBLE, blocks, &mins, context);
  ReadAll(group, format::kZoneMax, H5T_NATIVE_DOUBLE, blocks, &maxs, context);
  ReadAll(group, format::kZoneNulls, H5T_NATIVE_UINT32, blocks, &nulls, context);
  col->blocks.resize(blocks);
  std::uint64_t total_nulls = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    col->blocks[b] = engine::BlockStats{mins[b], maxs[b], nulls[b]};
    total_nulls += nulls[b];
  }
  // A column without NULLs drops its validity bytes: the engine's fast path (valid empty).
  if (total_nulls == 0) col->valid.clear();
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
      h5::Handle dict = h5::Dataset(H5Dopen2(group.get(), format::kDict, H5P_DEFAULT),
                                    context + "/" + format::kDict);
      col->dict = h5::ReadStrings(dict.get(), context + "/" + format::kDict);
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

// Loads `path`; with a manifest entry, first checks that the file is that partition.
engine::Table LoadPartitionFile(const std::string& path, const Manifest* manifest,
                                const PartitionInfo* entry) {
  h5::SilenceErrorPrinting();
  const std::string context = "partition file '" + path + "'";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    Bad(context, std::filesystem::exists(path, ec) ? "is not a regular file" : "does not exist");
  }
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
  const std::int64_t version = h5::ReadIntAttr(root, format::kAttrSchemaVersion, context);
  if (version != engine::kSchemaVersion) {
    Bad(context, "has schema version " + std::to_string(version) + ", this build reads " +
                     std::to_string(engine::kSchemaVersion));
  }
  const std::int64_t rows = h5::ReadIntAttr(root, format::kAttrRows, context);
  if (manifest != nullptr) CheckIdentity(root, *manifest, *entry, rows, context);
  if (rows < 0) Bad(context, "has a negative row count");
  engine::Table table = engine::MakeMeasurementsTable();
  table.rows = static_cast<std::size_t>(rows);
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) {
    ReadColumn(root, engine::kSchema[c], table.rows, &table.columns[c], context);
  }
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
