// A flipped byte anywhere in a partition file either fails the load with an error naming the
// file, or loads a table identical to the intact file's (then every answer is identical too).
// Issue 12 item 1: before checksums, one flipped byte of a latitude gave min(latitude) =
// 3.27e-76 and one bit of a zone map dropped rows from a filter, with exit code 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/schema.h"
#include "io/partition_loader.h"
#include "io/partition_reader.h"
#include "io/partition_writer.h"

namespace plume::io {
namespace {

namespace fs = std::filesystem;
using engine::Col;

constexpr std::size_t kRows = 40;

engine::Table SmallTable(std::vector<std::vector<std::string>>* dicts) {
  *dicts = {{"OZONE", "PM2.5"}, {"PPB", "UG/M3"}, {"Cres\tcent", "Site"},
            {"Agency"},         {"060070007"},    {"840060070007"}};
  engine::Table t = engine::MakeMeasurementsTable();
  t.rows = kRows;
  auto col = [&](Col c) -> engine::Column& { return t.columns[static_cast<std::size_t>(c)]; };
  for (std::size_t i = 0; i < kRows; ++i) {
    const bool null = i % 5 == 2;
    col(Col::kLatitude).doubles.push_back(41.75 + static_cast<double>(i) * 0.125);
    col(Col::kLongitude).doubles.push_back(-124.20347);
    col(Col::kUtc).ints.push_back(1598907600 + static_cast<std::int64_t>(i / 4) * 3600);
    col(Col::kParameter).codes.push_back(static_cast<std::uint32_t>(i % 2));
    col(Col::kConcentration).doubles.push_back(null ? 0 : 8.0 + static_cast<double>(i));
    col(Col::kConcentration).valid.push_back(null ? 0 : 1);
    col(Col::kUnit).codes.push_back(static_cast<std::uint32_t>(i % 2));
    col(Col::kRawConcentration).doubles.push_back(static_cast<double>(i % 9) - 2.5);
    col(Col::kAqi).ints.push_back(null ? 0 : static_cast<std::int64_t>(i * 3));
    col(Col::kAqi).valid.push_back(null ? 0 : 1);
    col(Col::kCategory).ints.push_back(1 + static_cast<std::int64_t>(i % 6));
    col(Col::kSiteName).codes.push_back(static_cast<std::uint32_t>(i % 2));
    col(Col::kAgency).codes.push_back(0);
    col(Col::kAqsId).codes.push_back(0);
    col(Col::kFullAqsId).codes.push_back(0);
  }
  return t;
}

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  // memcmp of two empty vectors would pass null pointers (UBSan: undefined even for size 0).
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// Every byte the engine could see: values, validity, dictionaries and zone maps.
bool Identical(const engine::Table& a, const engine::Table& b) {
  if (a.rows != b.rows || a.columns.size() != b.columns.size()) return false;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const engine::Column &x = a.columns[c], &y = b.columns[c];
    if (x.name != y.name || x.type != y.type || !SameBits(x.doubles, y.doubles) ||
        x.ints != y.ints || x.codes != y.codes || x.dict != y.dict || x.valid != y.valid ||
        x.blocks.size() != y.blocks.size()) {
      return false;
    }
    for (std::size_t k = 0; k < x.blocks.size(); ++k) {
      if (std::memcmp(&x.blocks[k].min, &y.blocks[k].min, sizeof(double)) != 0 ||
          std::memcmp(&x.blocks[k].max, &y.blocks[k].max, sizeof(double)) != 0 ||
          x.blocks[k].nulls != y.blocks[k].nulls) {
        return false;
      }
    }
  }
  return true;
}

// The unused tail of each unfiltered (float64) chunk: bytes past the last row that HDF5 never
// reads. Flipping them proves nothing, and they are most of a small file.
std::vector<std::pair<haddr_t, haddr_t>> UnreadTails(const std::string& path) {
  std::vector<std::pair<haddr_t, haddr_t>> tails;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (const engine::ColumnSpec& spec : engine::kSchema) {
    if (spec.type != engine::Type::kFloat64) continue;
    const std::string name = std::string(spec.name) + "/values";
    const hid_t dataset = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
    hsize_t offset[1];
    unsigned mask = 0;
    haddr_t addr = 0;
    hsize_t size = 0;
    const hid_t space = H5Dget_space(dataset);
    if (H5Dget_chunk_info(dataset, space, 0, offset, &mask, &addr, &size) >= 0) {
      tails.emplace_back(addr + kRows * sizeof(double), addr + size);
    }
    H5Sclose(space);
    H5Dclose(dataset);
  }
  H5Fclose(file);
  return tails;
}

// SmallTable's partition in a fresh temporary directory, removed with the object.
struct SmallPartitionFile {
  explicit SmallPartitionFile(const std::string& name)
      : dir(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = (dir / "p.h5").string();
    std::vector<std::vector<std::string>> dicts;
    const engine::Table rows = SmallTable(&dicts);
    WriteOptions options;
    options.chunk_rows = engine::kBlockRows;
    options.source = "test";
    PartitionWriter writer(path, options, dicts);
    writer.Append(rows, 0, rows.rows);
    writer.Finish();
  }
  ~SmallPartitionFile() { fs::remove_all(dir); }
  fs::path dir;
  std::string path;
};

// Flips bytes of the partition at `path` one at a time; `load` must then throw naming the file
// or give a table identical to the intact one.
void FlipEveryByte(const std::string& path,
                   const std::function<engine::Table(const std::string&)>& load) {
  const engine::Table intact = load(path);
  const auto tails = UnreadTails(path);
  ASSERT_EQ(tails.size(), 4u) << "one chunk per float64 column";

  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  const auto size = static_cast<haddr_t>(fs::file_size(path));
  // Every byte takes ~2-10 ms of loading here: by default every 17th byte (about 2,200 flips);
  // PLUME_CORRUPTION_STRIDE=1 tries them all (docs/DATA.md has that run's figures).
  const char* stride_env = std::getenv("PLUME_CORRUPTION_STRIDE");
  const haddr_t stride = stride_env != nullptr ? std::max(1, std::atoi(stride_env)) : 17;
  std::size_t flips = 0, failed = 0, same = 0;
  for (haddr_t at = 0; at < size; at += stride) {
    bool unread = false;
    for (const auto& [lo, hi] : tails) unread = unread || (at >= lo && at < hi);
    if (unread) continue;
    unsigned char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, static_cast<off_t>(at)), 1);
    // Alternate a whole-byte flip with single-bit flips at every bit position.
    const unsigned char flipped = byte ^ (at % 2 == 0 ? 0xff : 1u << (at / 2 % 8));
    ASSERT_EQ(::pwrite(fd, &flipped, 1, static_cast<off_t>(at)), 1);
    ++flips;
    try {
      const engine::Table loaded = load(path);
      EXPECT_TRUE(Identical(loaded, intact)) << "byte " << at << " changed the data silently";
      ++same;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos)
          << "byte " << at << ": error does not name the file: " << e.what();
      ++failed;
    }
    ASSERT_EQ(::pwrite(fd, &byte, 1, static_cast<off_t>(at)), 1);
  }
  ::close(fd);
  EXPECT_TRUE(Identical(load(path), intact));
  EXPECT_GT(failed, flips / 2) << "most bytes of a small file are data or checked metadata";
  std::printf("%zu flips of %llu bytes: %zu failed the load, %zu loaded identical data\n", flips,
              static_cast<unsigned long long>(size), failed, same);
}

TEST(PartitionCorruption, EveryFlippedByteFailsTheLoadOrChangesNothing) {
  const SmallPartitionFile file("plume-io-corruption");
  const std::string& path = file.path;
  FlipEveryByte(path, [](const std::string& p) { return LoadPartition(p); });
}

// The lazy path (--load-columns lazy): one column at a time, last first, each the first time it
// is wanted. A column that fails its checks fails again when wanted again (never loads later).
engine::Table LoadLazily(const std::string& path) {
  PartitionLoader loader(path);
  for (std::size_t c = engine::kSchema.size(); c-- > 0;) {
    loader.Want(c);
    try {
      loader.LoadQueued();
    } catch (const std::exception& first) {
      EXPECT_FALSE(loader.Loaded(c));
      EXPECT_TRUE(loader.table().columns[c].blocks.empty()) << "a failed column is dropped";
      loader.Want(c);
      EXPECT_THROW(loader.LoadQueued(), std::runtime_error) << "column " << c << " loaded twice";
      throw;
    }
    EXPECT_TRUE(loader.Loaded(c));
  }
  return std::move(loader.table());
}

TEST(PartitionCorruption, EveryFlippedByteFailsTheLazyLoadOrChangesNothing) {
  const SmallPartitionFile file("plume-io-lazy");
  const std::string& path = file.path;
  FlipEveryByte(path, LoadLazily);
}

// A flipped byte in one column's values fails that column, and only that column: the others
// load and equal the intact file's. Before loading, nothing of a column is visible.
TEST(PartitionCorruption, ACorruptedColumnFailsItsOwnLoadOnly) {
  const SmallPartitionFile file("plume-io-column");
  const std::string& path = file.path;
  const engine::Table intact = LoadPartition(path);
  const auto tails = UnreadTails(path);  // latitude is the first float64 column
  const auto first_value = static_cast<off_t>(tails[0].first - kRows * sizeof(double) + 3);
  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  unsigned char byte = 0;
  ASSERT_EQ(::pread(fd, &byte, 1, first_value), 1);
  byte ^= 0x10;
  ASSERT_EQ(::pwrite(fd, &byte, 1, first_value), 1);
  ::close(fd);

  PartitionLoader loader(path);
  const auto latitude = static_cast<std::size_t>(Col::kLatitude);
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) {
    EXPECT_FALSE(loader.Loaded(c));
    EXPECT_EQ(loader.table().columns[c].size(), 0u) << "column " << c << " visible before load";
  }
  loader.Want(latitude);
  try {
    loader.LoadQueued();
    ADD_FAILURE() << "a corrupted latitude loaded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("column 'latitude'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(loader.Loaded(latitude));
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) {
    if (c == latitude) continue;
    loader.Want(c);
    loader.LoadQueued();
    ASSERT_TRUE(loader.Loaded(c));
    const engine::Column &x = loader.table().columns[c], &y = intact.columns[c];
    EXPECT_TRUE(SameBits(x.doubles, y.doubles) && x.ints == y.ints && x.codes == y.codes &&
                x.valid == y.valid && x.dict == y.dict && x.blocks.size() == y.blocks.size())
        << "column " << c;
  }
}

}  // namespace
}  // namespace plume::io
