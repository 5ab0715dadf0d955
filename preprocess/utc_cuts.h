// Where plume-preprocess cuts the utc-ordered row stream into partitions (docs/DATA.md,
// "Partitioning"): only where the utc value changes, so all rows of one utc value (and, when
// the balance allows it, of one UTC day) are in one partition. The partitions' utc ranges are
// then disjoint, and the planner's partition-local GROUP BY (engine/query.h MergePlan::kLocal:
// a key of utc, or of a bucket no boundary splits) applies. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <vector>

namespace plume::preprocess {

// One distinct utc value of the stream and how many rows carry it; runs ascend by utc.
struct UtcRun {
  std::int64_t utc = 0;
  std::uint64_t rows = 0;
};

// kDay: every boundary is a UTC midnight (date_trunc('day', utc) groups are local too);
// kUtc: every boundary is a change of the utc value (the hour, on AirNow data).
enum class CutUnit : std::uint8_t { kDay, kUtc };

struct UtcCuts {
  CutUnit unit = CutUnit::kUtc;
  // parts + 1 row positions in the stream, starts[0] = 0, starts[parts] = the rows:
  // partition i holds rows [starts[i], starts[i + 1]).
  std::vector<std::uint64_t> starts;
};

// Day cuts are taken when every partition stays within this share of rows/parts.
inline constexpr double kDayCutTolerance = 0.10;

// Cuts `runs` into `parts` partitions, each boundary at the allowed position nearest to
// i * rows / parts: at UTC days when that keeps every partition within kDayCutTolerance of the
// mean, else at utc changes. No partition is empty while there are at least `parts` distinct
// utc values; with fewer, the trailing partitions are empty (rows 0, which the engine serves).
// Throws std::invalid_argument if parts < 1 or the runs do not ascend.
UtcCuts CutUtcRuns(const std::vector<UtcRun>& runs, int parts);

// "UTC days" / "utc values", for messages.
const char* CutUnitName(CutUnit unit);

}  // namespace plume::preprocess
