#include "ranks/data_role.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace plume::ranks {
namespace {
constexpr std::uint32_t kFirstBatchRows = 1024;
}  // namespace

struct DataRole::Run {
  std::optional<engine::Plan> plan;
  std::unique_ptr<engine::PartitionExecution> exec;
  std::uint32_t batch_rows = 1024;
  std::uint64_t rows = 0;     // rows sent to the Upstream
  std::uint64_t batches = 0;  // batches sent to the Upstream
  // Hash exchange only (plan->merge() == kExchange):
  Phase phase = Phase::kScatter;
  Exchange* exchange = nullptr;  // owned by the hub until Finish forgets the request
  std::optional<engine::GroupPartitioner> partitioner;
  std::vector<engine::Batch> pending;  // split parts not offered yet (empty ones are done)
  std::unique_ptr<engine::Merger> merger;
  std::vector<bool> closed;  // per part: its stream closed in the Merger
};

DataRole::DataRole(int world_rank, const engine::Table& table, const io::PartitionInfo& partition,
                   Upstream& upstream, std::uint64_t memory_limit, ExchangeHub* hub)
    : rank_(world_rank),
      table_(table),
      partition_(partition),
      upstream_(upstream),
      memory_limit_(memory_limit),
      hub_(hub) {}

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
    run.exec->set_memory_limit(memory_limit_);
    if (run.plan->merge() != engine::MergePlan::kTree) StartExchange(start, run);
  } catch (const std::exception& e) {
    Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
  }
}

void DataRole::Cancel(std::uint64_t request) {
  auto it = runs_.find(request);
  if (it != runs_.end()) Finish(it, Outcome::kCancelled, "cancelled");
}

void DataRole::StartExchange(const ControlMsg& start, Run& run) {
  if (run.plan->merge() == engine::MergePlan::kLocal) {  // its groups are all here
    run.merger = std::make_unique<engine::Merger>(*run.plan, 1, engine::MergeStage::kExchangeFinal);
    run.merger->set_memory_limit(memory_limit_);
    return;
  }
  if (hub_ == nullptr) throw std::runtime_error("no exchange links to the other data ranks");
  run.exchange = &hub_->Open({start.request, 0}, CreditWindow(start));
  run.partitioner.emplace(*run.plan, static_cast<std::size_t>(hub_->parts()));
  run.merger = std::make_unique<engine::Merger>(*run.plan, hub_->parts(),
                                                engine::MergeStage::kExchangeFinal);
  run.merger->set_memory_limit(memory_limit_);
  run.closed.assign(static_cast<std::size_t>(hub_->parts()), false);
}

// A run being prepared (its partition's filter, aggregation and sort, in bounded steps) needs
// no credit and sends Count when ready; a ready one sends only while its Upstream is Ready. An
// exchange run also takes what its peers sent while it prepares (credits flow back).
bool DataRole::Step() {
  if (runs_.empty()) return false;
  auto it = runs_.upper_bound(cursor_);
  for (std::size_t tried = 0; tried < runs_.size(); ++tried, ++it) {
    if (it == runs_.end()) it = runs_.begin();
    const std::uint64_t request = it->first;
    bool worked = false;
    try {
      Run& run = *it->second;
      if (!run.exec->ready()) {
        worked = Prepare(it);
      } else {
        worked = run.merger ? StepExchange(it) : StepTree(it);
      }
    } catch (const std::exception& e) {
      Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
      worked = true;
    }
    if (worked) {
      cursor_ = request;
      return true;
    }
  }
  return false;
}

// One bounded step of the partition's preparation; Count once it is ready.
bool DataRole::Prepare(RunIt it) {
  Run& run = *it->second;
  if (run.exchange) Gather(run);
  if (!run.exec->Step()) upstream_.Count(it->first, run.exec->total_rows());
  return true;
}

// One batch of this partition's stream to the Upstream (Finish at its end).
bool DataRole::StepTree(RunIt it) {
  if (!upstream_.Ready(it->first)) return false;
  Run& run = *it->second;
  engine::Batch batch;
  // A small first batch gets the first chunk to the gateway sooner.
  const std::uint32_t rows =
      run.batches == 0 ? std::min(run.batch_rows, kFirstBatchRows) : run.batch_rows;
  const bool more = run.exec->Next(rows, &batch);
  return SendUp(it, more, std::move(batch));
}

// Hands `batch` to the Upstream, or (the stream ended) finishes the run. Returns true.
bool DataRole::SendUp(RunIt it, bool more, engine::Batch batch) {
  if (!more) {
    Finish(it, Outcome::kOk, "");
    return true;
  }
  Run& run = *it->second;
  run.rows += batch.rows;
  ++run.batches;
  upstream_.Batch(it->first, std::move(batch));
  return true;
}

// Receives what arrived, then one bounded step of the run's phase.
bool DataRole::StepExchange(RunIt it) {
  Run& run = *it->second;
  bool worked = run.exchange ? Gather(run) : false;
  switch (run.phase) {
    case Phase::kScatter:
      worked |= Scatter(run);
      break;
    case Phase::kGather:
      break;
    case Phase::kEmit:
      worked |= Emit(it);
      break;
  }
  return worked;
}

// Offers the pending parts whose windows are open; when all went, splits the next batch of this
// partition's partial groups; at the end of them, ends this rank's streams. Partition-local
// groups (no exchange) go straight into the Merger.
bool DataRole::Scatter(Run& run) {
  if (!run.exchange) {
    engine::Batch batch;
    if (run.exec->Next(run.batch_rows, &batch)) {
      run.merger->Push(0, std::move(batch));
    } else {
      run.merger->Close(0);
      run.phase = Phase::kEmit;
    }
    return true;
  }
  bool worked = false, left = false;
  for (std::size_t part = 0; part < run.pending.size(); ++part) {
    engine::Batch& b = run.pending[part];
    if (b.rows == 0) continue;
    if (!run.exchange->CanOffer(static_cast<int>(part))) {
      left = true;
      continue;
    }
    run.exchange->Offer(static_cast<int>(part), b);
    b = engine::Batch{};
    worked = true;
  }
  if (left) return worked;
  engine::Batch batch;
  if (run.exec->Next(run.batch_rows, &batch)) {
    run.partitioner->Split(batch, &run.pending);
  } else {
    run.exchange->FinishSending();
    run.phase = Phase::kGather;
  }
  return true;
}

// Pushes every batch received into the Merger and closes the parts whose streams ended; the
// run emits once all are closed.
bool DataRole::Gather(Run& run) {
  bool worked = false;
  int from = 0;
  engine::Batch batch;
  while (run.exchange->Receive(&from, &batch)) {
    run.merger->Push(static_cast<std::size_t>(from), std::move(batch));
    worked = true;
  }
  if (run.phase != Phase::kGather) return worked;
  bool all = true;
  for (std::size_t part = 0; part < run.closed.size(); ++part) {
    if (!run.closed[part] && run.exchange->Closed(static_cast<int>(part))) {
      run.merger->Close(part);
      run.closed[part] = true;
      worked = true;
    }
    all &= run.closed[part];
  }
  if (all) run.phase = Phase::kEmit;
  return worked;
}

// One batch of this rank's finalized share to the Upstream (Finish once all went).
bool DataRole::Emit(RunIt it) {
  Run& run = *it->second;
  if (run.merger->Step()) return true;  // the share's final result, a slice of groups a pass
  if (!upstream_.Ready(it->first)) return false;
  engine::Batch batch;
  if (run.merger->Pop(run.batch_rows, &batch)) return SendUp(it, true, std::move(batch));
  return run.merger->Done() && SendUp(it, false, {});
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
  if (hub_ != nullptr) hub_->Forget(request);  // its exchange closes; late messages are dropped
  upstream_.Done(request, done);
}

}  // namespace plume::ranks
