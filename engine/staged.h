// Multi-stage statements (WITH, subqueries in FROM, scalar and IN subqueries): the engine's
// contract with the runtime for statements that run as several plans in order.
//
// A statement splits into stages, children first; the last stage is the statement itself.
// Stage i reads either measurements (source(i) == -1: it runs on the data ranks like any
// statement) or the gathered result of an earlier stage (source(i) < i: it runs where that
// result is, on the gateway, over an engine Table built by GatheredTable). The results of scalar
// and IN subqueries are substituted as constants into the stages that use them when those are
// bound, so every stage is an ordinary Plan that PartitionExecution and Merger run unchanged.
// Window functions (OVER, QUALIFY) make a window stage: its rows are gathered, the windows
// computed over them (Complete), and the next stage reads the columns they add.
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
  // -1: stage i reads measurements; else the stage whose gathered result it reads.
  int source(std::size_t i) const;
  // The result columns of stage i.
  const std::vector<Field>& fields(std::size_t i) const;
  // Whether the result of stage i is needed by a later stage (false only for the last).
  bool gathered(std::size_t i) const { return i + 1 < stages(); }

  // Stage i's plan, bound over `results` (results[k]: the gathered result of stage k, for every
  // stage k < i; the stage's source Table must outlive the plan's execution). Throws SqlError
  // when a scalar subquery returned more than one row.
  Plan Bind(std::size_t i, const std::vector<Table>& results) const;
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
class GatheredTable {
 public:
  // `where` names the stage and rank for the error ("stage 'daily' on rank 0 (the gateway)").
  GatheredTable(const std::vector<Field>& fields, std::uint64_t limit_bytes, std::string where);
  // Throws StageMemoryError when the rows held would pass the limit, std::runtime_error when
  // the batch does not have the fields' types.
  void Append(const Batch& batch);
  std::uint64_t rows() const { return table_.rows; }
  std::uint64_t bytes() const { return bytes_; }
  // The finished Table (call once).
  Table Finish();

 private:
  Table table_;
  std::vector<std::unordered_map<std::string, std::uint32_t>> codes_;  // per string column
  std::uint64_t limit_;
  std::uint64_t bytes_ = 0;
  std::string where_;
};

}  // namespace plume::engine
