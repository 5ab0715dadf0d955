// ranks::Gateway: world rank 0's side of the runtime, the frontend::Backend the prompt and the
// one-shot/batch modes drive.
//
// It parses and plans each statement, admits at most max_running at once (more wait as queued,
// beyond queue_limit they are refused), sends the plan to the team leaders, merges the leaders'
// streams (engine::Merger, final), cuts the result into chunks of exactly chunk_rows rows and
// hands them to the request's ResultSink in order. Credits go back to a leader only once its
// batch has been merged and the resulting chunks handed to the sink, so the gateway's memory
// per request is bounded by leaders x window batches, not by the size of the result.
//
// Lifecycle of a request (Stage, one transition function Advance): kQueued -> kStarted (the
// plan went to the leaders) -> kBegun (sink->Begin) -> kEnded (sink->End); a request that ends
// before it started goes from kQueued straight to kEnded. Whether it completed, failed or was
// cancelled is info.state; whether every rank stopped working on it is DrainedAt().
//
// Threading: single-threaded, on world rank 0, after Runtime startup. Every ResultSink call is
// made from inside Poll() (never from Submit or Cancel). Nothing throws for a bad statement.
// It talks to the leaders only through `out` and `in` (rank j + 1 = leader of team j), so its
// logic is tested in one process (tests/ranks/gateway_test.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/query.h"
#include "io/manifest.h"
#include "ranks/frontend/backend.h"
#include "ranks/loop_stats.h"
#include "ranks/outbox.h"
#include "ranks/protocol.h"
#include "ranks/reaper.h"
#include "ranks/topology.h"
#include "ranks/transport.h"

namespace plume::engine {
class StagedStatement;
}  // namespace plume::engine

namespace plume::ranks {

struct GatewayOptions {
  int max_running = 4;   // statements running at once (admission)
  int queue_limit = 64;  // statements waiting beyond that; more are refused
  double ttl_s = 60;     // finished requests stay listed this long
  // Rows per batch a data rank produces. For a plain (unordered, non-aggregate) statement whose
  // chunk_rows is within [batch_rows / 2, 2 x batch_rows] the batches are chunk_rows rows, so
  // most batches become a chunk without being cut and copied again at the gateway.
  std::uint32_t batch_rows = 1024;
  // Unacknowledged frames and bytes per sender and request (docs/PROTOCOL.md, flow control):
  // the bytes are the bound that matters; 8 MiB cover the bandwidth-delay product of a 40 ms
  // round trip at 1.6 Gbit/s per leader (or 10 ms at 6 Gbit/s). Frames only bound the count
  // of tiny frames: 256, so that LZ4-compressed frames between hosts (about 58 KB for 1000
  // rows) are still bound by the bytes (64 frames held them to 3.7 MB).
  std::uint32_t window = 256;
  std::uint64_t window_bytes = kDefaultWindowBytes;
  static constexpr std::uint64_t kDefaultWindowBytes = 8u << 20;
  std::string compression = "off";  // which links compress frames (WorldInfo, \status)
  // Bytes the gathered result of one stage of a multi-stage statement may hold on the gateway
  // (0: memory_limit, the --memory-limit); a stage past it fails the statement with an error
  // naming the stage and rank 0.
  std::uint64_t stage_memory_bytes = 0;
  // Bytes the final merge of one statement may hold on rank 0 (--memory-limit; 0 = none).
  std::uint64_t memory_limit = 0;
  // How GROUP BY statements merge (engine/query.h MergeChoice, `--merge`): kAuto takes the
  // hash exchange among the data ranks from exchange_groups estimated groups on.
  engine::MergeChoice merge = engine::MergeChoice::kAuto;
  std::uint64_t exchange_groups = engine::PlanOptions::kDefaultExchangeGroups;
  // Per table column, the sum of the partitions' dictionary sizes (Runtime gathers them at
  // startup; 0 = unknown): the planner's estimate of distinct values.
  std::vector<std::uint64_t> distinct;
  // Plain statements whose output asks for csv/json lines (Options::row_text) get them made by
  // the data ranks (Plan::WithRowText); false: rank 0 formats every row (--format-on gateway).
  bool row_text_on_ranks = true;
};

class Liveness;
class MergeStage;

class Gateway : public frontend::Backend {
 public:
  // What the gateway needs to watch its peers (Runtime sets it up on the world communicator).
  struct PeerWatch {
    Liveness* liveness = nullptr;
    Outbox* out = nullptr;  // heartbeats
    Inbox* in = nullptr;
    // Called once, kLostGraceS after a rank was declared lost (the front end has reported the
    // failed statements by then), with "rank R on HOST has not answered for S s": ends the
    // job. Called from inside Poll.
    std::function<void(const std::string&)> end_job;
  };
  static constexpr double kLostGraceS = 1.5;

  // `layout`, `out` and `in` (both on the upper communicator) must outlive the Gateway.
  Gateway(const Layout& layout, const io::Manifest& manifest, const GatewayOptions& options,
          Outbox& out, Inbox& in);
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  std::uint64_t Submit(const std::string& sql, const Options& options,
                       std::shared_ptr<frontend::ResultSink> sink) override;
  bool Cancel(std::uint64_t id, const std::string& reason) override;
  void Poll(double max_wait_s) override;
  std::optional<frontend::RequestInfo> Status(std::uint64_t id) const override;
  std::vector<frontend::RequestInfo> List() const override;
  bool Busy() const override;
  WorldInfo World() const override;
  double Now() const override;

  // Steps `watch.liveness` in every Poll. When a rank has been silent for its timeout, every
  // unfinished request fails with "Error: rank R on HOST has not answered for S s", later
  // statements fail with it at once, and kLostGraceS later watch.end_job is called.
  void Watch(PeerWatch watch);
  // The merge choice for statements submitted from now on (tests run both plans).
  void set_merge(engine::MergeChoice merge) { plan_options_.merge = merge; }

  // The gateway's direct links to every data rank (world comm: rank r is data rank r). When set,
  // a cancel goes to every data rank directly (Tag::kCancel) besides through the leaders, and
  // each one's confirmation (Tag::kStopped) counts it idle (DrainedAt) without waiting for the
  // leader's relay. Both must outlive the Gateway; unset, cancels go through the leaders only.
  void set_data_links(Outbox* out, Inbox* in) {
    data_out_ = out;
    data_in_ = in;
  }

  // That message once a rank was declared lost, else empty.
  const std::string& lost() const { return lost_; }
  std::string Lost() const override { return lost_; }

  // When every rank confirmed it stopped working on `id` (stream ends received from every
  // leader, or every data rank's end or direct stop confirmation, each leader's covering its
  // relay too): that time on Now()'s clock; nullopt while some rank may still work on it.
  // Frames announced may still be in flight then; they are counted and dropped on arrival.
  std::optional<double> DrainedAt(std::uint64_t id) const;
  // Ends every request (cancelling running ones), polls until every rank is idle (at most
  // kShutdownDrain), then tells every rank to exit. Blocking; call once, before MPI
  // finalization. False when some rank did not confirm in time, a rank was lost, or the exit
  // could not be sent.
  bool Shutdown();
  static constexpr double kShutdownDrain = 30;

  // How long each Step of Poll took (its work, not its waits): the bound on how late a cancel,
  // a deadline, a heartbeat or another statement can be served (bench/bounded_e2e prints it).
  // Submit counts as such a turn too. `phases`: also time the parts of each (LoopPhase).
  const LoopStats& loop_stats() const { return loop_stats_; }
  void ResetLoopStats(bool phases = false) {
    loop_stats_ = {};
    loop_stats_.phases = phases;
  }

  // The work one call does for one request (issue 12 item 2), after which it returns with the
  // request marked pending and Step() continues it after its polls: frames fed to the merge,
  // rows popped and handed on (chunks, a gathered stage), batches of a stage run on rank 0.
  static constexpr std::size_t kDeliverFrames = 8;
  // A statement of this many bytes or more is parsed and planned on a thread of its own
  // (std::async), not in Submit: a 100,000-element IN list took 0.4-0.5 s to parse, during
  // which rank 0 served nothing. Its deadline and Cancel apply meanwhile; a parse that ends
  // after its statement did is dropped.
  static constexpr std::size_t kParseOffLoopBytes = 64 << 10;
  static constexpr std::size_t kDeliverRows = 16384;

 private:
  enum class Stage { kQueued, kStarted, kBegun, kEnded };
  struct Request;
  // The one transition function of a request's Stage; makes the sink calls it implies.
  void Advance(Request& req, Stage to);
  Request* Find(std::uint64_t id);
  std::uint64_t Accept(const std::string& sql, const Options& options,
                       std::shared_ptr<frontend::ResultSink> sink);  // Submit's work
  // The statement parsed (or its parse's error): queued and admitted, or failed.
  void Planned(Request& req, const std::function<engine::StagedStatement()>& parse);
  bool CollectParses();
  bool Step();
  void Admit();
  void Start(Request& req);
  void StartStage(Request& req);  // the running stage: on the data ranks, or RunLocalStage
  void SkipWindowsOnDataRanks(Request& req);  // past window stages the next stage computes
  std::uint64_t StageMemoryLimit() const;     // of a gathered result on rank 0
  void RunLocalStage(Request& req);           // a stage over a gathered result, here on rank 0
  void StepLocal(Request& req);               // one bounded unit of it
  bool ContinuePending();        // Deliver / StepLocal for requests that stopped at a bound
  void StageDone(Request& req);  // its result is complete: next stage once the ranks stopped
  void NextStage(Request& req);
  void StepFinish(Request& req);
  void StepWindows(Request& req);  // one bounded unit of a window stage over a gathered result
  void EnterStage(Request& req, engine::Table previous);  // the next stage, over `previous`
  void HandleStatus(int leader, const StatusMsg& status);
  void HandleStopped(int rank, const StatusMsg& status);  // a data rank's direct confirmation
  void MarkStopped(Request& req, int rank);
  // kCancel of the running stage: directly to every data rank not known to have stopped, and to
  // the leaders (every one, or only those whose stream is open).
  void SendCancel(Request& req, bool open_streams_only);
  void HandleFrame(int leader, std::string_view frame);
  void StreamClosed(Request& req, std::size_t leader);
  void Deliver(Request& req);
  void Emit(Request& req, const engine::Batch& chunk);
  void EmitChunks(Request& req, bool flush);   // full chunks (all when flush) the output takes
  bool OutputTakes(const Request& req) const;  // the sink's backlog is under its limit
  void ResumeOutputs();  // delivers again to requests that waited for their output
  std::uint32_t BatchRows(const Request& req) const;
  void SetTotals(Request& req, std::uint64_t rows);
  void Finish(Request& req, frontend::RequestState state, const std::string& error);
  void CheckDrained(Request& req);
  void CheckDeadlines();
  bool CheckPeers();
  void Notify();
  void Expire();

  const Layout& layout_;
  io::Manifest manifest_;
  GatewayOptions options_;
  engine::DataStats stats_;           // from the manifest and options_.distinct
  engine::PlanOptions plan_options_;  // points at stats_
  Outbox& out_;
  Inbox& in_;
  Outbox* data_out_ = nullptr;  // set_data_links
  Inbox* data_in_ = nullptr;
  IdleBackoff backoff_;
  std::chrono::steady_clock::time_point epoch_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Request>> requests_;
  std::deque<std::uint64_t> queue_;
  std::deque<std::uint64_t> notify_;  // requests with sink calls (Begin/End) due in Poll
  bool shut_down_ = false;
  double next_expire_s_ = 0;
  PeerWatch watch_;
  std::string lost_;
  double lost_s_ = 0;
  bool job_ended_ = false;
  LoopStats loop_stats_;
  std::uint64_t steps_ = 0;  // Step() calls so far
  Message frame_;            // receive buffer for frames, reused
  Message status_;           // and for status messages
  // Frees what finished requests held (merges, gathered results) off the loop; last, so it
  // is destroyed (and joined) first.
  Reaper reaper_;
};

}  // namespace plume::ranks
