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
    std::string frame = EncodeFrame(header, batch, link.bytes_per_row * (batch.rows + 64));
    if (batch.rows > 0) link.bytes_per_row = frame.size() / batch.rows + 1;
    out_.Send(0, Tag::kData, std::move(frame));
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
    std::size_t bytes_per_row = 0;  // of the previous frame, to size the next one
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

}  // namespace

Worker::Worker(const Comms& comms, const Layout& layout, const engine::Table& table,
               const io::PartitionInfo& partition)
    : comms_(comms), layout_(layout), table_(table), partition_(partition) {}

void Worker::Run() {
  const int rank = comms_.world.rank();
  const bool leader = layout_.IsLeader(rank);
  const int team_size = comms_.team.size();
  Outbox team_out(comms_.team);
  std::optional<Outbox> upper_out;
  if (leader) upper_out.emplace(comms_.upper);
  // Control and credits come from the gateway on leaders, from the leader on members.
  const boost::mpi::communicator& from_above = leader ? comms_.upper : comms_.team;

  MemberLink link(rank, team_out);
  std::optional<TeamRelay> relay;
  if (leader) relay.emplace(rank, team_size, team_out, *upper_out);
  Upstream& upstream = leader ? static_cast<Upstream&>(*relay) : link;
  DataRole data(rank, table_, partition_, upstream);

  IdleBackoff backoff;
  for (;;) {
    bool worked = false;
    team_out.Progress();
    if (upper_out) upper_out->Progress();
    while (std::optional<Message> m = TryReceive(from_above, Tag::kControl)) {
      worked = true;
      ControlMsg control = DecodeControl(m->bytes);
      if (leader) {
        for (int member = 1; member < team_size; ++member) {
          team_out.Send(member, Tag::kControl, m->bytes);
        }
      }
      if (control.kind == ControlKind::kShutdown) return;  // outboxes drain in their dtors
      if (control.kind == ControlKind::kStart) data.Start(control);
      if (control.kind == ControlKind::kCancel) {
        if (relay) relay->Cancel(control.request);
        data.Cancel(control.request);
      }
    }
    while (std::optional<Message> m = TryReceive(from_above, Tag::kCredit)) {
      worked = true;
      leader ? relay->OnCredit(ParseCredit(m->bytes)) : link.OnCredit(ParseCredit(m->bytes));
    }
    if (relay) {
      while (std::optional<Message> m = TryReceive(comms_.team, Tag::kStatus)) {
        worked = true;
        relay->OnMemberStatus(m->source, DecodeStatus(m->bytes));
      }
      for (int i = 0; i < 2 * team_size; ++i) {
        std::optional<Message> m = TryReceive(comms_.team, Tag::kData);
        if (!m) break;
        worked = true;
        relay->OnMemberFrame(m->source, std::move(m->bytes));
      }
    }
    worked |= data.Step();
    if (relay) worked |= relay->Pump();
    if (worked) {
      backoff.Worked();
    } else {
      backoff.Idle();
    }
  }
}

}  // namespace plume::ranks
