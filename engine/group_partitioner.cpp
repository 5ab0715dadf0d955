#include <stdexcept>
#include <utility>

#include "engine/partial.h"
#include "engine/query.h"

namespace plume::engine {

namespace {

std::uint64_t HashKeyBytes(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (char ch : bytes) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;  // splitmix64 finalizer: every input bit reaches the low bits
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

std::uint64_t GroupKeyHash(const Batch& batch, std::size_t row, std::size_t keys) {
  thread_local std::string bytes;
  bytes.clear();
  for (std::size_t c = 0; c < keys; ++c) AppendKeyBytes(batch.columns[c], row, &bytes);
  return HashKeyBytes(bytes);
}

std::uint64_t ColumnsKeyHash(const Batch& batch, std::size_t row,
                             const std::vector<std::size_t>& columns) {
  thread_local std::string bytes;
  bytes.clear();
  for (std::size_t c : columns) AppendKeyBytes(batch.columns.at(c), row, &bytes);
  return HashKeyBytes(bytes);
}

GroupPartitioner::GroupPartitioner(const Plan& plan, std::size_t parts)
    : plan_(plan), parts_(parts), keys_(plan.data().group_columns.size()) {
  if (!plan.aggregate() || keys_ == 0) {
    throw std::invalid_argument("GroupPartitioner: a hash exchange needs GROUP BY keys");
  }
  if (parts == 0) throw std::invalid_argument("GroupPartitioner: no parts");
}

GroupPartitioner::GroupPartitioner(const Plan& plan, std::size_t parts,
                                   std::vector<std::size_t> keys)
    : GroupPartitioner(plan, parts) {
  for (std::size_t k : keys) {
    if (k >= keys_) throw std::invalid_argument("GroupPartitioner: no such GROUP BY key");
  }
  subset_ = std::move(keys);
}

std::vector<std::uint32_t> GroupPartitioner::PartsOf(const Batch& batch) const {
  CheckStreamBatch(MakeStreamLayout(plan_.data()), batch, "GroupPartitioner");
  std::vector<std::uint32_t> parts(batch.rows, 0);
  if (subset_ && subset_->empty()) return parts;
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const std::uint64_t h =
        subset_ ? ColumnsKeyHash(batch, r, *subset_) : GroupKeyHash(batch, r, keys_);
    parts[r] = static_cast<std::uint32_t>(h % parts_);
  }
  return parts;
}

void GroupPartitioner::Split(const Batch& batch, std::vector<Batch>* out) const {
  const std::vector<std::uint32_t> parts = PartsOf(batch);
  const StreamLayout layout = MakeStreamLayout(plan_.data());
  out->assign(parts_, EmptyBatch(layout.types));
  for (std::size_t r = 0; r < batch.rows; ++r) AppendRow(batch, r, &(*out)[parts[r]]);
  for (Batch& b : *out) DropAllValid(&b);
}

}  // namespace plume::engine
