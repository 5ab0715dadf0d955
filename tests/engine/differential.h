// The differential harness: runs a random QuerySpec through the engine pipeline and checks the
// answer against the reference (as multisets; in order where ORDER BY fixes it; any rows of a
// run of equal keys cut by LIMIT).
#pragma once

#include <string>
#include <vector>

#include "tests/engine/random_query.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {

struct Case {
  QuerySpec query;
  std::vector<Row> all;       // every partition's rows, for the reference
  std::vector<Table> tables;  // the partitions
  RunOptions options;

  void SetPartitions(const std::vector<std::vector<Row>>& parts);
};

// Empty when the engine's answer (and column names) are right; otherwise why not.
std::string RunCase(const Case& c);

// `queries` random statements (literals drawn from the data) over fixed partitions; reports
// up to five failures with ADD_FAILURE.
void RunFixedData(const std::vector<std::vector<Row>>& parts, std::uint64_t seed, int queries,
                  const RunOptions& options);

}  // namespace plume::engine::testing
