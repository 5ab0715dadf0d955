// Columnar staging of parsed CSV rows before they are partitioned: the measurements columns of
// engine::kSchema, with string columns interned in first-seen order (the dictionaries are
// sorted later, per partition, by the partitioner). Single-threaded; one per ingest thread,
// merged in file order with Append.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/table.h"

namespace plume::preprocess {

// One parsed CSV line. Views point into the line or into `unescaped` (fields with "" escapes).
struct ParsedRow {
  double latitude = 0, longitude = 0;
  std::int64_t utc = 0;
  double concentration = 0, raw_concentration = 0;
  std::int64_t aqi = 0, category = 0;
  bool concentration_null = false, raw_null = false, aqi_null = false, category_null = false;
  std::string_view parameter, unit, site_name, agency, aqs_id, full_aqs_id;
  std::array<std::string, 13> unescaped;
};

inline constexpr std::size_t kStringColumns = 6;

class RowStore {
 public:
  RowStore();
  RowStore(RowStore&&) = default;
  RowStore& operator=(RowStore&&) = default;

  void Add(const ParsedRow& row);
  // Appends every row of `other`, translating its string codes into this store's.
  void Append(const RowStore& other);
  std::size_t rows() const { return table_.rows; }
  // The staged rows: kSchema columns; every nullable column has a full `valid` vector; string
  // dictionaries are in first-seen order (NOT sorted: not yet a valid engine::Table).
  const engine::Table& table() const { return table_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>;
  std::uint32_t Intern(std::size_t string_col, std::string_view s);

  engine::Table table_;
  std::array<Index, kStringColumns> index_;
};

}  // namespace plume::preprocess
