#include "ranks/team_relay.h"

#include <deque>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include "ranks/merge_stage.h"

namespace plume::ranks {

struct TeamRelay::Relay {
  struct Frame {
    std::string bytes;
    std::size_t input = 0;
  };
  struct Input {
    std::uint64_t received = 0;
    std::optional<std::uint64_t> expected;  // from the input's kStreamDone
    bool closed = false;
  };
  std::uint64_t id = 0;
  std::optional<engine::Plan> plan;
  bool streaming = true;  // forward frames unchanged (no aggregate, no ORDER BY)
  std::uint32_t batch_rows = 1024;
  std::unique_ptr<MergeStage> merge;
  std::deque<Frame> frames;
  std::size_t own_queued = 0;
  FrameEncoder encoder;  // for the frames built here
  std::vector<Input> inputs;
  std::uint64_t credits = 0;
  std::uint64_t sent = 0;
  bool discarding = false;  // cancelled or failed here: count and drop whatever still arrives
  Outcome outcome = Outcome::kOk;
  std::string error;
};

TeamRelay::TeamRelay(int world_rank, int team_size, Outbox& team_out, Outbox& upper_out)
    : rank_(world_rank), team_size_(team_size), team_out_(team_out), upper_out_(upper_out) {}

TeamRelay::~TeamRelay() = default;

TeamRelay::Relay* TeamRelay::Find(std::uint64_t request) {
  auto it = relays_.find(request);
  return it == relays_.end() ? nullptr : it->second.get();
}

void TeamRelay::ForwardStatus(const StatusMsg& status) {
  upper_out_.Send(0, Tag::kStatus, EncodeStatus(status));
}

void TeamRelay::Open(std::uint64_t request, const ControlMsg& start) {
  auto relay = std::make_unique<Relay>();
  relay->id = request;
  relay->inputs.resize(team_size_);
  relay->credits = start.window;
  relay->batch_rows = start.batch_rows;
  try {
    relay->plan = engine::Plan::Deserialize(start.plan);
    relay->streaming = !relay->plan->aggregate() && !relay->plan->ordered();
    if (!relay->streaming) {
      relay->merge = std::make_unique<MergeStage>(*relay->plan, team_size_, false);
    }
  } catch (const std::exception&) {
    // The leader's own DataRole fails the same deserialization and reports it with context.
    relay->discarding = true;
  }
  relays_[request] = std::move(relay);
}

void TeamRelay::Count(std::uint64_t request, std::uint64_t rows) {
  StatusMsg msg;
  msg.kind = StatusKind::kCount;
  msg.request = request;
  msg.rank = rank_;
  msg.rows = rows;
  ForwardStatus(msg);
}

bool TeamRelay::Ready(std::uint64_t request) {
  Relay* relay = Find(request);
  if (relay == nullptr || relay->discarding) return false;
  return relay->streaming ? relay->own_queued == 0 : relay->merge->queued(0) == 0;
}

void TeamRelay::Batch(std::uint64_t request, engine::Batch batch) {
  Relay* relay = Find(request);
  if (relay == nullptr) return;
  ++relay->inputs[0].received;
  if (relay->discarding) return;
  if (relay->streaming) {
    FrameHeader header{request, 0, static_cast<std::uint32_t>(batch.rows), rank_};
    relay->frames.push_back({relay->encoder.Encode(header, batch), 0});
    ++relay->own_queued;
  } else {
    relay->merge->Add(0, std::move(batch));
  }
}

void TeamRelay::Done(std::uint64_t request, const StatusMsg& done) { OnMemberStatus(0, done); }

void TeamRelay::OnMemberStatus(int team_rank, const StatusMsg& status) {
  Relay* relay = Find(status.request);
  if (relay == nullptr) return;
  if (status.kind == StatusKind::kCount) {
    ForwardStatus(status);
    return;
  }
  StatusMsg rank_done = status;
  rank_done.kind = StatusKind::kRankDone;
  ForwardStatus(rank_done);
  if (status.outcome == Outcome::kFailed && relay->outcome != Outcome::kFailed) {
    relay->outcome = Outcome::kFailed;
    relay->error = status.error;
  }
  relay->inputs[team_rank].expected = status.batches;
  InputDone(*relay, team_rank);
}

void TeamRelay::OnMemberFrame(int team_rank, std::string frame) {
  FrameHeader header = PeekFrame(frame);
  Relay* relay = Find(header.request);
  if (relay == nullptr || team_rank <= 0 || team_rank >= team_size_) return;
  ++relay->inputs[team_rank].received;
  if (!relay->discarding) {
    try {
      if (relay->streaming) {
        relay->frames.push_back({std::move(frame), static_cast<std::size_t>(team_rank)});
      } else {
        relay->merge->Add(team_rank, engine::DecodeBatch(FrameBody(frame, &scratch_)));
      }
    } catch (const std::exception& e) {
      Fail(*relay, "Error: leader rank " + std::to_string(rank_) + ": " + e.what());
    }
  }
  InputDone(*relay, team_rank);
}

void TeamRelay::InputDone(Relay& relay, std::size_t input) {
  Relay::Input& in = relay.inputs[input];
  if (in.closed || !in.expected || in.received < *in.expected) return;
  in.closed = true;
  if (relay.merge && !relay.discarding) relay.merge->Close(input);
}

void TeamRelay::Fail(Relay& relay, const std::string& error) {
  StatusMsg msg;
  msg.kind = StatusKind::kRankDone;
  msg.rank = rank_;
  msg.outcome = Outcome::kFailed;
  msg.error = error;
  msg.request = relay.id;
  ForwardStatus(msg);
  relay.outcome = Outcome::kFailed;
  relay.error = error;
  relay.discarding = true;
  relay.frames.clear();
  relay.merge.reset();
}

void TeamRelay::Cancel(std::uint64_t request) {
  Relay* relay = Find(request);
  if (relay == nullptr) return;
  if (relay->outcome == Outcome::kOk) relay->outcome = Outcome::kCancelled;
  relay->discarding = true;
  relay->frames.clear();
  relay->merge.reset();
}

void TeamRelay::OnCredit(const CreditMsg& credit) {
  if (Relay* relay = Find(credit.request)) relay->credits += credit.batches;
}

void TeamRelay::SendUp(Relay& relay, std::string frame, std::uint32_t rows, int origin) {
  FrameHeader header{relay.id, relay.sent, rows, origin};
  RewriteFrame(header, &frame);
  upper_out_.Send(0, Tag::kData, std::move(frame));
  ++relay.sent;
  --relay.credits;
}

// Forwards queued frames unchanged while the gateway's credits last; each forwarded member
// frame returns one credit to that member.
bool TeamRelay::PumpStreaming(Relay& relay) {
  bool worked = false;
  while (relay.credits > 0 && !relay.frames.empty()) {
    Relay::Frame f = std::move(relay.frames.front());
    relay.frames.pop_front();
    const FrameHeader h = PeekFrame(f.bytes);
    if (f.input == 0) --relay.own_queued;
    if (f.input != 0) team_out_.SendCredit(static_cast<int>(f.input), relay.id, 1);
    SendUp(relay, std::move(f.bytes), h.rows, h.origin);
    worked = true;
  }
  return worked;
}

// Feeds the team Merger and sends what it pops while the gateway's credits last; a member's
// batch is credited back when the Merger takes it.
bool TeamRelay::PumpMerge(Relay& relay) {
  bool worked = false;
  for (bool progress = true; progress;) {
    progress = false;
    relay.merge->Feed([&](std::size_t input) {
      if (input != 0) team_out_.SendCredit(static_cast<int>(input), relay.id, 1);
      progress = true;
    });
    engine::Batch batch;
    while (relay.credits > 0 && relay.merge->Pop(relay.batch_rows, &batch)) {
      SendUp(relay, relay.encoder.Encode({}, batch), static_cast<std::uint32_t>(batch.rows), rank_);
      progress = true;
    }
    worked |= progress;
  }
  return worked;
}

// Ends the team's stream to the gateway once every input ended and everything was sent (or,
// when discarding, counted). Erases the relay; returns true if it did.
bool TeamRelay::FinishIfDone(Relay& relay) {
  for (const Relay::Input& in : relay.inputs) {
    if (!in.closed) return false;
  }
  const bool drained =
      relay.discarding || (relay.streaming ? relay.frames.empty() : relay.merge->Done());
  if (!drained) return false;
  StatusMsg end;
  end.kind = StatusKind::kStreamDone;
  end.request = relay.id;
  end.rank = rank_;
  end.batches = relay.sent;
  end.outcome = relay.outcome;
  end.error = relay.error;
  ForwardStatus(end);
  relays_.erase(relay.id);
  return true;
}

bool TeamRelay::PumpOne(Relay& relay) {
  bool worked = false;
  try {
    if (!relay.discarding) worked = relay.streaming ? PumpStreaming(relay) : PumpMerge(relay);
  } catch (const std::exception& e) {
    Fail(relay, "Error: leader rank " + std::to_string(rank_) + ": " + e.what());
  }
  return FinishIfDone(relay) || worked;
}

bool TeamRelay::Pump() {
  bool worked = false;
  for (auto it = relays_.begin(); it != relays_.end();) {
    Relay& relay = *it->second;
    ++it;  // PumpOne may erase this relay
    worked |= PumpOne(relay);
  }
  return worked;
}

}  // namespace plume::ranks
