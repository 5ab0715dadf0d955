#include "io/partition_loader.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
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

// Rows [begin, begin + n) of a 1-D dataset into `out` (room for n values of `mem_type`).
void ReadRange(hid_t dataset, hid_t mem_type, std::uint64_t begin, std::uint64_t n, void* out,
               const std::string& what) {
  h5::Handle file_space = h5::Dataspace(H5Dget_space(dataset), what);
  const hsize_t start[1] = {begin}, count[1] = {n};
  h5::Check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
            what + ": select rows");
  h5::Handle mem_space = h5::Dataspace(H5Screate_simple(1, count, nullptr), what);
  h5::Check(H5Dread(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out),
            what + ": read");
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
  for (std::size_t i = 1; i < col->dict.size(); ++i) {
    if (!(col->dict[i - 1] < col->dict[i])) Bad(what, "dictionary is not sorted and unique");
  }
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
void VerifyColumnZones(const std::vector<T>& values, const Column& col, std::size_t first,
                       std::size_t last, const std::string& context) {
  const std::uint8_t* valid = col.valid.empty() ? nullptr : col.valid.data();
  for (std::size_t b = first; b < last; ++b) {
    const std::size_t begin = b * engine::kBlockRows;
    const std::size_t n = std::min(engine::kBlockRows, values.size() - begin);
    const engine::BlockStats actual =
        StatsOf(values.data() + begin, valid == nullptr ? nullptr : valid + begin, n);
    if (!SameStats(actual, col.blocks[b])) {
      Bad(context, "zone map of block " + std::to_string(b) + " does not match its data");
    }
  }
}

// The stored zone maps must be what the data gives: the engine skips blocks by them, so a wrong
// one (a writer bug, or corruption behind a matching checksum) would change answers. Blocks
// [first, last) here (the loader checks a column's blocks over several steps).
void VerifyZoneMaps(const Column& col, std::size_t first, std::size_t last,
                    const std::string& context) {
  switch (col.type) {
    case Type::kFloat64:
      return VerifyColumnZones(col.doubles, col, first, last, context);
    case Type::kString:
      return VerifyColumnZones(col.codes, col, first, last, context);
    default:
      return VerifyColumnZones(col.ints, col, first, last, context);
  }
}

// Drops the validity bytes of a column without NULLs (the engine's fast path: valid empty).
void DropValidityWithoutNulls(Column* col) {
  std::uint64_t nulls = 0;
  for (const engine::BlockStats& s : col->blocks) nulls += s.nulls;
  if (nulls == 0) col->valid.clear();
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

enum class ColumnState : std::uint8_t { kAbsent, kQueued, kLoading, kLoaded };

// The datasets of the column being read, and how far.
struct Reading {
  std::size_t column = 0;
  std::string context;  // "partition file '...', column 'x'"
  h5::Handle group, data, valid;
  Checksum data_sum, valid_sum;
  std::uint64_t next = 0;  // first row not read yet
  bool summed = false;     // the checksums verified and the zone maps read
  std::size_t zones = 0;   // blocks whose zone maps were checked against the data
};

void* DataOf(Column& col) {
  switch (col.type) {
    case Type::kFloat64:
      return col.doubles.data();
    case Type::kString:
      return col.codes.data();
    default:
      return col.ints.data();
  }
}

std::size_t WidthOf(Type type) {
  return type == Type::kFloat64  ? sizeof(double)
         : type == Type::kString ? sizeof(std::uint32_t)
                                 : sizeof(std::int64_t);
}

hid_t MemTypeOf(Type type) {
  return type == Type::kFloat64  ? H5T_NATIVE_DOUBLE
         : type == Type::kString ? H5T_NATIVE_UINT32
                                 : H5T_NATIVE_INT64;
}

void Reserve(Column* col, std::size_t rows) {
  switch (col->type) {
    case Type::kFloat64:
      return col->doubles.reserve(rows);
    case Type::kString:
      return col->codes.reserve(rows);
    default:
      return col->ints.reserve(rows);
  }
}

// Within the capacity Reserve made: no reallocation, only the new rows are zero-filled.
void Resize(Column* col, std::size_t rows) {
  switch (col->type) {
    case Type::kFloat64:
      return col->doubles.resize(rows);
    case Type::kString:
      return col->codes.resize(rows);
    default:
      return col->ints.resize(rows);
  }
}

void Drop(Column* col) {
  col->ints = {};
  col->doubles = {};
  col->codes = {};
  col->valid = {};
  col->blocks = {};
  col->summary = {};
}

}  // namespace

struct PartitionLoader::Impl {
  std::string context;  // "partition file '<path>'"
  h5::Handle file;
  engine::Table table = engine::MakeMeasurementsTable();
  std::vector<ColumnState> state = std::vector<ColumnState>(engine::kSchema.size());
  std::deque<std::size_t> queue;
  std::optional<Reading> reading;

  void Open(const std::string& path, const Manifest* manifest, const PartitionInfo* entry);
  void Begin(std::size_t c);
  void Piece();
  bool Check();
  void End();
};

void PartitionLoader::Impl::Open(const std::string& path, const Manifest* manifest,
                                 const PartitionInfo* entry) {
  h5::SilenceErrorPrinting();
  context = "partition file '" + path + "'";
  if (const std::string why = UnreadableFileReason(path); !why.empty()) Bad(context, why);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    h5::ErrorStackText();  // clear
    Bad(context, "is not an HDF5 file (foreign, empty or truncated before its superblock)");
  }
  file = h5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                  "open " + context + " (truncated or damaged?)");
  const hid_t root = file.get();
  if (!h5::HasAttr(root, format::kAttrSchemaVersion)) {
    Bad(context, "is not a plume partition (no schema_version attribute)");
  }
  CheckVersion(h5::ReadIntAttr(root, format::kAttrSchemaVersion, context), context);
  const std::int64_t rows = h5::ReadIntAttr(root, format::kAttrRows, context);
  if (manifest != nullptr) CheckIdentity(root, *manifest, *entry, rows, context);
  if (rows < 0) Bad(context, "has a negative row count");
  table.rows = static_cast<std::size_t>(rows);
  for (Column& col : table.columns) {
    if (col.type != Type::kString) continue;
    const std::string where = context + ", column '" + col.name + "'";
    if (H5Lexists(root, col.name.c_str(), H5P_DEFAULT) <= 0) Bad(where, "group is missing");
    h5::Handle group = h5::Group(H5Gopen2(root, col.name.c_str(), H5P_DEFAULT), where);
    ReadDictionary(group.get(), &col, where);
  }
}

void PartitionLoader::Impl::Begin(std::size_t c) {
  Column& col = table.columns[c];
  Reading r;
  r.column = c;
  r.context = context + ", column '" + col.name + "'";
  if (H5Lexists(file.get(), col.name.c_str(), H5P_DEFAULT) <= 0) Bad(r.context, "group is missing");
  r.group = h5::Group(H5Gopen2(file.get(), col.name.c_str(), H5P_DEFAULT), r.context);
  const char* name = col.type == Type::kString ? format::kCodes : format::kValues;
  r.data = OpenDataset(r.group.get(), name, table.rows, r.context);
  // Reserved, not resized: a resize zero-fills the whole column in one step (2.3M rows at 10x:
  // 5-15 ms a column, for which a cancel waited); each Piece grows it by the rows it reads.
  Reserve(&col, table.rows);
  col.summary = {};
  if (engine::kSchema[c].nullable) {
    r.valid = OpenDataset(r.group.get(), format::kValid, table.rows, r.context);
    col.valid.reserve(table.rows);
  }
  reading.emplace(std::move(r));
  state[c] = ColumnState::kLoading;
}

void PartitionLoader::Impl::Piece() {
  Reading& r = *reading;
  Column& col = table.columns[r.column];
  const std::uint64_t n = std::min<std::uint64_t>(kStepRows, table.rows - r.next);
  const std::size_t width = WidthOf(col.type);
  Resize(&col, r.next + n);
  if (r.valid.valid()) col.valid.resize(r.next + n);
  char* values = static_cast<char*>(DataOf(col)) + r.next * width;
  ReadRange(r.data.get(), MemTypeOf(col.type), r.next, n, values, r.context + "/values");
  r.data_sum.Add(values, n * width);
  if (r.valid.valid()) {
    std::uint8_t* valid = col.valid.data() + r.next;
    ReadRange(r.valid.get(), H5T_NATIVE_UINT8, r.next, n, valid, r.context + "/valid");
    r.valid_sum.Add(valid, n);
  }
  if (col.type != Type::kFloat64 && col.type != Type::kString) {
    col.summary.Add(col.ints.data() + r.next, r.valid.valid() ? col.valid.data() + r.next : nullptr,
                    n);
  }
  r.next += n;
}

// After the last piece, in this order (checksums first, so a changed byte is named as such):
// the checksums verified and the zone maps read; the zone maps checked against the data,
// kStepRows rows a step (at 10x one call over a 2.3M-row column was 3-4 ms CPU); then the
// column validated and marked loaded. Returns false once it is loaded.
bool PartitionLoader::Impl::Check() {
  Reading& r = *reading;
  Column& col = table.columns[r.column];
  if (!r.summed) {
    const char* name = col.type == Type::kString ? format::kCodes : format::kValues;
    VerifyChecksum(r.data.get(), r.data_sum.Digest(), r.context + "/" + name);
    if (r.valid.valid()) {
      VerifyChecksum(r.valid.get(), r.valid_sum.Digest(), r.context + "/" + format::kValid);
    }
    ReadZoneMaps(r.group.get(), table.rows, &col, r.context);
    r.summed = true;
    return true;
  }
  if (r.zones < col.blocks.size()) {
    const std::size_t last = std::min(col.blocks.size(), r.zones + kStepRows / engine::kBlockRows);
    VerifyZoneMaps(col, r.zones, last, r.context);
    r.zones = last;
    return true;
  }
  End();
  return false;
}

void PartitionLoader::Impl::End() {
  Reading& r = *reading;
  Column& col = table.columns[r.column];
  DropValidityWithoutNulls(&col);
  try {
    engine::ValidateColumn(col, table.rows);
  } catch (const std::exception& e) {
    Bad(context, std::string("is inconsistent: ") + e.what());
  }
  col.summary.known = col.type != Type::kFloat64 && col.type != Type::kString;
  state[r.column] = ColumnState::kLoaded;
  reading.reset();
}

PartitionLoader::PartitionLoader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->Open(path, nullptr, nullptr);
}

PartitionLoader::PartitionLoader(const std::string& dir, const Manifest& manifest,
                                 const PartitionInfo& entry)
    : impl_(std::make_unique<Impl>()) {
  impl_->Open(dir + "/" + entry.file, &manifest, &entry);
}

PartitionLoader::~PartitionLoader() = default;

engine::Table& PartitionLoader::table() { return impl_->table; }
const engine::Table& PartitionLoader::table() const { return impl_->table; }

bool PartitionLoader::Loaded(std::size_t column) const {
  return impl_->state.at(column) == ColumnState::kLoaded;
}

void PartitionLoader::Want(std::size_t column) {
  if (impl_->state.at(column) != ColumnState::kAbsent) return;
  impl_->state[column] = ColumnState::kQueued;
  impl_->queue.push_back(column);
}

int PartitionLoader::Next() const {
  if (impl_->reading) return static_cast<int>(impl_->reading->column);
  return impl_->queue.empty() ? -1 : static_cast<int>(impl_->queue.front());
}

bool PartitionLoader::Step() {
  Impl& m = *impl_;
  if (!m.reading && m.queue.empty()) return false;
  std::size_t column = m.reading ? m.reading->column : m.queue.front();
  try {
    if (!m.reading) {
      m.queue.pop_front();
      m.Begin(column);
    }
    if (m.reading->next < m.table.rows) {
      m.Piece();
    } else {
      m.Check();
    }
  } catch (...) {
    m.reading.reset();
    Drop(&m.table.columns[column]);
    m.state[column] = ColumnState::kAbsent;
    throw;
  }
  return true;
}

void PartitionLoader::LoadQueued() {
  while (Step()) {
  }
}

}  // namespace plume::io
