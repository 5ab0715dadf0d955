#include "ranks/team_relay.h"

#include <deque>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ranks/merge_stage.h"

namespace plume::ranks {

struct TeamRelay::Relay {
  struct Frame {
    std::string bytes;
    std::size_t input = 0;
  };
  std::uint64_t id = 0;
  std::uint32_t stage = 0;  // ControlMsg::stage of its start
  RelayState state = RelayState::kForwarding;
  std::optional<engine::Plan> plan;
  std::uint32_t batch_rows = 1024;
  std::unique_ptr<MergeStage> merge;  // kMerging only
  std::deque<Frame> frames;           // kForwarding only
  std::size_t own_queued = 0;
  FrameEncoder encoder;               // for the frames built here
  std::vector<StreamTally> inputs;    // input 0 = this leader's own DataRole
  std::vector<CreditLedger> members;  // per input: frames held here, credits due back
  std::vector<bool> counted;          // per input: its kCount went up
  std::uint64_t count_sum = 0;        // of the counts: the team's partial groups
  CreditWindow window;                // towards the gateway
  std::uint64_t sent = 0;
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
  relay->stage = start.stage;
  relay->inputs.resize(team_size_);
  relay->members.resize(team_size_);
  relay->counted.resize(team_size_);
  relay->window = CreditWindow(start);
  relay->batch_rows = start.batch_rows;
  try {
    relay->plan = StartPlan(start);
    if (relay->plan->merge() != engine::MergePlan::kTree) {
      // The team's data ranks send sorted final rows of their shares of the groups.
      relay->merge = std::make_unique<MergeStage>(*relay->plan, team_size_,
                                                  engine::MergeStage::kExchangeRelay);
      relay->state = RelayState::kMerging;
    } else if (relay->plan->aggregate() || relay->plan->ordered()) {
      relay->merge = std::make_unique<MergeStage>(*relay->plan, team_size_, false);
      relay->merge->set_memory_limit(memory_limit_);
      relay->state = RelayState::kMerging;
    }
  } catch (const std::exception&) {
    // The leader's own DataRole fails the same deserialization and reports it with context.
    relay->state = RelayState::kDiscarding;
  }
  relays_[request] = std::move(relay);
}

void TeamRelay::Enter(Relay& relay, RelayState state) {
  if (relay.state == state) return;
  if (relay.state == RelayState::kDiscarding) {
    throw std::logic_error("team relay: request " + std::to_string(relay.id) +
                           " cannot leave the discarding state");
  }
  if (state != RelayState::kDiscarding) {
    throw std::logic_error("team relay: forwarding and merging are fixed by the plan");
  }
  relay.state = state;
  relay.frames.clear();
  relay.own_queued = 0;
  reaper_.Retire(std::move(relay.merge));  // a team's group table: freed off the loop
}

void TeamRelay::Count(std::uint64_t request, std::uint64_t rows) {
  OnMemberStatus(0, CountMsg(request, rank_, rows));
}

bool TeamRelay::Ready(std::uint64_t request) {
  Relay* relay = Find(request);
  if (relay == nullptr) return false;
  switch (relay->state) {
    case RelayState::kForwarding:
      return relay->own_queued == 0;
    case RelayState::kMerging:
      return relay->merge->queued(0) == 0;
    case RelayState::kDiscarding:
      return false;
  }
  return false;
}

void TeamRelay::Batch(std::uint64_t request, engine::Batch batch) {
  Relay* relay = Find(request);
  if (relay == nullptr) return;
  if (relay->state == RelayState::kForwarding) {
    FrameHeader header{request, 0, static_cast<std::uint32_t>(batch.rows), rank_};
    relay->frames.push_back({relay->encoder.Encode(header, batch), 0});
    ++relay->own_queued;
  } else if (relay->state == RelayState::kMerging) {
    relay->merge->Add(0, std::move(batch));
  }
  if (relay->inputs[0].OnFrame()) InputClosed(*relay, 0);
}

void TeamRelay::Done(std::uint64_t request, const StatusMsg& done) { OnMemberStatus(0, done); }

void TeamRelay::OnMemberStatus(int team_rank, const StatusMsg& status) {
  Relay* relay = Find(status.request);
  if (relay == nullptr) return;
  if (status.kind == StatusKind::kCount) {
    ForwardStatus(status);
    if (team_rank >= 0 && team_rank < team_size_) relay->counted[team_rank] = true;
    relay->count_sum += status.rows;
    // The team's partial groups bound the merge's groups (no frame is merged before this).
    if (CountsSent(*relay) && relay->merge && relay->plan && relay->plan->aggregate() &&
        relay->plan->merge() == engine::MergePlan::kTree) {
      relay->merge->ReserveGroups(relay->count_sum);
    }
    return;
  }
  StatusMsg rank_done = status;
  rank_done.kind = StatusKind::kRankDone;
  ForwardStatus(rank_done);
  if (status.outcome == Outcome::kFailed && relay->outcome != Outcome::kFailed) {
    relay->outcome = Outcome::kFailed;
    relay->error = status.error;
  }
  if (relay->inputs[team_rank].OnEnd(status.batches)) InputClosed(*relay, team_rank);
}

void TeamRelay::OnMemberFrame(int team_rank, std::string frame) {
  FrameHeader header = PeekFrame(frame);
  Relay* relay = Find(header.request);
  if (relay == nullptr || team_rank <= 0 || team_rank >= team_size_) return;
  const std::size_t input = static_cast<std::size_t>(team_rank);
  if (relay->state != RelayState::kDiscarding) {
    try {
      relay->members[input].Received(frame.size());
      if (relay->state == RelayState::kForwarding) {
        relay->frames.push_back({std::move(frame), input});
      } else {
        relay->merge->Add(team_rank, engine::DecodeBatch(FrameBody(frame, &scratch_)));
      }
    } catch (const std::exception& e) {
      Fail(*relay, "Error: leader rank " + std::to_string(rank_) + ": " + e.what());
    }
  }
  if (relay->inputs[input].OnFrame()) InputClosed(*relay, input);
}

void TeamRelay::InputClosed(Relay& relay, std::size_t input) {
  if (relay.state == RelayState::kMerging) relay.merge->Close(input);
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
  Enter(relay, RelayState::kDiscarding);
}

bool TeamRelay::Cancel(std::uint64_t request, std::optional<std::uint32_t> stage) {
  Relay* relay = Find(request);
  if (relay == nullptr || (stage && *stage != relay->stage)) return false;
  const bool active = relay->state != RelayState::kDiscarding;
  if (relay->outcome == Outcome::kOk) relay->outcome = Outcome::kCancelled;
  Enter(*relay, RelayState::kDiscarding);
  return active;
}

void TeamRelay::OnCredit(const CreditMsg& credit) {
  if (Relay* relay = Find(credit.request)) relay->window.Return(credit);
}

void TeamRelay::SendUp(Relay& relay, std::string frame, std::uint32_t rows, int origin) {
  FrameHeader header{relay.id, relay.sent, rows, origin};
  RewriteFrame(header, &frame);
  CompressFrame(codec_, &frame);  // before Spend: the gateway credits the bytes it received
  relay.window.Spend(frame.size());
  upper_out_.Send(0, Tag::kData, std::move(frame));
  ++relay.sent;
}

// Each member's consumed frames go back to it as one credit (open streams only).
void TeamRelay::ReturnCredits(Relay& relay) {
  for (std::size_t input = 1; input < relay.members.size(); ++input) {
    CreditLedger& ledger = relay.members[input];
    if (ledger.due() && !relay.inputs[input].closed()) {
      team_out_.SendCredit(static_cast<int>(input), ledger.TakeDue(relay.id));
    }
  }
}

// Forwards queued frames unchanged while the gateway's credits last; each forwarded member
// frame returns one credit to that member.
bool TeamRelay::PumpStreaming(Relay& relay) {
  bool worked = false;
  while (relay.window.open() && !relay.frames.empty()) {
    Relay::Frame f = std::move(relay.frames.front());
    relay.frames.pop_front();
    const FrameHeader h = PeekFrame(f.bytes);
    if (f.input == 0) --relay.own_queued;
    if (f.input != 0) relay.members[f.input].Consumed();
    SendUp(relay, std::move(f.bytes), h.rows, h.origin);
    worked = true;
  }
  return worked;
}

// Feeds the team Merger and sends what it pops while the gateway's credits last; a member's
// batch is credited back when the Merger takes it. At most kFeedBatches batches are merged and
// sent per pass, so a team's merge never holds the loop for a whole window of frames.
bool TeamRelay::PumpMerge(Relay& relay) {
  constexpr std::size_t kFeedBatches = 8;
  bool worked = false;
  std::size_t fed = 0, sent = 0;
  for (bool progress = true; progress && fed < kFeedBatches && sent < kFeedBatches;) {
    progress = false;
    relay.merge->Feed(
        [&](std::size_t input) {
          if (input != 0) relay.members[input].Consumed();
          progress = true;
          ++fed;
        },
        kFeedBatches - fed);
    engine::Batch batch;
    while (sent < kFeedBatches && relay.window.open() &&
           relay.merge->Pop(relay.batch_rows, &batch)) {
      SendUp(relay, relay.encoder.Encode({}, batch), static_cast<std::uint32_t>(batch.rows), rank_);
      progress = true;
      ++sent;
    }
    worked |= progress;
  }
  return worked;
}

// Ends the team's stream to the gateway once every input ended and everything was sent (or,
// when discarding, counted). Erases the relay; returns true if it did.
bool TeamRelay::FinishIfDone(Relay& relay) {
  for (const StreamTally& in : relay.inputs) {
    if (!in.closed()) return false;
  }
  switch (relay.state) {
    case RelayState::kForwarding:
      if (!relay.frames.empty()) return false;
      break;
    case RelayState::kMerging:
      if (!relay.merge->Done()) return false;
      break;
    case RelayState::kDiscarding:
      break;
  }
  ForwardStatus(StreamDoneMsg(relay.id, rank_, relay.sent, relay.outcome, relay.error));
  relays_.erase(relay.id);
  return true;
}

// The team's counts go up before any of its frames, so they do not wait behind data on the
// link to the gateway (which holds rows back until every count is in). A rank that failed
// before counting has closed its stream.
bool TeamRelay::CountsSent(const Relay& relay) const {
  for (std::size_t i = 0; i < relay.counted.size(); ++i) {
    if (!relay.counted[i] && !relay.inputs[i].closed()) return false;
  }
  return true;
}

bool TeamRelay::PumpOne(Relay& relay) {
  bool worked = false;
  if (!CountsSent(relay)) return false;
  try {
    if (relay.state == RelayState::kForwarding) worked = PumpStreaming(relay);
    if (relay.state == RelayState::kMerging) worked = PumpMerge(relay);
    ReturnCredits(relay);
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
