// The start of a job, before any statement: every rank prepares on its own (reads the
// manifest, loads its partition: seconds), then rank 0 learns every rank's build, host and
// outcome and answers each with the verdict. Built only of nonblocking point-to-point messages
// (Tag::kStartup, world communicator) and heartbeats (liveness.h), so a rank stopped (SIGSTOP)
// or cut off while others load is declared lost after --peer-timeout like during a statement:
// rank 0 ends the job with "rank 5 on team4-host has not answered for 10 s (while starting: ...)".
// A blocking collective here would wait forever (MPI never notices a stopped rank).
//
// The exchange, written down in docs/PROTOCOL.md ("Startup"):
//   data rank -> rank 0   hello   {identity, host}             at once
//   data rank -> rank 0   report  {error, dictionary sizes}    once prepared
//   rank 0 -> data rank   verdict {summary, hosts of every rank}  once every report came
// A rank of another build is named for that alone (its report is not read: its layout may
// differ).
//
// StartupExchange is the logic, single-threaded and written against Outbox/Inbox (tests drive
// it without MPI); RunStartup is the MPI driver every rank calls.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ranks/liveness.h"
#include "ranks/outbox.h"

namespace plume::ranks {

// What one rank's preparation found: "" or why it failed, and per table column its
// dictionary's size (engine::DataStats::distinct, summed over the partitions on rank 0).
struct StartupReport {
  std::string error;
  std::vector<std::uint64_t> distinct;
};

struct StartupOutcome {
  std::vector<std::string> hosts;       // MPI processor name of every world rank
  std::string summary;                  // "" when every rank started, else the error text
  std::vector<std::uint64_t> distinct;  // rank 0: summed over the data ranks' reports
};

class StartupExchange {
 public:
  enum class State { kPreparing, kWaiting, kDone };

  // `rank`, `world`: this rank's world rank and the world size; `host`, `identity`: this
  // rank's (BuildIdentity()). `now_s`: the caller's clock. Data ranks send their hello here.
  StartupExchange(int rank, int world, std::string host, std::string identity,
                  double peer_timeout_s, double now_s, Outbox& out);

  // This rank's preparation finished (called once).
  void Prepared(StartupReport report);
  // Takes the messages that came and sends heartbeats; never blocks. Throws
  // std::runtime_error for a malformed message.
  bool Step(Inbox& in, double now_s);
  State state() const { return state_; }
  // When a peer has been silent for the timeout: the message naming it and the phase.
  std::optional<std::string> Lost(double now_s) const;
  // kDone only.
  const StartupOutcome& outcome() const { return outcome_; }

 private:
  enum class Heard : std::uint8_t { kNothing, kHello, kReport };

  void OnMessage(const Message& msg);
  void MaybeDecide();
  std::string Summarize() const;

  const int rank_;
  const int world_;
  const std::string identity_;
  Outbox& out_;
  Liveness liveness_;
  State state_ = State::kPreparing;
  std::optional<StartupReport> mine_;
  std::vector<Heard> heard_;             // rank 0: per data rank
  std::vector<std::string> identities_;  // rank 0
  std::vector<std::string> errors_;      // rank 0
  StartupOutcome outcome_;
  Message msg_;
};

// Every rank: runs `prepare` on a thread of its own (it must not use MPI) while exchanging the
// startup messages and heartbeats; returns once rank 0's verdict came (rank 0: once it sent
// it). A peer lost meanwhile ends the job (EndJob): never a hang.
StartupOutcome RunStartup(const boost::mpi::communicator& world, double peer_timeout_s,
                          const std::function<StartupReport()>& prepare);

// Every rank, once RunStartup returned: waits, without blocking, until every rank of `world`
// has come this far (MPI_Ibarrier, tested in a loop that exchanges heartbeats as during the
// startup), so that the communicators' split after it, a blocking collective, starts only
// once every rank is known to be alive. A rank stopped (or cut off) before it arrived is named
// like a rank lost during the startup: "rank 2 on team1-host has not answered for 10 s (while
// starting: at the communicators' split)", and the job ends (EndJob). `hosts`: every world
// rank's (StartupOutcome::hosts). A test hook, $PLUME_TEST_SPLIT_DELAY_S, makes the data ranks
// arrive that many seconds late (heartbeats going on), saying so on stderr first.
// Throws std::runtime_error when MPI_Ibarrier or MPI_Test fails.
void ArriveAtSplit(const boost::mpi::communicator& world, double peer_timeout_s,
                   const std::vector<std::string>& hosts);

}  // namespace plume::ranks
