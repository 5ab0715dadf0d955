#include "ranks/transport.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace plume::ranks {

void CheckMpi(int code, const char* call, int rank, Tag tag, int peer) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0, initialized = 0;
  MPI_Initialized(&initialized);  // MPI_Error_string is refused before MPI_Init
  if (!initialized || MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  const std::string from = peer < 0 ? "any rank" : "rank " + std::to_string(peer);
  throw std::runtime_error(
      "rank " + std::to_string(rank) + ": " + call + " (tag " + std::to_string(TagValue(tag)) +
      ", from " + from + ") failed: " +
      (length > 0 ? std::string(text, length) : "MPI error code " + std::to_string(code)));
}

MpiOutbox::~MpiOutbox() {
  try {
    Drain(kDrainLimit);
  } catch (...) {
    // Destructors never throw; an MPI failure here ends the job through mpirun anyway.
  }
}

void MpiOutbox::Send(int dest, Tag tag, std::string bytes) {
  Pending& slot = pending_.emplace_back();
  slot.bytes = std::move(bytes);
  slot.request =
      comm_.isend(dest, TagValue(tag), slot.bytes.data(), static_cast<int>(slot.bytes.size()));
}

std::size_t MpiOutbox::Progress() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->request.test()) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return pending_.size();
}

bool MpiOutbox::Drain(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (Progress() > 0) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

MpiInbox::~MpiInbox() {
  for (auto& posted : by_tag_) {
    for (Posted& p : posted) {
      if (p.done) continue;
      // MPI keeps writing into the buffer of a freed receive: leave it to MPI.
      MPI_Request_free(&p.request);
      new std::string(std::move(p.bytes));  // NOLINT: intentionally leaked, see above
    }
  }
}

void MpiInbox::Post(Tag tag, std::list<Posted>& posted) {
  while (posted.size() < kMaxPosted) {
    int flag = 0;
    MPI_Message handle;
    MPI_Status status;
    CheckMpi(MPI_Improbe(MPI_ANY_SOURCE, TagValue(tag), comm_, &flag, &handle, &status),
             "MPI_Improbe", comm_.rank(), tag, -1);
    if (!flag) return;
    int count = 0;
    CheckMpi(MPI_Get_count(&status, MPI_CHAR, &count), "MPI_Get_count", comm_.rank(), tag,
             status.MPI_SOURCE);
    Posted& p = posted.emplace_back();
    p.source = status.MPI_SOURCE;
    if (!spare_.empty()) {
      p.bytes = std::move(spare_.back());
      spare_.pop_back();
    }
    p.bytes.resize(static_cast<std::size_t>(count));
    CheckMpi(MPI_Imrecv(p.bytes.data(), count, MPI_CHAR, &handle, &p.request), "MPI_Imrecv",
             comm_.rank(), tag, p.source);
  }
}

// The oldest complete message whose source has no older incomplete one (per-source order).
bool MpiInbox::TakeComplete(Tag tag, std::list<Posted>& posted, Message* msg) {
  std::vector<int> blocked;
  for (auto it = posted.begin(); it != posted.end(); ++it) {
    if (!it->done) {
      int flag = 0;
      // For one request MPI_Test returns the receive's own error (status.MPI_ERROR is unset).
      CheckMpi(MPI_Test(&it->request, &flag, MPI_STATUS_IGNORE), "MPI_Test", comm_.rank(), tag,
               it->source);
      it->done = flag != 0;
    }
    const bool waits = std::find(blocked.begin(), blocked.end(), it->source) != blocked.end();
    if (!it->done || waits) {
      blocked.push_back(it->source);
      continue;
    }
    msg->source = it->source;
    msg->bytes.swap(it->bytes);
    spare_.push_back(std::move(it->bytes));
    if (spare_.size() > 8) spare_.erase(spare_.begin());
    posted.erase(it);
    return true;
  }
  return false;
}

bool MpiInbox::Receive(Tag tag, Message* msg) {
  const int index = TagValue(tag);
  if (index < 0 || index >= static_cast<int>(std::size(by_tag_))) {
    throw std::logic_error("MpiInbox: unknown tag " + std::to_string(index));
  }
  std::list<Posted>& posted = by_tag_[index];
  Post(tag, posted);
  return TakeComplete(tag, posted, msg);
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
