// The two ends of a role's links, as interfaces the roles' logic is written against: an Outbox
// that sends byte messages and an Inbox that hands over complete ones. transport.h implements
// them over MPI; tests replace them with in-process fakes, so TeamRelay and Gateway are tested
// in one process without MPI. Neither call ever blocks.
#pragma once

#include <cstddef>
#include <string>

#include "ranks/protocol.h"

namespace plume::ranks {

struct Message {
  int source = 0;  // rank in the communicator the message came through
  std::string bytes;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Starts sending `bytes` to `dest`; the outbox owns them until the send completed.
  virtual void Send(int dest, Tag tag, std::string bytes) = 0;
  // Completes what it can of the sends started; returns how many are still pending.
  virtual std::size_t Progress() = 0;

  void SendCredit(int dest, const CreditMsg& credit) {
    Send(dest, Tag::kCredit, EncodeCredit(credit));
  }
};

class Inbox {
 public:
  virtual ~Inbox() = default;
  // Moves the next complete message with `tag` into *msg (its old buffer may be reused).
  // Per source, messages come in the order they were sent. False when none is complete yet.
  virtual bool Receive(Tag tag, Message* msg) = 0;
};

}  // namespace plume::ranks
