#include "ranks/worker.h"

#include <chrono>
#include <map>
#include <optional>

#include "ranks/data_role.h"
#include "ranks/liveness.h"
#include "ranks/runtime.h"
#include "ranks/team_relay.h"
#include "ranks/transport.h"

namespace plume::ranks {
namespace {

// A team member's Upstream: frames and status to the leader (team rank 0), within credits.
class MemberLink : public Upstream {
 public:
  // codec: how the frames to the leader are compressed (compression.h LinkCodec).
  MemberLink(int world_rank, Outbox& out, Codec codec)
      : rank_(world_rank), out_(out), codec_(codec) {}

  void Open(std::uint64_t request, const ControlMsg& start) override {
    links_[request].window = CreditWindow(start);
  }
  void Count(std::uint64_t request, std::uint64_t rows) override {
    out_.Send(0, Tag::kStatus, EncodeStatus(CountMsg(request, rank_, rows)));
  }
  bool Ready(std::uint64_t request) override {
    auto it = links_.find(request);
    return it != links_.end() && it->second.window.open();
  }
  void Batch(std::uint64_t request, engine::Batch batch) override {
    Link& link = links_.at(request);
    FrameHeader header{request, link.sequence++, static_cast<std::uint32_t>(batch.rows), rank_};
    std::string frame = link.encoder.Encode(header, batch);
    CompressFrame(codec_, &frame);  // before Spend: the leader credits the bytes it received
    link.window.Spend(frame.size());
    out_.Send(0, Tag::kData, std::move(frame));
  }
  void Done(std::uint64_t request, const StatusMsg& done) override {
    out_.Send(0, Tag::kStatus, EncodeStatus(done));
    links_.erase(request);
  }
  void OnCredit(const CreditMsg& credit) {
    auto it = links_.find(credit.request);
    if (it != links_.end()) it->second.window.Return(credit);
  }

 private:
  struct Link {
    CreditWindow window;
    std::uint64_t sequence = 0;
    FrameEncoder encoder;
  };
  int rank_;
  Outbox& out_;
  Codec codec_;
  std::map<std::uint64_t, Link> links_;
};

// One rank's loop state: its outboxes, its Upstream (MemberLink, or the TeamRelay on leaders),
// its ExchangeHub (world comm, next to the heartbeats) and its DataRole. Destroyed in reverse
// order, so the outboxes drain last.
class RoleLoop {
 public:
  RoleLoop(const Comms& comms, bool leader, io::PartitionLoader& loader,
           const io::PartitionInfo& partition, Codec codec, const WorkerLiveness& liveness,
           std::uint64_t memory_limit, const SpillOptions& spill)
      : world_(comms.world),
        world_out_(comms.world),
        world_in_(comms.world),
        epoch_(std::chrono::steady_clock::now()),
        liveness_({0}, liveness.hosts, liveness.peer_timeout_s * WorkerLiveness::kGatewayFactor, 0,
                  true),
        rank_(comms.world.rank()),
        team_size_(comms.team.size()),
        from_above_(leader ? comms.upper : comms.team),
        team_out_(comms.team),
        link_(rank_, team_out_, codec),
        exchange_(rank_ - 1, comms.world.size() - 1, world_out_, world_in_) {
    if (leader) {
      team_in_.emplace(comms.team);
      upper_out_.emplace(comms.upper);
      relay_.emplace(rank_, team_size_, team_out_, *upper_out_);
      relay_->set_frame_codec(codec);
      relay_->set_memory_limit(memory_limit);
    }
    Upstream& upstream = relay_ ? static_cast<Upstream&>(*relay_) : link_;
    data_.emplace(rank_, loader.table(), partition, upstream, memory_limit, &exchange_, &loader);
    data_->set_stopped_out(&world_out_);
    data_->set_spill(spill);
  }

  void Run() {
    IdleBackoff backoff;
    bool shutdown = false;
    while (!shutdown) {
      team_out_.Progress();
      if (upper_out_) upper_out_->Progress();
      bool worked = CheckGateway();
      worked |= PollDirectCancel();
      worked |= PollControl(&shutdown);
      if (shutdown) break;
      worked |= PollCredits();
      worked |= exchange_.Poll();
      if (relay_) worked |= PollTeam();
      worked |= data_->Step();
      if (relay_) worked |= relay_->Pump();
      if (worked) {
        backoff.Worked();
      } else {
        backoff.Idle(IdleBackoff::kMaxSleepLongIdle, data_->Busy() || (relay_ && relay_->Busy()));
      }
    }
  }

 private:
  // Heartbeats with rank 0; ends the job when rank 0 went silent (a rank that cannot tell the
  // gateway must not wait for it forever).
  bool CheckGateway() {
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
    const bool worked = liveness_.Step(world_out_, world_in_, now);
    world_out_.Progress();
    if (liveness_.Lost(now)) {
      EndJob(world_, "rank " + std::to_string(rank_) + " on " + liveness_.HostOf(rank_) +
                         ": the gateway, " + liveness_.LostMessage(0));
    }
    return worked;
  }

  // Control from above (the gateway on leaders, the leader on members); leaders forward the
  // bytes unchanged to their team first, so the team sees the same order.
  bool PollControl(bool* shutdown) {
    bool worked = false;
    while (from_above_.Receive(Tag::kControl, &msg_)) {
      worked = true;
      const ControlMsg control = DecodeControl(msg_.bytes);
      if (relay_) {
        for (int member = 1; member < team_size_; ++member) {
          team_out_.Send(member, Tag::kControl, msg_.bytes);
        }
      }
      if (control.kind == ControlKind::kShutdown) {
        *shutdown = true;
        return true;
      }
      if (control.kind == ControlKind::kStart) data_->Start(control);
      if (control.kind == ControlKind::kCancel) {
        if (relay_) relay_->Cancel(control.request);
        data_->Cancel(control.request);
      }
    }
    return worked;
  }

  // The gateway's direct cancel (world comm), one hop instead of two: stops this rank's run of
  // that stage (which confirms to rank 0 at once, DataRole::set_stopped_out) and, on a leader,
  // its relay of it first; a leader whose own run had ended confirms its relay's stop itself.
  // A cancel of a request whose start has not arrived yet is dropped: the leader's kCancel,
  // which follows the start, stops it then.
  bool PollDirectCancel() {
    bool worked = false;
    while (world_in_.Receive(Tag::kCancel, &msg_)) {
      worked = true;
      if (msg_.source != 0) continue;
      const ControlMsg control = DecodeControl(msg_.bytes);
      if (control.kind != ControlKind::kCancel) continue;
      const bool relayed = relay_ && relay_->Cancel(control.request, control.stage);
      if (!data_->Cancel(control.request, control.stage) && relayed) {
        StatusMsg stopped = StreamDoneMsg(control.request, rank_, 0, Outcome::kCancelled, "");
        stopped.kind = StatusKind::kRankDone;
        stopped.stage = control.stage;
        world_out_.Send(0, Tag::kStopped, EncodeStatus(stopped));
      }
    }
    return worked;
  }

  bool PollCredits() {
    bool worked = false;
    while (from_above_.Receive(Tag::kCredit, &msg_)) {
      worked = true;
      const CreditMsg credit = DecodeCredit(msg_.bytes);
      relay_ ? relay_->OnCredit(credit) : link_.OnCredit(credit);
    }
    return worked;
  }

  // Leaders: the team's status messages, and a bounded number of its frames per pass.
  bool PollTeam() {
    bool worked = false;
    while (team_in_->Receive(Tag::kStatus, &msg_)) {
      worked = true;
      relay_->OnMemberStatus(msg_.source, DecodeStatus(msg_.bytes));
    }
    for (int i = 0; i < 2 * team_size_ && team_in_->Receive(Tag::kData, &msg_); ++i) {
      worked = true;
      relay_->OnMemberFrame(msg_.source, std::move(msg_.bytes));
    }
    return worked;
  }

  const boost::mpi::communicator& world_;
  MpiOutbox world_out_;  // heartbeats
  MpiInbox world_in_;
  const std::chrono::steady_clock::time_point epoch_;
  Liveness liveness_;
  const int rank_;
  const int team_size_;
  MpiInbox from_above_;              // the upper comm on leaders, the team comm on members
  std::optional<MpiInbox> team_in_;  // leaders: the team's status and frames
  MpiOutbox team_out_;
  std::optional<MpiOutbox> upper_out_;
  Message msg_;  // receive buffer, reused
  MemberLink link_;
  ExchangeHub exchange_;  // the hash exchange with the other data ranks (world comm)
  std::optional<TeamRelay> relay_;
  std::optional<DataRole> data_;
};

}  // namespace

Worker::Worker(const Comms& comms, const Layout& layout, io::PartitionLoader& loader,
               const io::PartitionInfo& partition, Codec codec, WorkerLiveness liveness,
               std::uint64_t memory_limit, SpillOptions spill)
    : comms_(comms),
      layout_(layout),
      loader_(loader),
      partition_(partition),
      codec_(codec),
      liveness_(std::move(liveness)),
      memory_limit_(memory_limit),
      spill_(std::move(spill)) {}

void Worker::Run() {
  RoleLoop loop(comms_, layout_.IsLeader(comms_.world.rank()), loader_, partition_, codec_,
                liveness_, memory_limit_, spill_);
  loop.Run();
}

}  // namespace plume::ranks
