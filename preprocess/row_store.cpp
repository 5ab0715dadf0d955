#include "preprocess/row_store.h"

#include "engine/schema.h"

namespace plume::preprocess {

namespace {

using engine::Col;

// Positions in kSchema of the string columns, in schema order.
constexpr std::array<Col, kStringColumns> kStringCols = {
    Col::kParameter, Col::kUnit, Col::kSiteName, Col::kAgency, Col::kAqsId, Col::kFullAqsId};

engine::Column& At(engine::Table& t, Col c) { return t.columns[static_cast<std::size_t>(c)]; }

}  // namespace

RowStore::RowStore() : table_(engine::MakeMeasurementsTable()) {}

std::uint32_t RowStore::Intern(std::size_t string_col, std::string_view s) {
  Index& index = index_[string_col];
  auto it = index.find(s);
  if (it != index.end()) return it->second;
  engine::Column& col = At(table_, kStringCols[string_col]);
  const auto code = static_cast<std::uint32_t>(col.dict.size());
  col.dict.emplace_back(s);
  index.emplace(std::string(s), code);
  return code;
}

void RowStore::Add(const ParsedRow& r) {
  At(table_, Col::kLatitude).doubles.push_back(r.latitude);
  At(table_, Col::kLongitude).doubles.push_back(r.longitude);
  At(table_, Col::kUtc).ints.push_back(r.utc);
  auto add_double = [&](Col c, double v, bool null) {
    engine::Column& col = At(table_, c);
    col.doubles.push_back(null ? 0.0 : v);
    col.valid.push_back(null ? 0 : 1);
  };
  auto add_int = [&](Col c, std::int64_t v, bool null) {
    engine::Column& col = At(table_, c);
    col.ints.push_back(null ? 0 : v);
    col.valid.push_back(null ? 0 : 1);
  };
  add_double(Col::kConcentration, r.concentration, r.concentration_null);
  add_double(Col::kRawConcentration, r.raw_concentration, r.raw_null);
  add_int(Col::kAqi, r.aqi, r.aqi_null);
  add_int(Col::kCategory, r.category, r.category_null);
  const std::array<std::string_view, kStringColumns> strings = {
      r.parameter, r.unit, r.site_name, r.agency, r.aqs_id, r.full_aqs_id};
  for (std::size_t i = 0; i < kStringColumns; ++i) {
    At(table_, kStringCols[i]).codes.push_back(Intern(i, strings[i]));
  }
  ++table_.rows;
}

void RowStore::Append(const RowStore& other) {
  std::array<std::vector<std::uint32_t>, kStringColumns> remap;
  for (std::size_t i = 0; i < kStringColumns; ++i) {
    for (const std::string& s :
         other.table_.columns[static_cast<std::size_t>(kStringCols[i])].dict) {
      remap[i].push_back(Intern(i, s));
    }
  }
  for (std::size_t c = 0; c < table_.columns.size(); ++c) {
    engine::Column& to = table_.columns[c];
    const engine::Column& from = other.table_.columns[c];
    to.doubles.insert(to.doubles.end(), from.doubles.begin(), from.doubles.end());
    to.ints.insert(to.ints.end(), from.ints.begin(), from.ints.end());
    to.valid.insert(to.valid.end(), from.valid.begin(), from.valid.end());
  }
  for (std::size_t i = 0; i < kStringColumns; ++i) {
    engine::Column& to = At(table_, kStringCols[i]);
    const engine::Column& from = other.table_.columns[static_cast<std::size_t>(kStringCols[i])];
    to.codes.reserve(to.codes.size() + from.codes.size());
    for (std::uint32_t code : from.codes) to.codes.push_back(remap[i][code]);
  }
  table_.rows += other.table_.rows;
}

}  // namespace plume::preprocess
