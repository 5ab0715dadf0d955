#include "ranks/window_spill.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

#include "engine/partial.h"

namespace plume::ranks {
namespace {

std::vector<engine::Type> Types(const std::vector<engine::Field>& fields) {
  std::vector<engine::Type> types;
  types.reserve(fields.size());
  for (const engine::Field& f : fields) types.push_back(f.type);
  return types;
}

}  // namespace

std::string DefaultSpillDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/tmp");
}

WindowSpill::WindowSpill(const engine::WindowStage& stage, const SpillOptions& options,
                         std::uint64_t memory_limit, std::vector<std::string> reader,
                         std::string rank)
    : stage_(stage),
      memory_limit_(memory_limit),
      reader_(std::move(reader)),
      rank_(std::move(rank)),
      what_("the spill of " + stage.name() + " on " + rank_) {
  const std::string dir = options.dir.empty() ? DefaultSpillDir() : options.dir;
  const std::size_t buckets = std::max<std::size_t>(1, options.buckets);
  files_.reserve(buckets);
  for (std::size_t b = 0; b < buckets; ++b) files_.push_back(io::SpillFile::Create(dir, what_));
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

void WindowSpill::Flush(std::size_t bucket) {
  engine::Batch& rows = pending_[bucket];
  if (rows.rows == 0) return;
  engine::DropAllValid(&rows);
  record_.clear();
  engine::EncodeBatch(rows, &record_);
  files_[bucket].Append(record_);
  file_bytes_ += record_.size();
  rows = engine::EmptyBatch(Types(stage_.fields()));
}

// The rest of the limit once the result's bytes are held (0: none).
std::uint64_t WindowSpill::Rest() const {
  if (memory_limit_ == 0) return 0;
  const std::uint64_t held = result_bytes();
  return memory_limit_ > held ? memory_limit_ - held : 1;
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
      peak_bucket_ = std::max(peak_bucket_, bucket_table_->bytes());
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
      moved_ = 0;
      phase_ = Phase::kMove;
      return true;
    case Phase::kMove:
      return Move();
    case Phase::kResult:
      if (result_ && result_->Step()) return true;
      if (result_) {
        held_result_ = result_->bytes();
        result_table_ = result_->Finish();
        result_.reset();
      }
      phase_ = Phase::kDone;
      return false;
    case Phase::kDone:
      return false;
  }
  return false;
}

// Up to kStepRows rows of the current bucket's file into its table; at its end the file goes.
bool WindowSpill::Read() {
  if (bucket_ == files_.size()) {
    phase_ = Phase::kResult;
    return true;
  }
  io::SpillFile& file = files_[bucket_];
  if (file.records() == 0) {
    NextBucket();
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
    if (!file.Next(&record_)) {
      file.Remove();
      phase_ = Phase::kFinish;
      return true;
    }
    engine::Batch batch = engine::DecodeBatch(record_);
    rows += batch.rows;
    bucket_table_->Append(batch);
  }
  return true;
}

// Up to kStepRows rows of the bucket's result (the reader's columns) into the result.
bool WindowSpill::Move() {
  if (!result_) {
    std::vector<engine::Field> fields;
    for (std::size_t k = 0; k < computed_.columns.size(); ++k) {
      const engine::Column& c = computed_.columns[k];
      if (std::find(reader_.begin(), reader_.end(), c.name) == reader_.end()) continue;
      kept_.push_back(k);
      fields.push_back({c.name, c.type});
    }
    result_.emplace(fields,
                    memory_limit_ == 0 ? std::numeric_limits<std::uint64_t>::max() : memory_limit_,
                    "the result of " + what_);
  }
  const std::size_t end = std::min<std::size_t>(computed_.rows, moved_ + kStepRows);
  if (moved_ < end) result_->Append(engine::TableRows(computed_, kept_, moved_, end));
  moved_ = end;
  if (moved_ == computed_.rows) {
    computed_ = engine::Table();
    NextBucket();
  }
  return true;
}

void WindowSpill::NextBucket() {
  ++bucket_;
  phase_ = Phase::kRead;
}

}  // namespace plume::ranks
