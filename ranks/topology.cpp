#include "ranks/topology.h"

#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace plume::ranks {
namespace {

std::vector<int> DefaultLeaders(int world) {
  const int data = world - 1;
  const int teams = (data + 2) / 3;
  std::vector<int> leaders;
  int next = 1;
  for (int t = 0; t < teams; ++t) {
    leaders.push_back(next);
    next += data / teams + (t < data % teams ? 1 : 0);
  }
  return leaders;
}

std::string Join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) {
    if (!s.empty()) s += ',';
    s += std::to_string(x);
  }
  return s;
}

}  // namespace

Layout Layout::Make(int world, const std::vector<int>& leaders) {
  if (world < 2) {
    throw std::invalid_argument(
        "plume needs at least 2 MPI ranks (a gateway and a data rank), got " +
        std::to_string(world));
  }
  Layout layout{world, leaders.empty() ? DefaultLeaders(world) : leaders};
  const auto& l = layout.leaders;
  bool ok = l.front() == 1 && l.back() < world && std::is_sorted(l.begin(), l.end()) &&
            std::adjacent_find(l.begin(), l.end()) == l.end();
  if (!ok) {
    throw std::invalid_argument("bad --leaders " + Join(leaders) + " for " + std::to_string(world) +
                                " ranks: need strictly increasing world ranks starting at 1 and "
                                "below " +
                                std::to_string(world));
  }
  return layout;
}

int Layout::TeamOf(int rank) const {
  if (rank <= 0) return -1;
  auto it = std::upper_bound(leaders.begin(), leaders.end(), rank);
  return static_cast<int>(it - leaders.begin()) - 1;
}

int Layout::LeaderOf(int rank) const {
  int t = TeamOf(rank);
  return t < 0 ? -1 : leaders[t];
}

bool Layout::IsLeader(int rank) const {
  return std::binary_search(leaders.begin(), leaders.end(), rank);
}

std::vector<int> Layout::Team(int t) const {
  int end = t + 1 < static_cast<int>(leaders.size()) ? leaders[t + 1] : world;
  std::vector<int> team;
  for (int r = leaders[t]; r < end; ++r) team.push_back(r);
  return team;
}

Comms Comms::Split(const boost::mpi::communicator& world, const Layout& layout) {
  const int rank = world.rank();
  int team_color = rank == 0 ? MPI_UNDEFINED : layout.TeamOf(rank);
  int upper_color = (rank == 0 || layout.IsLeader(rank)) ? 0 : MPI_UNDEFINED;
  // Keys = world rank, so the leader (lowest rank of a team) is team rank 0 and the gateway is
  // upper rank 0, leader j is upper rank j + 1.
  return Comms{world, world.split(team_color, rank), world.split(upper_color, rank)};
}

}  // namespace plume::ranks
