// Output formats: table (aligned, cut when long or wide), csv (RFC 4180), json (one object per
// line) and null (discards rows). A Formatter turns one statement's result into text that the
// caller writes; it never does I/O itself and never throws.
//
// Values: numbers as engine::AppendDouble / AppendInt print them (as in the source files),
// utc as YYYY-MM-DDTHH:MM, NULL as an empty CSV field, JSON null, or "NULL" in a table.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/row_text.h"

namespace plume::frontend {

class Formatter {
 public:
  virtual ~Formatter() = default;
  // Once, before any rows: the result's columns.
  virtual void Begin(const std::vector<engine::Field>& fields, std::string* out) = 0;
  // One chunk of rows, in order.
  virtual void Rows(const engine::Batch& batch, std::string* out) = 0;
  // After the last chunk; `complete` is false when the statement ended early (failed,
  // cancelled), so formats that summarize can say the rows are not all there.
  virtual void End(bool complete, std::string* out) = 0;
  // The text the data ranks may make for this format's rows (csv, json): Rows() of a batch is
  // then exactly the concatenation of its lines (engine::RowWriter). kNone: rank 0 needs values.
  virtual engine::RowText row_text() const { return engine::RowText::kNone; }
};

// How the table format cuts big results. At most head_rows + tail_rows rows are kept in memory
// (all of them without a limit, as psql and DuckDB's box renderer do).
inline constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);
struct TableLimits {
  std::size_t head_rows = 40;
  std::size_t tail_rows = 10;
  std::size_t max_value_width = 40;   // characters; longer values end in "..."
  std::size_t max_total_width = 160;  // characters; columns beyond it are left out
  bool expanded = false;              // one "column | value" line per column (psql's \x)
  bool hints = false;                 // the note names the commands that show what was cut
  bool group_digits = false;          // integers with thousands separators (\list, \d)

  // Nothing cut (results going to a file).
  static TableLimits Unlimited(bool expanded);
  // At the screen: max_rows rows (0 = all; four fifths from the start, the rest from the end),
  // max_width characters (0 = no limit, values uncut too).
  static TableLimits Screen(std::size_t max_rows, std::size_t max_width, bool expanded);
};

bool IsFormatName(std::string_view name);  // table, csv, json, null
// Returns nullptr for an unknown name.
std::unique_ptr<Formatter> MakeFormatter(std::string_view name, const TableLimits& limits = {});
// The csv format with or without its header line (COPY ... (HEADER false)).
std::unique_ptr<Formatter> MakeCsvFormatter(bool header);

// Appends the text of one chunk: the bytes of its one string column when its rows came as the
// formatter's own lines (`arrived_as`, RequestInfo::row_text, made by the data ranks), else
// what formatter.Rows writes for the values.
void FormatChunk(Formatter& formatter, engine::RowText arrived_as, const engine::Batch& chunk,
                 std::string* out);

// The text of one non-NULL value as csv/json/table print it (strings unquoted).
inline void AppendValue(std::string& out, const engine::BatchColumn& column, std::size_t row) {
  engine::AppendValueText(out, column, row);
}
// Appends `text` as a JSON string literal (quotes, escapes; bytes that are not valid UTF-8
// become U+FFFD, so the literal is always valid JSON).
using engine::AppendJsonQuoted;
// 1234567 -> "1,234,567".
std::string GroupDigits(std::uint64_t n);
// (1, "chunk") -> "1 chunk"; (1234, "row") -> "1,234 rows".
std::string CountOf(std::uint64_t n, std::string_view noun);

}  // namespace plume::frontend
