#include "ranks/worker.h"

#include <cstring>
#include <map>
#include <optional>

#include "ranks/data_role.h"
#include "ranks/team_relay.h"
#include "ranks/transport.h"

namespace plume::ranks {
namespace {

// A team member's Upstream: frames and status to the leader (team rank 0), within credits.
class MemberLink : public Upstream {
 public:
  MemberLink(int world_rank, Outbox& out) : rank_(world_rank), out_(out) {}

  void Open(std::uint64_t request, const ControlMsg& start) override {
    links_[request] = Link{start.window, 0};
  }
  void Count(std::uint64_t request, std::uint64_t rows) override {
    StatusMsg msg;
    msg.kind = StatusKind::kCount;
    msg.request = request;
    msg.rank = rank_;
    msg.rows = rows;
    out_.Send(0, Tag::kStatus, EncodeStatus(msg));
  }
  bool Ready(std::uint64_t request) override {
    auto it = links_.find(request);
    return it != links_.end() && it->second.credits > 0;
  }
  void Batch(std::uint64_t request, engine::Batch batch) override {
    Link& link = links_.at(request);
    FrameHeader header{request, link.sequence++, static_cast<std::uint32_t>(batch.rows), rank_};
    out_.Send(0, Tag::kData, link.encoder.Encode(header, batch));
    --link.credits;
  }
  void Done(std::uint64_t request, const StatusMsg& done) override {
    out_.Send(0, Tag::kStatus, EncodeStatus(done));
    links_.erase(request);
  }
  void OnCredit(const CreditMsg& credit) {
    auto it = links_.find(credit.request);
    if (it != links_.end()) it->second.credits += credit.batches;
  }

 private:
  struct Link {
    std::uint64_t credits = 0;
    std::uint64_t sequence = 0;
    FrameEncoder encoder;
  };
  int rank_;
  Outbox& out_;
  std::map<std::uint64_t, Link> links_;
};

CreditMsg ParseCredit(const std::string& bytes) {
  CreditMsg credit;
  if (bytes.size() == sizeof(credit)) std::memcpy(&credit, bytes.data(), sizeof(credit));
  return credit;
}

// One rank's loop state: its outboxes, its Upstream (MemberLink, or the TeamRelay on leaders)
// and its DataRole. Destroyed in reverse order, so the outboxes drain last.
class RoleLoop {
 public:
  RoleLoop(const Comms& comms, bool leader, const engine::Table& table,
           const io::PartitionInfo& partition, Codec codec)
      : comms_(comms),
        rank_(comms.world.rank()),
        team_size_(comms.team.size()),
        from_above_(leader ? comms.upper : comms.team),
        team_out_(comms.team),
        link_(rank_, team_out_) {
    if (leader) {
      upper_out_.emplace(comms.upper);
      upper_out_->set_frame_codec(codec);
      relay_.emplace(rank_, team_size_, team_out_, *upper_out_);
    } else {
      team_out_.set_frame_codec(codec);
    }
    Upstream& upstream = relay_ ? static_cast<Upstream&>(*relay_) : link_;
    data_.emplace(rank_, table, partition, upstream);
  }

  void Run() {
    IdleBackoff backoff;
    bool shutdown = false;
    while (!shutdown) {
      team_out_.Progress();
      if (upper_out_) upper_out_->Progress();
      bool worked = PollControl(&shutdown);
      if (shutdown) break;
      worked |= PollCredits();
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
  // Control from above (the gateway on leaders, the leader on members); leaders forward the
  // bytes unchanged to their team first, so the team sees the same order.
  bool PollControl(bool* shutdown) {
    bool worked = false;
    while (std::optional<Message> m = TryReceive(from_above_, Tag::kControl)) {
      worked = true;
      const ControlMsg control = DecodeControl(m->bytes);
      if (relay_) {
        for (int member = 1; member < team_size_; ++member) {
          team_out_.Send(member, Tag::kControl, m->bytes);
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

  bool PollCredits() {
    bool worked = false;
    while (std::optional<Message> m = TryReceive(from_above_, Tag::kCredit)) {
      worked = true;
      const CreditMsg credit = ParseCredit(m->bytes);
      relay_ ? relay_->OnCredit(credit) : link_.OnCredit(credit);
    }
    return worked;
  }

  // Leaders: the team's status messages, and a bounded number of its frames per pass.
  bool PollTeam() {
    bool worked = false;
    while (std::optional<Message> m = TryReceive(comms_.team, Tag::kStatus)) {
      worked = true;
      relay_->OnMemberStatus(m->source, DecodeStatus(m->bytes));
    }
    for (int i = 0; i < 2 * team_size_; ++i) {
      std::optional<Message> m = TryReceive(comms_.team, Tag::kData);
      if (!m) break;
      worked = true;
      relay_->OnMemberFrame(m->source, std::move(m->bytes));
    }
    return worked;
  }

  const Comms& comms_;
  const int rank_;
  const int team_size_;
  const boost::mpi::communicator& from_above_;
  Outbox team_out_;
  std::optional<Outbox> upper_out_;
  MemberLink link_;
  std::optional<TeamRelay> relay_;
  std::optional<DataRole> data_;
};

}  // namespace

Worker::Worker(const Comms& comms, const Layout& layout, const engine::Table& table,
               const io::PartitionInfo& partition, Codec codec)
    : comms_(comms), layout_(layout), table_(table), partition_(partition), codec_(codec) {}

void Worker::Run() {
  RoleLoop loop(comms_, layout_.IsLeader(comms_.world.rank()), table_, partition_, codec_);
  loop.Run();
}

}  // namespace plume::ranks
