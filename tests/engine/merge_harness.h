// Test harness for distributed merges: runs a plan over partitions through the tree merge
// (random team layout) or the hash exchange (GroupPartitioner, kExchangeFinal per part,
// kExchangeGather), with every stream cut into random batch sizes, sent through the wire form
// and interleaved in a random order. Returns the gateway's answer in wire form, so runs can be
// compared byte for byte.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/query.h"
#include "engine/table.h"

namespace plume::engine::testing {

// Random partitions whose doubles have full mantissas over a wide range of magnitudes, so that
// a sum in plain double arithmetic depends on the order of the additions.
std::vector<Table> NastyPartitions(std::uint64_t seed, std::size_t count);

std::string RunTreeMerge(const Plan& plan, const std::vector<Table>& tables, std::mt19937_64& rng);
std::string RunHashExchange(const Plan& plan, const std::vector<Table>& tables, std::size_t parts,
                            std::mt19937_64& rng);
// The partition-local plan (MergePlan::kLocal): each partition's stream into its own
// kExchangeFinal Merger, then kExchangeGather over those.
std::string RunLocalMerge(const Plan& plan, const std::vector<Table>& tables, std::mt19937_64& rng);

// Random partitions (NastyPartitions' rows) cut where utc changes: disjoint utc ranges, as
// plume-preprocess writes them; *stats gets their utc ranges and rows.
std::vector<Table> UtcCutPartitions(std::uint64_t seed, std::size_t count, DataStats* stats);

}  // namespace plume::engine::testing
