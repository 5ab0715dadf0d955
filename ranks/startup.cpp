#include "ranks/startup.h"

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <stdexcept>

#include "engine/byte_io.h"
#include "ranks/job_end.h"
#include "ranks/protocol.h"
#include "ranks/transport.h"
#include "ranks/worker.h"

namespace plume::ranks {
namespace {

enum class Kind : std::uint8_t { kHello = 'H', kReport = 'R', kVerdict = 'V' };

std::vector<int> Watched(int rank, int world) {
  std::vector<int> peers;
  if (rank != 0) return {0};
  for (int r = 1; r < world; ++r) peers.push_back(r);
  return peers;
}

// Rank 0: one message for all failures ("Error: ..." once when every rank says the same), else
// one line per failure and host: "rank 1,2 on team1-host: cannot load partition 0: ...".
std::string SummarizeErrors(const std::vector<std::string>& errors,
                            const std::vector<std::string>& hosts) {
  std::map<std::pair<std::string, std::string>, std::vector<int>> by_text;
  std::size_t failed = 0;
  for (std::size_t r = 0; r < errors.size(); ++r) {
    if (errors[r].empty()) continue;
    by_text[{errors[r], hosts[r]}].push_back(static_cast<int>(r));
    ++failed;
  }
  if (failed == 0) return "";
  const std::string& first = by_text.begin()->first.first;
  if (failed == errors.size() &&
      std::all_of(errors.begin(), errors.end(), [&](const std::string& e) { return e == first; })) {
    return "Error: " + first;
  }
  std::string text = "Error: startup failed";
  for (const auto& [what_where, ranks] : by_text) {
    std::string who;
    for (int r : ranks) {
      if (!who.empty()) who += ',';
      who += std::to_string(r);
    }
    text += "\n  rank " + who + " on " + what_where.second + ": " + what_where.first;
  }
  return text;
}

// $PLUME_TEST_SPLIT_DELAY_S on a data rank: how much later it arrives at the split.
double TestSplitDelay(int rank) {
  const char* text = std::getenv("PLUME_TEST_SPLIT_DELAY_S");
  const double delay = text == nullptr || rank == 0 ? 0 : std::atof(text);
  if (delay <= 0) return 0;
  std::fprintf(
      stderr, "plume: rank %d: at the communicators' split, %g s late (PLUME_TEST_SPLIT_DELAY_S)\n",
      rank, delay);
  std::fflush(stderr);
  return delay;
}

double SecondsSince(std::chrono::steady_clock::time_point epoch) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch).count();
}

}  // namespace

StartupExchange::StartupExchange(int rank, int world, std::string host, std::string identity,
                                 double peer_timeout_s, double now_s, Outbox& out)
    : rank_(rank),
      world_(world),
      identity_(std::move(identity)),
      out_(out),
      // The data ranks watch rank 0 longer (worker.h), so that rank 0 names a lost rank.
      liveness_(Watched(rank, world), std::vector<std::string>(static_cast<std::size_t>(world)),
                rank == 0 ? peer_timeout_s : peer_timeout_s * WorkerLiveness::kGatewayFactor, now_s,
                rank != 0) {
  outcome_.hosts.assign(static_cast<std::size_t>(world), "");
  liveness_.SetHost(rank, host);
  outcome_.hosts[static_cast<std::size_t>(rank)] = std::move(host);
  if (rank == 0) {
    heard_.assign(static_cast<std::size_t>(world), Heard::kNothing);
    identities_.assign(static_cast<std::size_t>(world), "");
    identities_[0] = identity_;
    errors_.assign(static_cast<std::size_t>(world), "");
    return;
  }
  std::string hello;
  engine::ByteWriter w(&hello);
  w.U8(static_cast<std::uint8_t>(Kind::kHello));
  w.String(identity_);  // first: a rank of another build is recognised before anything else
  w.String(outcome_.hosts[static_cast<std::size_t>(rank)]);  // `host`, moved there
  out_.Send(0, Tag::kStartup, std::move(hello));
}

void StartupExchange::Prepared(StartupReport report) {
  if (rank_ != 0) {
    std::string bytes;
    engine::ByteWriter w(&bytes);
    w.U8(static_cast<std::uint8_t>(Kind::kReport));
    w.String(report.error);
    w.Varint(report.distinct.size());
    for (std::uint64_t d : report.distinct) w.Varint(d);
    out_.Send(0, Tag::kStartup, std::move(bytes));
  }
  mine_ = std::move(report);
  state_ = State::kWaiting;
  MaybeDecide();
}

bool StartupExchange::Step(Inbox& in, double now_s) {
  bool worked = liveness_.Step(out_, in, now_s);
  while (state_ != State::kDone && in.Receive(Tag::kStartup, &msg_)) {
    worked = true;
    OnMessage(msg_);
  }
  return worked;
}

void StartupExchange::OnMessage(const Message& msg) {
  engine::ByteReader r(msg.bytes, "startup message");
  const auto kind = static_cast<Kind>(r.U8());
  const auto source = static_cast<std::size_t>(msg.source);
  if (rank_ != 0) {
    if (kind != Kind::kVerdict || msg.source != 0) r.Fail("not a verdict from rank 0");
    outcome_.summary = r.String();
    const std::size_t n = r.Count();
    if (n != static_cast<std::size_t>(world_)) r.Fail("hosts of another world size");
    for (std::size_t i = 0; i < n; ++i) outcome_.hosts[i] = r.String();
    state_ = State::kDone;
    return;
  }
  if (source == 0 || source >= heard_.size()) r.Fail("from an unexpected rank");
  if (kind == Kind::kHello && heard_[source] == Heard::kNothing) {
    identities_[source] = r.String();
    outcome_.hosts[source] = r.String();
    liveness_.SetHost(msg.source, outcome_.hosts[source]);
    heard_[source] = Heard::kHello;
  } else if (kind == Kind::kReport && heard_[source] == Heard::kHello) {
    heard_[source] = Heard::kReport;
    if (identities_[source] == identity_) {  // another build's report may read differently
      errors_[source] = r.String();
      const std::size_t n = r.Count();
      if (outcome_.distinct.size() < n) outcome_.distinct.resize(n, 0);
      for (std::size_t i = 0; i < n; ++i) outcome_.distinct[i] += r.Varint();
    }
  } else {
    r.Fail("out of order (hello, then report)");
  }
  MaybeDecide();
}

// Rank 0, once every rank reported and its own preparation ended: the verdict to every rank.
void StartupExchange::MaybeDecide() {
  if (rank_ != 0 || !mine_ || state_ == State::kDone) return;
  for (std::size_t r = 1; r < heard_.size(); ++r) {
    if (heard_[r] != Heard::kReport) return;
  }
  errors_[0] = mine_->error;
  if (outcome_.distinct.size() < mine_->distinct.size()) {
    outcome_.distinct.resize(mine_->distinct.size(), 0);
  }
  for (std::size_t i = 0; i < mine_->distinct.size(); ++i)
    outcome_.distinct[i] += mine_->distinct[i];
  outcome_.summary = Summarize();
  for (int r = 1; r < world_; ++r) {
    std::string bytes;
    engine::ByteWriter w(&bytes);
    w.U8(static_cast<std::uint8_t>(Kind::kVerdict));
    w.String(outcome_.summary);
    w.Varint(outcome_.hosts.size());
    for (const std::string& h : outcome_.hosts) w.String(h);
    out_.Send(r, Tag::kStartup, std::move(bytes));
  }
  state_ = State::kDone;
}

// First the builds: a rank of another plume build is named for that alone (whatever else
// failed there may follow from it).
std::string StartupExchange::Summarize() const {
  std::vector<std::string> errors = errors_;
  const std::vector<std::string> mismatches = VersionMismatches(identities_);
  for (std::size_t r = 0; r < errors.size(); ++r) {
    if (!mismatches[r].empty()) errors[r] = mismatches[r];
  }
  return SummarizeErrors(errors, outcome_.hosts);
}

std::optional<std::string> StartupExchange::Lost(double now_s) const {
  if (state_ == State::kDone) return std::nullopt;
  const std::optional<int> lost = liveness_.Lost(now_s);
  if (!lost) return std::nullopt;
  if (rank_ != 0) {
    return "rank " + std::to_string(rank_) + " on " + liveness_.HostOf(rank_) + ": the gateway, " +
           liveness_.LostMessage(0) + " (while starting)";
  }
  const Heard heard = heard_[static_cast<std::size_t>(*lost)];
  return liveness_.LostMessage(*lost) +
         (heard == Heard::kNothing ? " (while starting: before it said hello)"
          : heard == Heard::kHello ? " (while starting: loading its partition)"
                                   : " (while starting: waiting for the other ranks)");
}

StartupOutcome RunStartup(const boost::mpi::communicator& world, double peer_timeout_s,
                          const std::function<StartupReport()>& prepare) {
  const auto epoch = std::chrono::steady_clock::now();
  const auto now = [epoch] { return SecondsSince(epoch); };
  MpiOutbox out(world);
  MpiInbox in(world);
  StartupExchange exchange(world.rank(), world.size(), boost::mpi::environment::processor_name(),
                           BuildIdentity(), peer_timeout_s, now(), out);
  // The preparation never touches MPI (funneled: only this thread does).
  std::future<StartupReport> prepared = std::async(std::launch::async, prepare);
  IdleBackoff backoff;
  while (exchange.state() != StartupExchange::State::kDone) {
    bool worked = exchange.Step(in, now());
    out.Progress();
    if (exchange.state() == StartupExchange::State::kPreparing &&
        prepared.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      exchange.Prepared(prepared.get());
      worked = true;
    }
    if (const std::optional<std::string> lost = exchange.Lost(now())) EndJob(world, *lost);
    worked ? backoff.Worked() : backoff.Idle();
  }
  // Rank 0's verdicts leave before the caller goes on (a bounded wait: kDrainLimit).
  out.Drain(MpiOutbox::kDrainLimit);
  return exchange.outcome();
}

void ArriveAtSplit(const boost::mpi::communicator& world, double peer_timeout_s,
                   const std::vector<std::string>& hosts) {
  const auto epoch = std::chrono::steady_clock::now();
  const int rank = world.rank();
  MpiOutbox out(world);
  MpiInbox in(world);
  // The data ranks watch rank 0 longer (worker.h), so that rank 0 names a lost rank.
  Liveness liveness(Watched(rank, world.size()), hosts,
                    rank == 0 ? peer_timeout_s : peer_timeout_s * WorkerLiveness::kGatewayFactor, 0,
                    rank != 0);
  const double arrive_s = TestSplitDelay(rank);
  MPI_Request barrier = MPI_REQUEST_NULL;
  bool posted = false;
  int arrived = 0;
  IdleBackoff backoff;
  while (arrived == 0) {
    const double now = SecondsSince(epoch);
    bool worked = liveness.Step(out, in, now);
    out.Progress();
    if (!posted && now >= arrive_s) {
      CheckMpi(MPI_Ibarrier(MPI_Comm(world), &barrier), "MPI_Ibarrier", rank, Tag::kStartup, -1);
      posted = worked = true;
    }
    if (posted) {
      CheckMpi(MPI_Test(&barrier, &arrived, MPI_STATUS_IGNORE), "MPI_Test", rank, Tag::kStartup,
               -1);
    }
    if (const std::optional<int> lost = liveness.Lost(now); lost && arrived == 0) {
      EndJob(world, rank == 0 ? liveness.LostMessage(*lost) +
                                    " (while starting: at the communicators' split)"
                              : "rank " + std::to_string(rank) + " on " + liveness.HostOf(rank) +
                                    ": the gateway, " + liveness.LostMessage(0) +
                                    " (while starting: at the communicators' split)");
    }
    worked ? backoff.Worked() : backoff.Idle();
  }
  out.Drain(MpiOutbox::kDrainLimit);
}

}  // namespace plume::ranks
