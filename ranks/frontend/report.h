// The --report FILE.json of one-shot and batch mode:
//   {"world": {"ranks", "leaders", "partitions", "rows", "compression"},
//    "statements": [one object per execution: "sql", "statement", "repeat", "request_id",
//                   "status", "error", "rows", "chunks", "bytes", "bytes_received", "frames",
//                   "frames_compressed", "cached", "first_chunk_ms", "total_ms", "rows_per_s"],
//    "totals": {"executions", "completed", "failed", "cancelled", "rows", "chunks", "bytes",
//               "bytes_received", "frames", "frames_compressed", "wall_ms", "rows_per_s"},
//    "script_errors": [one object per failed setting line of a -c/-f script: "line",
//                      "after_statement", "error"]}   (only when there is one)
// Pure formatting; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/statement_sink.h"

namespace plume::frontend {

// A line of a -c/-f script that is not a statement and could not be applied (\list in batch
// mode, a bad \output or \chunk, ...). It runs nothing, but makes the exit code 1.
struct ScriptError {
  std::string line;         // as written in the script
  int after_statement = 0;  // the statement before it (0: none)
  std::string error;        // "Error: ..."
};

// wall_ms: from the first statement's start until the last one's last row was written.
std::string ReportJson(const Backend::WorldInfo& world, const std::vector<ExecutionRecord>& runs,
                       double wall_ms, const std::vector<ScriptError>& script_errors = {});

}  // namespace plume::frontend
