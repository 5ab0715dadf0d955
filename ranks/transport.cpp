#include "ranks/transport.h"

#include <algorithm>
#include <cstring>
#include <thread>

namespace plume::ranks {

Outbox::~Outbox() {
  try {
    Drain();
  } catch (...) {
    // Destructors never throw; an MPI failure here ends the job through mpirun anyway.
  }
}

void Outbox::Send(int dest, Tag tag, std::string bytes) {
  if (tag == Tag::kData && frame_codec_ != Codec::kNone) CompressFrame(frame_codec_, &bytes);
  Pending& slot = pending_.emplace_back();
  slot.bytes = std::move(bytes);
  slot.request =
      comm_.isend(dest, TagValue(tag), slot.bytes.data(), static_cast<int>(slot.bytes.size()));
}

void Outbox::SendCredit(int dest, std::uint64_t request, std::uint64_t batches) {
  CreditMsg msg{request, batches};
  std::string bytes(sizeof(msg), '\0');
  std::memcpy(bytes.data(), &msg, sizeof(msg));
  Send(dest, Tag::kCredit, std::move(bytes));
}

std::size_t Outbox::Progress() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->request.test()) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return pending_.size();
}

void Outbox::Drain() {
  for (Pending& p : pending_) p.request.wait();
  pending_.clear();
}

bool TryReceive(const boost::mpi::communicator& comm, Tag tag, Message* msg) {
  auto st = comm.iprobe(boost::mpi::any_source, TagValue(tag));
  if (!st) return false;
  msg->source = st->source();
  auto count = st->count<char>();
  msg->bytes.resize(count ? *count : 0);
  comm.recv(msg->source, TagValue(tag), msg->bytes.data(), static_cast<int>(msg->bytes.size()));
  return true;
}

std::optional<Message> TryReceive(const boost::mpi::communicator& comm, Tag tag) {
  Message msg;
  if (!TryReceive(comm, tag, &msg)) return std::nullopt;
  return msg;
}

void IdleBackoff::Idle(std::chrono::microseconds cap, bool waiting) {
  auto now = std::chrono::steady_clock::now();
  if (!idle_) {
    idle_ = true;
    idle_since_ = now;
    sleep_ = kMinSleep;
  }
  const auto idle = now - idle_since_;
  if (idle < kSpin) return;
  std::this_thread::sleep_for(std::min(sleep_, cap));
  const std::chrono::microseconds most = idle < kRecentIdle && !waiting ? kMaxSleepRecent
                                         : idle < kLongIdle             ? kMaxSleep
                                                                        : kMaxSleepLongIdle;
  sleep_ = std::min(sleep_ * 2, most);
}

}  // namespace plume::ranks
