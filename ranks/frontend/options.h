// Command-line options of the `plume` binary. Parsed identically on every rank (mpirun gives
// every rank the same argv); ranks other than 0 use only the data and topology options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plume::frontend {

struct CliOptions {
  std::string data_dir;                        // --data DIR (required): manifest + partition files
  std::vector<std::string> commands;           // -c "SQL; SQL;" (may repeat)
  std::string file;                            // -f FILE
  std::string format = "table";                // --format table|csv|json|null
  std::size_t chunk_rows = 1000;               // --chunk N
  std::string output = "-";                    // --output FILE or -
  std::string output_name;                     // --output-name NAME: --output's name in messages
  int repeat = 1;                              // --repeat N
  int concurrency = 1;                         // --concurrency N
  std::string report;                          // --report FILE.json
  std::optional<bool> progress;                // --progress on|off (unset: guess)
  double statement_timeout_s = 0;              // --statement-timeout SECONDS
  int max_running = 4;                         // --max-running N (admission)
  int queue_limit = 64;                        // --queue-limit N
  double ttl_s = 60;                           // --ttl SECONDS for finished requests
  std::size_t cache_bytes = 128u << 20;        // --cache-size BYTES of the result cache (0 = off)
  std::size_t credit_window_bytes = 8u << 20;  // --credit-window BYTES per sender and statement
  // --memory-limit BYTES per rank and statement; 0 (unset) = the default the runtime derives
  // from the host's memory and the ranks on it (ranks/runtime.h DefaultMemoryLimit)
  std::size_t memory_limit_bytes = 0;
  // --spill-threshold BYTES of a window stage's share a data rank holds before it spills them
  // (0 = unset: a quarter of the memory limit); --spill-dir DIR for those files (empty: $TMPDIR
  // or /tmp)
  std::size_t spill_threshold_bytes = 0;
  std::string spill_dir;
  double peer_timeout_s = 10;              // --peer-timeout S before a silent rank is declared lost
  std::vector<int> leaders;                // --leaders 1,4 (default derived from world size)
  std::string compress = "auto";           // --compress auto|lz4|zstd|off (data frames)
  std::string merge = "auto";              // --merge auto|tree|exchange (GROUP BY merge plan)
  std::uint64_t exchange_groups = 100000;  // --exchange-groups N (auto's threshold)
  // --load-columns auto|lazy|eager: a data rank loads every column at start-up when its
  // partition file has at most this many bytes, else each column the first time a statement
  // reads it (auto: 64 MiB; lazy: 0; eager: all).
  static constexpr std::uint64_t kAutoEagerLoadBytes = std::uint64_t{64} << 20;
  std::uint64_t eager_load_bytes = kAutoEagerLoadBytes;
  bool format_on_ranks = true;  // --format-rows ranks|gateway (csv/json lines of plain SELECTs)
  // --max-statement-bytes N: a longer statement or input line is refused (scripts: 4x)
  std::size_t max_statement_bytes = std::size_t{16} << 20;
  bool timing = false;  // --timing
  bool help = false;    // --help
  bool interactive() const { return commands.empty() && file.empty(); }
};

// Parses argv. Returns nullopt and sets *error ("Error: ...") on a bad option or value.
std::optional<CliOptions> ParseCli(int argc, const char* const* argv, std::string* error);
std::string CliUsage();

}  // namespace plume::frontend
