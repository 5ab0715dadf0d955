#include "ranks/window_spill_reader.h"

#include <algorithm>
#include <utility>

#include "engine/partial.h"

namespace plume::ranks {

WindowSpillReader::WindowSpillReader(std::unique_ptr<WindowSpill> spill, const engine::Plan& next,
                                     std::uint64_t memory_limit)
    : spill_(std::move(spill)),
      next_(next),
      memory_limit_(memory_limit),
      inputs_(spill_->buckets()),
      merger_(std::make_unique<engine::Merger>(next_, inputs_, engine::MergeStage::kPartial)),
      spool_(!next_.aggregate() && !next_.limit()) {
  merger_->set_memory_limit(memory_limit_);
}

bool WindowSpillReader::Step() {
  if (ready_) return false;
  if (exec_) return StepBucket();
  if (spill_) {
    spill_->set_held(Held());
    if (spill_->Step()) return true;
    if (spill_->TakeBucket(&table_)) {
      StartBucket();
      return true;
    }
    spill_.reset();  // every bucket was read: its files are gone
  }
  if (!closed_) {
    // A spooled stream's inputs are its buckets' files, read as Next needs them.
    // StepBucket closed each bucket's input it took (a spooled one's stays open for its file).
    for (std::size_t b = taken_; b < inputs_; ++b) merger_->Close(b);
    for (io::SpillFile& file : outputs_) file.Rewind();
    closed_ = true;
    if (spool_) ready_ = true;
    return !ready_;
  }
  return Drain();
}

// The reading stage's execution over the bucket just taken (and its output file when spooled).
void WindowSpillReader::StartBucket() {
  if (spool_) outputs_.push_back(io::SpillFile::Create(spill_->dir(), spill_->what()));
  exec_ = std::make_unique<engine::PartitionExecution>(next_, table_);
  // The bucket's table and the merge so far share the rank's limit with its execution.
  const std::uint64_t held = Held() + spill_->bucket_bytes();
  if (memory_limit_ != 0) exec_->set_memory_limit(memory_limit_ > held ? memory_limit_ - held : 1);
}

// A step of the current bucket's execution, or one batch of its output into its merge input
// (or its file); at its end the bucket's table goes.
bool WindowSpillReader::StepBucket() {
  if (exec_->Step()) return true;
  engine::Batch batch;
  if (exec_->Next(spool_ ? kRecordRows : kStepRows, &batch)) {
    if (!spool_) {
      merger_->Push(taken_, std::move(batch));
      return true;
    }
    total_ += batch.rows;
    AppendBatch(std::move(batch), &outputs_.back(), &record_);
    return true;
  }
  if (!spool_) merger_->Close(taken_);
  ++taken_;
  exec_.reset();
  table_ = engine::Table();
  return true;
}

// The merged output (partial groups, or rows in the stream form) popped, kStepRows a step, and
// counted; once it is all out the merge goes. False once ready.
bool WindowSpillReader::Drain() {
  std::size_t rows = 0;
  engine::Batch batch;
  while (rows < kStepRows && merger_->Pop(kStepRows, &batch)) {
    rows += batch.rows;
    total_ += batch.rows;
    out_bytes_ += engine::MemoryBytes(batch);
    out_.push_back(std::move(batch));
  }
  if (rows != 0 || !merger_->Done()) return true;
  merger_.reset();
  ready_ = true;
  return false;
}

std::uint64_t WindowSpillReader::total_rows() {
  while (Step()) {
  }
  return total_;
}

bool WindowSpillReader::Next(std::size_t max_rows, engine::Batch* out) {
  while (Step()) {
  }
  if (spool_) return NextSpooled(max_rows, out);
  if (out_.empty()) {
    *out = engine::Batch();
    return false;
  }
  engine::Batch& front = out_.front();
  const std::size_t front_rows = front.rows;
  const std::size_t n = std::min(std::max<std::size_t>(max_rows, 1), front_rows - out_pos_);
  out_pos_ += n;
  if (out_pos_ < front_rows) {
    *out = engine::SliceBatch(front, out_pos_ - n, out_pos_);
    return true;
  }
  // The front batch is used up: its bytes leave the account before it moves out (a moved-from
  // batch would measure zero).
  out_bytes_ -= std::min(out_bytes_, engine::MemoryBytes(front));
  if (n == front_rows) {
    *out = std::move(front);
  } else {
    *out = engine::SliceBatch(front, out_pos_ - n, out_pos_);
  }
  out_.pop_front();
  out_pos_ = 0;
  return true;
}

// A spooled stream: the merge takes the next record of the file it waits for (an ordered
// stream's), or of the first file not read to its end (a plain one's, which never waits), until
// it can pop rows. One record (kRecordRows rows) per input is held at most.
bool WindowSpillReader::NextSpooled(std::size_t max_rows, engine::Batch* out) {
  while (!merger_->Pop(max_rows, out)) {
    if (merger_->Done()) {
      *out = engine::Batch();
      return false;
    }
    const int waiting = merger_->Waiting();
    while (reading_ < outputs_.size() && !outputs_[reading_].open()) ++reading_;
    const std::size_t input = waiting >= 0 ? static_cast<std::size_t>(waiting) : reading_;
    if (input >= outputs_.size()) throw std::logic_error("WindowSpillReader: no input to read");
    if (engine::Batch batch; NextBatch(&outputs_[input], &batch, &record_)) {
      merger_->Push(input, std::move(batch));
    } else {
      outputs_[input].Remove();
      merger_->Close(input);
    }
  }
  return true;
}

}  // namespace plume::ranks
