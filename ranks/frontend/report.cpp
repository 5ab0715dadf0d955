#include "ranks/frontend/report.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace plume::frontend {
namespace {

using Json = nlohmann::ordered_json;  // keys stay in the order the report's schema lists them

// A duration or rate rounded to `decimals` places; null when not finite (nlohmann writes NaN and
// infinities as null too, but says so here).
Json Rounded(double v, int decimals) {
  if (!std::isfinite(v)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

Json RowsPerSecond(std::uint64_t rows, double ms) {
  return ms > 0 ? Rounded(static_cast<double>(rows) / (ms / 1e3), 1) : Json(nullptr);
}

Json ExecutionJson(const ExecutionRecord& r) {
  return Json{
      {"sql", r.sql},
      {"statement", r.statement},
      {"repeat", r.repeat},
      {"request_id", r.request_id},
      {"status", r.status},
      {"error", r.error.empty() ? Json(nullptr) : Json(r.error)},
      {"rows", r.rows},
      {"rows_not_written", r.rows_not_written},
      {"chunks", r.chunks},
      {"bytes", r.bytes},
      {"bytes_received", r.bytes_received},
      {"frames", r.frames},
      {"frames_compressed", r.frames_compressed},
      {"cached", r.cached},
      {"first_chunk_ms", r.first_chunk_ms < 0 ? Json(nullptr) : Rounded(r.first_chunk_ms, 3)},
      {"total_ms", Rounded(r.total_ms, 3)},
      {"rows_per_s", RowsPerSecond(r.rows, r.total_ms)}};
}

Json WorldJson(const Backend::WorldInfo& w) {
  return Json{{"ranks", w.ranks},
              {"leaders", w.leaders},
              {"partitions", w.partitions},
              {"rows", w.rows},
              {"compression", w.compression}};
}

Json TotalsJson(const std::vector<ExecutionRecord>& runs, double wall_ms) {
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
  return Json{{"executions", runs.size()},
              {"completed", completed},
              {"failed", failed},
              {"cancelled", cancelled},
              {"rows", rows},
              {"chunks", chunks},
              {"bytes", bytes},
              {"bytes_received", received},
              {"frames", frames},
              {"frames_compressed", compressed},
              {"wall_ms", Rounded(wall_ms, 3)},
              {"rows_per_s", RowsPerSecond(rows, wall_ms)}};
}

// One value on one line. Scalars are nlohmann's (strings escaped, bytes that are not UTF-8
// replaced by U+FFFD, so the report is valid UTF-8 whatever the statements held); objects and
// arrays separate with ", " and ": " (dump() writes "," and ":"), which readers of the report
// grep for (tests/multihost/suite_test.sh: "frames_compressed": N).
void AppendValue(std::string& out, const Json& v) {
  const auto scalar = [&](const Json& s) {
    out += s.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  if (v.is_object()) {
    out += '{';
    const char* sep = "";
    for (const auto& [key, value] : v.items()) {
      out += sep;
      scalar(key);
      out += ": ";
      AppendValue(out, value);
      sep = ", ";
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ", ";
      AppendValue(out, v[i]);
    }
    out += ']';
  } else {
    scalar(v);
  }
}

// `"name": [` then each item on a line of its own, indented by two.
void AppendList(std::string& out, const char* name, const std::vector<Json>& items) {
  out += ",\n\"";
  out += name;
  out += "\": [";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i > 0 ? ",\n  " : "\n  ";
    AppendValue(out, items[i]);
  }
  out += items.empty() ? "]" : "\n]";
}

}  // namespace

std::string ReportJson(const Backend::WorldInfo& world, const std::vector<ExecutionRecord>& runs,
                       double wall_ms, const std::vector<ScriptError>& script_errors) {
  std::string out = "{\n\"world\": ";
  AppendValue(out, WorldJson(world));
  std::vector<Json> statements;
  statements.reserve(runs.size());
  for (const ExecutionRecord& r : runs) statements.push_back(ExecutionJson(r));
  AppendList(out, "statements", statements);
  out += ",\n\"totals\": ";
  AppendValue(out, TotalsJson(runs, wall_ms));
  if (!script_errors.empty()) {
    std::vector<Json> errors;
    errors.reserve(script_errors.size());
    for (const ScriptError& e : script_errors) {
      errors.push_back(
          Json{{"line", e.line}, {"after_statement", e.after_statement}, {"error", e.error}});
    }
    AppendList(out, "script_errors", errors);
  }
  return out + "\n}\n";
}

}  // namespace plume::frontend
