// libFuzzer target: the AirNow CSV reader on arbitrary bytes, line by line and as a whole file.
// Every line must be accounted for exactly once, and a stored row must never hold a refused
// control byte (issue 12 item 6; a tab is kept). Nothing here may throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "preprocess/csv_reader.h"
#include "preprocess/row_store.h"

namespace {

// A refused control byte: anything below 0x20 but tab (kept, as DuckDB keeps it), and 0x7f.
bool HasControlByte(std::string_view s) {
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace pp = plume::preprocess;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  pp::ParsedRow row;
  const pp::LineResult line = pp::ParseLine(text.substr(0, text.find('\n')), &row);
  if (line.kind == pp::LineKind::kStored &&
      (HasControlByte(row.site_name) || HasControlByte(row.parameter) || HasControlByte(row.unit) ||
       HasControlByte(row.agency) || HasControlByte(row.aqs_id) ||
       HasControlByte(row.full_aqs_id))) {
    __builtin_trap();
  }
  pp::RowStore rows;
  pp::IngestReport report;
  pp::ReadCsvBuffer(text, "fuzz.csv", &rows, &report);
  if (report.stored + report.rejected + report.blank + report.header != report.lines ||
      rows.rows() != report.stored) {
    __builtin_trap();
  }
  (void)report.Text();
  return 0;
}
