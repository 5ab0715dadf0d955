#include "io/partition_writer.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <utility>

#include "engine/schema.h"
#include "io/checksum.h"
#include "io/hdf5_handle.h"
#include "io/partition_format.h"

namespace plume::io {

namespace format {

std::string_view UnitsOf(std::string_view column) {
  if (column == "latitude") return "degrees_north";
  if (column == "longitude") return "degrees_east";
  if (column == "utc") return "seconds since 1970-01-01T00:00:00Z, start of the hour";
  if (column == "concentration" || column == "raw_concentration") {
    return "per row, in the unit column (PPB, UG/M3, PPM)";
  }
  if (column == "aqi") return "AQI";
  if (column == "category") return "AQI category 1-6";
  return "";
}

}  // namespace format

namespace {

using engine::Column;
using engine::Type;

hid_t MemType(Type type) {
  switch (type) {
    case Type::kFloat64:
      return H5T_NATIVE_DOUBLE;
    case Type::kString:
      return H5T_NATIVE_UINT32;
    default:
      return H5T_NATIVE_INT64;
  }
}

std::size_t ValueBytes(Type type) {
  return type == Type::kString ? sizeof(std::uint32_t) : sizeof(std::int64_t);  // = double
}

hid_t FileType(Type type) {
  switch (type) {
    case Type::kFloat64:
      return H5T_IEEE_F64LE;
    case Type::kString:
      return H5T_STD_U32LE;
    default:
      return H5T_STD_I64LE;
  }
}

h5::Handle CreateExtendible(hid_t group, const char* name, hid_t file_type,
                            const WriteOptions& options, const std::string& context) {
  const bool deflate = options.deflate_level > 0 &&
                       (options.deflate_doubles || H5Tequal(file_type, H5T_IEEE_F64LE) <= 0);
  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  const hsize_t chunk[1] = {options.chunk_rows};
  h5::Handle space = h5::Dataspace(H5Screate_simple(1, dims, max_dims), context);
  h5::Handle dcpl = h5::PropList(H5Pcreate(H5P_DATASET_CREATE), context);
  h5::Check(H5Pset_chunk(dcpl.get(), 1, chunk), context);
  if (deflate) {
    if (options.shuffle) h5::Check(H5Pset_shuffle(dcpl.get()), context);
    h5::Check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options.deflate_level)), context);
  }
  return h5::Dataset(
      H5Dcreate2(group, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      context);
}

void AppendTo(hid_t dataset, hid_t mem_type, const void* data, std::size_t offset,
              std::size_t count, const std::string& context) {
  const hsize_t new_size[1] = {offset + count};
  h5::Check(H5Dset_extent(dataset, new_size), context);
  h5::Handle file_space = h5::Dataspace(H5Dget_space(dataset), context);
  const hsize_t start[1] = {offset};
  const hsize_t n[1] = {count};
  h5::Check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, n, nullptr),
            context);
  h5::Handle mem_space = h5::Dataspace(H5Screate_simple(1, n, nullptr), context);
  h5::Check(H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data),
            context);
}

template <typename T>
void WriteSmall(hid_t group, const char* name, hid_t file_type, hid_t mem_type,
                const std::vector<T>& values, const std::string& context) {
  const hsize_t dims[1] = {values.size()};
  h5::Handle space = h5::Dataspace(H5Screate_simple(1, dims, nullptr), context);
  h5::Handle dataset = h5::Dataset(
      H5Dcreate2(group, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      context);
  if (!values.empty()) {
    h5::Check(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              context);
  }
  h5::WriteAttr(dataset.get(), format::kAttrChecksum,
                ChecksumOf(values.data(), values.size() * sizeof(T)));
}

// Metadata checksums (superblock v3, object header v2, extensible-array chunk index) need the
// 1.10 file format; the earliest format has none, so a flipped byte in a dataset's header or
// in an attribute such as `rows` would go unnoticed.
h5::Handle CreateFile(const std::string& path, const std::string& context) {
  h5::Handle fapl = h5::PropList(H5Pcreate(H5P_FILE_ACCESS), context);
  h5::Check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST), context);
  return h5::File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                  "create " + context);
}

template <typename T>
void CopyRange(std::vector<T>& to, const std::vector<T>& from, std::size_t begin, std::size_t end) {
  to.insert(to.end(), from.begin() + static_cast<std::ptrdiff_t>(begin),
            from.begin() + static_cast<std::ptrdiff_t>(end));
}

}  // namespace

struct PartitionWriter::State {
  h5::Handle file;
  std::vector<h5::Handle> groups, data, valid;  // per column; valid only for nullable ones
  std::vector<Checksum> data_sums, valid_sums;  // per column, of what Flush() has written
};

PartitionWriter::PartitionWriter(std::string path, WriteOptions options,
                                 std::vector<std::vector<std::string>> dicts)
    : path_(std::move(path)), options_(std::move(options)), state_(std::make_unique<State>()) {
  if (options_.chunk_rows == 0 || options_.chunk_rows % engine::kBlockRows != 0) {
    throw std::invalid_argument("PartitionWriter: chunk_rows must be a multiple of kBlockRows");
  }
  h5::SilenceErrorPrinting();
  buffer_ = engine::MakeMeasurementsTable();
  zones_.resize(engine::kSchema.size());
  const std::string tmp = path_ + ".tmp";
  const std::string context = "partition file '" + tmp + "'";
  state_->file = CreateFile(tmp, context);
  state_->data_sums.resize(engine::kSchema.size());
  state_->valid_sums.resize(engine::kSchema.size());
  std::size_t next_dict = 0;
  for (const engine::ColumnSpec& spec : engine::kSchema) {
    const std::string name(spec.name);
    const std::string what = context + ", column '" + name + "'";
    h5::Handle group = h5::Group(
        H5Gcreate2(state_->file.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), what);
    h5::WriteAttr(group.get(), format::kAttrType, engine::TypeName(spec.type));
    const std::string_view units = format::UnitsOf(spec.name);
    if (!units.empty()) h5::WriteAttr(group.get(), format::kAttrUnits, units);
    const bool is_string = spec.type == Type::kString;
    state_->data.push_back(CreateExtendible(group.get(),
                                            is_string ? format::kCodes : format::kValues,
                                            FileType(spec.type), options_, what));
    state_->valid.push_back(
        spec.nullable ? CreateExtendible(group.get(), format::kValid, H5T_STD_U8LE, options_, what)
                      : h5::Handle());
    if (is_string) {
      if (next_dict >= dicts.size()) throw std::invalid_argument("PartitionWriter: too few dicts");
      std::vector<std::string>& dict = dicts[next_dict++];
      for (std::size_t i = 1; i < dict.size(); ++i) {
        if (!(dict[i - 1] < dict[i])) {
          throw std::invalid_argument("PartitionWriter: dictionary of '" + name +
                                      "' is not sorted and unique");
        }
      }
      h5::WriteStrings(group.get(), format::kDict, dict, what + ", dict");
      h5::Handle written = h5::Dataset(H5Dopen2(group.get(), format::kDict, H5P_DEFAULT), what);
      h5::WriteAttr(written.get(), format::kAttrChecksum, ChecksumOfStrings(dict));
      buffer_.columns[static_cast<std::size_t>(&spec - engine::kSchema.data())].dict =
          std::move(dict);
    }
    state_->groups.push_back(std::move(group));
  }
}

PartitionWriter::~PartitionWriter() {
  if (finished_) return;
  state_.reset();  // closes every handle before the temp file is removed
  std::error_code ignored;
  std::filesystem::remove(path_ + ".tmp", ignored);
}

void PartitionWriter::Append(const engine::Table& rows, std::size_t begin, std::size_t end) {
  if (finished_) throw std::invalid_argument("PartitionWriter: Append after Finish");
  if (rows.columns.size() != buffer_.columns.size() || end > rows.rows || begin > end) {
    throw std::invalid_argument("PartitionWriter: rows do not match the measurements schema");
  }
  while (begin < end) {
    const std::size_t take = std::min(end - begin, options_.chunk_rows - buffer_.rows);
    for (std::size_t c = 0; c < buffer_.columns.size(); ++c) {
      Column& to = buffer_.columns[c];
      const Column& from = rows.columns[c];
      switch (to.type) {
        case Type::kFloat64:
          CopyRange(to.doubles, from.doubles, begin, begin + take);
          break;
        case Type::kString:
          CopyRange(to.codes, from.codes, begin, begin + take);
          break;
        default:
          CopyRange(to.ints, from.ints, begin, begin + take);
          break;
      }
      if (engine::kSchema[c].nullable) {
        if (from.valid.empty()) {
          to.valid.insert(to.valid.end(), take, 1);
        } else {
          CopyRange(to.valid, from.valid, begin, begin + take);
        }
      }
    }
    buffer_.rows += take;
    begin += take;
    peak_buffered_ = std::max(peak_buffered_, buffer_.rows);
    if (buffer_.rows == options_.chunk_rows) Flush();
  }
}

void PartitionWriter::Flush() {
  if (buffer_.rows == 0) return;
  buffer_.BuildZoneMaps();
  const std::string context = "write partition file '" + path_ + ".tmp'";
  for (std::size_t c = 0; c < buffer_.columns.size(); ++c) {
    Column& col = buffer_.columns[c];
    const std::string what = context + ", column '" + col.name + "'";
    const void* data = col.type == Type::kFloat64  ? static_cast<const void*>(col.doubles.data())
                       : col.type == Type::kString ? static_cast<const void*>(col.codes.data())
                                                   : static_cast<const void*>(col.ints.data());
    if (col.type == Type::kString) {
      for (std::uint32_t code : col.codes) {
        if (code >= col.dict.size()) {
          throw std::invalid_argument(what + ": string code outside the dictionary");
        }
      }
    }
    AppendTo(state_->data[c].get(), MemType(col.type), data, rows_, buffer_.rows, what);
    state_->data_sums[c].Add(data, buffer_.rows * ValueBytes(col.type));
    if (state_->valid[c].valid()) {
      AppendTo(state_->valid[c].get(), H5T_NATIVE_UINT8, col.valid.data(), rows_, buffer_.rows,
               what);
      state_->valid_sums[c].Add(col.valid.data(), buffer_.rows);
    }
    zones_[c].insert(zones_[c].end(), col.blocks.begin(), col.blocks.end());
    col.ints.clear();
    col.doubles.clear();
    col.codes.clear();
    col.valid.clear();
    col.blocks.clear();
  }
  rows_ += buffer_.rows;
  buffer_.rows = 0;
}

void PartitionWriter::WriteZoneMaps(PartitionInfo* info) {
  const std::string context = "write zone maps of '" + path_ + ".tmp'";
  const auto utc = static_cast<std::size_t>(engine::Col::kUtc);
  const auto aqi = static_cast<std::size_t>(engine::Col::kAqi);
  double utc_min = std::numeric_limits<double>::infinity(), utc_max = -utc_min;
  info->aqi_min = utc_min;
  info->aqi_max = utc_max;
  for (std::size_t c = 0; c < zones_.size(); ++c) {
    std::vector<double> mins, maxs;
    std::vector<std::uint32_t> nulls;
    for (const engine::BlockStats& s : zones_[c]) {
      mins.push_back(s.min);
      maxs.push_back(s.max);
      nulls.push_back(s.nulls);
      if (c == utc) utc_min = std::min(utc_min, s.min), utc_max = std::max(utc_max, s.max);
      if (c == aqi) info->aqi_min = std::min(info->aqi_min, s.min);
      if (c == aqi) info->aqi_max = std::max(info->aqi_max, s.max);
    }
    const hid_t group = state_->groups[c].get();
    WriteSmall(group, format::kZoneMin, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, mins, context);
    WriteSmall(group, format::kZoneMax, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, maxs, context);
    WriteSmall(group, format::kZoneNulls, H5T_STD_U32LE, H5T_NATIVE_UINT32, nulls, context);
  }
  info->utc_min = rows_ > 0 ? static_cast<std::int64_t>(utc_min) : 0;
  info->utc_max = rows_ > 0 ? static_cast<std::int64_t>(utc_max) : 0;
}

PartitionInfo PartitionWriter::Finish() {
  if (finished_) throw std::invalid_argument("PartitionWriter: Finish called twice");
  Flush();
  PartitionInfo info;
  info.index = options_.partition;
  info.file = std::filesystem::path(path_).filename().string();
  info.rows = rows_;
  WriteZoneMaps(&info);
  const hid_t root = state_->file.get();
  h5::WriteAttr(root, format::kAttrSchemaVersion, engine::kSchemaVersion);
  h5::WriteAttr(root, format::kAttrRows, static_cast<std::uint64_t>(rows_));
  h5::WriteAttr(root, format::kAttrSource, options_.source);
  h5::WriteAttr(root, format::kAttrTable, engine::kTableName);
  h5::WriteAttr(root, format::kAttrPartition, static_cast<std::int64_t>(options_.partition));
  h5::WriteAttr(root, format::kAttrUtcMin, info.utc_min);
  h5::WriteAttr(root, format::kAttrUtcMax, info.utc_max);
  h5::WriteAttr(root, format::kAttrBlockRows, static_cast<std::uint64_t>(engine::kBlockRows));
  for (std::size_t c = 0; c < state_->data.size(); ++c) {
    h5::WriteAttr(state_->data[c].get(), format::kAttrChecksum, state_->data_sums[c].Digest());
    if (state_->valid[c].valid()) {
      h5::WriteAttr(state_->valid[c].get(), format::kAttrChecksum, state_->valid_sums[c].Digest());
    }
  }
  const std::string tmp = path_ + ".tmp";
  state_->groups.clear();
  state_->data.clear();
  state_->valid.clear();
  state_->file.Close("close partition file '" + tmp + "'");
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) throw std::runtime_error("rename '" + tmp + "' to '" + path_ + "': " + ec.message());
  finished_ = true;
  return info;
}

}  // namespace plume::io
