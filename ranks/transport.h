// The MPI implementations of the role links (outbox.h), and the idle backoff every role loop
// uses. Only ranks/ includes Boost.MPI.
//
// Nothing here blocks except MpiOutbox::Drain:
//   - MpiOutbox owns every isend request it starts together with its buffer until MPI_Test
//     reports completion (a Boost.MPI request's destructor neither completes nor cancels the
//     send).
//   - MpiInbox takes messages with a matched probe (MPI_Improbe) and completes them with a
//     nonblocking MPI_Imrecv (every MPI return code checked: CheckMpi), so a message whose envelope
//     arrived before its data (over TCP, above the eager limit) never stalls the loop: it is handed
//     over once complete, and the complete messages of other sources are handed over meanwhile.
#pragma once

#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/request.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <string>
#include <vector>

#include "ranks/outbox.h"

namespace plume::ranks {

// Throws std::runtime_error unless `code` (returned by the raw MPI call `call`, e.g.
// "MPI_Imrecv") is MPI_SUCCESS: "rank 3: MPI_Imrecv (tag 3, from rank 1) failed: MPI_ERR_...:
// <MPI's text>". `peer` < 0: any source. Boost.MPI installs MPI_ERRORS_RETURN on the world
// communicator (and its splits), so failures come back as codes rather than ending the job.
void CheckMpi(int code, const char* call, int rank, Tag tag, int peer);

class MpiOutbox : public Outbox {
 public:
  explicit MpiOutbox(boost::mpi::communicator comm) : comm_(std::move(comm)) {}
  // Waits at most kDrainLimit for pending sends (a stopped peer must not hang the job), then
  // leaves the rest to MPI (never throws).
  ~MpiOutbox() override;
  MpiOutbox(const MpiOutbox&) = delete;
  MpiOutbox& operator=(const MpiOutbox&) = delete;

  void Send(int dest, Tag tag, std::string bytes) override;
  std::size_t Progress() override;
  // Polls until every pending send completed or `limit` passed; true if all completed.
  bool Drain(std::chrono::milliseconds limit);
  const boost::mpi::communicator& comm() const { return comm_; }

  static constexpr std::chrono::milliseconds kDrainLimit{2000};

 private:
  struct Pending {
    std::string bytes;
    boost::mpi::request request;
  };
  boost::mpi::communicator comm_;
  std::list<Pending> pending_;  // list: a node's buffer never moves while MPI reads it
};

class MpiInbox : public Inbox {
 public:
  explicit MpiInbox(boost::mpi::communicator comm) : comm_(std::move(comm)) {}
  // Receives still incomplete (a peer that stopped mid-message) are freed and their buffers
  // left to MPI; never blocks.
  ~MpiInbox() override;
  MpiInbox(const MpiInbox&) = delete;
  MpiInbox& operator=(const MpiInbox&) = delete;

  // Throws std::runtime_error (CheckMpi) when MPI reports a failure.
  bool Receive(Tag tag, Message* msg) override;
  const boost::mpi::communicator& comm() const { return comm_; }

  // Matched but incomplete receives per tag at most; more messages wait in MPI.
  static constexpr std::size_t kMaxPosted = 256;

 private:
  struct Posted {
    int source = 0;
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
    bool done = false;
  };
  void Post(Tag tag, std::list<Posted>& posted);
  bool TakeComplete(Tag tag, std::list<Posted>& posted, Message* msg);

  boost::mpi::communicator comm_;
  std::list<Posted>
      by_tag_[kTagCount];           // indexed by TagValue; list: a buffer never moves under MPI
  std::vector<std::string> spare_;  // buffers handed back by Receive, reused for the next ones
};

// Idle waiting without burning a core: after work, the next idle calls spin (poll again at
// once) for kSpin, then sleep with an exponential backoff from kMinSleep to kMaxSleepRecent
// while the last work is less than kRecentIdle ago (a statement is running or just ended: the
// next message, e.g. the next statement's start, is expected soon and each hop of the rank tree
// adds this wake-up latency), then to kMaxSleep; after kLongIdle without work the cap becomes
// kMaxSleepLongIdle: a rank waiting for the next statement wakes 500 times a second (measured
// here: a bare 500 us sleep loop costs 2.8% of a core, 1 ms 1.4%; each wake also probes MPI),
// for at most 1.5 ms more latency per hop on the first message after a pause of a second or
// more. Sleeping (not spinning) matters on an oversubscribed host: a spinning rank takes a core
// from the ranks that have work.
class IdleBackoff {
 public:
  static constexpr std::chrono::microseconds kSpin{60};
  static constexpr std::chrono::microseconds kMinSleep{20};
  static constexpr std::chrono::milliseconds kRecentIdle{50};
  static constexpr std::chrono::microseconds kMaxSleepRecent{100};
  static constexpr std::chrono::microseconds kMaxSleep{500};
  static constexpr std::chrono::milliseconds kLongIdle{1000};
  static constexpr std::chrono::microseconds kMaxSleepLongIdle{2000};

  void Worked() { idle_ = false; }
  // Called when a poll step found nothing to do. Sleeps at most `cap`. `waiting`: the caller
  // has work that waits for others (credits), so kMaxSleepRecent does not apply.
  void Idle(std::chrono::microseconds cap = kMaxSleepLongIdle, bool waiting = false);

 private:
  bool idle_ = false;
  std::chrono::steady_clock::time_point idle_since_;
  std::chrono::microseconds sleep_{kMinSleep};
};

}  // namespace plume::ranks
