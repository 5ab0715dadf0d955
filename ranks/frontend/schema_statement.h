// The statements about the schema that the front end answers itself, from engine::kSchema and
// the backend's WorldInfo, as DuckDB shows them:
//   DESCRIBE measurements (DESCRIBE alone, SHOW measurements too): column_name, column_type,
//     null, key, default, extra; SHOW TABLES / SHOW ALL TABLES: name; the same for
//     \d [measurements].
// Pure: never throws, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "ranks/frontend/backend.h"

namespace plume::frontend {

struct LocalResult {
  std::vector<engine::Field> fields;
  engine::Batch batch;
};

enum class SchemaKind { kNone, kDescribe, kShowTables };

// What `sql` asks for (kNone: an ordinary statement for the backend).
SchemaKind SchemaKindOf(std::string_view sql);

// The result of a DESCRIBE or SHOW TABLES statement; nullopt and *error ("Error: unknown table
// 'x' ...") for a table other than measurements.
std::optional<LocalResult> AnswerSchema(std::string_view sql, std::string* error);

// "Error: unknown table 'x'" with a "did you mean" or the name of the only table; given the
// statement (`DESCRIBE x`, `SUMMARIZE x`), also the place of its second word, the table, with
// the statement's line and a caret under it (error_caret.h).
std::string UnknownTableError(std::string_view table, std::string_view sql = {});

// The line \d prints above the columns: rows, partitions, where the data came from.
std::string TableSummaryLine(const Backend::WorldInfo& world);

// Appends one string value (or a NULL) to a string column of a batch being built.
void AppendText(engine::BatchColumn& col, std::string_view text, bool null = false);

// Feeds a finished local result to `sink` as if a request had delivered it (one chunk).
void DeliverLocal(const std::string& sql, const LocalResult& result, double now, ResultSink& sink);

}  // namespace plume::frontend
