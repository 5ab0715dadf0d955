// What the prompt's meta commands (and the matching command-line options) change for the
// statements that follow: format, chunk size, output file, timing, deadline. Shared by the
// prompt and batch mode. Main thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/meta_command.h"
#include "ranks/frontend/options.h"
#include "ranks/frontend/output.h"
#include "ranks/frontend/statement_sink.h"

namespace plume::frontend {

struct Settings {
  std::string format = "table";
  std::size_t chunk_rows = 1000;
  std::shared_ptr<OutputTarget> output;  // never null once made by SettingsFromOptions
  bool timing = false;
  double timeout_s = 0;
  TableLimits table;

  Backend::Options backend_options() const { return {chunk_rows, timeout_s}; }
};

// Settings from the command line; nullopt and *error when --output cannot be opened.
std::optional<Settings> SettingsFromOptions(const CliOptions& options, std::string* error);

// Applies \chunk, \format, \output, \timing or \timeout. Returns false when `cmd` is none of
// these. Otherwise sets *message (what changed) or *error ("Error: ...", settings unchanged).
bool ApplySetting(const MetaCommand& cmd, Settings* settings, std::string* message,
                  std::string* error);

// A sink for one statement with the current settings. `live`: write straight to the output;
// otherwise hold the text until StatementSink::Release().
std::shared_ptr<StatementSink> MakeSink(const Settings& settings, const Backend& backend,
                                        bool live);

// The message to show for a statement that did not complete; always contains "Error".
std::string ErrorText(const ExecutionRecord& record);

}  // namespace plume::frontend
