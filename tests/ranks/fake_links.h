// In-process stand-ins for the role links (ranks/outbox.h): an Outbox that records what was
// sent and an Inbox the test fills, so role logic is tested without MPI.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ranks/outbox.h"

namespace plume::ranks::testing {

struct Sent {
  int dest = 0;
  Tag tag = Tag::kControl;
  std::string bytes;
};

class RecordingOutbox : public Outbox {
 public:
  void Send(int dest, Tag tag, std::string bytes) override {
    sent.push_back({dest, tag, std::move(bytes)});
  }
  std::size_t Progress() override { return 0; }
  // Removes and returns what was sent with `tag`, in order.
  std::vector<Sent> Take(Tag tag) {
    std::vector<Sent> out;
    std::vector<Sent> rest;
    for (Sent& s : sent) (s.tag == tag ? out : rest).push_back(std::move(s));
    sent = std::move(rest);
    return out;
  }
  std::vector<Sent> sent;
};

class QueueInbox : public Inbox {
 public:
  void Push(int source, Tag tag, std::string bytes) {
    queues_[tag].push_back({source, std::move(bytes)});
  }
  bool Receive(Tag tag, Message* msg) override {
    auto& queue = queues_[tag];
    if (queue.empty()) return false;
    *msg = std::move(queue.front());
    queue.pop_front();
    return true;
  }

 private:
  std::map<Tag, std::deque<Message>> queues_;
};

}  // namespace plume::ranks::testing
