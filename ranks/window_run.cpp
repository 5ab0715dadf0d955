#include "ranks/window_run.h"

#include <limits>
#include <stdexcept>
#include <utility>

namespace plume::ranks {
namespace {

std::uint64_t LimitOrNone(std::uint64_t bytes) {
  return bytes == 0 ? std::numeric_limits<std::uint64_t>::max() : bytes;
}

}  // namespace

WindowRun::WindowRun(engine::WindowStage stage, engine::Plan next, const engine::Table& partition,
                     const io::PartitionInfo& info, Exchange* exchange, std::uint64_t memory_limit,
                     const std::string& rank, std::uint32_t batch_rows, Exchange* pre_exchange,
                     SpillOptions spill)
    : stage_(std::move(stage)),
      next_(std::move(next)),
      exchange_(exchange),
      memory_limit_(memory_limit),
      batch_rows_(batch_rows),
      builder_(stage_.fields(), LimitOrNone(memory_limit),
               "the share of " + stage_.name() + " on " + rank),
      spill_options_(std::move(spill)),
      rank_(rank),
      pre_exchange_(pre_exchange) {
  if (!stage_.spillable()) spill_options_.threshold = 0;  // one window partition: no buckets
  if (memory_limit_ != 0 && spill_options_.threshold > memory_limit_) {
    spill_options_.threshold = memory_limit_;  // held batches never pass the limit unspilled
  }
  if (exchange_ == nullptr && !stage_.local()) {
    throw std::logic_error("WindowRun: a window stage through the exchange without one");
  }
  if (const engine::Plan* pre = stage_.pre()) {
    StartAggregate(*pre, partition, rank);
    return;
  }
  const engine::Plan& input = stage_.input();
  const bool pruned = input.utc_hi() < info.utc_min || input.utc_lo() > info.utc_max;
  if (pruned) {
    phase_ = Phase::kScatter;
    return;
  }
  input_ = std::make_unique<engine::PartitionExecution>(input, partition);
  input_->set_memory_limit(memory_limit);
}

void WindowRun::StartAggregate(const engine::Plan& pre, const engine::Table& partition,
                               const std::string& rank) {
  if (pre_exchange_ == nullptr) {
    throw std::logic_error("WindowRun: an aggregate before a window stage without its exchange");
  }
  const auto parts = static_cast<std::size_t>(pre_exchange_->parts());
  phase_ = Phase::kAggPrepare;
  pre_exec_ = std::make_unique<engine::PartitionExecution>(pre, partition);
  pre_exec_->set_memory_limit(memory_limit_);
  partitioner_.emplace(pre, parts, stage_.pre_keys());
  merger_ = std::make_unique<engine::Merger>(pre, parts, engine::MergeStage::kExchangeFinal);
  merger_->set_memory_limit(memory_limit_);
  closed_.assign(parts, false);
  groups_.emplace(pre.output(), LimitOrNone(memory_limit_),
                  "the final groups before " + stage_.name() + " on " + rank);
}

bool WindowRun::Step() {
  bool worked = Receive();
  switch (phase_) {
    case Phase::kAggPrepare:
      if (!pre_exec_->Step()) phase_ = Phase::kAggScatter;
      return true;
    case Phase::kAggScatter:
      return AggScatter() || worked;
    case Phase::kAggGather:
      return AggGather() || worked;
    case Phase::kAggEmit:
      return AggEmit() || worked;
    case Phase::kPrepare:
      if (!input_->Step()) phase_ = Phase::kScatter;
      return true;
    case Phase::kScatter:
      return Scatter() || worked;
    case Phase::kGather:
      if (exchange_ != nullptr && !exchange_->AllClosed()) return worked;
      phase_ = Phase::kCompute;
      return true;
    case Phase::kCompute:
      return Compute() || worked;
    case Phase::kReady:
      return worked;
  }
  return worked;
}

// The pre() aggregate's partial groups of this partition, split by their hash and offered;
// at their end, this rank's streams end.
bool WindowRun::AggScatter() {
  bool worked = false;
  if (!OfferPending(*pre_exchange_, &pending_, &worked)) return worked;
  engine::Batch batch;
  if (pre_exec_->Next(batch_rows_, &batch)) {
    partitioner_->Split(batch, &pending_);
  } else {
    pre_exchange_->FinishSending();
    pre_exec_.reset();
    phase_ = Phase::kAggGather;
  }
  return true;
}

// Closes the merge's parts whose streams ended; finalizes once all did.
bool WindowRun::AggGather() {
  bool worked = false, all = true;
  for (std::size_t part = 0; part < closed_.size(); ++part) {
    if (!closed_[part] && pre_exchange_->Closed(static_cast<int>(part))) {
      merger_->Close(part);
      closed_[part] = true;
      worked = true;
    }
    all = all && closed_[part];
  }
  if (all) phase_ = Phase::kAggEmit;
  return worked || all;
}

// One bounded step of the share's finalization, or one batch of its final groups into the
// table the window's input reads (their result columns only); at the end, that input starts.
bool WindowRun::AggEmit() {
  if (merger_->Step()) return true;
  engine::Batch batch;
  if (merger_->Pop(batch_rows_, &batch)) {
    batch.columns.resize(stage_.pre()->output().size());  // the exchange form's keys go
    groups_->Append(batch);
    return true;
  }
  if (!merger_->Done()) return false;
  if (groups_->Step()) return true;  // its dictionaries and zone maps, in bounded steps
  groups_table_ = groups_->Finish();
  groups_.reset();
  merger_.reset();
  input_ = std::make_unique<engine::PartitionExecution>(stage_.input(), groups_table_);
  input_->set_memory_limit(memory_limit_);
  phase_ = Phase::kPrepare;
  return true;
}

// Every batch the peers sent into the share (the share takes all, so credits always return).
bool WindowRun::Receive() {
  bool worked = false;
  int from = 0;
  engine::Batch batch;
  while (exchange_ != nullptr && exchange_->Receive(&from, &batch)) {
    Hold(std::move(batch));
    worked = true;
  }
  while (merger_ && pre_exchange_->Receive(&from, &batch)) {
    merger_->Push(static_cast<std::size_t>(from), std::move(batch));
    worked = true;
  }
  return worked;
}

// Offers the pending parts whose windows are open; once all went, splits the next batch of this
// partition's rows; at their end, ends this rank's streams. A local stage appends each batch
// to its own share.
bool WindowRun::Scatter() {
  bool worked = false;
  if (exchange_ != nullptr && !OfferPending(*exchange_, &pending_, &worked)) return worked;
  engine::Batch batch;
  if (input_ && input_->Next(batch_rows_, &batch)) {
    if (exchange_ == nullptr) {
      Hold(std::move(batch));
    } else {
      stage_.Split(batch, static_cast<std::size_t>(exchange_->parts()), &pending_);
    }
  } else {
    if (exchange_ != nullptr) exchange_->FinishSending();
    input_.reset();
    phase_ = Phase::kGather;
  }
  return true;
}

// Starts the computation, or runs one bounded unit of it (engine::WindowStageSteps: a morsel
// of the sort, the merge or the evaluation), or takes its result. True when it did any.
bool WindowRun::Compute() {
  if (spill_) return ComputeSpilled();
  if (!held_batches_.empty()) {  // a spillable share below the threshold, a few batches a step
    std::size_t rows = 0;
    while (!held_batches_.empty() && rows < WindowSpill::kStepRows) {
      rows += held_batches_.front().rows;
      builder_.Append(held_batches_.front());
      held_batches_.pop_front();
    }
    return true;
  }
  if (!computing_) {
    if (builder_.Step()) return true;  // the share's dictionaries and zone maps, in steps
    // The stages between get what the share leaves of the limit.
    held_ = builder_.bytes();
    const std::uint64_t rest =
        memory_limit_ == 0 ? 0 : (memory_limit_ > held_ ? memory_limit_ - held_ : 1);
    computing_ = std::make_unique<engine::WindowStageSteps>(
        stage_, builder_.Finish(), next_.needed_columns(), rest, "this rank");
    return true;
  }
  if (computing_->Step()) return true;
  share_ = computing_->Take();
  computing_.reset();
  auto exec = std::make_unique<engine::PartitionExecution>(next_, share_);
  // The share and the next stage's state together stay within the rank's limit.
  if (memory_limit_ != 0) exec->set_memory_limit(memory_limit_ > held_ ? memory_limit_ - held_ : 1);
  exec_ = std::make_unique<ExecutionSource>(std::move(exec));
  phase_ = Phase::kReady;
  return true;
}

// A received batch of the share: into the share (a stage that cannot spill), held (a spillable
// one below the threshold), or to the spill (past it: what was held goes first).
void WindowRun::Hold(engine::Batch batch) {
  if (spill_options_.threshold == 0) return builder_.Append(batch);
  if (spill_) {
    spilled_rows_ += batch.rows;
    return spill_->Add(batch);
  }
  held_batch_bytes_ += engine::MemoryBytes(batch);
  held_batches_.push_back(std::move(batch));
  if (held_batch_bytes_ <= spill_options_.threshold) return;
  spill_ = std::make_unique<WindowSpill>(stage_, spill_options_, memory_limit_,
                                         next_.needed_columns(), rank_);
  for (const engine::Batch& held : held_batches_) {
    spilled_rows_ += held.rows;
    spill_->Add(held);
  }
  held_batches_ = {};
  held_batch_bytes_ = 0;
}

// The spilled share: its writing ends and the reading stage runs over it bucket by bucket
// (WindowSpillReader, which DataRole then prepares: the buckets' windows, in bounded steps).
bool WindowRun::ComputeSpilled() {
  exec_ = std::make_unique<WindowSpillReader>(std::move(spill_), next_, memory_limit_);
  phase_ = Phase::kReady;
  return true;
}

std::unique_ptr<RowSource> WindowRun::TakeExecution() { return std::move(exec_); }

}  // namespace plume::ranks
