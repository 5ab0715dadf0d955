// The engine-backed half of FakeBackend: statements run through engine::Plan,
// PartitionExecution and Merger over in-memory partitions, as the real runtime does across ranks.
#include <algorithm>
#include <map>

#include "engine/schema.h"
#include "tests/ranks/frontend/fake_backend.h"

namespace plume::frontend::testing {

using engine::Batch;
using engine::Column;
using engine::Table;

namespace {

void SetStrings(Column& c, const std::vector<std::string>& values) {
  c.dict = values;
  std::sort(c.dict.begin(), c.dict.end());
  c.dict.erase(std::unique(c.dict.begin(), c.dict.end()), c.dict.end());
  for (const std::string& v : values) {
    c.codes.push_back(static_cast<std::uint32_t>(std::lower_bound(c.dict.begin(), c.dict.end(), v) -
                                                 c.dict.begin()));
  }
}

Table MakePartition(int first, int rows) {
  static const char* kSites[] = {"Oakland", "Fresno, CA", "Say \"hi\""};
  Table t = engine::MakeMeasurementsTable();
  std::map<std::string, std::vector<std::string>> strings;
  auto col = [&](std::string_view name) -> Column& { return t.columns[t.Find(name)]; };
  for (int g = first; g < first + rows; ++g) {
    bool null = g % 5 == 0;
    col("latitude").doubles.push_back(37.0 + g % 3);
    col("longitude").doubles.push_back(-122.5 + g % 3);
    col("utc").ints.push_back(1599696000 + 3600LL * g);  // 2020-09-10T00:00
    col("concentration").doubles.push_back(null ? 0 : g * 0.5);
    col("raw_concentration").doubles.push_back(null ? 0 : g * 0.5);
    col("aqi").ints.push_back(null ? 0 : g % 200);
    col("category").ints.push_back(null ? 0 : 1 + g % 3);
    for (const char* name : {"concentration", "raw_concentration", "aqi", "category"}) {
      col(name).valid.push_back(null ? 0 : 1);
    }
    strings["parameter"].push_back(g % 2 ? "PM2.5" : "OZONE");
    strings["unit"].push_back(g % 2 ? "UG/M3" : "PPB");
    strings["site_name"].push_back(kSites[g % 3]);
    strings["agency"].push_back("Agency " + std::to_string(g % 2));
    strings["aqs_id"].push_back("06000" + std::to_string(g % 3));
    strings["full_aqs_id"].push_back("84006000" + std::to_string(g % 3));
  }
  for (const auto& [name, values] : strings) SetStrings(col(name), values);
  t.rows = rows;
  t.BuildZoneMaps();
  t.Validate();
  return t;
}

}  // namespace

std::vector<Table> MakeSmallPartitions(int partitions, int rows_each) {
  std::vector<Table> tables;
  for (int p = 0; p < partitions; ++p) tables.push_back(MakePartition(p * rows_each, rows_each));
  return tables;
}

void FakeBackend::UseEngine(std::vector<Table> partitions) {
  tables_ = std::move(partitions);
  use_engine_ = true;
  world_.partitions = static_cast<int>(tables_.size());
  world_.rows = 0;
  for (const Table& t : tables_) world_.rows += t.rows;
}

bool FakeBackend::StartEngine(Request& r) {
  auto run = std::make_unique<EngineRun>();
  try {
    run->plan = engine::Plan::Parse(r.info.sql);
  } catch (const engine::SqlError& e) {
    std::string where = e.position() ? " (at character " + std::to_string(e.position()) + ")" : "";
    r.info.error_position = e.position();
    Finish(r, RequestState::kFailed, std::string("Error: ") + e.what() + where);
    return false;
  }
  r.info.ranks.clear();
  for (std::size_t i = 0; i < tables_.size(); ++i) {
    run->parts.push_back(std::make_unique<engine::PartitionExecution>(*run->plan, tables_[i]));
    r.info.ranks.push_back({static_cast<int>(i + 1), 0, run->parts.back()->total_rows(), false});
  }
  run->merger = std::make_unique<engine::Merger>(*run->plan, tables_.size(), true);
  run->closed.assign(tables_.size(), false);
  r.info.fields = run->plan->output();
  r.engine = std::move(run);
  return true;
}

// Feeds every open partition one batch, then hands on at most one merged chunk.
bool FakeBackend::StepEngine(Request& r) {
  EngineRun& run = *r.engine;
  for (std::size_t i = 0; i < run.parts.size(); ++i) {
    if (run.closed[i]) continue;
    Batch batch;
    if (run.parts[i]->Next(r.options.chunk_rows, &batch)) {
      r.info.ranks[i].rows_sent += batch.rows;
      run.merger->Push(i, std::move(batch));
    } else {
      run.merger->Close(i);
      run.closed[i] = true;
      r.info.ranks[i].done = true;
    }
  }
  Batch chunk;
  if (run.merger->Pop(r.options.chunk_rows, &chunk) && chunk.rows > 0 && !Deliver(r, chunk)) {
    return true;
  }
  if (run.merger->Done()) {
    r.info.rows_total = r.info.rows_delivered;
    r.info.chunks_total = r.info.chunks_delivered;
    r.info.rows_total_known = true;
    Finish(r, RequestState::kCompleted, "");
  }
  return true;
}

}  // namespace plume::frontend::testing
