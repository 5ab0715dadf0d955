// What the prompt's meta commands (and the matching command-line options) change for the
// statements that follow: format, chunk size, output file, timing, deadline, how much of a
// table the screen shows. Shared by the prompt and batch mode. Main thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/copy_sink.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/meta_command.h"
#include "ranks/frontend/options.h"
#include "ranks/frontend/output.h"
#include "ranks/frontend/schema_statement.h"
#include "ranks/frontend/statement_sink.h"

namespace plume::frontend {

struct Settings {
  std::string format = "table";
  std::size_t chunk_rows = 1000;
  std::shared_ptr<OutputTarget> output;  // never null once made by SettingsFromOptions
  bool timing = false;
  double timeout_s = 0;
  // Where a person watches (standard output at the prompt): the table is cut only there, and
  // \output - returns to it. Null: never cut (batch mode, files).
  std::shared_ptr<OutputTarget> screen;
  std::size_t max_rows = 50;       // \maxrows: table rows at the screen (0 = all)
  std::size_t max_width = 160;     // \maxwidth: table width at the screen (0 = no limit)
  bool max_width_by_user = false;  // set by \maxwidth N: terminal resizes no longer change it
  bool expanded = false;           // \x
  std::size_t max_statement_bytes = std::size_t{16} << 20;  // --max-statement-bytes
  std::string data_dir;  // --data: no result file may be written inside it (data_guard.h)

  Backend::Options backend_options() const { return {chunk_rows, timeout_s}; }
  // How the table format cuts for the current output: only at the screen, never in a file.
  TableLimits table_limits() const;
};

// Settings from the command line; nullopt and *error when --output cannot be opened.
std::optional<Settings> SettingsFromOptions(const CliOptions& options, std::string* error);

// Applies \chunk, \format, \output, \timing, \timeout, \maxrows, \maxwidth or \x (or shows
// the value when given without argument). Returns false when `cmd` is none of these.
// Otherwise sets *message (what changed, or the value) or *error ("Error: ...", unchanged).
bool ApplySetting(const MetaCommand& cmd, Settings* settings, std::string* message,
                  std::string* error);

// A sink for one statement with the current settings. `live`: write straight to the output;
// otherwise hold the text until StatementSink::Release().
std::shared_ptr<StatementSink> MakeSink(const Settings& settings, const Backend& backend,
                                        bool live);
// The same with a formatter of the caller's (COPY ... TO with its own format and file).
std::shared_ptr<StatementSink> MakeSink(std::unique_ptr<Formatter> formatter,
                                        std::shared_ptr<OutputTarget> output,
                                        const Backend& backend, bool live);

// One statement ready to submit: the SQL the backend runs and the sink that takes its rows.
struct Prepared {
  std::string sql;
  std::shared_ptr<StatementSink> sink;
  std::string copy_path;  // COPY ... TO: the file the rows go to (empty otherwise)
  // DESCRIBE, SHOW TABLES: answered by the front end (Start delivers it to the sink).
  std::optional<LocalResult> local;
  // SUMMARIZE: the statement as typed; `sql` is its aggregate statement (summarize.h).
  std::string summarize;
  // COPY ... TO: the statement as typed, its query's place in it and its file (copy_sink.h).
  std::optional<CopyRun> copy = std::nullopt;
};
// Prepares `sql` with the current settings; a COPY ... TO (copy_statement.h) gets its own file
// and format and is always live. nullopt and *error when a COPY is malformed or its file cannot
// be opened, or a DESCRIBE names another table.
std::optional<Prepared> Prepare(const std::string& sql, const Settings& settings,
                                const Backend& backend, bool live, std::string* error);
// Submits a prepared statement (or answers a local one at once) and returns its request id
// (0 for a local answer). `via` (when given) receives the result instead of prepared.sink and
// must pass it on (ChartCapture).
std::uint64_t Start(Prepared& prepared, const Settings& settings, Backend& backend,
                    std::shared_ptr<ResultSink> via = nullptr);

// The message to show for a statement that did not complete; always contains "Error", is valid
// UTF-8 (utf8.h), and for a statement error ends with the statement line and a caret under
// the position (CaretLines).
std::string ErrorText(const ExecutionRecord& record);

}  // namespace plume::frontend
