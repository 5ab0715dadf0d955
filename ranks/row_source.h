// What DataRole streams a run's rows from (ranks/data_role.h): one PartitionExecution over a
// partition or a window stage's share, or the reading stage run over a spilled share bucket by
// bucket (ranks/window_spill_reader.h). The calls are PartitionExecution's (engine/query.h):
// Step() prepares in bounded steps until ready(), then total_rows() is known and Next() emits
// the stream a partition would. Threading: none. Errors: the engine's (MemoryLimitExceeded,
// std::runtime_error), which DataRole turns into the request's failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "engine/batch.h"
#include "engine/query.h"

namespace plume::ranks {

class RowSource {
 public:
  virtual ~RowSource() = default;
  // One bounded step of preparation; false once ready().
  virtual bool Step() = 0;
  virtual bool ready() const = 0;
  // The rows (an aggregate's partial groups) Next will emit; call once ready().
  virtual std::uint64_t total_rows() = 0;
  // Up to max_rows next rows into *out; false, with out->rows == 0, at the end.
  virtual bool Next(std::size_t max_rows, engine::Batch* out) = 0;
};

// One PartitionExecution, as it is.
class ExecutionSource final : public RowSource {
 public:
  explicit ExecutionSource(std::unique_ptr<engine::PartitionExecution> exec)
      : exec_(std::move(exec)) {}
  bool Step() override { return exec_->Step(); }
  bool ready() const override { return exec_->ready(); }
  std::uint64_t total_rows() override { return exec_->total_rows(); }
  bool Next(std::size_t max_rows, engine::Batch* out) override {
    return exec_->Next(max_rows, out);
  }

 private:
  std::unique_ptr<engine::PartitionExecution> exec_;
};

}  // namespace plume::ranks
