#include "tests/engine/merge_harness.h"

#include <algorithm>

#include "engine/batch.h"
#include "engine/schema.h"
#include "tests/engine/random_query.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {

namespace {

std::vector<std::vector<Row>> NastyRows(std::uint64_t seed, std::size_t count) {
  RandomSource source(seed);
  std::mt19937_64& rng = source.rng();
  std::vector<std::vector<Row>> parts;
  for (std::size_t p = 0; p < count; ++p) {
    std::vector<Row> rows = source.Rows(50 + rng() % 200);
    for (Row& row : rows) {
      const double m = std::uniform_real_distribution<double>(-1, 1)(rng);
      row[static_cast<std::size_t>(Col::kConcentration)] =
          std::ldexp(m, static_cast<int>(rng() % 80) - 20);
    }
    parts.push_back(std::move(rows));
  }
  return parts;
}

}  // namespace

std::vector<Table> NastyPartitions(std::uint64_t seed, std::size_t count) {
  std::vector<Table> tables;
  for (const std::vector<Row>& rows : NastyRows(seed, count)) tables.push_back(MakeTable(rows));
  return tables;
}

std::vector<Table> UtcCutPartitions(std::uint64_t seed, std::size_t count, DataStats* stats) {
  std::vector<Row> all;
  for (std::vector<Row>& rows : NastyRows(seed, count)) {
    all.insert(all.end(), std::make_move_iterator(rows.begin()),
               std::make_move_iterator(rows.end()));
  }
  constexpr auto kUtc = static_cast<std::size_t>(Col::kUtc);
  auto utc = [](const Row& r) {  // NULL utc sorts first (the random rows have none, but)
    return std::holds_alternative<std::int64_t>(r[kUtc]) ? std::get<std::int64_t>(r[kUtc])
                                                         : INT64_MIN;
  };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Row& a, const Row& b) { return utc(a) < utc(b); });
  *stats = DataStats{};
  stats->rows = all.size();
  std::vector<Table> tables;
  std::size_t begin = 0;
  for (std::size_t p = 1; p <= count && begin < all.size(); ++p) {
    std::size_t end = p == count ? all.size() : std::max(begin + 1, all.size() * p / count);
    while (end < all.size() && utc(all[end]) == utc(all[end - 1])) ++end;
    const std::vector<Row> rows(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                all.begin() + static_cast<std::ptrdiff_t>(end));
    stats->utc_min.push_back(utc(rows.front()));
    stats->utc_max.push_back(utc(rows.back()));
    tables.push_back(MakeTable(rows));
    begin = end;
  }
  return tables;
}

namespace {

// Everything a source emitted, cut into batches of random sizes.
std::vector<Batch> Drain(auto&& next, std::mt19937_64& rng) {
  std::vector<Batch> out;
  Batch b;
  while (next(1 + rng() % 40, &b)) {
    std::string wire;
    EncodeBatch(b, &wire);
    out.push_back(DecodeBatch(wire));
  }
  return out;
}

// Feeds the inputs' batches to `m` in a random interleaving, closing each input after its last.
void Interleave(Merger& m, std::vector<std::vector<Batch>> inputs, std::mt19937_64& rng) {
  std::vector<std::size_t> pos(inputs.size(), 0), open;
  for (std::size_t i = 0; i < inputs.size(); ++i) open.push_back(i);
  while (!open.empty()) {
    const std::size_t k = rng() % open.size(), i = open[k];
    if (pos[i] < inputs[i].size()) {
      m.Push(i, std::move(inputs[i][pos[i]++]));
    } else {
      m.Close(i);
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

}  // namespace

std::string RunTreeMerge(const Plan& plan, const std::vector<Table>& tables, std::mt19937_64& rng) {
  std::vector<std::size_t> order(tables.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t teams = 1 + rng() % tables.size();
  std::vector<std::vector<std::vector<Batch>>> team_inputs(teams);
  for (std::size_t i = 0; i < order.size(); ++i) {
    PartitionExecution exec(plan, tables[order[i]]);
    team_inputs[rng() % teams].push_back(
        Drain([&](std::size_t n, Batch* b) { return exec.Next(n, b); }, rng));
  }
  std::vector<std::vector<Batch>> leader_outputs;
  for (auto& inputs : team_inputs) {
    Merger leader(plan, inputs.size(), false);
    Interleave(leader, std::move(inputs), rng);
    leader_outputs.push_back(Drain([&](std::size_t n, Batch* b) { return leader.Pop(n, b); }, rng));
  }
  Merger gateway(plan, leader_outputs.size(), true);
  Interleave(gateway, std::move(leader_outputs), rng);
  std::string wire;
  Batch b;
  while (gateway.Pop(1 << 20, &b)) EncodeBatch(b, &wire);
  return wire;
}

namespace {

// inputs[f]: the streams of final stage f; each runs a kExchangeFinal Merger, and the gateway
// gathers them (kExchangeGather). Returns the gateway's answer in wire form.
std::string FinalsAndGather(const Plan& plan, std::vector<std::vector<std::vector<Batch>>> inputs,
                            std::mt19937_64& rng) {
  std::vector<std::vector<Batch>> finals;
  for (auto& streams : inputs) {
    Merger m(plan, streams.size(), MergeStage::kExchangeFinal);
    Interleave(m, std::move(streams), rng);
    finals.push_back(Drain([&](std::size_t n, Batch* b) { return m.Pop(n, b); }, rng));
  }
  Merger gateway(plan, finals.size(), MergeStage::kExchangeGather);
  Interleave(gateway, std::move(finals), rng);
  std::string wire;
  Batch b;
  while (gateway.Pop(std::size_t{1} << 20, &b)) EncodeBatch(b, &wire);
  return wire;
}

}  // namespace

std::string RunHashExchange(const Plan& plan, const std::vector<Table>& tables, std::size_t parts,
                            std::mt19937_64& rng) {
  const GroupPartitioner split(plan, parts);
  std::vector<std::vector<std::vector<Batch>>> part_inputs(parts);  // [part][partition]
  for (const Table& table : tables) {
    PartitionExecution exec(plan, table);
    std::vector<std::vector<Batch>> to_part(parts);
    for (Batch& b : Drain([&](std::size_t n, Batch*out) { return exec.Next(n, out); }, rng)) {
      std::vector<Batch> pieces;
      split.Split(b, &pieces);
      for (std::size_t p = 0; p < parts; ++p) {
        if (pieces[p].rows > 0 || rng() % 4 == 0) to_part[p].push_back(std::move(pieces[p]));
      }
    }
    for (std::size_t p = 0; p < parts; ++p) part_inputs[p].push_back(std::move(to_part[p]));
  }
  return FinalsAndGather(plan, std::move(part_inputs), rng);
}

std::string RunLocalMerge(const Plan& plan, const std::vector<Table>& tables,
                          std::mt19937_64& rng) {
  std::vector<std::vector<std::vector<Batch>>> inputs;  // [partition][its one stream]
  for (const Table& table : tables) {
    PartitionExecution exec(plan, table);
    inputs.emplace_back();
    inputs.back().push_back(
        Drain([&](std::size_t n, Batch* out) { return exec.Next(n, out); }, rng));
  }
  return FinalsAndGather(plan, std::move(inputs), rng);
}

}  // namespace plume::engine::testing
