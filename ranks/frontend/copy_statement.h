// COPY ... TO as DuckDB has it, run by the front end: the query's rows are written to a file in
// one step, whatever \format and \output say.
//   COPY (SELECT ...) TO 'file' [(FORMAT csv|json [, HEADER [true|false]])]
//   COPY measurements TO 'file' ...
// Without FORMAT the file's extension decides (.json / .ndjson: json, else csv); csv has a
// header line unless HEADER false; json is one object per line (DuckDB's newline-delimited
// default). A leading ~ in the file name is the home directory. Pure parsing: never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plume::frontend {

struct CopyStatement {
  std::string query;  // the SELECT whose rows are written
  std::string path;   // ~ expanded
  std::string format = "csv";
  bool header = true;  // csv only
  // Where `query` came from in the statement as typed: its bytes from `query_skip` on are the
  // typed bytes from `typed_at` on (0-based), the query in parentheses or the table's name
  // (after the "SELECT * FROM " made for it).
  std::size_t typed_at = 0;
  std::size_t query_skip = 0;
};

// The 1-based position in the statement as typed of `position` (1-based) in copy.query, so an
// error of the query points at what was typed (a position in the made-up "SELECT * FROM ": the
// table's name). 0 stays 0.
std::size_t TypedPosition(const CopyStatement& copy, std::size_t position);

// True when `sql` starts with the keyword COPY.
bool IsCopy(std::string_view sql);

// Parses a statement for which IsCopy holds. nullopt and *error ("Error: ..." naming what and
// where, then the statement's line with a caret under the place: error_caret.h) when it is not
// a COPY ... TO that plume can run.
std::optional<CopyStatement> ParseCopy(std::string_view sql, std::string* error);

}  // namespace plume::frontend
