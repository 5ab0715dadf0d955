#include "ranks/data_role.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

namespace plume::ranks {
namespace {
constexpr std::uint32_t kFirstBatchRows = 1024;
}  // namespace

struct DataRole::Run {
  std::optional<engine::Plan> plan;
  std::unique_ptr<engine::PartitionExecution> exec;
  std::uint32_t batch_rows = 1024;
  std::uint64_t rows = 0;
  std::uint64_t batches = 0;
};

DataRole::DataRole(int world_rank, const engine::Table& table, const io::PartitionInfo& partition,
                   Upstream& upstream, std::uint64_t memory_limit)
    : rank_(world_rank),
      table_(table),
      partition_(partition),
      upstream_(upstream),
      memory_limit_(memory_limit) {}

DataRole::~DataRole() = default;

std::string DataRole::Where() const {
  return "rank " + std::to_string(rank_) + " (partition " + std::to_string(partition_.index) +
         ", " + partition_.file + ")";
}

void DataRole::Start(const ControlMsg& start) {
  upstream_.Open(start.request, start);
  auto [it, fresh] = runs_.emplace(start.request, std::make_unique<Run>());
  if (!fresh) return;  // a duplicate start would be a protocol bug; the first one stands
  Run& run = *it->second;
  run.batch_rows = start.batch_rows == 0 ? 1024 : start.batch_rows;
  try {
    run.plan = engine::Plan::Deserialize(start.plan);
    const bool pruned = !run.plan->aggregate() && (run.plan->utc_hi() < partition_.utc_min ||
                                                   run.plan->utc_lo() > partition_.utc_max);
    if (pruned) {
      upstream_.Count(start.request, 0);
      Finish(it, Outcome::kOk, "");
      return;
    }
    run.exec = std::make_unique<engine::PartitionExecution>(*run.plan, table_);
    run.exec->set_memory_limit(memory_limit_);
  } catch (const std::exception& e) {
    Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
  }
}

void DataRole::Cancel(std::uint64_t request) {
  auto it = runs_.find(request);
  if (it != runs_.end()) Finish(it, Outcome::kCancelled, "cancelled");
}

// A run being prepared needs no credit; a ready one sends only while its Upstream is Ready.
bool DataRole::Step() {
  if (runs_.empty()) return false;
  auto it = runs_.upper_bound(cursor_);
  for (std::size_t tried = 0; tried < runs_.size(); ++tried, ++it) {
    if (it == runs_.end()) it = runs_.begin();
    const bool preparing = !it->second->exec->ready();
    if (!preparing && !upstream_.Ready(it->first)) continue;
    cursor_ = it->first;
    try {
      preparing ? Prepare(it) : Emit(it);
    } catch (const std::exception& e) {
      Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
    }
    return true;
  }
  return false;
}

void DataRole::Prepare(std::map<std::uint64_t, std::unique_ptr<Run>>::iterator it) {
  engine::PartitionExecution& exec = *it->second->exec;
  if (!exec.Step()) upstream_.Count(it->first, exec.total_rows());
}

void DataRole::Emit(std::map<std::uint64_t, std::unique_ptr<Run>>::iterator it) {
  Run& run = *it->second;
  engine::Batch batch;
  // A small first batch gets the first chunk to the gateway sooner.
  const std::uint32_t rows =
      run.batches == 0 ? std::min(run.batch_rows, kFirstBatchRows) : run.batch_rows;
  if (!run.exec->Next(rows, &batch)) {
    Finish(it, Outcome::kOk, "");
    return;
  }
  run.rows += batch.rows;
  ++run.batches;
  upstream_.Batch(it->first, std::move(batch));
}

void DataRole::Finish(std::map<std::uint64_t, std::unique_ptr<Run>>::iterator it, Outcome outcome,
                      const std::string& error) {
  StatusMsg done;
  done.kind = StatusKind::kStreamDone;
  done.request = it->first;
  done.rank = rank_;
  done.rows = it->second->rows;
  done.batches = it->second->batches;
  done.outcome = outcome;
  done.error = error;
  std::uint64_t request = it->first;
  runs_.erase(it);
  upstream_.Done(request, done);
}

}  // namespace plume::ranks
