#include "ranks/data_role.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "ranks/row_source.h"
#include "ranks/window_run.h"

namespace plume::ranks {
namespace {
constexpr std::uint32_t kFirstBatchRows = 1024;
}  // namespace

struct DataRole::Run {
  std::optional<engine::Plan> plan;
  std::vector<std::size_t> columns;   // schema indices the plan reads (loaded before exec)
  std::unique_ptr<WindowRun> window;  // a window stage before the plan; holds exec's table
  std::optional<engine::WindowStage> window_stage;  // until its columns are loaded
  Exchange* window_exchange = nullptr;  // the window stage's all-to-all (none: partition-local)
  Exchange* pre_exchange = nullptr;     // the all-to-all of the aggregate before it, if any
  std::unique_ptr<RowSource> exec;      // a partition's execution, or a window stage's reader
  std::uint32_t batch_rows = 1024;
  std::uint32_t stage = 0;    // ControlMsg::stage of its start
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
                   Upstream& upstream, std::uint64_t memory_limit, ExchangeHub* hub,
                   io::PartitionLoader* loader)
    : rank_(world_rank),
      table_(table),
      partition_(partition),
      upstream_(upstream),
      memory_limit_(memory_limit),
      hub_(hub),
      loader_(loader) {}

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
  run.stage = start.stage;
  try {
    run.plan = StartPlan(start);
    if (!start.window_stage.empty()) return StartWindow(start, run);
    const bool pruned = !run.plan->aggregate() && (run.plan->utc_hi() < partition_.utc_min ||
                                                   run.plan->utc_lo() > partition_.utc_max);
    if (pruned) {
      upstream_.Count(start.request, 0);
      Finish(it, Outcome::kOk, "");
      return;
    }
    if (run.plan->merge() != engine::MergePlan::kTree) StartExchange(start, run, 0);
    NeedColumns(*run.plan, run);
    if (!Load(run)) Execute(run);
  } catch (const std::exception& e) {
    Finish(it, Outcome::kFailed, "Error: " + Where() + ": " + e.what());
  }
}

bool DataRole::Cancel(std::uint64_t request, std::optional<std::uint32_t> stage) {
  auto it = runs_.find(request);
  if (it == runs_.end() || (stage && *stage != it->second->stage)) return false;
  Finish(it, Outcome::kCancelled, "cancelled");
  return true;
}

void DataRole::StartExchange(const ControlMsg& start, Run& run, std::uint32_t stage) {
  if (run.plan->merge() == engine::MergePlan::kLocal) {  // its groups are all here
    run.merger = std::make_unique<engine::Merger>(*run.plan, 1, engine::MergeStage::kExchangeFinal);
    run.merger->set_memory_limit(memory_limit_);
    return;
  }
  if (hub_ == nullptr) throw std::runtime_error("no exchange links to the other data ranks");
  run.exchange = &hub_->Open({start.request, stage}, CreditWindow(start));
  run.partitioner.emplace(*run.plan, static_cast<std::size_t>(hub_->parts()));
  run.merger = std::make_unique<engine::Merger>(*run.plan, hub_->parts(),
                                                engine::MergeStage::kExchangeFinal);
  run.merger->set_memory_limit(memory_limit_);
  run.closed.assign(static_cast<std::size_t>(hub_->parts()), false);
}

// A partition-local window stage needs no exchange for its rows; one over an aggregate's final
// groups exchanges the aggregate's partial groups first (stage 0 of the request's exchanges),
// then its rows (stage 1) unless it is local. A plan through the exchange over the windows'
// shares (many groups) exchanges its partial groups last (the next stage number).
void DataRole::StartWindow(const ControlMsg& start, Run& run) {
  run.window_stage.emplace(engine::WindowStage::Deserialize(start.window_stage));
  const engine::Plan* pre = run.window_stage->pre();
  if (pre != nullptr || !run.window_stage->local()) {
    if (hub_ == nullptr) throw std::runtime_error("no exchange links to the other data ranks");
  }
  std::uint32_t next = 0;
  if (pre != nullptr) run.pre_exchange = &hub_->Open({start.request, next++}, CreditWindow(start));
  if (!run.window_stage->local()) {
    run.window_exchange = &hub_->Open({start.request, next++}, CreditWindow(start));
  }
  if (run.plan->merge() != engine::MergePlan::kTree) StartExchange(start, run, next);
  NeedColumns(pre != nullptr ? *pre : run.window_stage->input(), run);
}

// The columns `plan` reads, for Load (lazy columns: loaded before the first step that reads).
void DataRole::NeedColumns(const engine::Plan& plan, Run& run) const {
  if (loader_ == nullptr) return;
  for (const std::string& name : plan.needed_columns()) {
    const int c = table_.Find(name);
    if (c >= 0) run.columns.push_back(static_cast<std::size_t>(c));
  }
}

// One step of the window stage (its columns loaded first); once it is computed, the plan's
// execution over the share.
bool DataRole::StepWindow(RunIt it) {
  Run& run = *it->second;
  if (run.exchange) Gather(run);  // peers whose windows are done send their groups already
  if (!run.window) {
    if (Load(run)) return true;
    run.window = std::make_unique<WindowRun>(std::move(*run.window_stage), *run.plan, table_,
                                             partition_, run.window_exchange, memory_limit_,
                                             "this rank", run.batch_rows, run.pre_exchange, spill_);
    run.window_stage.reset();
  }
  const bool worked = run.window->Step();
  if (run.window->ready()) run.exec = run.window->TakeExecution();
  return worked;
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
      if (!run.exec) {
        if (run.window_stage || run.window) {
          worked = StepWindow(it);
        } else {
          if (run.exchange) Gather(run);  // credits flow back while its columns load
          if (!Load(run)) Execute(run);
          worked = true;
        }
      } else if (!run.exec->ready()) {
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

// Queues the run's columns not loaded yet (again, after a load that failed) and loads one piece
// (maybe of a column another run queued first). Returns false when all its columns are loaded.
// Throws when a column this run needs fails its checks; one only others need fails only them
// (they queue it again and load it themselves).
bool DataRole::Load(Run& run) {
  bool missing = false;
  for (std::size_t c : run.columns) {
    if (loader_->Loaded(c)) continue;
    loader_->Want(c);
    missing = true;
  }
  if (!missing) return false;
  const int next = loader_->Next();
  const bool mine = std::find(run.columns.begin(), run.columns.end(),
                              static_cast<std::size_t>(next)) != run.columns.end();
  try {
    loader_->Step();
  } catch (const std::exception&) {
    if (mine) throw;
  }
  return true;
}

void DataRole::Execute(Run& run) {
  auto exec = std::make_unique<engine::PartitionExecution>(*run.plan, table_);
  exec->set_memory_limit(memory_limit_);
  run.exec = std::make_unique<ExecutionSource>(std::move(exec));
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
  bool worked = false;
  if (!OfferPending(*run.exchange, &run.pending, &worked)) return worked;
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
  if (outcome == Outcome::kCancelled && stopped_out_ != nullptr) {
    StatusMsg stopped = done;  // rank 0 counts this rank idle now, not after the leader's relay
    stopped.kind = StatusKind::kRankDone;
    stopped.stage = it->second->stage;
    stopped_out_->Send(0, Tag::kStopped, EncodeStatus(stopped));
  }
  // Its group table, sort runs and selection are freed on the reaper's thread, after the Done
  // went: at 10x a cancelled GROUP BY holds hundreds of MB, whose unmapping delayed the Done.
  std::unique_ptr<Run> run = std::move(it->second);
  runs_.erase(it);
  if (hub_ != nullptr) hub_->Forget(request);  // its exchange closes; late messages are dropped
  upstream_.Done(request, done);
  reaper_.Retire(std::move(run));
}

}  // namespace plume::ranks
