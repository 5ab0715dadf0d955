// The engine's contract with the runtime: parse/plan a statement, run it on one partition as
// a stream of batches, and merge the streams of many partitions exactly.
//
// Threading: none; every call does a bounded amount of work and returns. Nothing here blocks.
// Errors: Plan::Parse throws SqlError (message + 1-based position); execution throws
// std::runtime_error for errors that end the statement (e.g. a corrupt table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/table.h"

namespace plume::engine {

class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& message, std::size_t position)
      : std::runtime_error(message), position_(position) {}
  // 1-based character offset in the statement where the problem is (0 = unknown).
  std::size_t position() const { return position_; }

 private:
  std::size_t position_;
};

struct PlanData;  // defined in the engine's private headers

// A parsed, bound, optimized statement. Cheap to copy (shared immutable state).
class Plan {
 public:
  // Parses one statement (a trailing ';' is optional). Throws SqlError.
  static Plan Parse(std::string_view sql);
  // Compact binary form for broadcast; Deserialize(Serialize()) is an equal plan.
  std::string Serialize() const;
  static Plan Deserialize(std::string_view bytes);  // throws std::runtime_error if malformed

  const std::string& sql() const;
  // Columns of the final result, in order.
  const std::vector<Field>& output() const;
  // True when partitions emit partial aggregate states (GROUP BY or aggregates).
  bool aggregate() const;
  // True when the final result order is fixed by ORDER BY.
  bool ordered() const;
  std::optional<std::uint64_t> limit() const;
  // Inclusive utc range [lo, hi] outside which no row can match (for partition pruning by
  // manifest); the full int64 range when the WHERE clause does not bound utc.
  std::int64_t utc_lo() const;
  std::int64_t utc_hi() const;  // utc_lo() > utc_hi() means no row can match
  // Names of the table columns the statement reads (schema order). A partition Table needs only
  // these; PartitionExecution touches no other column.
  std::vector<std::string> needed_columns() const;

  const PlanData& data() const { return *data_; }

 private:
  explicit Plan(std::shared_ptr<const PlanData> data) : data_(std::move(data)) {}
  std::shared_ptr<const PlanData> data_;
  friend struct PlanBuilder;
};

// Runs a plan on one partition. `table` must outlive this object.
// A partition emits:
//   - plain SELECT: its matching rows (sorted by the ORDER BY keys when ordered(), and only
//     its top `limit` rows when ordered() and limit() are both set);
//   - aggregate: one row per group holding mergeable partial states (not final values).
class PartitionExecution {
 public:
  PartitionExecution(const Plan& plan, const Table& table);
  ~PartitionExecution();
  PartitionExecution(const PartitionExecution&) = delete;
  PartitionExecution& operator=(const PartitionExecution&) = delete;

  // Rows this partition will emit in total. Known before the first batch: the constructor
  // evaluates the filter (zone maps first) and, for aggregates, the groups.
  std::uint64_t total_rows() const;
  // Moves up to max_rows (at least 1) next rows into *out (replacing its contents). Returns
  // false, with out->rows == 0, once everything has been emitted.
  bool Next(std::size_t max_rows, Batch* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Merges the streams of n inputs (partitions, or teams of partitions) into one stream, exactly.
// The same code serves a team leader (final = false: output stays in the partial/sorted form a
// partition emits, so it can be merged again) and the gateway (final = true: aggregates are
// finalized, ORDER BY and LIMIT applied, output() columns only).
class Merger {
 public:
  Merger(const Plan& plan, std::size_t inputs, bool final);
  ~Merger();
  Merger(const Merger&) = delete;
  Merger& operator=(const Merger&) = delete;

  // Throws std::runtime_error when the batch's columns do not match the statement's stream
  // (docs/PROTOCOL.md), std::out_of_range for a bad input, std::logic_error after Close(input).
  // Batches pushed once a plain statement's LIMIT has been reached are dropped.
  void Push(std::size_t input, Batch batch);
  // No more batches will come from `input` (closing twice is harmless).
  void Close(std::size_t input);
  // For an ordered merge: the input whose next batch is needed before more rows can be
  // produced, or -1 when output can be produced (or all inputs are closed). Streaming
  // (unordered) merges never wait: they return -1.
  int Waiting() const;
  // Moves up to max_rows (at least 1) ready rows into *out; returns false when none are ready
  // now. Aggregates produce rows only once every input is closed. The final aggregate of a
  // statement without GROUP BY yields its one row even when no input had any.
  // Throws std::runtime_error when a final integer sum does not fit BIGINT.
  bool Pop(std::size_t max_rows, Batch* out);
  // All inputs closed and all rows popped, or (plain statements) LIMIT rows popped: the caller
  // may then cancel the inputs that are still open.
  bool Done() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plume::engine
