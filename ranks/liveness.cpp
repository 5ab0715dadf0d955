#include "ranks/liveness.h"

#include <algorithm>
#include <cstdio>

namespace plume::ranks {

Liveness::Liveness(std::vector<int> peers, std::vector<std::string> hosts, double timeout_s,
                   double now_s, bool forgive_pauses)
    : peers_(std::move(peers)),
      hosts_(std::move(hosts)),
      heard_s_(hosts_.size(), now_s),
      timeout_s_(timeout_s),
      // Several heartbeats per timeout, so one late wake-up never looks like a lost rank.
      interval_s_(std::min(1.0, timeout_s / 4)),
      next_send_s_(now_s),
      last_step_s_(now_s),
      forgive_pauses_(forgive_pauses) {}

bool Liveness::Step(Outbox& out, Inbox& in, double now_s) {
  bool worked = false;
  if (forgive_pauses_ && now_s - last_step_s_ > timeout_s_ / 2)
    std::fill(heard_s_.begin(), heard_s_.end(), now_s);
  last_step_s_ = now_s;
  while (in.Receive(Tag::kHeartbeat, &msg_)) {
    worked = true;
    if (msg_.source >= 0 && static_cast<std::size_t>(msg_.source) < heard_s_.size()) {
      heard_s_[msg_.source] = now_s;
    }
  }
  if (now_s >= next_send_s_) {
    worked = true;
    next_send_s_ = now_s + interval_s_;
    for (int peer : peers_) out.Send(peer, Tag::kHeartbeat, std::string(1, 'h'));
  }
  return worked;
}

std::optional<int> Liveness::Lost(double now_s) const {
  for (int peer : peers_) {
    if (static_cast<std::size_t>(peer) < heard_s_.size() && now_s - heard_s_[peer] > timeout_s_) {
      return peer;
    }
  }
  return std::nullopt;
}

const std::string& Liveness::HostOf(int rank) const {
  static const std::string unknown = "an unknown host";
  const bool known = rank >= 0 && static_cast<std::size_t>(rank) < hosts_.size() &&
                     !hosts_[static_cast<std::size_t>(rank)].empty();
  return known ? hosts_[static_cast<std::size_t>(rank)] : unknown;
}

void Liveness::SetHost(int rank, std::string host) {
  if (rank >= 0 && static_cast<std::size_t>(rank) < hosts_.size()) {
    hosts_[static_cast<std::size_t>(rank)] = std::move(host);
  }
}

std::string Liveness::LostMessage(int rank) const {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%g", timeout_s_);
  return "rank " + std::to_string(rank) + " on " + HostOf(rank) + " has not answered for " +
         seconds + " s";
}

}  // namespace plume::ranks
