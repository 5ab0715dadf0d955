// Liveness of the ranks a rank depends on: world rank 0 and every other rank send each other a
// heartbeat (Tag::kHeartbeat, world communicator) every interval(); a peer from which nothing
// came for `timeout_s` is lost. MPI itself never reports a stopped rank (SIGSTOP) or a link
// that went down: its peers would wait forever.
//
// Rank 0 watches every other rank; the others watch rank 0 only (with a longer timeout, so that
// rank 0, which can name the rank that went silent, is normally the one that reports it).
// Single-threaded; Step never blocks. Sends and receives only through the Outbox/Inbox
// interfaces (tests/ranks/liveness_test.cpp drives it without MPI).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ranks/outbox.h"

namespace plume::ranks {

class Liveness {
 public:
  // `peers`: world ranks watched (and sent heartbeats); `hosts[r]`: world rank r's host name
  // (MPI processor name), for the message. `now_s`: the caller's clock at construction.
  // `forgive_pauses`: see Step.
  Liveness(std::vector<int> peers, std::vector<std::string> hosts, double timeout_s, double now_s,
           bool forgive_pauses = false);

  // Takes the heartbeats that came in and sends this rank's when due. Returns true if it did
  // anything. With `forgive_pauses` (the data ranks), a Step more than half a timeout after
  // the previous one means this rank itself was not running (stopped, then continued: Open MPI
  // continues a stopped rank before killing it, and a second MPI_Abort racing rank 0's can hang
  // mpirun): every peer then gets a fresh timeout rather than being called lost.
  bool Step(Outbox& out, Inbox& in, double now_s);
  // The first peer silent for longer than the timeout, if any.
  std::optional<int> Lost(double now_s) const;
  // "rank 5 on team4-host has not answered for 10 s"
  std::string LostMessage(int rank) const;
  // "an unknown host" for a rank whose host is not known (yet: startup.h learns them).
  const std::string& HostOf(int rank) const;
  void SetHost(int rank, std::string host);

  double interval_s() const { return interval_s_; }
  double timeout_s() const { return timeout_s_; }

 private:
  std::vector<int> peers_;
  std::vector<std::string> hosts_;
  std::vector<double> heard_s_;  // per world rank: when something last came from it
  double timeout_s_;
  double interval_s_;
  double next_send_s_;
  double last_step_s_;
  bool forgive_pauses_;
  Message msg_;
};

}  // namespace plume::ranks
