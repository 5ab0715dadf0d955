#include "ranks/gateway.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "engine/query.h"
#include "ranks/gateway_request.h"
#include "ranks/liveness.h"

namespace plume::ranks {
namespace {
constexpr std::string_view kErrorPrefix = "Error: ";
}  // namespace

using frontend::RequestState;

Gateway::Gateway(const Layout& layout, const io::Manifest& manifest, const GatewayOptions& options,
                 Outbox& out, Inbox& in)
    : layout_(layout),
      manifest_(manifest),
      options_(options),
      out_(out),
      in_(in),
      epoch_(std::chrono::steady_clock::now()) {
  stats_.rows = manifest_.total_rows;
  stats_.distinct = options_.distinct;
  for (const io::PartitionInfo& p : manifest_.partitions) {
    if (p.rows == 0) continue;  // no range (utc 0..0 in the manifest): it holds no group
    stats_.utc_min.push_back(p.utc_min);
    stats_.utc_max.push_back(p.utc_max);
    const bool first = stats_.aqi_min > stats_.aqi_max;
    stats_.aqi_min = first ? p.aqi_min : std::min(stats_.aqi_min, p.aqi_min);
    stats_.aqi_max = first ? p.aqi_max : std::max(stats_.aqi_max, p.aqi_max);
  }
  plan_options_.merge = options_.merge;
  plan_options_.exchange_groups = options_.exchange_groups;
  plan_options_.stats = &stats_;
}

Gateway::~Gateway() = default;

double Gateway::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

Gateway::Request* Gateway::Find(std::uint64_t id) {
  auto it = requests_.find(id);
  return it == requests_.end() ? nullptr : it->second.get();
}

// A turn of rank 0's loop like a Step: recorded in loop_stats_ (phase kSubmit).
std::uint64_t Gateway::Submit(const std::string& sql, const Options& options,
                              std::shared_ptr<frontend::ResultSink> sink) {
  const double begin = Now(), cpu = LoopStats::ThreadCpu();
  const std::uint64_t id = Accept(sql, options, std::move(sink));
  const double used = LoopStats::ThreadCpu() - cpu;
  loop_stats_.Add(Now() - begin, used);
  loop_stats_.AddPhase(LoopPhase::kSubmit, used);
  return id;
}

std::uint64_t Gateway::Accept(const std::string& sql, const Options& options,
                              std::shared_ptr<frontend::ResultSink> sink) {
  const std::uint64_t id = next_id_++;
  auto owned = std::make_unique<Request>();
  Request& req = *owned;
  requests_[id] = std::move(owned);
  req.info.id = id;
  req.info.sql = sql;
  req.info.submitted_s = Now();
  for (int r = 1; r < layout_.world; ++r) req.info.ranks.push_back({r, 0, 0, false});
  req.sink = std::move(sink);
  req.options = options;
  if (options.timeout_s > 0) req.deadline_s = req.info.submitted_s + options.timeout_s;
  if (!lost_.empty()) {
    Finish(req, RequestState::kFailed, lost_);
    return id;
  }
  if (sql.size() >= kParseOffLoopBytes) {
    try {  // the loop goes on meanwhile; CollectParses queues the request once it is parsed
      req.parsing = std::async(std::launch::async, [sql, options = plan_options_] {
        return engine::StagedStatement::Parse(sql, options);
      });
      return id;
    } catch (const std::system_error&) {  // no thread to be had: parse here
    }
  }
  Planned(req, [&] { return engine::StagedStatement::Parse(sql, plan_options_); });
  return id;
}

void Gateway::Planned(Request& req, const std::function<engine::StagedStatement()>& parse) {
  try {
    req.staged = parse();
    req.info.stages = req.staged->stages();
    req.info.stage_name = req.staged->name(0);
    req.info.fields = req.staged->fields(req.staged->stages() - 1);
  } catch (const engine::SqlError& e) {
    std::string where =
        e.position() > 0 ? " (at character " + std::to_string(e.position()) + ")" : "";
    req.info.error_position = e.position();
    Finish(req, RequestState::kFailed, "Error: " + std::string(e.what()) + where);
    return;
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: " + std::string(e.what()));
    return;
  }
  queue_.push_back(req.info.id);
  Admit();
  if (static_cast<int>(queue_.size()) > options_.queue_limit) {
    Finish(req, RequestState::kFailed,
           "Error: statement refused: " + std::to_string(options_.max_running) +
               " statements are running and " + std::to_string(options_.queue_limit) +
               " are queued (the --queue-limit)");
  }
}

// Statements parsed off the loop whose parse ended: queued, or failed with the parse's error;
// the parse of one that ended meanwhile (deadline, cancel) is dropped.
bool Gateway::CollectParses() {
  bool worked = false;
  for (auto& [id, req] : requests_) {
    if (!req->parsing.valid() ||
        req->parsing.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      continue;
    }
    worked = true;
    std::future<engine::StagedStatement> done = std::move(req->parsing);
    if (req->finished()) {
      try {
        done.get();
      } catch (const std::exception&) {  // its statement ended already
      }
      continue;
    }
    Planned(*req, [&] { return done.get(); });
  }
  return worked;
}

void Gateway::Admit() {
  if (queue_.empty()) return;
  int running = 0;
  for (const auto& [id, req] : requests_) {
    if (req->info.state == RequestState::kRunning) ++running;
  }
  while (running < options_.max_running && !queue_.empty()) {
    Request* req = Find(queue_.front());
    queue_.pop_front();
    if (req == nullptr || req->finished()) continue;
    Start(*req);
    ++running;
  }
}

void Gateway::Start(Request& req) {
  Advance(req, Stage::kStarted);
  req.info.state = RequestState::kRunning;
  req.info.started_s = Now();
  notify_.push_back(req.info.id);
  StartStage(req);
}

void Gateway::StartStage(Request& req) {
  const engine::StagedStatement& staged = *req.staged;
  SkipWindowsOnDataRanks(req);
  const std::size_t i = req.info.stage;
  req.info.stage_name = staged.name(i);
  req.counts = 0;
  req.count_sum = 0;
  req.counts_in = false;
  for (frontend::RankProgress& r : req.info.ranks) r = {r.rank, 0, 0, false};
  try {
    req.plan = staged.Bind(i, req.results);
    // The statement's own result from the data ranks: csv/json lines made there when asked.
    if (!staged.gathered(i) && staged.source(i) < 0 && options_.row_text_on_ranks) {
      req.plan = req.plan->WithRowText(req.options.row_text);
      req.info.row_text = req.plan->row_text();
    }
    if (staged.gathered(i)) {
      req.gathering = std::make_unique<engine::GatheredTable>(
          staged.fields(i), StageMemoryLimit(),
          "the result of stage " + std::to_string(i + 1) + " of " +
              std::to_string(staged.stages()) + " ('" + staged.name(i) +
              "') on rank 0 (the gateway)");
    }
  } catch (const engine::SqlError& e) {
    Finish(req, RequestState::kFailed, "Error: " + std::string(e.what()));
    return;
  }
  if (staged.source(i) >= 0) return RunLocalStage(req);
  const std::size_t leaders = layout_.leaders.size();
  req.streams.assign(leaders, {});
  req.ledgers.assign(leaders, {});
  req.stopped.assign(static_cast<std::size_t>(layout_.world - 1), false);
  req.stopped_count = 0;
  try {
    req.merge = std::make_unique<MergeStage>(*req.plan, leaders,
                                             req.plan->merge() != engine::MergePlan::kTree
                                                 ? engine::MergeStage::kExchangeGather
                                                 : engine::MergeStage::kFinal);
    req.merge->set_memory_limit(options_.memory_limit);
    const bool plain = !req.plan->aggregate() && !req.plan->ordered();
    req.chunker = std::make_unique<Chunker>(req.options.chunk_rows, plain);
    ControlMsg start{ControlKind::kStart,
                     req.info.id,
                     req.plan->Serialize(),
                     BatchRows(req),
                     options_.window,
                     options_.window_bytes,
                     static_cast<std::uint8_t>(req.plan->row_text())};
    if (req.staged->window_input(i)) {
      start.window_stage = req.staged->Window(i, req.results).Serialize();
    }
    start.stage = static_cast<std::uint32_t>(i);
    const std::string bytes = EncodeControl(start);
    for (std::size_t j = 0; j < leaders; ++j)
      out_.Send(static_cast<int>(j + 1), Tag::kControl, bytes);
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  if (req.plan->limit() && *req.plan->limit() == 0) {
    req.counts_in = true;
    Deliver(req);  // nothing to merge: completes the statement, or this stage
  }
}

std::uint64_t Gateway::StageMemoryLimit() const {
  const std::uint64_t limit =
      options_.stage_memory_bytes != 0 ? options_.stage_memory_bytes : options_.memory_limit;
  return limit != 0 ? limit : std::numeric_limits<std::uint64_t>::max();
}

// A window stage the data ranks compute inside the stage that reads it has nothing to run
// here: it gets an empty result (no later stage reads it) and the next stage starts.
void Gateway::SkipWindowsOnDataRanks(Request& req) {
  while (req.staged->on_data_ranks(req.info.stage)) {
    req.results.emplace_back();
    ++req.info.stage;
  }
}

// A stage over the gathered result of an earlier one runs here, in bounded steps (StepLocal,
// from Step): the partition executor over that Table, then the gateway's own final merge, as
// for one partition.
void Gateway::RunLocalStage(Request& req) {
  req.stopped.clear();  // no data rank works on it
  req.stopped_count = 0;
  req.streams.assign(1, {});
  req.streams[0].OnEnd(0);
  req.ledgers.assign(1, {});
  try {
    const engine::Table& table =
        req.results.at(static_cast<std::size_t>(req.staged->source(req.info.stage)));
    req.merge = std::make_unique<MergeStage>(*req.plan, 1, true);
    req.merge->set_memory_limit(options_.memory_limit);
    const bool plain = !req.plan->aggregate() && !req.plan->ordered();
    req.chunker = std::make_unique<Chunker>(req.options.chunk_rows, plain);
    req.local = std::make_unique<engine::PartitionExecution>(*req.plan, table);
    req.local->set_memory_limit(options_.memory_limit);
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  req.pending = true;
}

// One preparation step of the local stage's executor, or up to kDeliverFrames of its batches
// into the merge (closed after the last), then one bounded delivery.
void Gateway::StepLocal(Request& req) {
  try {
    if (req.local->Step()) return;  // still preparing: pending stays set
    if (!req.counts_in && !req.plan->aggregate() && req.last_stage()) {
      std::uint64_t total = req.local->total_rows();
      if (req.plan->limit()) total = std::min<std::uint64_t>(total, *req.plan->limit());
      SetTotals(req, total);
    }
    req.counts_in = true;
    engine::Batch batch;
    bool more = true;
    for (std::size_t i = 0; i < kDeliverFrames && req.merge->queued() < kDeliverFrames; ++i) {
      more = req.local->Next(options_.batch_rows, &batch);
      if (!more) break;
      req.ledgers[0].Received(0);  // held like a frame, so Feed's consumption balances
      req.merge->Add(0, std::move(batch));
    }
    if (!more) {
      req.merge->Close(0);
      reaper_.Retire(std::move(req.local));
    }
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  Deliver(req);
  if (req.local && !req.finished()) req.pending = true;
}

void Gateway::StageDone(Request& req) {
  if (!req.AllClosed()) {
    if (!req.stage_draining) {  // LIMIT reached before the ranks finished: stop them
      req.stage_draining = true;
      SendCancel(req, true);
    }
    return;  // StreamClosed comes back here once every stream ended
  }
  NextStage(req);
}

// The running stage's result is gathered: it is finished (dictionaries sorted, zone maps) in
// bounded steps (StepFinish, from Step), then a window stage's windows are computed over it in
// bounded steps (StepWindows), then the next stage starts over it.
void Gateway::NextStage(Request& req) {
  reaper_.Retire(std::move(req.merge));
  req.chunker.reset();
  req.stage_draining = false;
  req.finishing = true;
  req.pending = true;
}

// One bounded unit of finishing the gathered result (engine::GatheredTable::Step); once it is
// finished, the windows over it or the next stage.
void Gateway::StepFinish(Request& req) {
  engine::Table table;
  try {
    if (req.gathering->Step()) {
      req.pending = true;
      return;
    }
    table = req.gathering->Finish();
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  reaper_.Retire(std::move(req.gathering));  // its strings' map: freed off the loop
  req.finishing = false;
  req.pending = false;
  const std::vector<engine::WindowCall>& calls = req.staged->windows(req.info.stage);
  if (calls.empty()) return EnterStage(req, std::move(table));
  req.windowing = std::make_unique<engine::WindowComputation>(calls, std::move(table));
  req.pending = true;
}

// One bounded unit of the windows over a gathered result (engine::WindowComputation: a morsel
// of the sort, the merge or the evaluation); the next stage once they are computed.
void Gateway::StepWindows(Request& req) {
  try {
    if (req.windowing->Step()) {
      req.pending = true;
      return;
    }
  } catch (const std::exception& e) {
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  engine::Table table = req.windowing->Take();
  req.windowing.reset();
  req.pending = false;  // the next stage sets it again when it has work here
  EnterStage(req, std::move(table));
}

void Gateway::EnterStage(Request& req, engine::Table previous) {
  req.results.push_back(std::move(previous));
  ++req.info.stage;
  StartStage(req);
}

std::uint32_t Gateway::BatchRows(const Request& req) const {
  const std::uint64_t batch = options_.batch_rows, chunk = req.options.chunk_rows;
  const bool plain = !req.plan->aggregate() && !req.plan->ordered() && req.last_stage();
  return plain && 2 * chunk >= batch && chunk <= 2 * batch ? static_cast<std::uint32_t>(chunk)
                                                           : options_.batch_rows;
}

void Gateway::SetTotals(Request& req, std::uint64_t rows) {
  req.info.rows_total = rows;
  req.info.rows_total_known = true;
  const std::uint64_t chunk = std::max<std::uint64_t>(1, req.options.chunk_rows);
  req.info.chunks_total = (rows + chunk - 1) / chunk;
}

void Gateway::Finish(Request& req, RequestState state, const std::string& error) {
  if (req.finished()) return;
  if (req.info.state == RequestState::kQueued) {
    queue_.erase(std::remove(queue_.begin(), queue_.end(), req.info.id), queue_.end());
  }
  req.info.state = state;
  req.info.error = error;
  req.info.finished_s = Now();
  if (state == RequestState::kCompleted && !req.info.rows_total_known) {
    SetTotals(req, req.info.rows_delivered);
  }
  // What it held is freed on the reaper's thread (a merge of millions of groups, gathered
  // results: hundreds of MB of pages to unmap), in this order: `local` reads the results.
  reaper_.Retire(std::move(req.merge));
  req.chunker.reset();
  reaper_.Retire(std::move(req.gathering));
  reaper_.Retire(std::move(req.local));
  reaper_.Retire(std::move(req.windowing));
  reaper_.Retire(std::make_unique<std::vector<engine::Table>>(std::move(req.results)));
  req.pending = false;
  req.results = {};
  if (req.started() && !req.AllClosed()) {
    // Stop the work everywhere (every leader: one whose stream closed ignores it); frames
    // still in flight are counted and dropped on arrival.
    SendCancel(req, false);
  }
  notify_.push_back(req.info.id);
  CheckDrained(req);
}

void Gateway::SendCancel(Request& req, bool open_streams_only) {
  ControlMsg cancel{ControlKind::kCancel, req.info.id, {}, 0, 0};
  cancel.stage = static_cast<std::uint32_t>(req.info.stage);
  const std::string bytes = EncodeControl(cancel);
  // Directly first: one hop to each data rank instead of gateway -> leader -> member.
  if (data_out_ != nullptr) {
    for (std::size_t r = 0; r < req.stopped.size(); ++r) {
      if (!req.stopped[r]) data_out_->Send(static_cast<int>(r + 1), Tag::kCancel, bytes);
    }
  }
  for (std::size_t j = 0; j < req.streams.size(); ++j) {
    if (!open_streams_only || !req.streams[j].closed()) {
      out_.Send(static_cast<int>(j + 1), Tag::kControl, bytes);
    }
  }
}

void Gateway::MarkStopped(Request& req, int rank) {
  if (rank < 1 || static_cast<std::size_t>(rank) > req.stopped.size()) return;
  if (req.stopped[rank - 1]) return;
  req.stopped[rank - 1] = true;
  ++req.stopped_count;
}

void Gateway::CheckDrained(Request& req) {
  if (req.finished() && req.drained_s < 0 &&
      (!req.started() || req.AllClosed() || req.AllStopped())) {
    req.drained_s = Now();
  }
}

bool Gateway::Cancel(std::uint64_t id, const std::string& reason) {
  Request* req = Find(id);
  if (req == nullptr || req->finished()) return false;
  Finish(*req, RequestState::kCancelled, reason.empty() ? "cancelled by user" : reason);
  return true;
}

bool Gateway::Step() {
  ++steps_;
  PhaseTimer phase(loop_stats_);
  out_.Progress();
  bool worked = false;
  // Answers queued between Steps (a Cancel, a Submit that failed) go out before this Step's
  // frames, merges and releases, so a cancel is answered within one poll, not after them.
  if (!notify_.empty()) {
    worked = true;
    Notify();
  }
  phase.Lap(LoopPhase::kNotify);
  while (in_.Receive(Tag::kStatus, &status_)) {
    worked = true;
    HandleStatus(status_.source, DecodeStatus(status_.bytes));
  }
  if (data_in_ != nullptr) {
    data_out_->Progress();
    while (data_in_->Receive(Tag::kStopped, &status_)) {
      worked = true;
      HandleStopped(status_.source, DecodeStatus(status_.bytes));
    }
  }
  phase.Lap(LoopPhase::kStatus);
  worked |= CollectParses();
  phase.Lap(LoopPhase::kParse);
  const std::size_t max_frames = 4 * layout_.leaders.size();
  for (std::size_t i = 0; i < max_frames && in_.Receive(Tag::kData, &frame_); ++i) {
    worked = true;
    HandleFrame(frame_.source, frame_.bytes);
  }
  phase.Lap(LoopPhase::kFrames);
  worked |= CheckPeers();
  phase.Lap(LoopPhase::kPeers);
  ResumeOutputs();
  phase.Lap(LoopPhase::kOutputs);
  worked |= ContinuePending();
  phase.Lap(LoopPhase::kPending);
  Admit();
  phase.Lap(LoopPhase::kAdmit);
  CheckDeadlines();
  phase.Lap(LoopPhase::kDeadlines);
  if (!notify_.empty()) {
    worked = true;
    Notify();
  }
  phase.Lap(LoopPhase::kNotify);
  Expire();
  phase.Lap(LoopPhase::kExpire);
  return worked;
}

bool Gateway::ContinuePending() {
  bool worked = false;
  for (auto& [id, req] : requests_) {
    if (!req->pending || req->finished() || req->delivered_in == steps_) continue;
    worked = true;
    if (req->finishing) {
      StepFinish(*req);
    } else if (req->windowing) {
      StepWindows(*req);
    } else if (req->local) {
      StepLocal(*req);
    } else {
      Deliver(*req);
    }
  }
  return worked;
}

void Gateway::Poll(double max_wait_s) {
  const double until = Now() + std::max(0.0, max_wait_s);
  for (;;) {
    const double begin = Now(), cpu = LoopStats::ThreadCpu();
    const bool worked = Step();
    const double end = Now();
    loop_stats_.Add(end - begin, LoopStats::ThreadCpu() - cpu);
    if (worked) {
      backoff_.Worked();
      return;
    }
    const double left = until - end;
    if (left <= 0) return;
    backoff_.Idle(std::chrono::microseconds(static_cast<std::int64_t>(left * 1e6) + 1));
  }
}

void Gateway::Watch(PeerWatch watch) { watch_ = std::move(watch); }

bool Gateway::CheckPeers() {
  if (watch_.liveness == nullptr) return false;
  const double now = Now();
  bool worked = watch_.liveness->Step(*watch_.out, *watch_.in, now);
  watch_.out->Progress();
  if (!lost_.empty()) {
    if (!job_ended_ && now >= lost_s_ + kLostGraceS && watch_.end_job) {
      job_ended_ = true;
      watch_.end_job(lost_.substr(kErrorPrefix.size()));
    }
    return worked;
  }
  const std::optional<int> rank = watch_.liveness->Lost(now);
  if (!rank) return worked;
  lost_ = std::string(kErrorPrefix) + watch_.liveness->LostMessage(*rank);
  lost_s_ = now;
  for (auto& [id, req] : requests_) {
    if (!req->finished()) Finish(*req, RequestState::kFailed, lost_);
  }
  return true;
}

void Gateway::ResumeOutputs() {
  for (auto& [id, req] : requests_) {
    const std::uint64_t resume = frontend::ResultSink::kBacklogLimit / 2;
    if (req->waiting_output && !req->finished() && req->sink->Backlog() < resume) Deliver(*req);
  }
}

void Gateway::CheckDeadlines() {
  const double now = Now();
  for (auto& [id, req] : requests_) {
    if (!req->finished() && now > req->deadline_s) {
      Finish(*req, RequestState::kFailed, frontend::TimeoutError(req->options.timeout_s));
    }
  }
}

// Sink calls are made here only, so a sink never runs inside Submit or Cancel.
void Gateway::Notify() {
  std::deque<std::uint64_t> due;
  due.swap(notify_);
  for (std::uint64_t id : due) {
    Request* req = Find(id);
    if (req == nullptr) continue;
    if (req->stage == Stage::kStarted) Advance(*req, Stage::kBegun);
    if (req->finished()) Advance(*req, Stage::kEnded);
  }
}

void Gateway::Advance(Request& req, Stage to) {
  const Stage from = req.stage;
  if (from == to) return;
  const bool valid = (from == Stage::kQueued && to == Stage::kStarted) ||
                     (from == Stage::kStarted && to == Stage::kBegun) ||
                     (from != Stage::kStarted && to == Stage::kEnded);
  if (!valid || from == Stage::kEnded) {
    throw std::logic_error("gateway: request " + std::to_string(req.info.id) +
                           ": invalid stage transition");
  }
  req.stage = to;
  if (to == Stage::kBegun) req.sink->Begin(req.info);
  if (to == Stage::kEnded) req.sink->End(req.info);
}

void Gateway::Expire() {
  const double now = Now();
  if (now < next_expire_s_) return;  // a scan per 100 ms is plenty for a TTL in seconds
  next_expire_s_ = now + 0.1;
  for (auto it = requests_.begin(); it != requests_.end();) {
    const Request& req = *it->second;
    bool old = req.finished() && req.stage == Stage::kEnded && req.quiet() &&
               !req.parsing.valid() && now - req.info.finished_s > options_.ttl_s;
    it = old ? requests_.erase(it) : std::next(it);
  }
}

std::optional<frontend::RequestInfo> Gateway::Status(std::uint64_t id) const {
  auto it = requests_.find(id);
  if (it == requests_.end()) return std::nullopt;
  return it->second->info;
}

std::vector<frontend::RequestInfo> Gateway::List() const {
  std::vector<frontend::RequestInfo> list;
  for (const auto& [id, req] : requests_) list.push_back(req->info);
  return list;
}

bool Gateway::Busy() const {
  if (!notify_.empty()) return true;
  return std::any_of(requests_.begin(), requests_.end(),
                     [](const auto& entry) { return !entry.second->finished(); });
}

frontend::Backend::WorldInfo Gateway::World() const {
  WorldInfo world;
  world.ranks = layout_.world;
  world.leaders = layout_.leaders;
  world.partitions = static_cast<int>(manifest_.partitions.size());
  world.rows = manifest_.total_rows;
  world.source = manifest_.source;
  // Each rank checked its partition against these manifest figures at load, so they name the
  // rows being served.
  world.dataset = manifest_.source + " rows=" + std::to_string(manifest_.total_rows);
  for (const io::PartitionInfo& p : manifest_.partitions) {
    world.dataset += " " + p.file + ":" + std::to_string(p.rows) + ":" + std::to_string(p.utc_min) +
                     "-" + std::to_string(p.utc_max);
  }
  world.compression = options_.compression;
  world.memory_limit = options_.memory_limit;
  return world;
}

std::optional<double> Gateway::DrainedAt(std::uint64_t id) const {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second->drained_s < 0) return std::nullopt;
  return it->second->drained_s;
}

bool Gateway::Shutdown() {
  if (shut_down_) return true;
  shut_down_ = true;
  for (auto& [id, req] : requests_) {
    if (!req->finished()) Finish(*req, RequestState::kCancelled, "cancelled: gateway shut down");
  }
  Notify();
  auto undrained = [&] {
    return std::any_of(requests_.begin(), requests_.end(),
                       [](const auto& e) { return !e.second->quiet(); });
  };
  const double give_up = Now() + kShutdownDrain;
  while (undrained() && lost_.empty() && Now() < give_up) Poll(0.01);
  const bool drained = !undrained() && lost_.empty();
  const std::string bytes = EncodeControl({ControlKind::kShutdown, 0, {}, 0, 0});
  for (std::size_t j = 0; j < layout_.leaders.size(); ++j) {
    out_.Send(static_cast<int>(j + 1), Tag::kControl, bytes);
  }
  const double sent_by = Now() + 2;
  while (out_.Progress() > 0 && Now() < sent_by) backoff_.Idle();
  return drained && out_.Progress() == 0;
}

}  // namespace plume::ranks
