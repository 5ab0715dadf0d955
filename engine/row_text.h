// The text of result rows in the csv and json output formats, made where the rows are.
//
// One code path for both ends: a data rank renders its rows into one string column
// (Plan::WithRowText, PartitionExecution) and rank 0 only concatenates them, or rank 0 formats
// the values itself (frontend csv/json Formatters call RowWriter too). So the bytes of the
// output are the same whichever end made them. Pure functions; nothing here throws.
//
// csv: RFC 4180 (a field with , " CR or LF is quoted, quotes doubled), NULL as an empty field.
// json: one object per line, keys the result's column names, NULL and non-finite doubles as
// null, timestamps and dates as strings, bytes that are not valid UTF-8 as U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/table.h"

namespace plume::engine {

// Which text a statement's rows travel as. kNone: as values (the table format, charts, and
// every aggregate).
enum class RowText : std::uint8_t { kNone = 0, kCsv = 1, kJson = 2 };
inline constexpr RowText kLastRowText = RowText::kJson;
std::string_view RowTextName(RowText text);  // "none", "csv", "json"

// Length (1-4) of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not valid
// UTF-8 (a stray continuation byte, an overlong form, a surrogate, > U+10FFFF, cut short).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);

// `text` as one csv field (quoted only when it must be).
void AppendCsvField(std::string& out, std::string_view text);
// `text` as a JSON string literal (quotes, escapes; invalid UTF-8 becomes \ufffd).
void AppendJsonQuoted(std::string& out, std::string_view text);
// The text of one non-NULL value as csv/json/table print it (strings unquoted).
void AppendValueText(std::string& out, const BatchColumn& column, std::size_t row);

// Formats rows of one statement's result, one line each ("\n"-terminated). Keeps the text of
// the last timestamp (results often come in time order), so one writer per stream.
class RowWriter {
 public:
  // `fields`: the result's columns (json keys). Formatting with kNone writes nothing.
  RowWriter(RowText format, const std::vector<Field>& fields);

  // Appends the lines of every row of `batch` (columns in `fields` order) to *out.
  void AppendRows(const Batch& batch, std::string* out);
  // Replaces *out with a string column holding one value per row of `batch`: its line.
  void RenderColumn(const Batch& batch, BatchColumn* out);
  // The same lines as RenderColumn over the rows rows[0..n) gathered from `columns` (in
  // `fields` order; Table columns, dictionary-coded strings), read in place: a data rank's
  // plain SELECT (PartitionExecution). The field text of a string column's dictionary codes is
  // kept from one call to the next while `columns` are the same (unchanged) columns, so a
  // repeated value (a site, a unit) is quoted and escaped once. Each column's type must be its
  // field's (the caller checks; a cast column is gathered and goes through RenderColumn).
  void RenderSelected(const std::vector<const Column*>& columns, const std::uint32_t* rows,
                      std::size_t n, BatchColumn* out);

 private:
  // One string column's field texts by dictionary code (RenderSelected), made on first use.
  struct CodeText {
    const Column* column = nullptr;
    std::vector<std::uint32_t> begin;  // per code: where its text starts in `text`, or kNotMade
    std::vector<std::uint32_t> size;   // (both empty: the dictionary is too large to keep)
    std::string text;
  };

  // One line of row `r` of `columns` columns: column_at(c) is a BatchColumn or a Column,
  // append_string(c, out) appends string column c's quoted field.
  template <class ColumnAt, class AppendString>
  void AppendLine(std::size_t columns, const ColumnAt& column_at, std::size_t r,
                  const AppendString& append_string, std::string* out);
  // *out = a string column of `rows` lines, line_at(i, &chars) appending the i-th.
  template <class LineAt>
  void RenderLines(std::size_t rows, const LineAt& line_at, BatchColumn* out);
  void AppendRow(const Batch& batch, std::size_t row, std::string* out);
  void AppendQuoted(std::string& out, std::string_view text) const;  // csv field or json string
  void AppendCode(std::string& out, CodeText& cache, std::uint32_t code);
  void AppendTimestampText(std::string& out, std::int64_t seconds);

  RowText format_;
  std::vector<std::string> keys_;  // json: "name": per column
  std::int64_t last_utc_ = 0;
  std::string utc_text_;
  std::vector<CodeText> codes_;     // RenderSelected: per column (unused for non-strings)
  std::size_t bytes_per_row_ = 64;  // the last batch's line bytes per row, to size the next
};

}  // namespace plume::engine
