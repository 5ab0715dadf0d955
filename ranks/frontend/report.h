// The --report FILE.json of one-shot and batch mode:
//   {"world": {"ranks", "leaders", "partitions", "rows"},
//    "statements": [one object per execution: "sql", "statement", "repeat", "request_id",
//                   "status", "error", "rows", "chunks", "bytes", "bytes_received",
//                   "first_chunk_ms", "total_ms", "rows_per_s"],
//    "totals": {"executions", "completed", "failed", "cancelled", "rows", "chunks", "bytes",
//               "bytes_received", "wall_ms", "rows_per_s"}}
// Pure formatting; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/statement_sink.h"

namespace plume::frontend {

// wall_ms: from the first statement's start until the last one's last row was written.
std::string ReportJson(const Backend::WorldInfo& world, const std::vector<ExecutionRecord>& runs,
                       double wall_ms);

}  // namespace plume::frontend
