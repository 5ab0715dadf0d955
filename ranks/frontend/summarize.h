// SUMMARIZE measurements as DuckDB shows it: one row per column with column_name, column_type,
// min, max, approx_unique, avg, std, q25, q50, q75 (VARCHAR, as DuckDB casts them), count and
// null_percentage. The front end answers it with one aggregate statement over the table (run
// by the data ranks like any other), whose single row SummarizeSink turns into that table.
// Where plume differs from DuckDB (docs/SQL.md): approx_unique is the exact distinct count and
// q25..q75 exact quantiles (DuckDB estimates both). null_percentage is DECIMAL(9,2), as in
// DuckDB. Main thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/schema_statement.h"

namespace plume::frontend {

// True for "SUMMARIZE ..." (any table or query: SummarizeQuery says what is supported).
bool IsSummarize(std::string_view sql);

// The aggregate statement behind `SUMMARIZE [measurements]`; nullopt and *error for another
// table or a query.
std::optional<std::string> SummarizeQuery(std::string_view sql, std::string* error);

// The SUMMARIZE table from the aggregate statement's one-row answer.
LocalResult PivotSummary(const engine::Batch& row);

// Takes the aggregate statement's result and hands `inner` the SUMMARIZE table instead, under
// the statement as typed (`sql`). A failed or cancelled statement reaches `inner` as such.
class SummarizeSink : public ForwardingSink {
 public:
  SummarizeSink(std::string sql, std::shared_ptr<ResultSink> inner)
      : ForwardingSink(std::move(inner)), sql_(std::move(sql)) {}
  void Begin(const RequestInfo&) override {}
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override;
  void End(const RequestInfo& info) override;

 private:
  std::string sql_;
  engine::Batch row_;
};

}  // namespace plume::frontend
