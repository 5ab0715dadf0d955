// The rank tree: world rank 0 is the gateway; every other rank holds one partition
// (partition i on world rank i + 1); data ranks form teams, each led by its lowest rank.
//
// Default layout (no --leaders): k = ceil((world - 1) / 3) teams over the world - 1 data ranks,
// sizes as even as possible, larger teams first. 6 ranks: teams {1,2,3} {4,5}; 8 ranks:
// {1,2,3} {4,5} {6,7}; 12 ranks: {1,2,3} {4,5,6} {7,8,9} {10,11}. With --leaders L1,L2,...
// (strictly increasing, L1 = 1, all < world) team j is the ranks [Lj, Lj+1).
#pragma once

#include <boost/mpi/communicator.hpp>
#include <vector>

namespace plume::ranks {

struct Layout {
  int world = 0;
  std::vector<int> leaders;  // world ranks, ascending, leaders[0] == 1

  // Throws std::invalid_argument with a clear message for a world of < 2 ranks or bad leaders.
  static Layout Make(int world, const std::vector<int>& leaders);

  int TeamOf(int rank) const;    // index into leaders; -1 for the gateway
  int LeaderOf(int rank) const;  // world rank of rank's leader; -1 for the gateway
  bool IsLeader(int rank) const;
  // World ranks of team t in order (the leader first).
  std::vector<int> Team(int t) const;
};

// Communicators of one rank, from MPI_Comm_split over the world (collective: every rank calls
// Split with the same layout).
//   team: the members of this rank's team, leader = team rank 0 (empty on the gateway);
//   upper: the gateway (rank 0) and the leaders (rank j + 1 = leader of team j); empty on
//          ranks that are not leaders.
struct Comms {
  boost::mpi::communicator world;
  boost::mpi::communicator team;
  boost::mpi::communicator upper;

  static Comms Split(const boost::mpi::communicator& world, const Layout& layout);
};

}  // namespace plume::ranks
