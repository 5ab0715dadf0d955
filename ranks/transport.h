// Owned nonblocking sends, probe-then-receive of byte messages, and the idle backoff every
// role loop uses. Only ranks/ includes Boost.MPI.
//
// Ownership: an Outbox owns every isend request it starts together with its buffer until
// MPI_Test reports completion (a Boost.MPI request's destructor neither completes nor cancels
// the send). Drain() blocks until every owned send completed; call it before MPI_Finalize.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/request.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <optional>
#include <string>

#include "ranks/protocol.h"

namespace plume::ranks {

class Outbox {
 public:
  explicit Outbox(boost::mpi::communicator comm) : comm_(std::move(comm)) {}
  ~Outbox();  // drains (never throws; MPI errors abort the job anyway)
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Starts an isend of `bytes` (moved in, kept alive until the send completes). A data frame
  // (Tag::kData) is first compressed with the frame codec (CompressFrame).
  void Send(int dest, Tag tag, std::string bytes);
  // The codec of the data frames this outbox sends (compression.h LinkCodec); default none.
  void set_frame_codec(Codec codec) { frame_codec_ = codec; }
  void SendCredit(int dest, std::uint64_t request, std::uint64_t batches);
  // Tests pending sends and releases the completed ones. Returns how many are still pending.
  std::size_t Progress();
  // Blocks until every pending send completed.
  void Drain();
  const boost::mpi::communicator& comm() const { return comm_; }

 private:
  struct Pending {
    std::string bytes;
    boost::mpi::request request;
  };
  boost::mpi::communicator comm_;
  Codec frame_codec_ = Codec::kNone;
  std::list<Pending> pending_;  // list: a node's buffer never moves while MPI reads it
};

struct Message {
  int source = 0;
  std::string bytes;
};

// If a message with `tag` from any source is waiting on `comm`, receives it (the receive
// cannot block: the message was probed). Otherwise returns nullopt.
std::optional<Message> TryReceive(const boost::mpi::communicator& comm, Tag tag);
// The same into *msg, reusing its buffer (no allocation or zero-fill once it is large enough).
bool TryReceive(const boost::mpi::communicator& comm, Tag tag, Message* msg);

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
