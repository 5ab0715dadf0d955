// Multi-stage statements (WITH, subqueries in FROM, scalar and IN subqueries): the engine's
// contract with the runtime for statements that run as several plans in order.
//
// A statement splits into stages, children first; the last stage is the statement itself.
// Stage i reads either measurements (source(i) == -1: it runs on the data ranks like any
// statement) or the gathered result of an earlier stage (source(i) < i: it runs where that
// result is, on the gateway, over an engine Table built by GatheredTable). The results of scalar
// and IN subqueries are substituted as constants into the stages that use them when those are
// bound, so every stage is an ordinary Plan that PartitionExecution and Merger run unchanged.
// Window functions (OVER, QUALIFY) make a window stage, and the next stage reads the columns
// the windows add. A window stage over measurements runs on the data ranks inside the stage
// that reads it (window_input(i)): the gateway starts that stage with the WindowStage of
// Window(i) beside its plan, each data rank exchanges the window's rows by their PARTITION BY
// keys (or keeps its own rows, when the windows are partition-local) and computes the windows
// over its share (engine/window_stage.h), and the reading stage's plan runs over that share like
// a partition. A row-wise stage over the windows that only the next stage reads (a subquery in
// FROM that filters them, say) runs there too, so an aggregate over windows sends only its
// partial groups to the gateway. Otherwise (a window over a gathered result, or
// PlanOptions::windows_on_data_ranks false) its rows are gathered, the windows computed over
// them (Complete), and the next stage reads that table on the gateway.
// A statement without subqueries has one stage, whose plan equals Plan::Parse's.
//
// Threading: none; nothing blocks. Errors: Parse and Bind throw SqlError (message + 1-based
// position); GatheredTable::Append throws StageMemoryError past its limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"
#include "engine/window_stage.h"

namespace plume::engine {

class StagedStatement {
 public:
  // Parses and binds every stage (subquery values as typed NULLs, so every name and type is
  // checked before anything runs). Throws SqlError.
  // `options` choose how the stages over measurements merge (tree or hash exchange, EXPLAIN
  // says which); `options.stats` must outlive the statement.
  static StagedStatement Parse(std::string_view sql, const PlanOptions& options = {});

  std::size_t stages() const;
  // "daily" for a CTE, "subquery 2" for a subquery, "result" for the statement itself.
  const std::string& name(std::size_t i) const;
  // -1: stage i runs on the data ranks (over measurements, or over the windows of a stage it
  // reads there: window_input); else the stage whose gathered result it reads.
  int source(std::size_t i) const;
  // Stage i runs on the data ranks as a part of stage i + 1: a window stage computed there, or
  // a row-wise stage (filter and projection) over such windows that only stage i + 1 reads.
  // The gateway does not run it (its entry in `results` is an empty Table).
  bool on_data_ranks(std::size_t i) const;
  // Stage i reads the windows of an earlier stage on the data ranks (on_data_ranks(i - 1)).
  bool window_input(std::size_t i) const { return i > 0 && on_data_ranks(i - 1); }
  // For window_input(i): what the data ranks run before stage i's plan (the window stage, with
  // the row-wise stages between it and stage i), bound over `results` (as Bind); partition-local
  // when a PARTITION BY key every window has keeps the windows inside the data partitions
  // (PlanOptions::stats: utc-disjoint partitions). Throws std::logic_error when !window_input(i).
  WindowStage Window(std::size_t i, const std::vector<Table>& results) const;
  // The result columns of stage i.
  const std::vector<Field>& fields(std::size_t i) const;
  // Whether the result of stage i is needed by a later stage (false only for the last).
  bool gathered(std::size_t i) const { return i + 1 < stages(); }

  // Stage i's plan, bound over `results` (results[k]: the gathered result of stage k, for every
  // stage k < i; the stage's source Table must outlive the plan's execution). Throws SqlError
  // when a scalar subquery returned more than one row.
  Plan Bind(std::size_t i, const std::vector<Table>& results) const;
  // The window functions of stage i (empty for a stage without any), whose columns Complete
  // appends: the gateway computes them in steps (engine::WindowComputation).
  const std::vector<WindowCall>& windows(std::size_t i) const;
  // The table later stages read from stage i's gathered result: the result itself, with the
  // columns of the stage's window functions appended (a window stage). Throws
  // std::runtime_error for a window sum out of BIGINT range.
  Table Complete(std::size_t i, Table gathered) const;
  // The plan of a one-stage statement (EXPLAIN of a multi-stage one included): Bind(0, {}).
  Plan Single() const { return Bind(0, {}); }

  struct Data;  // engine-private

 private:
  explicit StagedStatement(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// The limit of a gathered result was passed. The message names the stage and the rank.
class StageMemoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds the Table of a stage's gathered result from the batches of its final merge (the
// output() columns), counting the bytes it holds. Strings are dictionary-coded as partitions
// are (sorted dictionary), zone maps built, so the next stage filters it as a partition.
// After the last Append, Step() finishes it in bounded units (for rank 0's loop), Finish() then
// returns the Table at once; Finish() alone does all the steps in one call.
class GatheredTable {
 public:
  // `where` names the rows, the stage and the rank for the error ("the result of stage 1 of 2
  // ('daily') on rank 0 (the gateway)").
  GatheredTable(const std::vector<Field>& fields, std::uint64_t limit_bytes, std::string where);
  ~GatheredTable();
  GatheredTable(GatheredTable&&) noexcept;
  GatheredTable& operator=(GatheredTable&&) noexcept;
  // Throws StageMemoryError when the rows held would pass the limit, std::runtime_error when
  // the batch does not have the fields' types.
  void Append(const Batch& batch);
  std::uint64_t rows() const { return table_.rows; }
  std::uint64_t bytes() const { return bytes_; }
  // One bounded unit of finishing (no Append after the first): of a string column, a sorted run
  // or a merge step of its dictionary's order (kStepItems entries), kStepItems entries of the
  // dictionary put in that order, or the codes of kStepItems rows renumbered; then the zone maps
  // of kStepItems rows of one column. True while more remain.
  bool Step();
  // The finished Table (call once; unbounded unless Step() returned false before).
  Table Finish();

  static constexpr std::size_t kStepItems = 32768;

 private:
  struct Finishing;  // where the steps stand
  void StepString(Finishing& f, Column& c);
  std::unique_ptr<Finishing> finishing_;
  Table table_;
  std::vector<std::unordered_map<std::string, std::uint32_t>> codes_;  // per string column
  std::uint64_t limit_;
  std::uint64_t bytes_ = 0;
  std::string where_;
};

// Rows [begin, end) of the columns `columns` of `table` as a batch (strings materialized): how a
// computed table is carried into another GatheredTable. Throws std::out_of_range past the end.
Batch TableRows(const Table& table, const std::vector<std::size_t>& columns, std::size_t begin,
                std::size_t end);

}  // namespace plume::engine
