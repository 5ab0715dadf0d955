// A team leader's relay: collects the streams of its team (input 0 = the leader's own
// partition, input i = team rank i), merges them when the plan needs it (partial aggregates,
// sorted streams, top-k) or forwards the frames unchanged when it does not, and sends the
// team's one stream to the gateway within the gateway's credit window.
//
// Counts: every input's kCount goes up before any frame of the team (frames wait here), so the
// counts never queue behind data on the link to the gateway.
// Credits: a member's batch is credited back only once it left this relay (sent upward, or
// pushed into the Merger when the Merger can use it), so each member has at most `window`
// batches here and the relay's memory is bounded by (team size + 1) x window batches.
// Cancel: forwarded to the team; frames that still arrive for the request are counted and
// dropped; kStreamDone(kCancelled) goes up once every member confirmed and its frames are in.
// Lifecycle of one request here (RelayState): kForwarding or kMerging from the start (by the
// plan), kDiscarding after a cancel or a failure (terminal); the relay is erased once every
// input's stream closed and what it holds went up (or was dropped).
// Single-threaded (but for its Reaper, which destroys dropped merges); nothing blocks. Sends only
// through the two Outbox interfaces, so the logic is tested in one process
// (tests/ranks/team_relay_test.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/batch.h"
#include "ranks/data_role.h"
#include "ranks/outbox.h"
#include "ranks/protocol.h"
#include "ranks/reaper.h"

namespace plume::ranks {

class TeamRelay : public Upstream {
 public:
  // team_out: sends to members (team comm); upper_out: sends to the gateway (upper comm, rank 0).
  TeamRelay(int world_rank, int team_size, Outbox& team_out, Outbox& upper_out);
  ~TeamRelay() override;
  // How the frames sent to the gateway are compressed (compression.h LinkCodec; default none).
  // A member's frame that arrived compressed is forwarded as it is.
  void set_frame_codec(Codec codec) { codec_ = codec; }
  // Bytes the team's merge of one statement may hold (--memory-limit; 0 = none).
  void set_memory_limit(std::uint64_t bytes) { memory_limit_ = bytes; }
  TeamRelay(const TeamRelay&) = delete;
  TeamRelay& operator=(const TeamRelay&) = delete;

  // Control from the gateway: starts tracking / cancels (forwarding to members is the caller's
  // job because the raw control bytes are forwarded unchanged). With `stage` (the direct
  // cancel, which may overtake the request's next start), only a relay of that stage.
  // Returns whether a relay of the request was active (it is discarding now).
  bool Cancel(std::uint64_t request, std::optional<std::uint32_t> stage = std::nullopt);
  void OnCredit(const CreditMsg& credit);
  void OnMemberStatus(int team_rank, const StatusMsg& status);
  void OnMemberFrame(int team_rank, std::string frame);
  // Sends what the gateway's credits allow and finishes completed streams. True if it worked.
  bool Pump();
  bool Busy() const { return !relays_.empty(); }

  // Upstream for the leader's own DataRole (input 0).
  void Open(std::uint64_t request, const ControlMsg& start) override;
  void Count(std::uint64_t request, std::uint64_t rows) override;
  bool Ready(std::uint64_t request) override;
  void Batch(std::uint64_t request, engine::Batch batch) override;
  void Done(std::uint64_t request, const StatusMsg& done) override;

 private:
  enum class RelayState { kForwarding, kMerging, kDiscarding };
  struct Relay;
  Relay* Find(std::uint64_t request);
  // The one transition function: kDiscarding drops the queued frames and the merge state.
  void Enter(Relay& relay, RelayState state);
  void InputClosed(Relay& relay, std::size_t input);
  void Fail(Relay& relay, const std::string& error);
  void ReturnCredits(Relay& relay);
  bool CountsSent(const Relay& relay) const;
  bool PumpOne(Relay& relay);
  bool PumpStreaming(Relay& relay);
  bool PumpMerge(Relay& relay);
  bool FinishIfDone(Relay& relay);
  void SendUp(Relay& relay, std::string frame, std::uint32_t rows, int origin);
  void ForwardStatus(const StatusMsg& status);

  int rank_;
  int team_size_;
  Outbox& team_out_;
  Outbox& upper_out_;
  Codec codec_ = Codec::kNone;
  std::uint64_t memory_limit_ = 0;
  std::map<std::uint64_t, std::unique_ptr<Relay>> relays_;
  std::string scratch_;
  Reaper reaper_;  // frees the merges of cancelled or failed requests off the loop
};

}  // namespace plume::ranks
