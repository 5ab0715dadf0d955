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
                   Upstream& upstream)
    : rank_(world_rank), table_(table), partition_(partition), upstream_(upstream) {}

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
    run.plan = StartPlan(start);
    const bool pruned = !run.plan->aggregate() && (run.plan->utc_hi() < partition_.utc_min ||
                                                   run.plan->utc_lo() > partition_.utc_max);
    if (pruned) {
      upstream_.Count(start.request, 0);
      Finish(it, Outcome::kOk, "");
      return;
    }
    run.exec = std::make_unique<engine::PartitionExecution>(*run.plan, table_);
    upstream_.Count(start.request, run.exec->total_rows());
  } catch (const std::exception& e) {
    Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
  }
}

void DataRole::Cancel(std::uint64_t request) {
  auto it = runs_.find(request);
  if (it != runs_.end()) Finish(it, Outcome::kCancelled, "cancelled");
}

bool DataRole::Step() {
  if (runs_.empty()) return false;
  auto it = runs_.upper_bound(cursor_);
  for (std::size_t tried = 0; tried < runs_.size(); ++tried, ++it) {
    if (it == runs_.end()) it = runs_.begin();
    if (!upstream_.Ready(it->first)) continue;
    cursor_ = it->first;
    Run& run = *it->second;
    try {
      engine::Batch batch;
      // A small first batch gets the first chunk to the gateway sooner.
      const std::uint32_t rows =
          run.batches == 0 ? std::min(run.batch_rows, kFirstBatchRows) : run.batch_rows;
      if (!run.exec->Next(rows, &batch)) {
        Finish(it, Outcome::kOk, "");
        return true;
      }
      run.rows += batch.rows;
      ++run.batches;
      upstream_.Batch(it->first, std::move(batch));
    } catch (const std::exception& e) {
      Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
    }
    return true;
  }
  return false;
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
