// OutputSlot (output.h): one statement's share of an OutputTarget.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ranks/frontend/output.h"

namespace plume::frontend {
namespace {

constexpr std::size_t kMaxHeldInMemory = 1 << 20;

}  // namespace

OutputSlot::OutputSlot(std::shared_ptr<OutputTarget> target, bool live)
    : target_(std::move(target)), live_(live) {}

OutputSlot::~OutputSlot() = default;

bool OutputSlot::Write(std::string_view data, std::string* error, std::uint64_t rows) {
  rows_ += rows;
  if (data.empty()) {
    if (units_.empty()) rows_before_units_ = rows_;
    return true;
  }
  bytes_ += data.size();
  AddUnit();
  if (live_) {
    const bool ok = Pass(data, error);
    ForgetWrittenUnits();
    return ok;
  }
  held_.append(data);
  return held_.size() <= kMaxHeldInMemory || Spill(error);
}

// Live: one unit per Write (the target's pieces are Writes). Held: Writes joined into units
// of at least kHeldUnit bytes, so a big held result keeps few.
void OutputSlot::AddUnit() {
  if (!live_ && !units_.empty() && units_.back().end - last_unit_begin_ < kHeldUnit) {
    units_.back() = {bytes_, rows_};
    return;
  }
  last_unit_begin_ = units_.empty() ? 0 : units_.back().end;
  units_.push_back({bytes_, rows_});
}

void OutputSlot::ForgetWrittenUnits() {
  if (!passed_ || units_.size() < 64) return;
  const std::uint64_t written = target_->written();
  while (units_.size() > 1 && begin_ + units_.front().end <= written) {
    rows_before_units_ = units_.front().rows;
    units_.pop_front();
  }
}

bool OutputSlot::Spill(std::string* error) {
  if (spill_ == nullptr) spill_.reset(std::tmpfile());
  if (spill_ == nullptr ||
      std::fwrite(held_.data(), 1, held_.size(), spill_.get()) != held_.size()) {
    *error = "Error: holding results for " + target_->name() +
             " in a temporary file failed: " + std::strerror(errno);
    return false;
  }
  spilled_ += held_.size();
  held_.clear();
  return true;
}

bool OutputSlot::MakeLive(std::string* error) {
  if (live_) return true;
  live_ = true;
  if (bytes_ == 0) return true;
  if (spill_ != nullptr &&
      (std::fflush(spill_.get()) != 0 || std::fseek(spill_.get(), 0, SEEK_SET) != 0)) {
    *error = "Error: reading held results back failed: " + std::string(std::strerror(errno));
    return false;
  }
  std::vector<std::uint64_t> ends;
  ends.reserve(units_.size());
  for (const Unit& u : units_) ends.push_back(u.end);
  passed_ = true;
  begin_ = target_->accepted();
  const bool ok = target_->WriteHeld(std::move(spill_), spilled_, std::move(held_), ends, error);
  held_.clear();
  spilled_ = 0;
  end_ = target_->accepted();
  return ok;
}

bool OutputSlot::Pass(std::string_view data, std::string* error) {
  if (!passed_) {
    passed_ = true;
    begin_ = target_->accepted();
    end_ = begin_;
  }
  const bool ok = target_->Write(data, error);
  end_ = target_->accepted();
  return ok;
}

std::uint64_t OutputSlot::bytes() const { return passed_ ? target_->DeliveredIn(begin_, end_) : 0; }

std::uint64_t OutputSlot::Backlog() const {
  if (abandoned_ || !live_) return 0;
  const std::uint64_t written = target_->written();
  return end_ > written ? end_ - written : 0;
}

void OutputSlot::Abandon() {
  if (!live_ || !passed_) return;
  abandoned_ = true;
  const std::uint64_t from = target_->Drop(begin_, end_);
  if (from >= end_) return;
  // Rows up to the last unit that ends where the drop begins were (or will be) written.
  std::uint64_t kept = rows_before_units_;
  for (const Unit& u : units_) {
    if (begin_ + u.end > from) break;
    kept = u.rows;
  }
  rows_dropped_ = std::max(rows_dropped_, rows_ - kept);
}

}  // namespace plume::frontend
