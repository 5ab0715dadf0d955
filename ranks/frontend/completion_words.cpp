#include "ranks/frontend/completion_words.h"

#include <set>

#include "engine/plan_data.h"
#include "engine/schema.h"

namespace plume::frontend {
namespace {

// The scalar functions the binder knows (engine/bind_functions.cpp; completion_words_test
// checks that each one binds), and the special forms.
constexpr const char* kScalarFunctions[] = {
    "date_trunc",     "date_part", "strftime",  "abs",    "round",       "floor",    "ceil",
    "sqrt",           "ln",        "log10",     "power",  "greatest",    "least",    "lower",
    "upper",          "length",    "substring", "trim",   "starts_with", "contains", "replace",
    "regexp_matches", "coalesce",  "nullif",    "concat", "extract"};

constexpr const char* kKeywords[] = {
    "SELECT",   "FROM",    "WHERE",    "GROUP",     "BY",     "ORDER",  "HAVING",   "LIMIT",
    "OFFSET",   "AND",     "OR",       "NOT",       "IN",     "IS",     "NULL",     "AS",
    "ASC",      "DESC",    "CASE",     "WHEN",      "THEN",   "ELSE",   "END",      "CAST",
    "DISTINCT", "LIKE",    "ILIKE",    "BETWEEN",   "TRUE",   "FALSE",  "NULLS",    "FIRST",
    "LAST",     "FILTER",  "COPY",     "TO",        "FORMAT", "HEADER", "DESCRIBE", "SHOW",
    "TABLES",   "EXPLAIN", "INTERVAL", "TIMESTAMP", "DOUBLE", "BIGINT", "VARCHAR"};

constexpr const char* kMetaCommands[] = {"\\help",    "\\status",  "\\list",     "\\cancel",
                                         "\\chunk",   "\\format",  "\\output",   "\\timing",
                                         "\\timeout", "\\maxrows", "\\maxwidth", "\\x",
                                         "\\i",       "\\d",       "\\chart",    "\\quit"};

}  // namespace

std::vector<std::string> CompletionWords() {
  std::vector<std::string> words{std::string(engine::kTableName)};
  for (const engine::ColumnSpec& c : engine::kSchema) words.emplace_back(c.name);
  std::set<std::string> seen(words.begin(), words.end());
  auto add = [&](std::string w) {
    if (seen.insert(w).second) words.push_back(std::move(w));
  };
  for (const char* f : kScalarFunctions) add(f);
  for (int f = 1; f <= static_cast<int>(engine::kLastAggFn); ++f) {
    auto fn = static_cast<engine::AggFn>(f);
    if (fn != engine::AggFn::kCountStar) add(std::string(engine::AggregateName(fn)));
  }
  for (const char* k : kKeywords) add(k);
  for (const char* m : kMetaCommands) add(m);
  return words;
}

}  // namespace plume::frontend
