// The gateway's receive side: counts, stream ends, frames, merging, chunking and delivery.
#include <algorithm>
#include <exception>
#include <string_view>
#include <utility>

#include "ranks/gateway.h"
#include "ranks/gateway_request.h"

namespace plume::ranks {

using frontend::RequestState;

void Gateway::HandleStatus(int source, const StatusMsg& st) {
  Request* req = Find(st.request);
  if (req == nullptr || !req->started()) return;
  const std::size_t leader = static_cast<std::size_t>(source - 1);
  frontend::RankProgress* rank = nullptr;
  if (st.rank >= 1 && st.rank < layout_.world) rank = &req->info.ranks[st.rank - 1];
  switch (st.kind) {
    case StatusKind::kCount:
      if (rank == nullptr) return;
      rank->rows_total = st.rows;
      ++req->counts;
      req->count_sum += st.rows;
      if (req->counts == req->info.ranks.size() && !req->finished()) {
        req->counts_in = true;
        // An aggregate's counts are the partitions' partial groups: their sum bounds the
        // groups here, so the group table grows to it without doubling in one Push.
        if (req->plan->aggregate() && req->merge) req->merge->ReserveGroups(req->count_sum);
        if (req->plan->aggregate()) return;
        std::uint64_t total = req->count_sum;
        if (req->plan->limit()) total = std::min<std::uint64_t>(total, *req->plan->limit());
        if (req->last_stage()) SetTotals(*req, total);
        Deliver(*req);  // delivery waited for the totals
      }
      return;
    case StatusKind::kRankDone:
      if (rank != nullptr) {
        rank->rows_sent = st.rows;
        rank->done = true;
      }
      // A member's end (its leader's relay may still be working: that one counts with its
      // team's stream end, or its own direct confirmation).
      if (st.outcome != Outcome::kFailed && !layout_.IsLeader(st.rank)) {
        MarkStopped(*req, st.rank);
        CheckDrained(*req);
      }
      if (st.outcome == Outcome::kFailed) Finish(*req, RequestState::kFailed, st.error);
      return;
    case StatusKind::kStreamDone:
      if (leader >= req->streams.size()) return;
      if (st.outcome == Outcome::kFailed) Finish(*req, RequestState::kFailed, st.error);
      if (req->streams[leader].OnEnd(st.batches)) StreamClosed(*req, leader);
      return;
  }
}

void Gateway::HandleFrame(int source, std::string_view frame) {
  const FrameHeader header = PeekFrame(frame);
  Request* req = Find(header.request);
  const std::size_t leader = static_cast<std::size_t>(source - 1);
  if (req == nullptr || !req->started() || leader >= req->streams.size()) return;
  if (!req->finished() && !req->stage_draining) {
    req->info.bytes_received += frame.size();
    ++req->info.frames_received;
    if (header.codec != 0) ++req->info.frames_compressed;
    req->ledgers[leader].Received(frame.size());
    const bool forwarded = !req->plan->aggregate() && !req->plan->ordered();
    if (forwarded && header.origin >= 1 && header.origin < layout_.world) {
      frontend::RankProgress& rank = req->info.ranks[header.origin - 1];
      if (!rank.done) rank.rows_sent += header.rows;
    }
    try {
      static thread_local std::string inflated;  // decompressed bodies, buffer reused
      req->merge->Add(leader, engine::DecodeBatch(FrameBody(frame, &inflated)));
      Deliver(*req);
    } catch (const std::exception& e) {
      Finish(*req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    }
  }
  if (req->streams[leader].OnFrame()) StreamClosed(*req, leader);
}

// A data rank's direct confirmation that it stopped the running stage (a stale one, of an
// earlier stage, is ignored).
void Gateway::HandleStopped(int rank, const StatusMsg& st) {
  Request* req = Find(st.request);
  if (req == nullptr || !req->started() || st.stage != req->info.stage) return;
  if (rank >= 1 && rank < layout_.world) {  // as its end through the leader will say
    frontend::RankProgress& progress = req->info.ranks[rank - 1];
    progress.rows_sent = std::max(progress.rows_sent, st.rows);
    progress.done = true;
  }
  MarkStopped(*req, rank);
  CheckDrained(*req);
}

// A leader's stream closed: its end arrived and every frame it announced is in.
void Gateway::StreamClosed(Request& req, std::size_t leader) {
  for (int rank : layout_.Team(static_cast<int>(leader))) MarkStopped(req, rank);
  if (!req.finished() && req.stage_draining) {
    if (req.AllClosed()) NextStage(req);
  } else if (!req.finished()) {
    try {
      req.merge->Close(leader);
      Deliver(req);
    } catch (const std::exception& e) {
      Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    }
  }
  CheckDrained(req);
}

// Feeds the merger, hands every full chunk to the sink, completes the request when all is
// merged (or its LIMIT is reached), then returns the credits of the batches consumed.
// At most kDeliverFrames frames fed and kDeliverRows rows popped per call, and one step of a
// final aggregate's result: with work left it returns with req.pending set (Step continues).
void Gateway::Deliver(Request& req) {
  req.pending = false;
  req.delivered_in = steps_;
  if (req.finished()) return;
  // Rows are held back until every rank's count is in, so the totals are known at the first
  // chunk (counts come first from every rank, so this costs at most one message latency).
  if (!req.plan->aggregate() && !req.counts_in) return;
  const std::optional<std::uint64_t> limit = req.plan->limit();
  auto left = [&]() -> std::uint64_t {
    if (!limit) return std::numeric_limits<std::uint64_t>::max();
    std::uint64_t have = req.info.rows_delivered + req.chunker->Held();
    return *limit > have ? *limit - have : 0;
  };
  engine::Batch batch;
  // A plain stream's batches are popped whole (the Chunker passes chunk-sized ones through
  // uncopied); an ordered merge is popped only as far as the pending chunk needs.
  const bool whole = req.chunker->reorders();
  // An ordered merge may need a batch that is already queued once it popped what it had.
  // Nothing is fed, popped or emitted while the output is backed up: the batches stay queued
  // uncredited, so a slow output stalls the senders instead of growing a buffer.
  std::size_t fed = 0, popped = 0;
  try {
    for (bool progress = true; progress && !req.finished() && OutputTakes(req);) {
      if (fed >= kDeliverFrames || popped >= kDeliverRows) {
        req.pending = true;
        break;
      }
      progress = false;
      req.merge->Feed(
          [&](std::size_t input) {
            req.ledgers[input].Consumed();
            progress = true;
            ++fed;
          },
          kDeliverFrames - fed);
      if (req.merge->Step()) {  // a final aggregate's result, one slice of groups per call
        req.pending = true;
        break;
      }
      EmitChunks(req, false);
      while (!req.finished() && left() > 0 && popped < kDeliverRows && OutputTakes(req) &&
             req.merge->Pop(std::min<std::uint64_t>(whole ? left() : req.chunker->Room(), left()),
                            &batch)) {
        progress = true;
        popped += batch.rows;
        req.chunker->Add(std::exchange(batch, engine::Batch{}));  // Pop refills a fresh batch
        EmitChunks(req, false);
      }
    }
  } catch (const std::exception& e) {  // the merge's errors (memory limit, BIGINT overflow)
    Finish(req, RequestState::kFailed, "Error: gateway: " + std::string(e.what()));
    return;
  }
  if (req.finished()) return;
  req.waiting_output = !OutputTakes(req);
  if (left() == 0 || (req.AllClosed() && req.merge->Done())) {
    EmitChunks(req, true);
    if (req.finished()) return;
    if (!req.last_stage()) return StageDone(req);
    // Complete once the output took every row, so a stuck output keeps the deadline armed.
    req.waiting_output = req.chunker->Held() > 0 || req.sink->Backlog() > 0;
    if (!req.waiting_output) Finish(req, RequestState::kCompleted, "");
    return;
  }
  for (std::size_t j = 0; j < req.ledgers.size(); ++j) {
    if (req.ledgers[j].due() && !req.streams[j].closed()) {
      out_.SendCredit(static_cast<int>(j + 1), req.ledgers[j].TakeDue(req.info.id));
    }
  }
}

bool Gateway::OutputTakes(const Request& req) const {
  return req.sink->Backlog() < frontend::ResultSink::kBacklogLimit;
}

void Gateway::EmitChunks(Request& req, bool flush) {
  engine::Batch chunk;
  while (!req.finished() && OutputTakes(req) && req.chunker->Take(flush, &chunk)) {
    Emit(req, chunk);
  }
}

void Gateway::Emit(Request& req, const engine::Batch& chunk) {
  if (req.gathering) {  // an earlier stage's rows stay here for the stages that read them
    try {
      req.gathering->Append(chunk);
    } catch (const std::exception& e) {
      Finish(req, RequestState::kFailed, "Error: " + std::string(e.what()));
    }
    return;
  }
  Advance(req, Stage::kBegun);
  req.info.rows_delivered += chunk.rows;
  ++req.info.chunks_delivered;
  if (req.info.first_chunk_s < 0) req.info.first_chunk_s = Now();
  std::string error;
  if (!req.sink->Chunk(chunk, req.info, &error)) {
    Finish(req, req.sink->StopState(), error.empty() ? "cancelled by the output" : error);
  }
}

}  // namespace plume::ranks
