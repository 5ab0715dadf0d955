// libFuzzer target: one SQL statement through parse, bind and the whole engine pipeline
// (3 small in-memory partitions -> wire -> team merger -> wire -> gateway merger), plus the
// plan's serialize/deserialize round trip. A statement may fail with std::runtime_error
// (SqlError is one); anything else escaping, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/query.h"
#include "tests/engine/test_table.h"

namespace {

using plume::engine::Plan;
using plume::engine::Table;
using plume::engine::testing::Row;

// kSchema order: latitude, longitude, utc, parameter, concentration, unit, raw_concentration,
// aqi, category, site_name, agency, aqs_id, full_aqs_id.
Row MakeRow(double lat, std::int64_t utc, const char* param, double conc, std::int64_t aqi,
            const char* site, bool nulls) {
  Row r = {lat,
           -124.2,
           utc,
           std::string(param),
           conc,
           std::string("UG/M3"),
           conc - 0.5,
           aqi,
           std::int64_t{2},
           std::string(site),
           std::string("Agency, X"),
           std::string("060070007"),
           std::string("840060070007")};
  if (nulls) r[4] = r[7] = r[8] = std::monostate{};
  return r;
}

const std::vector<Table>& Partitions() {
  static const std::vector<Table> partitions = [] {
    constexpr std::int64_t k0 = 1598907600;  // 2020-08-31T21:00
    std::vector<Table> parts;
    parts.push_back(plume::engine::testing::MakeTable(
        {MakeRow(41.7, k0, "PM2.5", 8.0, 33, "Crescent City", false),
         MakeRow(38.4, k0, "OZONE", -0.3, 0, "Sebastopol", true),
         MakeRow(39.7, k0 + 3600, "PM2.5", 5643.8, 3897, "Paradise - Airport", false)}));
    parts.push_back(plume::engine::testing::MakeTable(
        {MakeRow(45.4, k0 + 7200, "CO", 1.3, 0, "Sebastopol", true),
         MakeRow(28.7, k0 + 7200, "OZONE", 43.0, 40, "Rangely, CO", false)}));
    parts.push_back(plume::engine::testing::MakeTable({}));
    return parts;
  }();
  return partitions;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  try {
    const Plan plan = Plan::Parse(sql);
    const std::string bytes = plan.Serialize();
    if (Plan::Deserialize(bytes).Serialize() != bytes) __builtin_trap();  // round trip is exact
    plume::engine::testing::RunOptions options;
    options.batch_rows = 2;  // many batches, so merges interleave
    plume::engine::testing::RunPipeline(plan, Partitions(), options);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
