// The engine's contract with the runtime: parse/plan a statement, run it on one partition as
// a stream of batches, and merge the streams of many partitions exactly.
//
// Threading: none; every call does a bounded amount of work and returns (about kMorselRows =
// 32,768 rows of one phase, or one batch), except the calls marked "unbounded", which tests and
// single-process callers use. Nothing here blocks.
// Errors: Plan::Parse throws SqlError (message + 1-based position); execution throws
// std::runtime_error for errors that end the statement (e.g. a corrupt table), and
// MemoryLimitExceeded when a memory limit was set and the statement's state outgrew it.
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
#include "engine/row_text.h"
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

// A statement's state on this rank outgrew the limit set with set_memory_limit (the runtime's
// --memory-limit): "statement needs more than 512 MiB in the group table (--memory-limit)".
// stage(): "filter", "group table", "sort" or "merge".
class MemoryLimitExceeded : public std::runtime_error {
 public:
  MemoryLimitExceeded(std::string stage, std::uint64_t limit);
  const std::string& stage() const { return stage_; }
  std::uint64_t limit() const { return limit_; }

 private:
  std::string stage_;
  std::uint64_t limit_;
};

// "512 MiB", "1.5 GiB", "900 KiB", "12 bytes": the unit that keeps the number short.
std::string FormatBytes(std::uint64_t bytes);

struct PlanData;  // defined in the engine's private headers

// How the partial groups of an aggregate statement are merged (docs/ARCHITECTURE.md):
//   kTree:     data ranks -> team leaders (partial merge) -> gateway (final merge);
//   kExchange: a hash exchange among the data ranks (GroupPartitioner): each finalizes its
//              share (MergeStage::kExchangeFinal), leaders and the gateway merge sorted
//              streams of final rows.
//   kLocal:    no exchange: every group lives in one partition (a GROUP BY key is utc, or a
//              monotone bucket of it that no partition boundary splits, and the partitions'
//              utc ranges do not overlap), so each data rank finalizes its own groups
//              (kExchangeFinal over its one stream, ORDER BY/LIMIT top-k applied there), and
//              leaders and the gateway merge sorted streams as after an exchange.
enum class MergePlan : std::uint8_t { kTree, kExchange, kLocal };
enum class MergeChoice : std::uint8_t { kAuto, kTree, kExchange };

// What the planner knows of the data set, for the choice of MergePlan: the manifest's rows and
// per-partition utc ranges and AQI zone maps, and per table column an upper bound of its
// distinct values (the sum of the partitions' dictionary sizes for VARCHAR; 0 = unknown).
struct DataStats {
  std::uint64_t rows = 0;
  std::vector<std::int64_t> utc_min, utc_max;  // per partition with rows, inclusive
  double aqi_min = 0, aqi_max = -1;            // over all partitions; min > max = unknown
  std::vector<std::uint64_t> distinct;         // per kSchema column
};

struct PlanOptions {
  MergeChoice merge = MergeChoice::kAuto;
  // kAuto takes the exchange for a GROUP BY whose estimated groups reach this many.
  std::uint64_t exchange_groups = kDefaultExchangeGroups;
  const DataStats* stats = nullptr;  // nullptr: no estimate; kAuto then keeps the tree merge
  // Window stages over measurements: computed on the data ranks after a hash exchange by their
  // PARTITION BY keys (false: gathered to the gateway and computed there; engine/staged.h).
  bool windows_on_data_ranks = true;
  static constexpr std::uint64_t kDefaultExchangeGroups = 100000;
};

// A parsed, bound, optimized statement. Cheap to copy (shared immutable state).
class Plan {
 public:
  // Parses one statement (a trailing ';' is optional). Throws SqlError.
  static Plan Parse(std::string_view sql);
  // The same, choosing the MergePlan by `options` (EXPLAIN shows the choice and why).
  static Plan Parse(std::string_view sql, const PlanOptions& options);
  // Compact binary form for broadcast; Deserialize(Serialize()) is an equal plan (for a
  // WithRowText plan: the statement's plan, before WithRowText).
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
  // kExchange only for an aggregate plan with GROUP BY keys.
  MergePlan merge() const;
  // Inclusive utc range [lo, hi] outside which no row can match (for partition pruning by
  // manifest); the full int64 range when the WHERE clause does not bound utc.
  std::int64_t utc_lo() const;
  std::int64_t utc_hi() const;  // utc_lo() > utc_hi() means no row can match
  // Names of the table columns the statement reads (schema order). A partition Table needs only
  // these; PartitionExecution touches no other column.
  std::vector<std::string> needed_columns() const;

  // The same statement with its rows travelling as text (engine/row_text.h): each partition
  // renders its rows' csv or json lines into one string column, followed by the ORDER BY keys
  // (hidden), so leaders and the gateway merge, cut and limit it as before and the final
  // output() is that one column. Only for plain SELECTs: an aggregate plan, or text kNone,
  // comes back unchanged (row_text() says which). Derived, not serialized: each rank calls
  // it with the same `text` after Deserialize. Columns, order and bytes of the lines are what
  // the rank-0 formatter writes for the values.
  Plan WithRowText(RowText text) const;
  RowText row_text() const;
  // The statement's result columns (output() before WithRowText).
  const std::vector<Field>& result_fields() const;

  const PlanData& data() const { return *data_; }

 private:
  explicit Plan(std::shared_ptr<const PlanData> data) : data_(std::move(data)) {}
  std::shared_ptr<const PlanData> data_;
  // WithRowText: the statement's own plan, which Serialize() encodes (the text travels beside).
  std::shared_ptr<const PlanData> source_;
  friend struct PlanBuilder;
};

// Runs a plan on one partition. `table` must outlive this object.
// A partition emits:
//   - plain SELECT: its matching rows (sorted by the ORDER BY keys when ordered(), and only
//     its top `limit` rows when ordered() and limit() are both set);
//   - aggregate: one row per group holding mergeable partial states (not final values).
// Two phases: preparation in bounded steps (Step(): a morsel of the filter, the computed
// columns, the aggregation, or of the sort: sorted runs, then pairwise merges; an aggregate over
// table columns only filters and folds each morsel in one step), after which the row count is
// known (ready()); then emission in batches (Next()).
class PartitionExecution {
 public:
  // Binds the columns and compiles the filter (no pass over the rows). Throws
  // std::runtime_error when the table lacks a column the plan needs.
  PartitionExecution(const Plan& plan, const Table& table);
  ~PartitionExecution();
  PartitionExecution(const PartitionExecution&) = delete;
  PartitionExecution& operator=(const PartitionExecution&) = delete;

  // One bounded step of preparation (at most kMorselRows rows). Returns true while more steps
  // remain; false once ready() (then it does nothing). Throws MemoryLimitExceeded after a step
  // that took the state over the limit.
  bool Step();
  bool ready() const;
  // 0 (the default) = no limit.
  void set_memory_limit(std::uint64_t bytes);
  // Bytes held by the statement's state here (selected rows, computed columns, group table,
  // sort): an estimate of the heap it holds, which the limit is checked against.
  std::uint64_t memory_bytes() const;

  // Rows this partition will emit in total, known once ready(). Unbounded when not ready():
  // finishes the preparation first.
  std::uint64_t total_rows();
  // Moves up to max_rows (at least 1) next rows into *out (replacing its contents). Returns
  // false, with out->rows == 0, once everything has been emitted. Unbounded when not ready():
  // finishes the preparation first.
  bool Next(std::size_t max_rows, Batch* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Where a Merger stands in the distributed plan of a statement.
//   tree merge:     partitions -> team leaders (kPartial) -> gateway (kFinal)
//   hash exchange:  partitions -> GroupPartitioner -> one data rank per share of the groups
//                   (kExchangeFinal, fed by every partition) -> gateway (kExchangeGather)
// Both give byte-identical results (docs/SQL.md, "Determinism").
enum class MergeStage : std::uint8_t {
  kPartial,         // output stays in the partial stream form, to be merged again
  kFinal,           // finalizes: ORDER BY, LIMIT, output() columns
  kExchangeFinal,   // finalizes one share of the groups, in exchange form: the result columns,
                    // hidden ones too, then the group keys; sorted by ORDER BY then group keys;
                    // at most LIMIT rows. Aggregate plans with GROUP BY only.
  kExchangeGather,  // merges kExchangeFinal streams in order: LIMIT, output() columns
  kExchangeRelay,   // merges kExchangeFinal streams in order, keeping the exchange form (a
                    // team leader between the exchange and the gateway): LIMIT + OFFSET rows
};

// Merges the streams of n inputs (partitions, or teams of partitions) into one stream, exactly.
// The same code serves a team leader (final = false: output stays in the partial/sorted form a
// partition emits, so it can be merged again) and the gateway (final = true: aggregates are
// finalized, ORDER BY and LIMIT applied, output() columns only).
class Merger {
 public:
  Merger(const Plan& plan, std::size_t inputs, bool final);
  // Throws std::invalid_argument for an exchange stage on a plan without GROUP BY.
  Merger(const Plan& plan, std::size_t inputs, MergeStage stage);
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
  // One bounded unit (GroupFinal::kStepGroups groups) of a final aggregate's result (kFinal,
  // kExchangeFinal) once every input is closed: final values, HAVING, ordering. True while
  // more remain; false when there is nothing to do (then Pop is bounded by max_rows). Throws
  // like Pop. Callers that do not step leave it to Pop.
  bool Step();
  // Moves up to max_rows (at least 1) ready rows into *out; returns false when none are ready
  // now. Aggregates produce rows only once every input is closed; unbounded for a final
  // aggregate whose result was not built by Step() yet (it builds it first). The final aggregate of
  // a statement without GROUP BY yields its one row even when no input had any. Throws
  // std::runtime_error when a final integer sum does not fit BIGINT.
  bool Pop(std::size_t max_rows, Batch* out);
  // All inputs closed and all rows popped, or (plain statements) LIMIT rows popped: the caller
  // may then cancel the inputs that are still open.
  bool Done() const;

  // An aggregate's group table makes room for `groups` groups (capped at what the memory
  // limit allows), so that its columns and states never double, copying every group, in one
  // Push (477 ms at 7.9M groups at 10x). Callers pass a bound they know (the sum of the
  // partitions' partial group counts) while the table is still small: what it holds is copied.
  // No-op for merges without groups.
  void ReserveGroups(std::uint64_t groups);

  // 0 (the default) = no limit. Push and Pop throw MemoryLimitExceeded ("group table" for
  // aggregates, "merge" for the batches an ordered or streaming merge holds) once the state held
  // here is over it.
  void set_memory_limit(std::uint64_t bytes);
  // Bytes held here: the group table and states, or the batches queued (an estimate).
  std::uint64_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The engine half of a hash exchange between data ranks (issue 10 item 6): splits a stream of
// partial groups (what PartitionExecution, or a kPartial Merger, emits for an aggregate plan)
// into `parts` streams so that each group goes to exactly one part, the same part from every
// sender. Stateless and cheap to copy; no blocking.
//
// The hash (stable: part of the protocol, docs/PROTOCOL.md "Hash exchange"): FNV-1a 64 over the
// canonical bytes of the key columns in order (engine/partial.h AppendKeyBytes), then the
// splitmix64 finalizer; part = hash % parts.
class GroupPartitioner {
 public:
  // Throws std::invalid_argument when the plan has no GROUP BY or parts == 0.
  GroupPartitioner(const Plan& plan, std::size_t parts);
  // Hashes only the group keys `keys` (indices into the plan's GROUP BY keys, in that order):
  // every group with the same values of them goes to one part, so a window partitioned by them
  // finds its rows together (engine/window_stage.h pre_keys). No key: every group to part 0.
  // Throws std::invalid_argument as above, or for a key past the GROUP BY keys.
  GroupPartitioner(const Plan& plan, std::size_t parts, std::vector<std::size_t> keys);
  std::size_t parts() const { return parts_; }
  // The part of each row of `batch`. Throws std::runtime_error when the batch does not match
  // the plan's partial stream (docs/PROTOCOL.md).
  std::vector<std::uint32_t> PartsOf(const Batch& batch) const;
  // Replaces *out with `parts` batches: out[i] holds the rows of `batch` whose part is i, in
  // their order (possibly none).
  void Split(const Batch& batch, std::vector<Batch>* out) const;

 private:
  Plan plan_;
  std::size_t parts_;
  std::size_t keys_;
  std::optional<std::vector<std::size_t>> subset_;  // the keys hashed, when not all
};

// The hash of the group key of row `row` (key columns [0, keys) of `batch`).
std::uint64_t GroupKeyHash(const Batch& batch, std::size_t row, std::size_t keys);
// The same hash over the key columns `columns` of `batch` (in that order): a window stage's
// PARTITION BY keys (engine/window_stage.h).
std::uint64_t ColumnsKeyHash(const Batch& batch, std::size_t row,
                             const std::vector<std::size_t>& columns);

}  // namespace plume::engine
