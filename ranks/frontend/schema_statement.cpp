#include "ranks/frontend/schema_statement.h"

#include <cctype>

#include "engine/schema.h"
#include "engine/suggest.h"
#include "ranks/frontend/error_caret.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/run.h"

namespace plume::frontend {
namespace {

using engine::Type;

// The statement's words, lower-cased, without a trailing ';'.
std::vector<std::string> LowerWords(std::string_view sql) {
  std::vector<std::string> words;
  std::string word;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

LocalResult StringTable(const std::vector<std::string>& names) {
  LocalResult r;
  for (const std::string& n : names) {
    r.fields.push_back({n, Type::kString});
    r.batch.columns.emplace_back();
    r.batch.columns.back().type = Type::kString;
  }
  return r;
}

LocalResult Describe() {
  LocalResult r = StringTable({"column_name", "column_type", "null", "key", "default", "extra"});
  for (const engine::ColumnSpec& c : engine::kSchema) {
    AppendText(r.batch.columns[0], c.name);
    AppendText(r.batch.columns[1], engine::TypeName(c.type));
    AppendText(r.batch.columns[2], c.nullable ? "YES" : "NO");
    for (int k = 3; k < 6; ++k) AppendText(r.batch.columns[k], "", true);
    ++r.batch.rows;
  }
  return r;
}

}  // namespace

void AppendText(engine::BatchColumn& col, std::string_view text, bool null) {
  if (col.offsets.empty()) col.offsets.push_back(0);
  if (!null) col.chars.append(text);
  col.offsets.push_back(static_cast<std::uint32_t>(col.chars.size()));
  if (null || !col.valid.empty()) {
    col.valid.resize(col.offsets.size() - 2, 1);
    col.valid.push_back(null ? 0 : 1);
  }
}

SchemaKind SchemaKindOf(std::string_view sql) {
  std::vector<std::string> w = LowerWords(sql);
  if (w.empty() || (w[0] != "describe" && w[0] != "show")) return SchemaKind::kNone;
  if (w[0] == "show" && ((w.size() == 2 && w[1] == "tables") ||
                         (w.size() == 3 && w[1] == "all" && w[2] == "tables"))) {
    return SchemaKind::kShowTables;
  }
  return w[0] == "show" && w.size() == 1 ? SchemaKind::kNone : SchemaKind::kDescribe;
}

namespace {

// 1-based position of the statement's second word; 0 when it has none.
std::size_t SecondWordAt(std::string_view sql) {
  auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  while (i < sql.size() && blank(sql[i])) ++i;
  while (i < sql.size() && !blank(sql[i])) ++i;
  while (i < sql.size() && blank(sql[i])) ++i;
  return i < sql.size() && sql[i] != ';' ? i + 1 : 0;
}

// " (at character N)" and the caret lines for the table named in `sql`; empty without one.
std::string TablePlace(std::string_view sql) {
  std::size_t at = SecondWordAt(sql);
  if (at == 0) return "";
  std::string place = " (at character " + std::to_string(at) + ")";
  place += '\n';  // not "\n" + ...: g++ 12 -Wrestrict false positive
  return place + CaretLines(sql, at);
}

}  // namespace

std::string UnknownTableError(std::string_view table, std::string_view sql) {
  const std::string hint = engine::DidYouMean(table, {std::string(engine::kTableName)});
  return "Error: unknown table '" + std::string(table) + "'" +
         (hint.empty() ? " (the only table is measurements)" : hint) + TablePlace(sql);
}

std::optional<LocalResult> AnswerSchema(std::string_view sql, std::string* error) {
  std::vector<std::string> w = LowerWords(sql);
  if (SchemaKindOf(sql) == SchemaKind::kShowTables) {
    LocalResult r = StringTable({"name"});
    AppendText(r.batch.columns[0], engine::kTableName);
    r.batch.rows = 1;
    return r;
  }
  const std::string what = w[0] == "show" ? "SHOW" : "DESCRIBE";
  if (w.size() > 2 || (w.size() == 2 && (w[1] == "select" || w[1] == "with"))) {
    *error = "Error: " + what + " of a query is not supported (" + what + " measurements is)";
    return std::nullopt;
  }
  std::string table = w.size() == 2 ? w[1] : std::string(engine::kTableName);
  if (table.size() >= 2 && table.front() == '"' && table.back() == '"') {
    table = table.substr(1, table.size() - 2);
  }
  if (table != engine::kTableName) {
    *error =
        what == "SHOW" && engine::EditDistance(table, "tables") <= 2
            ? "Error: unknown table '" + table + "' (did you mean SHOW TABLES?)" + TablePlace(sql)
            : UnknownTableError(table, sql);
    return std::nullopt;
  }
  return Describe();
}

std::string TableSummaryLine(const Backend::WorldInfo& world) {
  return "Table measurements: " + CountOf(world.rows, "row") + " in " +
         CountOf(world.partitions, "partition") + ", from " + DataSourceText(world.source) + ".\n";
}

void DeliverLocal(const std::string& sql, const LocalResult& result, double now, ResultSink& sink) {
  RequestInfo info;
  info.sql = sql;
  info.state = RequestState::kRunning;
  info.fields = result.fields;
  info.submitted_s = info.started_s = info.first_chunk_s = now;
  sink.Begin(info);
  info.rows_delivered = info.rows_total = result.batch.rows;
  info.rows_total_known = true;
  info.chunks_delivered = info.chunks_total = 1;
  std::string error;
  if (!sink.Chunk(result.batch, info, &error)) {
    info.state = sink.StopState();
    info.error = error;
  } else {
    info.state = RequestState::kCompleted;
  }
  info.finished_s = now;
  sink.End(info);
}

}  // namespace plume::frontend
