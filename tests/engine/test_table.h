// Test helpers: building measurements tables from rows, running a plan over partitions through
// the whole engine pipeline (partition -> wire -> team merger -> wire -> gateway merger), and
// converting batches into comparable rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"

namespace plume::engine::testing {

// A cell: NULL, an integer (BIGINT or TIMESTAMP seconds), a double or a string.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Row = std::vector<Value>;  // one Value per kSchema column, or per result column

// A measurements row (kSchema order): the columns tests vary, fixed values for the others; the
// raw concentration and the AQI columns repeat `conc` and `aqi`.
Row MeasurementRow(double lat, std::int64_t utc, std::string param, Value conc, Value aqi,
                   std::string site, std::string agency = "Agency");

// Builds a partition from rows in kSchema order (sorted dictionaries, zone maps).
Table MakeTable(const std::vector<Row>& rows);

struct RunOptions {
  std::size_t teams = 2;          // partitions are dealt round-robin to this many team mergers
  std::size_t batch_rows = 1000;  // max rows per Next/Pop
  // Plan::WithRowText at every stage (as each rank applies its kStart's row text).
  engine::RowText row_text = engine::RowText::kNone;
};

// Runs `plan` over the partitions through encode/decode and two merge levels; returns the
// gateway's rows. Throws what the engine throws.
std::vector<Row> RunPipeline(const Plan& plan, const std::vector<Table>& partitions,
                             const RunOptions& options = {});

// The same run, returning the gateway's batches as they came.
std::vector<Batch> RunPipelineBatches(const Plan& plan, const std::vector<Table>& partitions,
                                      const RunOptions& options = {});

// Rows of one AirNow CSV file (13 quoted fields; -999 / -999.0 become NULL). Throws
// std::runtime_error when the file cannot be read or a line is malformed.
std::vector<Row> ReadAirNowCsv(const std::string& path);

// DECIMAL values as their text ("1.50"), the other types as their values.
std::vector<Row> BatchRows(const Batch& batch);
std::string ValueText(const Value& v);
std::string RowText(const Row& r);

}  // namespace plume::engine::testing
