// A test double of frontend::Backend: serves scripted results (or errors) chunk by chunk, with
// an optional delay per chunk so statements can be watched, cancelled and timed out while they
// run. Single-threaded like the real gateway; Poll sleeps instead of spinning.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"
#include "ranks/frontend/backend.h"

namespace plume::frontend::testing {

// Rows [start, start + count) of `batch`.
engine::Batch SliceBatch(const engine::Batch& batch, std::size_t start, std::size_t count);

// Builds a Batch column by column (tests only).
class BatchBuilder {
 public:
  BatchBuilder& Ints(std::string name, std::vector<std::int64_t> v, std::vector<bool> nulls = {});
  BatchBuilder& Doubles(std::string name, std::vector<double> v, std::vector<bool> nulls = {});
  BatchBuilder& Times(std::string name, std::vector<std::int64_t> v);
  BatchBuilder& Strings(std::string name, std::vector<std::string> v, std::vector<bool> nulls = {});
  const std::vector<engine::Field>& fields() const { return fields_; }
  const engine::Batch& batch() const { return batch_; }

 private:
  engine::BatchColumn& Add(std::string name, engine::Type type, std::size_t rows,
                           const std::vector<bool>& nulls);
  std::vector<engine::Field> fields_;
  engine::Batch batch_;
};

// Small deterministic measurements partitions for the engine-backed fake: row g (counting
// across partitions) has utc 2020-09-10T00:00 + g hours, parameter OZONE/PM2.5 alternating,
// aqi g % 200 (NULL when g % 5 == 0), site_name one of "Oakland", "Fresno, CA", "Say \"hi\"".
std::vector<engine::Table> MakeSmallPartitions(int partitions, int rows_each);

class FakeBackend : public Backend {
 public:
  FakeBackend();
  // Statements without a script run through the real engine over these partitions
  // (engine::PartitionExecution per partition, one final engine::Merger), a chunk per Poll.
  void UseEngine(std::vector<engine::Table> partitions);
  // `sql` (exactly as submitted) returns these rows, a chunk every `chunk_delay_s`.
  void AddResult(const std::string& sql, const BatchBuilder& result, double chunk_delay_s = 0);
  // `sql` fails with this message (as a parse error would).
  void AddError(const std::string& sql, const std::string& message);
  void set_max_running(int n) { max_running_ = n; }
  // From the `nth` submitted statement on, every statement fails with `message` and Lost()
  // returns it (as the gateway does once a rank was lost).
  void LoseRankAt(std::uint64_t nth, std::string message) {
    lose_at_ = nth;
    lose_message_ = std::move(message);
  }
  void set_world(WorldInfo world) { world_ = std::move(world); }
  // How many requests were submitted / ran at the same time at most.
  int submitted() const { return static_cast<int>(requests_.size()); }
  int peak_running() const { return peak_running_; }

  std::uint64_t Submit(const std::string& sql, const Options& options,
                       std::shared_ptr<ResultSink> sink) override;
  bool Cancel(std::uint64_t id, const std::string& reason) override;
  void Poll(double max_wait_s) override;
  std::optional<RequestInfo> Status(std::uint64_t id) const override;
  std::vector<RequestInfo> List() const override;
  bool Busy() const override;
  WorldInfo World() const override { return world_; }
  double Now() const override;
  std::string Lost() const override { return lost_; }

 private:
  struct Script {
    std::vector<engine::Field> fields;
    engine::Batch rows;
    double chunk_delay_s = 0;
    std::string error;
  };
  struct EngineRun {
    std::optional<engine::Plan> plan;
    std::vector<std::unique_ptr<engine::PartitionExecution>> parts;
    std::unique_ptr<engine::Merger> merger;
    std::vector<bool> closed;
  };
  struct Request {
    RequestInfo info;
    Options options;
    std::shared_ptr<ResultSink> sink;
    const Script* script = nullptr;
    std::unique_ptr<EngineRun> engine;
    std::size_t next_row = 0;
    double next_chunk_s = 0;
  };
  void Start(Request& r);
  bool StartEngine(Request& r);
  void Finish(Request& r, RequestState state, const std::string& error);
  bool Step(Request& r);  // one unit of work; true when something happened
  bool StepEngine(Request& r);
  bool Deliver(Request& r, const engine::Batch& chunk);

  std::map<std::string, Script> scripts_;
  std::vector<engine::Table> tables_;
  bool use_engine_ = false;
  std::map<std::uint64_t, Request> requests_;
  std::uint64_t next_id_ = 1;
  int max_running_ = 4;
  int peak_running_ = 0;
  std::uint64_t lose_at_ = 0;
  std::string lose_message_, lost_;
  WorldInfo world_;
  std::chrono::steady_clock::time_point epoch_;
};

}  // namespace plume::frontend::testing
