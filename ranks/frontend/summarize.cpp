#include "ranks/frontend/summarize.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "engine/row_text.h"
#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::frontend {
namespace {

using engine::Type;

constexpr const char* kQuantiles[] = {"0.25", "0.5", "0.75"};

bool Numeric(Type t) { return t == Type::kInt64 || t == Type::kFloat64; }

// Aggregates per column, in this order: min, max, count(DISTINCT), count, then for numbers and
// times avg, std (numbers only), q25, q50, q75.
std::size_t AggregatesOf(Type t) { return Numeric(t) ? 9 : t == Type::kTimestamp ? 8 : 4; }

void AddColumnAggregates(std::string* sql, std::string_view c, Type t) {
  std::string col(c);
  *sql += "min(" + col + "), max(" + col + "), count(DISTINCT " + col + "), count(" + col + ")";
  if (Numeric(t)) {
    *sql += ", avg(" + col + "), stddev_samp(" + col + ")";
    const char* q = t == Type::kInt64 ? "quantile_disc(" : "quantile_cont(";
    for (const char* p : kQuantiles) *sql += std::string(", ") + q + col + ", " + p + ")";
  } else if (t == Type::kTimestamp) {
    std::string epoch = "date_part('epoch', " + col + ")";
    *sql += ", avg(" + epoch + ")";
    for (const char* p : kQuantiles) *sql += ", quantile_cont(" + epoch + ", " + p + ")";
  }
}

// DuckDB's CAST(timestamp AS VARCHAR): "2020-08-10 01:00:00" (fractions of a second after it).
std::string TimestampText(double seconds) {
  double whole = std::floor(seconds);
  auto micros = static_cast<long long>(std::llround((seconds - whole) * 1e6));
  auto s = static_cast<std::int64_t>(whole);
  if (micros == 1000000) ++s, micros = 0;
  std::int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  std::int64_t rest = s - days * 86400;
  std::string out;
  engine::AppendDate(out, days);
  char clock[32];
  std::snprintf(clock, sizeof clock, " %02d:%02d:%02d", static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  out += clock;
  if (micros > 0) {
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%06lld", micros);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

// The value at `row` 0 of `col` as DuckDB casts it to VARCHAR; nullopt for NULL. `as_time`: a
// double of epoch seconds that stands for a TIMESTAMP.
std::optional<std::string> Text(const engine::BatchColumn& col, bool as_time = false) {
  if (col.IsNull(0)) return std::nullopt;
  std::string out;
  switch (col.type) {
    case Type::kFloat64:
      if (as_time) return TimestampText(col.doubles[0]);
      engine::AppendDouble(out, col.doubles[0]);
      return out;
    case Type::kTimestamp:
      return TimestampText(static_cast<double>(col.ints[0]));
    case Type::kString:
      return std::string(col.StringAt(0));
    case Type::kBool:
      return std::string(col.ints[0] != 0 ? "true" : "false");
    default:  // the integers, HUGEINT, DECIMAL ("1.50"), DATE
      engine::AppendValueText(out, col, 0);
      return out;
  }
}

LocalResult SummaryTable() {
  LocalResult r;
  auto add = [&](const char* name, Type t) {
    r.fields.push_back({name, t});
    r.batch.columns.emplace_back();
    r.batch.columns.back().type = t;
  };
  for (const char* n : {"column_name", "column_type", "min", "max"}) add(n, Type::kString);
  add("approx_unique", Type::kInt64);
  for (const char* n : {"avg", "std", "q25", "q50", "q75"}) add(n, Type::kString);
  add("count", Type::kInt64);
  add("null_percentage", engine::DecimalType(9, 2));  // DuckDB's type: units of 0.01
  return r;
}

void AddInt(engine::BatchColumn& col, std::int64_t v) { col.ints.push_back(v); }

void AddMaybe(engine::BatchColumn& col, const std::optional<std::string>& text) {
  AppendText(col, text.value_or(""), !text.has_value());
}

}  // namespace

bool IsSummarize(std::string_view sql) {
  std::size_t b = sql.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos || sql.size() - b < 9) return false;
  std::string word;
  for (char c : sql.substr(b, 9)) word.push_back(static_cast<char>(std::tolower(c)));
  return word == "summarize" &&
         (sql.size() == b + 9 || std::isspace(static_cast<unsigned char>(sql[b + 9])) ||
          sql[b + 9] == ';');
}

std::optional<std::string> SummarizeQuery(std::string_view sql, std::string* error) {
  std::string rest;
  for (char c : sql.substr(sql.find_first_not_of(" \t\r\n") + 9)) {
    if (c != ';') rest.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  std::size_t b = rest.find_first_not_of(" \t\r\n");
  std::size_t e = rest.find_last_not_of(" \t\r\n");
  std::string table =
      b == std::string::npos ? std::string(engine::kTableName) : rest.substr(b, e - b + 1);
  if (table.size() >= 2 && table.front() == '"' && table.back() == '"') {
    table = table.substr(1, table.size() - 2);
  }
  if (table != engine::kTableName) {
    *error = table.find(' ') != std::string::npos || table.starts_with('(')
                 ? "Error: SUMMARIZE of a query is not supported (SUMMARIZE measurements is)"
                 : UnknownTableError(table, sql);
    return std::nullopt;
  }
  std::string query = "SELECT ";
  for (const engine::ColumnSpec& c : engine::kSchema) {
    AddColumnAggregates(&query, c.name, c.type);
    query += ", ";
  }
  return query + "count(*) FROM measurements";
}

LocalResult PivotSummary(const engine::Batch& row) {
  LocalResult r = SummaryTable();
  std::int64_t rows = row.columns.back().ints.empty() ? 0 : row.columns.back().ints[0];
  std::size_t at = 0;
  for (const engine::ColumnSpec& c : engine::kSchema) {
    auto& out = r.batch.columns;
    AppendText(out[0], c.name);
    AppendText(out[1], engine::TypeName(c.type));
    AddMaybe(out[2], Text(row.columns[at]));
    AddMaybe(out[3], Text(row.columns[at + 1]));
    AddInt(out[4], row.columns[at + 2].ints[0]);
    std::int64_t non_null = row.columns[at + 3].ints[0];
    bool time = c.type == Type::kTimestamp;
    std::size_t next = at + 4;
    AddMaybe(out[5], AggregatesOf(c.type) > 4 ? Text(row.columns[next++], time) : std::nullopt);
    AddMaybe(out[6], Numeric(c.type) ? Text(row.columns[next++]) : std::nullopt);
    for (int q = 0; q < 3; ++q) {
      AddMaybe(out[7 + q],
               AggregatesOf(c.type) > 4 ? Text(row.columns[next++], time) : std::nullopt);
    }
    AddInt(out[10], rows);
    double nulls = rows == 0 ? 0 : 100.0 * static_cast<double>(rows - non_null) / rows;
    out[11].ints.push_back(std::llround(nulls * 100));
    at += AggregatesOf(c.type);
    ++r.batch.rows;
  }
  return r;
}

bool SummarizeSink::Chunk(const engine::Batch& chunk, const RequestInfo&, std::string*) {
  if (chunk.rows > 0) row_ = chunk;
  return true;
}

void SummarizeSink::End(const RequestInfo& info) {
  RequestInfo shown = info;
  shown.sql = sql_;
  shown.error_position = 0;  // a position in the aggregate statement, not in what was typed
  if (info.state != RequestState::kCompleted || row_.rows != 1) {
    if (info.state == RequestState::kCompleted) {
      shown.state = RequestState::kFailed;
      shown.error = "Error: SUMMARIZE got no summary row";
    }
    inner().End(shown);
    return;
  }
  LocalResult summary = PivotSummary(row_);
  shown.state = RequestState::kRunning;
  shown.fields = summary.fields;
  inner().Begin(shown);
  shown.rows_delivered = shown.rows_total = summary.batch.rows;
  shown.rows_total_known = true;
  shown.chunks_delivered = shown.chunks_total = 1;
  std::string error;
  shown.state =
      inner().Chunk(summary.batch, shown, &error) ? RequestState::kCompleted : inner().StopState();
  shown.error = error;
  inner().End(shown);
}

}  // namespace plume::frontend
