#include "ranks/window_spill.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "engine/partial.h"
#include "io/spill_dir.h"

namespace plume::ranks {
namespace {

std::vector<engine::Type> Types(const std::vector<engine::Field>& fields) {
  std::vector<engine::Type> types;
  types.reserve(fields.size());
  for (const engine::Field& f : fields) types.push_back(f.type);
  return types;
}

}  // namespace

WindowSpill::WindowSpill(const engine::WindowStage& stage, const SpillOptions& options,
                         std::uint64_t memory_limit, std::vector<std::string> reader,
                         std::string rank)
    : stage_(stage),
      memory_limit_(memory_limit),
      reader_(std::move(reader)),
      rank_(std::move(rank)),
      what_("the spill of " + stage.name() + " on " + rank_) {
  dir_ = io::SpillDir(options.dir);
  const std::size_t buckets = std::max<std::size_t>(1, options.buckets);
  files_.reserve(buckets);
  for (std::size_t b = 0; b < buckets; ++b) files_.push_back(io::SpillFile::Create(dir_, what_));
  pending_.assign(buckets, engine::EmptyBatch(Types(stage.fields())));
}

WindowSpill::~WindowSpill() = default;

void WindowSpill::Add(const engine::Batch& batch) {
  if (phase_ != Phase::kWrite) throw std::logic_error("WindowSpill::Add after Step");
  if (batch.rows == 0) return;
  stage_.SplitBuckets(batch, files_.size(), &parts_);
  for (std::size_t b = 0; b < parts_.size(); ++b) {
    if (parts_[b].rows == 0) continue;
    engine::AppendRows(parts_[b], 0, parts_[b].rows, &pending_[b]);
    if (pending_[b].rows >= kFlushRows) Flush(b);
  }
  rows_ += batch.rows;
}

void AppendBatch(engine::Batch batch, io::SpillFile* file, std::string* scratch) {
  engine::DropAllValid(&batch);
  scratch->clear();
  engine::EncodeBatch(batch, scratch);
  file->Append(*scratch);
}

bool NextBatch(io::SpillFile* file, engine::Batch* out, std::string* scratch) {
  if (!file->Next(scratch)) return false;
  *out = engine::DecodeBatch(*scratch);
  return true;
}

void WindowSpill::Flush(std::size_t bucket) {
  engine::Batch& rows = pending_[bucket];
  if (rows.rows == 0) return;
  const std::uint64_t before = files_[bucket].bytes();
  AppendBatch(std::exchange(rows, engine::EmptyBatch(Types(stage_.fields()))), &files_[bucket],
              &record_);
  file_bytes_ += files_[bucket].bytes() - before;
}

// The rest of the limit once the reader's bytes are held (0: none).
std::uint64_t WindowSpill::Rest() const {
  if (memory_limit_ == 0) return 0;
  return memory_limit_ > held_ ? memory_limit_ - held_ : 1;
}

bool WindowSpill::Step() {
  switch (phase_) {
    case Phase::kWrite:
      for (std::size_t b = 0; b < files_.size(); ++b) {
        Flush(b);
        files_[b].Rewind();
      }
      pending_.clear();
      bucket_ = 0;
      phase_ = Phase::kRead;
      return true;
    case Phase::kRead:
      return Read();
    case Phase::kFinish: {
      if (bucket_table_->Step()) return true;
      bucket_bytes_ = bucket_table_->bytes();
      computing_ = std::make_unique<engine::WindowStageSteps>(stage_, bucket_table_->Finish(),
                                                              reader_, Rest(), rank_);
      bucket_table_.reset();
      phase_ = Phase::kCompute;
      return true;
    }
    case Phase::kCompute:
      if (computing_->Step()) return true;
      computed_ = computing_->Take();
      computing_.reset();
      phase_ = Phase::kWaiting;
      return false;
    case Phase::kWaiting:
    case Phase::kDone:
      return false;
  }
  return false;
}

bool WindowSpill::TakeBucket(engine::Table* out) {
  if (phase_ != Phase::kWaiting) return false;
  *out = std::move(computed_);
  computed_ = engine::Table();
  ++bucket_;
  phase_ = Phase::kRead;
  return true;
}

// Up to kStepRows rows of the current bucket's file into its table; at its end the file goes.
// False once every bucket was read.
bool WindowSpill::Read() {
  if (bucket_ == files_.size()) {
    phase_ = Phase::kDone;
    return false;
  }
  io::SpillFile& file = files_[bucket_];
  if (file.records() == 0) {
    ++bucket_;
    return true;
  }
  if (!bucket_table_) {
    const std::uint64_t rest = Rest();
    bucket_table_.emplace(stage_.fields(),
                          rest == 0 ? std::numeric_limits<std::uint64_t>::max() : rest,
                          "bucket " + std::to_string(bucket_ + 1) + " of " +
                              std::to_string(files_.size()) + " of " + what_);
  }
  std::size_t rows = 0;
  while (rows < kStepRows) {
    engine::Batch batch;
    if (!NextBatch(&file, &batch, &record_)) {
      file.Remove();
      phase_ = Phase::kFinish;
      return true;
    }
    rows += batch.rows;
    bucket_table_->Append(batch);
  }
  return true;
}

}  // namespace plume::ranks
