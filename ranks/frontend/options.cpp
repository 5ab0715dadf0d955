#include "ranks/frontend/options.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <string_view>

#include "ranks/frontend/format.h"

namespace plume::frontend {
namespace {

bool ParseInt(std::string_view text, long long lo, long long hi, long long* out) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseSeconds(std::string_view text, double* out) {
  std::string s(text);
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) return false;
  *out = v;
  return true;
}

bool ParseLeaders(std::string_view text, std::vector<int>* out) {
  out->clear();
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    long long v = 0;
    if (!ParseInt(text.substr(0, comma), 1, 1 << 20, &v)) return false;
    out->push_back(static_cast<int>(v));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;
  }
  return !out->empty();
}

// One option that takes a value: applies it, or returns the reason it is not valid.
using Setter = std::function<std::string(std::string_view, CliOptions*)>;

Setter IntSetter(long long lo, long long hi,
                 const std::function<void(CliOptions*, long long)>& set) {
  return [=](std::string_view v, CliOptions* o) -> std::string {
    long long n = 0;
    if (!ParseInt(v, lo, hi, &n)) {
      return "expected a whole number from " + GroupDigits(static_cast<std::uint64_t>(lo)) +
             " to " + GroupDigits(static_cast<std::uint64_t>(hi));
    }
    set(o, n);
    return "";
  };
}

Setter SecondsSetter(double CliOptions::*field) {
  return [=](std::string_view v, CliOptions* o) -> std::string {
    if (!ParseSeconds(v, &(o->*field))) return "expected a number of seconds >= 0";
    return "";
  };
}

// A byte count: a whole number with an optional K, M or G suffix (powers of 1024; "KiB",
// "MB", ... accepted too), e.g. 0, 65536, 64M, 1GiB.
bool ParseBytes(std::string_view text, std::size_t* out) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  long long n = 0;
  if (!ParseInt(text.substr(0, digits), 0, 1LL << 40, &n)) return false;
  std::string unit(text.substr(digits));
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB")) unit.resize(unit.size() - 2);
  if (unit.size() == 2 && unit[1] == 'B') unit.resize(1);
  int shift = 0;
  if (unit == "K")
    shift = 10;
  else if (unit == "M")
    shift = 20;
  else if (unit == "G")
    shift = 30;
  else if (!unit.empty() && unit != "B")
    return false;
  *out = static_cast<std::size_t>(n) << shift;
  return (*out >> shift) == static_cast<std::size_t>(n);
}

// A byte count of at least `least` (see ParseBytes).
Setter BytesSetter(std::size_t CliOptions::*field, std::size_t least) {
  return [=](std::string_view v, CliOptions* o) -> std::string {
    if (!ParseBytes(v, &(o->*field)) || o->*field < least) {
      return least == 0 ? "expected a size such as 0, 512K, 64M or 1G"
                        : "expected a size such as 512K, 4M or 1G";
    }
    return "";
  };
}

// A text option that must not be empty; `expected` says what it names.
Setter TextSetter(std::string CliOptions::*field, const char* expected) {
  return [=](std::string_view v, CliOptions* o) -> std::string {
    if (v.empty()) return std::string("expected ") + expected;
    o->*field = v;
    return "";
  };
}

const std::map<std::string, Setter, std::less<>>& ValueOptions() {
  static const std::map<std::string, Setter, std::less<>> options = {
      {"--data", TextSetter(&CliOptions::data_dir, "a directory")},
      {"-c",
       [](std::string_view v, CliOptions* o) -> std::string {
         o->commands.emplace_back(v);
         return "";
       }},
      {"-f", TextSetter(&CliOptions::file, "a file name")},
      {"--format",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v != "table" && v != "csv" && v != "json" && v != "null") {
           return "expected table, csv, json or null";
         }
         o->format = v;
         return "";
       }},
      {"--chunk", IntSetter(1, 100'000'000, [](CliOptions* o, long long n) { o->chunk_rows = n; })},
      {"--output", TextSetter(&CliOptions::output, "a file name or -")},
      {"--output-name", TextSetter(&CliOptions::output_name, "a name")},
      {"--repeat", IntSetter(1, 1'000'000, [](CliOptions* o, long long n) { o->repeat = n; })},
      {"--concurrency",
       IntSetter(1, 10'000, [](CliOptions* o, long long n) { o->concurrency = n; })},
      {"--report", TextSetter(&CliOptions::report, "a file name")},
      {"--progress",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v != "on" && v != "off") return "expected on or off";
         o->progress = (v == "on");
         return "";
       }},
      {"--statement-timeout", SecondsSetter(&CliOptions::statement_timeout_s)},
      {"--max-running",
       IntSetter(1, 10'000, [](CliOptions* o, long long n) { o->max_running = n; })},
      {"--queue-limit",
       IntSetter(1, 1'000'000, [](CliOptions* o, long long n) { o->queue_limit = n; })},
      {"--ttl", SecondsSetter(&CliOptions::ttl_s)},
      {"--compress",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v != "auto" && v != "lz4" && v != "zstd" && v != "off") {
           return "expected auto, lz4, zstd or off";
         }
         o->compress = v;
         return "";
       }},
      {"--merge",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v != "auto" && v != "tree" && v != "exchange")
           return "expected auto, tree or exchange";
         o->merge = v;
         return "";
       }},
      {"--exchange-groups", IntSetter(1, 1LL << 62,
                                      [](CliOptions* o, long long n) {
                                        o->exchange_groups = static_cast<std::uint64_t>(n);
                                      })},
      {"--format-rows",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v != "ranks" && v != "gateway") return "expected ranks or gateway";
         o->format_on_ranks = (v == "ranks");
         return "";
       }},
      {"--load-columns",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (v == "auto") {
           o->eager_load_bytes = CliOptions::kAutoEagerLoadBytes;
         } else if (v == "lazy") {
           o->eager_load_bytes = 0;
         } else if (v == "eager") {
           o->eager_load_bytes = std::numeric_limits<std::uint64_t>::max();
         } else {
           return "expected auto, lazy or eager";
         }
         return "";
       }},
      {"--cache-size", BytesSetter(&CliOptions::cache_bytes, 0)},
      {"--credit-window", BytesSetter(&CliOptions::credit_window_bytes, 1)},
      {"--memory-limit", BytesSetter(&CliOptions::memory_limit_bytes, 1)},
      {"--spill-threshold", BytesSetter(&CliOptions::spill_threshold_bytes, 1)},
      {"--spill-dir", TextSetter(&CliOptions::spill_dir, "a directory")},
      {"--peer-timeout",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (!ParseSeconds(v, &o->peer_timeout_s) || o->peer_timeout_s <= 0) {
           return "expected a number of seconds > 0";
         }
         return "";
       }},
      {"--max-statement-bytes", IntSetter(64, 1LL << 32,
                                          [](CliOptions* o, long long n) {
                                            o->max_statement_bytes = static_cast<std::size_t>(n);
                                          })},
      {"--leaders",
       [](std::string_view v, CliOptions* o) -> std::string {
         if (!ParseLeaders(v, &o->leaders)) {
           return "expected a comma-separated list of ranks >= 1, e.g. 1,4";
         }
         return "";
       }},
  };
  return options;
}

}  // namespace

std::optional<CliOptions> ParseCli(int argc, const char* const* argv, std::string* error) {
  CliOptions options;
  const auto& value_options = ValueOptions();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      name = arg.substr(0, arg.find('='));
      value = arg.substr(arg.find('=') + 1);
    }
    if (name == "--help" || name == "-h") {
      options.help = true;
      continue;
    }
    if (name == "--timing" && !value) {
      options.timing = true;
      continue;
    }
    auto it = value_options.find(name);
    if (it == value_options.end()) {
      *error = "Error: unknown option '" + std::string(arg) + "' (see --help)";
      return std::nullopt;
    }
    if (!value) {
      if (i + 1 >= argc) {
        *error = "Error: option " + std::string(name) + " needs a value (see --help)";
        return std::nullopt;
      }
      value = argv[++i];
    }
    std::string why = it->second(*value, &options);
    if (!why.empty()) {
      *error =
          "Error: bad value '" + std::string(*value) + "' for " + std::string(name) + ": " + why;
      return std::nullopt;
    }
  }
  if (!options.help && options.data_dir.empty()) {
    *error = "Error: --data DIR is required (the directory written by plume-preprocess)";
    return std::nullopt;
  }
  return options;
}

std::string CliUsage() {
  return R"(Usage: mpirun -n N plume --data DIR [options]
       scripts/plume-shell [--ranks N] [--hostfile FILE] --data DIR [options]
                           (prompt with Ctrl-C = cancel; --hostfile: across hosts)

Without -c or -f, plume shows a prompt on rank 0 and reads statements from stdin
(type \help there). With -c or -f it runs the statements in order and exits; the exit
code is 0 only if every statement completed. Rank 0 (the gateway, on the first host of
a hostfile) reads -f and writes --output and --report: their paths are on rank 0's host.
--data is opened by every rank on its own host (docs/CLUSTER.md).

  --data DIR                 partitions and manifest written by plume-preprocess (required)
  -c "SQL; SQL;"             run these statements (may repeat; runs before -f)
  -f FILE                    run the statements in FILE, in order
  --format table|csv|json|null   result format (default table)
  --output FILE|-            write results to FILE (default - = stdout); every row, nothing
                             cut, in every format
  --output-name NAME         what messages call --output (for launchers that pass a fifo
                             standing for their stdout: --output-name "standard output")
  --chunk N                  rows per result chunk (default 1,000)
  --repeat N                 run each statement N times (default 1)
  --concurrency N            keep N statements in flight (default 1)
  --report FILE.json         write per-execution timings and totals as JSON
  --progress on|off          progress bar on stderr (default: on only when a person is at
                             a terminal, as told by the launcher through PLUME_TTY=1)
  --timing                   print each statement's time (milliseconds)
  --statement-timeout S      cancel statements that run longer than S seconds (0 = none)
  --max-running N            statements executing at once (default 4); more are queued
  --queue-limit N            queued statements accepted before refusing (default 64)
  --ttl S                    seconds finished requests stay in \list / \status (default 60)
  --cache-size BYTES         memory for the result cache on rank 0: a repeated statement is
                             answered from it (default 128M; K, M, G suffixes; 0 = off)
  --max-statement-bytes N    refuse a statement or input line longer than N bytes (default
                             16,777,216 = 16 MiB); a -f script may hold 4 times that
  --credit-window BYTES      unacknowledged result bytes each rank may have in flight per
                             statement (default 8M: covers 40 ms round trips at 1.6 Gbit/s;
                             raise it for longer round trips on faster links)
  --memory-limit BYTES       memory a statement may hold on each rank (group tables, sorts,
                             merges); beyond it the statement fails with an error naming the
                             rank and the stage (default: 80% of the host's memory divided by
                             the ranks on the host; K, M, G suffixes)
  --spill-threshold BYTES    a window stage with PARTITION BY whose rows on a data rank pass
                             BYTES writes them to 64 temporary files per rank, split by the
                             partition keys, and computes the windows one file at a time
                             (default: a quarter of --memory-limit; K, M, G suffixes)
  --spill-dir DIR            where those files go (default $TMPDIR, else /tmp); they are
                             removed when the stage ends, however it ends
  --load-columns auto|lazy|eager  lazy: a data rank is ready once its partition file is
                             opened and checked, and loads (and verifies) a column the first
                             time a statement needs it; eager: every column at start-up (a
                             corrupted column fails the start); auto (default): eager for
                             partition files up to 64 MiB (the real data: 9 MB), else lazy
  --peer-timeout S           a rank that has not answered for S seconds is declared lost and
                             the job ends (default 10)
  --leaders R1,R2,...        team leader ranks (default: derived from the world size)
  --compress auto|lz4|zstd|off   compress result frames between ranks (default auto: LZ4
                             on links between hosts, none between ranks of one host);
                             the report and \status say which links compress
  --merge auto|tree|exchange how GROUP BY statements merge (default auto: a hash exchange
                             among the data ranks from --exchange-groups estimated groups
                              on, else the merge through the team leaders; EXPLAIN says which;
                              exchange also sends partition-local windows through the exchange)
  --exchange-groups N        estimated groups from which auto takes the exchange (100,000)
  --format-rows ranks|gateway    who writes the csv/json text of a plain SELECT's rows
                             (default ranks: the data ranks, in parallel; the bytes are
                             the same either way)
  -h, --help                 this text
)";
}

}  // namespace plume::frontend
