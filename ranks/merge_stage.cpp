#include "ranks/merge_stage.h"

#include <utility>

namespace plume::ranks {

MergeStage::MergeStage(const engine::Plan& plan, std::size_t inputs, bool final)
    : MergeStage(plan, inputs, final ? engine::MergeStage::kFinal : engine::MergeStage::kPartial) {}

MergeStage::MergeStage(const engine::Plan& plan, std::size_t inputs, engine::MergeStage stage)
    : merger_(plan, inputs, stage),
      ordered_((plan.ordered() && !plan.aggregate()) ||
               stage == engine::MergeStage::kExchangeRelay ||
               stage == engine::MergeStage::kExchangeGather),
      inputs_(inputs) {}

void MergeStage::Add(std::size_t input, engine::Batch batch) {
  inputs_.at(input).queue.push_back(std::move(batch));
}

void MergeStage::Close(std::size_t input) { inputs_.at(input).closed = true; }

std::size_t MergeStage::queued() const {
  std::size_t n = 0;
  for (const Input& in : inputs_) n += in.queue.size();
  return n;
}

// Pushes the next batch of `input`, or closes it in the Merger once it is drained and closed.
// Returns false when neither applies.
bool MergeStage::PushOne(std::size_t input, const std::function<void(std::size_t)>& consumed) {
  Input& in = inputs_[input];
  if (!in.queue.empty()) {
    engine::Batch batch = std::move(in.queue.front());
    in.queue.pop_front();
    merger_.Push(input, std::move(batch));
    consumed(input);
    return true;
  }
  if (in.closed && !in.merger_closed) {
    in.merger_closed = true;
    merger_.Close(input);
    return true;
  }
  return false;
}

void MergeStage::Feed(const std::function<void(std::size_t)>& consumed, std::size_t max_batches) {
  std::size_t pushed = 0;
  auto counted = [&](std::size_t input) {
    ++pushed;
    consumed(input);
  };
  if (!ordered_) {
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      while (pushed < max_batches && PushOne(i, counted)) {
      }
    }
    return;
  }
  for (int w = merger_.Waiting(); w >= 0 && pushed < max_batches; w = merger_.Waiting()) {
    if (!PushOne(static_cast<std::size_t>(w), counted)) return;
  }
}

namespace {

template <class T>
void AppendSlice(const std::vector<T>& src, std::size_t begin, std::size_t count,
                 std::vector<T>* dst) {
  dst->insert(dst->end(), src.begin() + begin, src.begin() + begin + count);
}

void AppendColumn(const engine::BatchColumn& src, std::size_t begin, std::size_t count,
                  std::size_t dst_rows, engine::BatchColumn* dst) {
  dst->type = src.type;
  AppendSlice(src.ints, std::min(begin, src.ints.size()), src.ints.empty() ? 0 : count, &dst->ints);
  AppendSlice(src.doubles, std::min(begin, src.doubles.size()), src.doubles.empty() ? 0 : count,
              &dst->doubles);
  AppendSlice(src.wide, std::min(begin, src.wide.size()), src.wide.empty() ? 0 : count,
              &dst->wide);  // HUGEINT
  if (!src.offsets.empty()) {
    if (dst->offsets.empty()) dst->offsets.push_back(0);
    const std::uint32_t from = src.offsets[begin];
    const std::uint32_t base = dst->offsets.back();
    for (std::size_t i = 1; i <= count; ++i) {
      dst->offsets.push_back(base + (src.offsets[begin + i] - from));
    }
    dst->chars.append(src.chars, from, src.offsets[begin + count] - from);
  }
  if (!src.valid.empty() || !dst->valid.empty()) {
    if (dst->valid.empty()) dst->valid.assign(dst_rows, 1);
    if (src.valid.empty()) {
      dst->valid.insert(dst->valid.end(), count, 1);
    } else {
      AppendSlice(src.valid, begin, count, &dst->valid);
    }
  }
}

}  // namespace

void AppendRows(const engine::Batch& src, std::size_t begin, std::size_t count,
                engine::Batch* dst) {
  if (dst->columns.size() != src.columns.size()) dst->columns.resize(src.columns.size());
  for (std::size_t c = 0; c < src.columns.size(); ++c) {
    AppendColumn(src.columns[c], begin, count, dst->rows, &dst->columns[c]);
  }
  dst->rows += count;
}

void Chunker::Add(engine::Batch batch) {
  std::size_t at = 0;
  while (at < batch.rows) {
    if ((pending_.rows == 0 || reorder_) && at == 0 && batch.rows == chunk_rows_) {
      full_.push_back(std::move(batch));
      return;
    }
    std::size_t n = std::min(Room(), batch.rows - at);
    AppendRows(batch, at, n, &pending_);
    at += n;
    if (pending_.rows == chunk_rows_) {
      full_.push_back(std::move(pending_));
      pending_ = engine::Batch{};
    }
  }
}

std::size_t Chunker::Held() const {
  std::size_t n = pending_.rows;
  for (const engine::Batch& b : full_) n += b.rows;
  return n;
}

bool Chunker::Take(bool flush, engine::Batch* out) {
  if (!full_.empty()) {
    *out = std::move(full_.front());
    full_.pop_front();
    return true;
  }
  if (flush && pending_.rows > 0) {
    *out = std::move(pending_);
    pending_ = engine::Batch{};
    return true;
  }
  return false;
}

}  // namespace plume::ranks
