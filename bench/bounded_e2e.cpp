// Bounded work end to end (issue 12 item 2), run under mpirun
// (`PLUME_E2E=bounded_e2e bench/ranks_e2e.sh BUILD_DIR DATA_DIR [options]`). Rank 0
// drives ranks::Gateway with a sink that discards rows and prints, as medians over --runs:
//   usual count(*)        SELECT count(*) alone
//   IN list               a 100,000-element IN list on an expression under a 1 s deadline:
//                         how it ended and when; then count(*) right after it
//   cancel while preparing  Cancel() 5 ms after a heavy statement started (its ranks are in
//                         their filter / group / sort steps) until every rank confirmed it stopped
//   cancel while sending  Cancel() after SELECT *'s first chunk, the same
//   count(*) beside a heavy statement   a small statement while a heavy one prepares
//   gateway loop during ... the longest turn of rank 0's loop (Submit or one Step of Poll:
//                         LoopStats, CPU and wall time, a histogram, the longest CPU time per
//                         phase), i.e. how late a cancel, a deadline or another statement could
//                         be served, while rank 0 runs: --many (1,167,525 groups on the real
//                         data) through the tree merge; the IN list; a CTE gathered on rank 0
//                         and the aggregate and window stages over it; SELECT * delivered
//   cancel latency        --runs cancels of each kind alone: until the cancelled answer reached
//                         the sink and until every rank was idle, median and max; the heavy
//                         statement 5 ms in (ranks loading and filtering) and 200 ms in (ranks
//                         holding their group tables and sort runs, which the cancel frees)
// --cases picks some of: counts (the first seven lines), loops (the gateway loop lines), cancel.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/e2e_support.h"

namespace {

using plume::bench::DiscardSink;
using plume::bench::Median;
using plume::frontend::RequestInfo;
using plume::frontend::RequestState;

struct Args {
  std::string data;
  int runs = 5;
  std::size_t in_list = 100000;
  double deadline_s = 1;
  std::string heavy =
      "SELECT site_name, utc, count(*), avg(concentration) FROM measurements "
      "GROUP BY site_name, utc ORDER BY site_name, utc";
  std::string many =
      "SELECT site_name, utc, parameter, count(*), avg(concentration) FROM measurements "
      "GROUP BY site_name, utc, parameter";
  std::string gathered =
      "WITH t AS (SELECT site_name, utc, avg(concentration) AS c FROM measurements "
      "GROUP BY site_name, utc) SELECT site_name, count(*), max(c), "
      "max(lag) FROM (SELECT site_name, c, c - lag(c) OVER (PARTITION BY site_name ORDER BY "
      "utc) AS lag FROM t) GROUP BY site_name";
  std::string cases = "counts,loops";
};

// Seconds from Submit until the sink's End.
double Run(plume::ranks::Gateway& gw, const std::string& sql, double timeout_s,
           RequestInfo* info = nullptr) {
  auto sink = std::make_shared<DiscardSink>();
  const double t = gw.Now();
  gw.Submit(sql, {1000, timeout_s}, sink);
  while (!sink->ended) gw.Poll(0.0005);
  if (info) *info = sink->final_info;
  return gw.Now() - t;
}

// How long a cancel took: until the statement's cancelled answer reached its sink (End), and
// until every rank confirmed it stopped.
struct CancelTimes {
  double answered_s = 0, drained_s = 0;
};

// A sink that notes when End came, on the gateway's clock.
class TimedSink : public DiscardSink {
 public:
  explicit TimedSink(const plume::ranks::Gateway& gw) : gw_(gw) {}
  void End(const RequestInfo& info) override {
    DiscardSink::End(info);
    end_s = gw_.Now();
  }
  double end_s = -1;

 private:
  const plume::ranks::Gateway& gw_;
};

// Cancels `sql` `after_s` seconds after it started (or after its first chunk when after_s < 0).
CancelTimes CancelTimed(plume::ranks::Gateway& gw, const std::string& sql, double after_s) {
  auto sink = std::make_shared<TimedSink>(gw);
  const double start = gw.Now();
  const std::uint64_t id = gw.Submit(sql, {1000, 0}, sink);
  while (!sink->ended) {
    const bool due =
        after_s < 0 ? gw.Status(id)->chunks_delivered > 0 : gw.Now() - start >= after_s;
    if (due) break;
    gw.Poll(0.0005);
  }
  const double t = gw.Now();
  gw.Cancel(id, "bench cancel");
  while (!sink->ended) gw.Poll(0.0005);
  while (!gw.DrainedAt(id)) gw.Poll(0.0005);
  return {sink->end_s - t, *gw.DrainedAt(id) - t};
}

void PrintCancel(const char* label, const std::vector<CancelTimes>& times) {
  std::vector<double> answered, drained;
  for (const CancelTimes& c : times) {
    answered.push_back(c.answered_s * 1e3);
    drained.push_back(c.drained_s * 1e3);
  }
  std::printf("%-36s answered %.2f ms (median; max %.2f), all ranks idle %.2f ms (max %.2f)\n",
              label, Median(answered), *std::max_element(answered.begin(), answered.end()),
              Median(drained), *std::max_element(drained.begin(), drained.end()));
}

// Cancel latency alone (issue 12 item 2's target: <= 10 ms on the 10x data): --runs cancels
// of the heavy statement 5 ms and 200 ms in (its ranks preparing) and of SELECT * after its
// first chunk.
void Cancels(plume::ranks::Gateway& gw, const Args& args) {
  std::vector<CancelTimes> preparing, later, streaming;
  for (int i = 0; i < args.runs; ++i) {
    preparing.push_back(CancelTimed(gw, args.heavy, 0.005));
    later.push_back(CancelTimed(gw, args.heavy, 0.2));
    streaming.push_back(CancelTimed(gw, "SELECT * FROM measurements", -1));
  }
  std::printf("cancel latency over %d runs each (from Cancel())\n", args.runs);
  PrintCancel("  while preparing (5 ms in)", preparing);
  PrintCancel("  while preparing (200 ms in)", later);
  PrintCancel("  after SELECT *'s first chunk", streaming);
}

// The seconds from Cancel() until every rank confirmed it stopped (CancelTimed).
double CancelLatency(plume::ranks::Gateway& gw, const std::string& sql, double after_s) {
  return CancelTimed(gw, sql, after_s).drained_s;
}

std::string InListStatement(std::size_t n) {
  std::string sql = "SELECT count(*) FROM measurements WHERE aqi + 0 IN (";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) sql += ',';
    sql += std::to_string(1000 + 7 * i);
  }
  return sql + ")";
}

// A small statement submitted while `heavy` runs: seconds until it ended.
double BesideHeavy(plume::ranks::Gateway& gw, const Args& args, const std::string& small) {
  auto heavy = std::make_shared<DiscardSink>();
  const std::uint64_t id = gw.Submit(args.heavy, {1000, 0}, heavy);
  for (double t = gw.Now(); gw.Now() - t < 0.005;) gw.Poll(0.0005);
  const double s = Run(gw, small, 0);
  gw.Cancel(id, "bench done");
  while (!gw.DrainedAt(id)) gw.Poll(0.0005);
  return s;
}

void Counts(plume::ranks::Gateway& gw, const Args& args) {
  const std::string count = "SELECT count(*) FROM measurements";
  std::vector<double> usual, in_end, after, cancel_prep, cancel_send, beside, heavy;
  std::string in_state;
  const std::string in_sql = InListStatement(args.in_list);
  for (int i = 0; i < args.runs; ++i) {
    usual.push_back(Run(gw, count, 0));
    RequestInfo info;
    in_end.push_back(Run(gw, in_sql, args.deadline_s, &info));
    in_state = std::string(plume::frontend::StateName(info.state)) +
               (info.error.empty() ? "" : ": " + info.error);
    after.push_back(Run(gw, count, 0));
    cancel_prep.push_back(CancelLatency(gw, args.heavy, 0.005));
    cancel_send.push_back(CancelLatency(gw, "SELECT * FROM measurements", -1));
    beside.push_back(BesideHeavy(gw, args, count));
  }
  heavy.push_back(Run(gw, args.heavy, 0));
  const double u = Median(usual);
  std::printf("%-36s %.2f ms (median of %d)\n", "usual count(*)", u * 1e3, args.runs);
  std::printf("%-36s %.2f ms, %s\n", "IN list of N on an expression", Median(in_end) * 1e3,
              in_state.c_str());
  std::printf("%-36s (N = %zu, deadline %.1f s; includes parsing on rank 0)\n", "", args.in_list,
              args.deadline_s);
  std::printf("%-36s %.2f ms (%.2fx usual)\n", "count(*) right after it", Median(after) * 1e3,
              Median(after) / u);
  std::printf("%-36s %.2f ms (median; max %.2f ms)\n", "cancel while preparing (5 ms in)",
              Median(cancel_prep) * 1e3,
              *std::max_element(cancel_prep.begin(), cancel_prep.end()) * 1e3);
  std::printf("%-36s %.2f ms (median; max %.2f ms)\n", "cancel after SELECT *'s first chunk",
              Median(cancel_send) * 1e3,
              *std::max_element(cancel_send.begin(), cancel_send.end()) * 1e3);
  std::printf("%-36s %.2f ms (%.2fx usual)\n", "count(*) beside the heavy statement",
              Median(beside) * 1e3, Median(beside) / u);
  std::printf("%-36s %.2f ms: %s\n", "the heavy statement alone", heavy[0] * 1e3,
              args.heavy.c_str());
}

// Runs `sql` alone and prints its time and the gateway loop's turns meanwhile.
void LoopRun(plume::ranks::Gateway& gw, const char* label, const std::string& sql,
             double timeout_s) {
  gw.ResetLoopStats(true);
  RequestInfo info;
  const double s = Run(gw, sql, timeout_s, &info);
  const plume::ranks::LoopStats loop = gw.loop_stats();
  std::printf("gateway loop during %s: %.0f ms, %llu rows, %s%s\n", label, s * 1e3,
              static_cast<unsigned long long>(info.rows_delivered),
              std::string(plume::frontend::StateName(info.state)).c_str(),
              info.error.empty() ? "" : (": " + info.error).c_str());
  std::printf("  %s\n  %s\n", loop.Format().c_str(), loop.FormatPhases().c_str());
}

void Loops(plume::ranks::Gateway& gw, const Args& args) {
  gw.set_merge(plume::engine::MergeChoice::kTree);
  LoopRun(gw, "many groups, tree merge", args.many, 0);
  gw.set_merge(plume::engine::MergeChoice::kAuto);
  LoopRun(gw, "the IN list", InListStatement(args.in_list), args.deadline_s);
  LoopRun(gw, "a gathered CTE, aggregate + window on rank 0", args.gathered, 0);
  LoopRun(gw, "SELECT * delivered", "SELECT * FROM measurements", 0);
  std::printf("(many: %s)\n(gathered: %s)\n", args.many.c_str(), args.gathered.c_str());
}

void Drive(plume::ranks::Gateway& gw, const Args& args) {
  std::printf("plume bounded e2e: %d ranks, %d partitions, %llu rows\n", gw.World().ranks,
              gw.World().partitions, static_cast<unsigned long long>(gw.World().rows));
  Run(gw, "SELECT count(*) FROM measurements", 0);  // warm-up
  if (args.cases.find("counts") != std::string::npos) Counts(gw, args);
  if (args.cases.find("loops") != std::string::npos) Loops(gw, args);
  if (args.cases.find("cancel") != std::string::npos) Cancels(gw, args);
}

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--data") {
      args->data = v;
    } else if (k == "--runs") {
      args->runs = std::max(1, std::stoi(v));
    } else if (k == "--in-list") {
      args->in_list = std::stoul(v);
    } else if (k == "--deadline") {
      args->deadline_s = std::stod(v);
    } else if (k == "--heavy") {
      args->heavy = v;
    } else if (k == "--many") {
      args->many = v;
    } else if (k == "--gathered") {
      args->gathered = v;
    } else if (k == "--cases") {
      args->cases = v;
    } else if (k == "--t0") {  // bench/ranks_e2e.sh passes it; unused here
    } else {
      return false;
    }
  }
  return !args->data.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  return plume::bench::E2eMain(
      argc, argv,
      "bounded_e2e --data DIR [--runs N] [--in-list N] [--deadline S] [--heavy SQL] [--many SQL] "
      "[--gathered SQL] [--cases counts,loops,cancel]",
      [&](int n, char** v, plume::ranks::RuntimeOptions* options) {
        if (!ParseArgs(n, v, &args)) return false;
        options->data_dir = args.data;
        return true;
      },
      [&](plume::ranks::Runtime& runtime, const std::vector<int>&) {
        Drive(runtime.gateway(), args);
      });
}
