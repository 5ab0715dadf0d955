#include "ranks/frontend/report.h"

#include "ranks/frontend/format.h"

#include <cmath>
#include <cstdio>

namespace plume::frontend {
namespace {

std::string Number(double v, int decimals) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string RowsPerSecond(std::uint64_t rows, double ms) {
  return ms > 0 ? Number(rows / (ms / 1e3), 1) : "null";
}

std::string ExecutionJson(const ExecutionRecord& r) {
  std::string s = "{\"sql\": ";
  AppendJsonQuoted(s, r.sql);
  s += ", \"statement\": " + std::to_string(r.statement);
  s += ", \"repeat\": " + std::to_string(r.repeat);
  s += ", \"request_id\": " + std::to_string(r.request_id);
  s += ", \"status\": ";
  AppendJsonQuoted(s, r.status);
  s += ", \"error\": ";
  if (r.error.empty()) {
    s += "null";
  } else {
    AppendJsonQuoted(s, r.error);
  }
  s += ", \"rows\": " + std::to_string(r.rows);
  s += ", \"chunks\": " + std::to_string(r.chunks);
  s += ", \"bytes\": " + std::to_string(r.bytes);
  s += ", \"bytes_received\": " + std::to_string(r.bytes_received);
  s += ", \"frames\": " + std::to_string(r.frames);
  s += ", \"frames_compressed\": " + std::to_string(r.frames_compressed);
  s += std::string(", \"cached\": ") + (r.cached ? "true" : "false");
  s += ", \"first_chunk_ms\": " + (r.first_chunk_ms < 0 ? "null" : Number(r.first_chunk_ms, 3));
  s += ", \"total_ms\": " + Number(r.total_ms, 3);
  s += ", \"rows_per_s\": " + RowsPerSecond(r.rows, r.total_ms);
  return s + "}";
}

std::string WorldJson(const Backend::WorldInfo& w) {
  std::string s = "{\"ranks\": " + std::to_string(w.ranks) + ", \"leaders\": [";
  for (std::size_t i = 0; i < w.leaders.size(); ++i) {
    s += (i ? ", " : "") + std::to_string(w.leaders[i]);
  }
  s += "], \"partitions\": " + std::to_string(w.partitions);
  s += ", \"rows\": " + std::to_string(w.rows) + ", \"compression\": ";
  AppendJsonQuoted(s, w.compression);
  return s + "}";
}

std::string TotalsJson(const std::vector<ExecutionRecord>& runs, double wall_ms) {
  std::uint64_t rows = 0, chunks = 0, bytes = 0, received = 0, frames = 0, compressed = 0;
  int completed = 0, failed = 0, cancelled = 0;
  for (const ExecutionRecord& r : runs) {
    rows += r.rows;
    chunks += r.chunks;
    bytes += r.bytes;
    received += r.bytes_received;
    frames += r.frames;
    compressed += r.frames_compressed;
    completed += r.status == "completed";
    failed += r.status == "failed";
    cancelled += r.status == "cancelled";
  }
  std::string s = "{\"executions\": " + std::to_string(runs.size());
  s += ", \"completed\": " + std::to_string(completed);
  s += ", \"failed\": " + std::to_string(failed);
  s += ", \"cancelled\": " + std::to_string(cancelled);
  s += ", \"rows\": " + std::to_string(rows) + ", \"chunks\": " + std::to_string(chunks);
  s += ", \"bytes\": " + std::to_string(bytes);
  s += ", \"bytes_received\": " + std::to_string(received);
  s += ", \"frames\": " + std::to_string(frames);
  s += ", \"frames_compressed\": " + std::to_string(compressed);
  s += ", \"wall_ms\": " + Number(wall_ms, 3);
  return s + ", \"rows_per_s\": " + RowsPerSecond(rows, wall_ms) + "}";
}

std::string ScriptErrorsJson(const std::vector<ScriptError>& errors) {
  std::string s = ",\n\"script_errors\": [";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    s += i ? ",\n  {\"line\": " : "\n  {\"line\": ";
    AppendJsonQuoted(s, errors[i].line);
    s += ", \"after_statement\": " + std::to_string(errors[i].after_statement);
    s += ", \"error\": ";
    AppendJsonQuoted(s, errors[i].error);
    s += "}";
  }
  return s + "\n]";
}

}  // namespace

std::string ReportJson(const Backend::WorldInfo& world, const std::vector<ExecutionRecord>& runs,
                       double wall_ms, const std::vector<ScriptError>& script_errors) {
  std::string s = "{\n\"world\": " + WorldJson(world) + ",\n\"statements\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    s += (i ? ",\n  " : "\n  ") + ExecutionJson(runs[i]);
  }
  s += runs.empty() ? "],\n" : "\n],\n";
  s += "\"totals\": " + TotalsJson(runs, wall_ms);
  if (!script_errors.empty()) s += ScriptErrorsJson(script_errors);
  return s + "\n}\n";
}

}  // namespace plume::frontend
