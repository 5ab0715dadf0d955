// Engine kernels over a synthetic in-memory partition shaped like the AirNow data set:
// 1,167,525 rows sorted by (parameter, utc), ~1,400 sites, CO rows without AQI, fixed seed.
//   build-*/bench/engine_benchmark --benchmark_filter=Filter
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "engine/batch.h"
#include "engine/exact_sum.h"
#include "engine/query.h"
#include "engine/schema.h"
#include "engine/value_format.h"
#include "engine/window.h"

namespace plume::engine {
namespace {

constexpr std::size_t kRows = 1167525;

void SetDict(Column* c, std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  c->dict = std::move(values);
}

Table MakeSynthetic() {
  Table t = MakeMeasurementsTable();
  t.rows = kRows;
  std::mt19937_64 rng(1167525);
  static const char* kParams[] = {"CO", "NO2", "OZONE", "PM10", "PM2.5", "SO2"};
  static const double kShare[] = {0.05, 0.1, 0.35, 0.1, 0.35, 0.05};
  std::vector<std::string> sites, agencies, ids;
  for (int i = 0; i < 1400; ++i)
    sites.push_back(std::string("Site ") + std::to_string(i * 7919 % 100003));
  for (int i = 0; i < 106; ++i) agencies.push_back(std::string("Agency ") + std::to_string(i));
  for (int i = 0; i < 1400; ++i) ids.push_back(std::to_string(60000000 + i * 37).insert(0, 1, '0'));
  auto col = [&](Col c) -> Column& { return t.columns[static_cast<std::size_t>(c)]; };
  SetDict(&col(Col::kParameter), {kParams, kParams + 6});
  SetDict(&col(Col::kUnit), {"PPB", "PPM", "UG/M3"});
  SetDict(&col(Col::kSiteName), sites);
  SetDict(&col(Col::kAgency), agencies);
  SetDict(&col(Col::kAqsId), ids);
  SetDict(&col(Col::kFullAqsId), ids);
  for (Column& c : t.columns) {
    if (c.type == Type::kFloat64)
      c.doubles.resize(kRows);
    else if (c.type == Type::kString)
      c.codes.resize(kRows);
    else
      c.ints.resize(kRows);
  }
  for (Col c : {Col::kConcentration, Col::kRawConcentration, Col::kAqi, Col::kCategory}) {
    col(c).valid.assign(kRows, 1);
  }
  std::size_t row = 0;
  for (int p = 0; p < 6; ++p) {
    const auto n = static_cast<std::size_t>(kShare[p] * kRows) + (p == 5 ? kRows : 0);
    const std::size_t end = std::min(kRows, row + n);
    for (std::size_t i = row; i < end; ++i) {
      const double f = static_cast<double>(i - row) / static_cast<double>(end - row);
      const auto site = static_cast<std::uint32_t>(rng() % 1400);
      col(Col::kLatitude).doubles[i] = 28.7 + static_cast<double>(site % 167) / 10;
      col(Col::kLongitude).doubles[i] = -124.2 + static_cast<double>(site % 490) / 10;
      col(Col::kUtc).ints[i] = 1597021200 + static_cast<std::int64_t>(f * 516) * 7200;
      col(Col::kParameter).codes[i] = static_cast<std::uint32_t>(p);
      const double conc = static_cast<double>(rng() % 2000) / 10;
      col(Col::kConcentration).doubles[i] = conc;
      col(Col::kRawConcentration).doubles[i] = conc + 1;
      col(Col::kUnit).codes[i] = p == 0 ? 1 : (p == 3 || p == 4) ? 2 : 0;
      col(Col::kAqi).ints[i] =
          static_cast<std::int64_t>(rng() % 200) + (rng() % 1000 == 0 ? 300 : 0);
      col(Col::kCategory).ints[i] = col(Col::kAqi).ints[i] / 50 + 1;
      if (p == 0) col(Col::kAqi).valid[i] = col(Col::kCategory).valid[i] = 0;
      col(Col::kSiteName).codes[i] = site;
      col(Col::kAgency).codes[i] = site % 106;
      col(Col::kAqsId).codes[i] = col(Col::kFullAqsId).codes[i] = site;
    }
    row = end;
  }
  t.BuildZoneMaps();
  return t;
}

const Table& Synthetic() {
  static const Table table = MakeSynthetic();
  return table;
}

// Filter only: total_rows() runs the preparation steps (for this plan: the WHERE clause).
void BM_Filter(benchmark::State& state, const char* where) {
  const Table& table = Synthetic();
  const Plan plan = Plan::Parse(std::string("SELECT aqi FROM measurements WHERE ") + where);
  std::uint64_t matches = 0;
  for (auto _ : state) {
    PartitionExecution exec(plan, table);
    matches = exec.total_rows();
    benchmark::DoNotOptimize(matches);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
  state.counters["matches"] = static_cast<double>(matches);
}
BENCHMARK_CAPTURE(BM_Filter, selective_aqi_gt_400, "aqi > 400")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, nonselective_aqi_ge_10, "aqi >= 10")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, half_concentration_lt_100, "concentration < 100")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, site_name_eq, "site_name = 'Site 7919'")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, parameter_zone_mapped, "parameter = 'PM2.5'")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, utc_day, "utc BETWEEN '2020-09-12' AND '2020-09-12 23:59'")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, box_and_range,
                  "latitude BETWEEN 35 AND 40 AND longitude BETWEEN -122 AND -118 AND aqi > 100")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Filter, or_like,
                  "site_name LIKE 'Site 1%' OR agency IN ('Agency 3', "
                  "'Agency 7') OR aqi IS NULL")
    ->Unit(benchmark::kMillisecond);

Batch AllColumnsBatch(std::size_t rows) {
  const Plan plan =
      Plan::Parse(std::string("SELECT * FROM measurements LIMIT ") + std::to_string(rows));
  PartitionExecution exec(plan, Synthetic());
  Batch b;
  exec.Next(rows, &b);
  return b;
}

void BM_EncodeBatch(benchmark::State& state) {
  const Batch b = AllColumnsBatch(static_cast<std::size_t>(state.range(0)));
  std::string wire;
  for (auto _ : state) {
    wire.clear();
    EncodeBatch(b, &wire);
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_EncodeBatch)->Arg(1024)->Arg(8192)->Arg(65536);

void BM_DecodeBatch(benchmark::State& state) {
  std::string wire;
  EncodeBatch(AllColumnsBatch(static_cast<std::size_t>(state.range(0))), &wire);
  for (auto _ : state) {
    Batch b = DecodeBatch(wire);
    benchmark::DoNotOptimize(b.rows);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_DecodeBatch)->Arg(1024)->Arg(8192)->Arg(65536);

// The exact double sum of a run of one group (ExactSum::AddEach, the block kernel) against Add
// value by value, over a column's typical values (two decimals, 0.01 .. 1000, fixed seed): n
// values (in cache at 2,048 and 131,072, from memory at 2,097,152), with a NULL mask (1) or
// without (0), rows contiguous.
std::vector<double> TypicalDoubles(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<double> v(n);
  for (double& x : v) x = static_cast<double>(rng() % 100000) / 100;
  return v;
}

void BM_ExactSumAddEach(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> v = TypicalDoubles(n);
  std::vector<std::uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  const std::vector<std::uint8_t> valid(n, 1);
  const std::uint8_t* mask = state.range(1) ? valid.data() : nullptr;
  for (auto _ : state) {
    ExactSum s;
    s.AddEach(v.data(), rows.data(), mask, n);
    benchmark::DoNotOptimize(s.Value());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * (mask ? 9 : 8)));
}
BENCHMARK(BM_ExactSumAddEach)->ArgsProduct({{2048, 131072, 2097152}, {0, 1}});

void BM_ExactSumAdd(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> v = TypicalDoubles(n);
  for (auto _ : state) {
    ExactSum s;
    for (double x : v) s.Add(x);
    benchmark::DoNotOptimize(s.Value());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 8));
}
BENCHMARK(BM_ExactSumAdd)->Arg(2048)->Arg(131072)->Arg(2097152);

// Window sum/avg over a DOUBLE (engine/window.h; exact since engine/window_sum.h): one data
// rank's share at 6 ranks (233,505 rows, 540 series of 432 readings of one decimal, 0 to 200,
// fixed seed), already in window order so that the sort costs little and the evaluation shows.
// Arg: 0 sum and 1 avg over ROWS BETWEEN 7 PRECEDING AND CURRENT ROW (ozone's 8-hour mean), 2 avg
// over the default RANGE frame (growing), 3 sum over the whole partition.
void BM_WindowSum(benchmark::State& state) {
  constexpr std::size_t kSeries = 540, kPer = 432;
  Table t;
  t.rows = kSeries * kPer + 225;
  Column site, hour, value;
  site.name = "site";
  site.type = Type::kString;
  for (std::size_t s = 0; s < kSeries; ++s) site.dict.push_back("site " + std::to_string(1000 + s));
  hour.name = "hour";
  value.name = "value";
  value.type = Type::kFloat64;
  std::mt19937_64 rng(233505);
  for (std::size_t r = 0; r < t.rows; ++r) {
    site.codes.push_back(static_cast<std::uint32_t>(std::min(r / kPer, kSeries - 1)));
    hour.ints.push_back(static_cast<std::int64_t>(r % kPer) * 7200);
    value.doubles.push_back(static_cast<double>(rng() % 2001) / 10);
  }
  t.columns = {site, hour, value};
  t.BuildZoneMaps();
  using K = FrameBound::Kind;
  WindowCall call;
  call.fn = state.range(0) == 0 || state.range(0) == 3 ? WindowFn::kSum : WindowFn::kAvg;
  call.arg = "value";
  call.partition = {"site"};
  if (state.range(0) != 3) call.order = {{"hour", false, false}};
  if (state.range(0) <= 1) {
    call.rows = true;
    call.start = {K::kPreceding, 7};
  }
  if (state.range(0) == 3) call.end = {K::kUnboundedFollowing, 0};
  call.name = "w";
  call.result = Type::kFloat64;
  for (auto _ : state) {
    state.PauseTiming();
    Table copy = t;
    state.ResumeTiming();
    ComputeWindows({call}, &copy);
    benchmark::DoNotOptimize(copy.columns.back().doubles.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * t.rows));
}
BENCHMARK(BM_WindowSum)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

// Filter + partial aggregation over the whole partition.
void BM_GroupBy(benchmark::State& state, const char* sql) {
  const Table& table = Synthetic();
  const Plan plan = Plan::Parse(sql);
  for (auto _ : state) {
    PartitionExecution exec(plan, table);
    benchmark::DoNotOptimize(exec.total_rows());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}
BENCHMARK_CAPTURE(BM_GroupBy, count_all, "SELECT count(*), avg(aqi) FROM measurements")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GroupBy, by_parameter,
                  "SELECT parameter, count(*), avg(concentration), max(aqi) FROM measurements "
                  "GROUP BY parameter")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GroupBy, by_site_parameter,
                  "SELECT site_name, parameter, count(*), sum(aqi) FROM measurements GROUP BY "
                  "site_name, parameter")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GroupBy, by_site_utc,  // issue 10's 677,000 groups
                  "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc")
    ->Unit(benchmark::kMillisecond);

// Partial aggregation and the groups leaving it in batches of 1,024 (PartitionAggregator::Emit,
// what a data rank sends or, in the partition-local plan, hands its own final stage): this
// minus BM_GroupBy of the same statement is the cost of emitting the groups.
// A partition's whole statement, its rows emitted in batches of `batch_rows`.
void ExecuteAndEmit(benchmark::State& state, const char* sql, std::size_t batch_rows) {
  const Table& table = Synthetic();
  const Plan plan = Plan::Parse(sql);
  for (auto _ : state) {
    PartitionExecution exec(plan, table);
    Batch b;
    while (exec.Next(batch_rows, &b)) benchmark::DoNotOptimize(b.rows);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}

void BM_GroupByEmit(benchmark::State& state, const char* sql) { ExecuteAndEmit(state, sql, 1024); }
BENCHMARK_CAPTURE(BM_GroupByEmit, by_site_utc,
                  "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc")
    ->Unit(benchmark::kMillisecond);

// The gateway's final merge of partial groups (one partition's, ~one group per row of a site):
// folding, finalizing and ordering the groups, as a statement with many groups needs it.
void BM_FinalMerge(benchmark::State& state, const char* sql) {
  const Plan plan = Plan::Parse(sql);
  PartitionExecution exec(plan, Synthetic());
  std::vector<Batch> batches;
  Batch b;
  while (exec.Next(65536, &b)) batches.push_back(b);
  for (auto _ : state) {
    Merger m(plan, 1, true);
    for (const Batch& x : batches) m.Push(0, x);
    m.Close(0);
    Batch out;
    while (m.Pop(std::size_t{1} << 20, &out)) benchmark::DoNotOptimize(out.rows);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * exec.total_rows()));
}
BENCHMARK_CAPTURE(BM_FinalMerge, site_utc_top3,
                  "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc "
                  "ORDER BY 3 DESC LIMIT 3")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FinalMerge, site_utc_avg,
                  "SELECT site_name, utc, avg(concentration) FROM measurements GROUP BY site_name, "
                  "utc")
    ->Unit(benchmark::kMillisecond);

// Materializing result rows: filter + gather of every column into batches of 8192.
void BM_ScanGather(benchmark::State& state) {
  const Table& table = Synthetic();
  const Plan plan = Plan::Parse("SELECT * FROM measurements WHERE parameter = 'OZONE'");
  std::uint64_t rows = 0;
  for (auto _ : state) {
    PartitionExecution exec(plan, table);
    Batch b;
    rows = 0;
    while (exec.Next(kBlockRows, &b)) rows += b.rows;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_ScanGather)->Unit(benchmark::kMillisecond);

// The csv/json lines a data rank makes for a plain SELECT (Plan::WithRowText): the seed query's
// selection rendered in batches of 1,000 rows (the default chunk), bytes of text per second.
void BM_RowText(benchmark::State& state, RowText text) {
  const Table& table = Synthetic();
  const Plan plan =
      Plan::Parse("SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150")
          .WithRowText(text);
  std::uint64_t rows = 0, bytes = 0;
  for (auto _ : state) {
    PartitionExecution exec(plan, table);
    Batch b;
    rows = bytes = 0;
    while (exec.Next(1000, &b)) {
      rows += b.rows;
      bytes += b.columns[0].chars.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK_CAPTURE(BM_RowText, csv, RowText::kCsv)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RowText, json, RowText::kJson)->Unit(benchmark::kMillisecond);

// Doubles as text: the measurement columns' values (one decimal, five-decimal coordinates) and
// values the short path leaves to std::to_chars.
void BM_AppendDouble(benchmark::State& state, int kind) {
  std::mt19937_64 rng(7);
  std::vector<double> values(4096);
  for (double& v : values) {
    const auto r = static_cast<double>(rng() % 2000000);
    v = kind == 0 ? r / 10 : kind == 1 ? (r - 1000000) / 100000 : r / 3;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (double v : values) AppendDouble(out, v);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values.size()));
}
BENCHMARK_CAPTURE(BM_AppendDouble, tenths, 0);
BENCHMARK_CAPTURE(BM_AppendDouble, coordinates, 1);
BENCHMARK_CAPTURE(BM_AppendDouble, thirds, 2);

// ORDER BY at a partition: top-k for LIMIT, a full sort otherwise; rows emitted in batches.
void BM_OrderBy(benchmark::State& state, const char* sql) {
  ExecuteAndEmit(state, sql, kBlockRows);
}
BENCHMARK_CAPTURE(BM_OrderBy, top100,
                  "SELECT * FROM measurements WHERE aqi > 50 ORDER BY concentration DESC LIMIT 100")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_OrderBy, sort_pm25,
                  "SELECT site_name, aqi FROM measurements WHERE parameter = 'PM2.5' ORDER BY aqi "
                  "DESC, site_name")
    ->Unit(benchmark::kMillisecond);

// The gateway's k-way merge of sorted partition streams (8 inputs of 8 sorted batches each).
void BM_OrderedMerge(benchmark::State& state) {
  const Plan plan =
      Plan::Parse("SELECT utc, site_name, aqi FROM measurements WHERE aqi > 10 ORDER BY aqi");
  std::vector<std::vector<Batch>> inputs(8);
  std::size_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    PartitionExecution exec(plan, Synthetic());  // same rows per input: the merge is measured
    Batch b;
    while (exec.Next(kBlockRows, &b) && inputs[i].size() < 8) {
      total += b.rows;
      inputs[i].push_back(b);
    }
  }
  for (auto _ : state) {
    Merger m(plan, inputs.size(), true);
    std::vector<std::size_t> next(inputs.size(), 0);
    Batch out;
    while (!m.Done()) {
      const int w = m.Waiting();
      if (w >= 0) {
        const auto i = static_cast<std::size_t>(w);
        if (next[i] < inputs[i].size()) {
          m.Push(i, inputs[i][next[i]++]);
        } else {
          m.Close(i);
        }
        continue;
      }
      while (m.Pop(kBlockRows, &out)) benchmark::DoNotOptimize(out.rows);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * total));
}
BENCHMARK(BM_OrderedMerge)->Unit(benchmark::kMillisecond);

// A statement with a constant IN list of N elements on an expression (issue 12 item 2): the
// plan's bytes, Serialize on rank 0 and Deserialize on every data rank.
std::string InListStatement(std::int64_t n) {
  std::string sql = "SELECT count(*) FROM measurements WHERE aqi + 0 IN (";
  for (std::int64_t i = 0; i < n; ++i) sql += (i > 0 ? "," : "") + std::to_string(1000 + 7 * i);
  return sql + ")";
}

void BM_PlanDeserializeInList(benchmark::State& state) {
  const std::string bytes = Plan::Parse(InListStatement(state.range(0))).Serialize();
  for (auto _ : state) benchmark::DoNotOptimize(Plan::Deserialize(bytes));
  state.counters["plan_bytes"] = static_cast<double>(bytes.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_PlanDeserializeInList)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_PlanSerializeInList(benchmark::State& state) {
  const Plan plan = Plan::Parse(InListStatement(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(plan.Serialize());
}
BENCHMARK(BM_PlanSerializeInList)->Arg(100000)->Unit(benchmark::kMillisecond);

// The hash exchange's hops per group (docs/SCALING.md "The exchange between data ranks"): one
// partition's partial groups of a many-group statement (~680,000 site x hour groups) split into
// `parts` shares (GroupPartitioner: hash and scatter), each share encoded as a frame and decoded
// (what the sender and the receiver do around the MPI send), and merged (Merger kExchangeFinal
// with `parts` inputs: the receivers' work summed, finalize and order included). Counters: ns
// per group of each hop and wire bytes per group, so the model can scale them to any world.
void BM_ExchangeHops(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const auto parts = static_cast<std::size_t>(state.range(0));
  const Plan plan =
      Plan::Parse("SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc");
  PartitionExecution exec(plan, Synthetic());
  std::vector<Batch> batches;
  Batch b;
  while (exec.Next(8192, &b)) batches.push_back(b);
  const GroupPartitioner partitioner(plan, parts);
  double ns[4] = {0, 0, 0, 0};  // split, encode, decode, merge
  std::size_t bytes = 0;
  const auto add = [&](int hop, Clock::time_point* t) {
    const Clock::time_point now = Clock::now();
    ns[hop] += std::chrono::duration<double, std::nano>(now - *t).count();
    *t = now;
  };
  for (auto _ : state) {
    Merger m(plan, parts, MergeStage::kExchangeFinal);
    std::vector<Batch> shares;
    std::string wire;
    for (const Batch& x : batches) {
      Clock::time_point t = Clock::now();
      partitioner.Split(x, &shares);
      add(0, &t);
      for (std::size_t p = 0; p < parts; ++p) {
        wire.clear();
        EncodeBatch(shares[p], &wire);
        bytes += wire.size();
        add(1, &t);
        Batch back = DecodeBatch(wire);
        add(2, &t);
        m.Push(p, back);
        add(3, &t);
      }
    }
    Clock::time_point t = Clock::now();
    for (std::size_t p = 0; p < parts; ++p) m.Close(p);
    Batch out;
    while (m.Pop(std::size_t{1} << 20, &out)) benchmark::DoNotOptimize(out.rows);
    add(3, &t);
  }
  const double groups = static_cast<double>(state.iterations() * exec.total_rows());
  state.counters["groups"] = static_cast<double>(exec.total_rows());
  state.counters["split_ns"] = ns[0] / groups;
  state.counters["encode_ns"] = ns[1] / groups;
  state.counters["decode_ns"] = ns[2] / groups;
  state.counters["merge_ns"] = ns[3] / groups;
  state.counters["wire_B"] = static_cast<double>(bytes) / groups;
  state.SetItemsProcessed(static_cast<std::int64_t>(groups));
}
BENCHMARK(BM_ExchangeHops)->Arg(1)->Arg(2)->Arg(5)->Arg(7)->Arg(11)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace plume::engine

BENCHMARK_MAIN();
