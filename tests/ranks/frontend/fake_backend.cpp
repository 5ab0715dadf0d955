#include "tests/ranks/frontend/fake_backend.h"

#include <algorithm>
#include <thread>

namespace plume::frontend::testing {

using engine::Batch;
using engine::BatchColumn;
using engine::Type;

// Statements match their script with runs of whitespace as one space.
std::string Normalize(const std::string& sql) {
  std::string out;
  for (char c : sql) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Batch SliceBatch(const Batch& batch, std::size_t start, std::size_t count) {
  Batch out;
  out.rows = count;
  for (const BatchColumn& col : batch.columns) {
    BatchColumn c;
    c.type = col.type;
    for (std::size_t r = start; r < start + count; ++r) {
      if (!col.valid.empty()) c.valid.push_back(col.valid[r]);
      if (col.type == Type::kString) {
        if (c.offsets.empty()) c.offsets.push_back(0);
        c.chars.append(col.StringAt(r));
        c.offsets.push_back(static_cast<std::uint32_t>(c.chars.size()));
      } else if (col.type == Type::kFloat64) {
        c.doubles.push_back(col.doubles[r]);
      } else {
        c.ints.push_back(col.ints[r]);
      }
    }
    if (col.type == Type::kString && c.offsets.empty()) c.offsets.push_back(0);
    out.columns.push_back(std::move(c));
  }
  return out;
}

BatchColumn& BatchBuilder::Add(std::string name, Type type, std::size_t rows,
                               const std::vector<bool>& nulls) {
  fields_.push_back({std::move(name), type});
  batch_.rows = rows;
  BatchColumn& col = batch_.columns.emplace_back();
  col.type = type;
  for (bool null : nulls) col.valid.push_back(null ? 0 : 1);
  return col;
}

BatchBuilder& BatchBuilder::Ints(std::string name, std::vector<std::int64_t> v,
                                 std::vector<bool> nulls) {
  Add(std::move(name), Type::kInt64, v.size(), nulls).ints = std::move(v);
  return *this;
}

BatchBuilder& BatchBuilder::Doubles(std::string name, std::vector<double> v,
                                    std::vector<bool> nulls) {
  Add(std::move(name), Type::kFloat64, v.size(), nulls).doubles = std::move(v);
  return *this;
}

BatchBuilder& BatchBuilder::Times(std::string name, std::vector<std::int64_t> v) {
  Add(std::move(name), Type::kTimestamp, v.size(), {}).ints = std::move(v);
  return *this;
}

BatchBuilder& BatchBuilder::Strings(std::string name, std::vector<std::string> v,
                                    std::vector<bool> nulls) {
  BatchColumn& col = Add(std::move(name), Type::kString, v.size(), nulls);
  col.offsets.push_back(0);
  for (const std::string& s : v) {
    col.chars += s;
    col.offsets.push_back(static_cast<std::uint32_t>(col.chars.size()));
  }
  return *this;
}

FakeBackend::FakeBackend() : epoch_(std::chrono::steady_clock::now()) {
  world_.ranks = 3;
  world_.leaders = {1};
  world_.partitions = 2;
  world_.rows = 1000;
}

double FakeBackend::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

void FakeBackend::AddResult(const std::string& sql, const BatchBuilder& result,
                            double chunk_delay_s) {
  scripts_[Normalize(sql)] = Script{result.fields(), result.batch(), chunk_delay_s, ""};
}

void FakeBackend::AddError(const std::string& sql, const std::string& message) {
  scripts_[Normalize(sql)] = Script{{}, {}, 0, message};
}

std::uint64_t FakeBackend::Submit(const std::string& sql, const Options& options,
                                  std::shared_ptr<ResultSink> sink) {
  Request& r = requests_[next_id_];
  r.info.id = next_id_++;
  r.info.sql = sql;
  r.info.submitted_s = Now();
  r.options = options;
  r.sink = std::move(sink);
  auto it = scripts_.find(Normalize(sql));
  if (it != scripts_.end()) r.script = &it->second;
  return r.info.id;
}

bool FakeBackend::Cancel(std::uint64_t id, const std::string& reason) {
  auto it = requests_.find(id);
  if (it == requests_.end() || IsFinished(it->second.info.state)) return false;
  // Like the real runtime, the cancel takes effect at the next Poll.
  it->second.info.error = reason.empty() ? "cancelled" : reason;
  it->second.options.timeout_s = -1;  // marks "cancel requested"
  return true;
}

void FakeBackend::Finish(Request& r, RequestState state, const std::string& error) {
  r.info.state = state;
  r.info.error = error;
  r.info.finished_s = Now();
  for (RankProgress& p : r.info.ranks) p.done = true;
  r.engine.reset();
  std::shared_ptr<ResultSink> sink = std::move(r.sink);
  sink->End(r.info);
}

void FakeBackend::Start(Request& r) {
  r.info.state = RequestState::kRunning;
  r.info.started_s = Now();
  if (lose_at_ != 0 && r.info.id >= lose_at_) lost_ = lose_message_;
  if (!lost_.empty()) {
    Finish(r, RequestState::kFailed, lost_);
    return;
  }
  if (r.script == nullptr && use_engine_) {
    if (StartEngine(r)) r.sink->Begin(r.info);
    return;
  }
  if (r.script == nullptr) {
    Finish(
        r, RequestState::kFailed,
        "Parser Error: syntax error (the fake backend has no result for \"" + r.info.sql + "\")");
    return;
  }
  if (!r.script->error.empty()) {
    Finish(r, RequestState::kFailed, r.script->error);
    return;
  }
  std::size_t rows = r.script->rows.rows;
  r.info.fields = r.script->fields;
  r.info.rows_total = rows;
  r.info.rows_total_known = true;
  r.info.chunks_total = (rows + r.options.chunk_rows - 1) / r.options.chunk_rows;
  r.info.ranks = {{1, 0, rows / 2, false}, {2, 0, rows - rows / 2, false}};
  r.next_chunk_s = Now() + r.script->chunk_delay_s;
  r.sink->Begin(r.info);
}

bool FakeBackend::Step(Request& r) {
  double now = Now();
  if (r.options.timeout_s < 0) {
    Finish(r, RequestState::kCancelled, r.info.error);
    return true;
  }
  if (r.options.timeout_s > 0 && now - r.info.started_s > r.options.timeout_s) {
    Finish(r, RequestState::kCancelled, "Error: statement timed out (statement deadline)");
    return true;
  }
  if (r.engine) return StepEngine(r);
  if (now < r.next_chunk_s) return false;
  std::size_t total = r.script->rows.rows;
  std::size_t n = std::min(r.options.chunk_rows, total - r.next_row);
  if (n > 0) {
    r.next_row += n;
    r.info.ranks[0].rows_sent = std::min<std::uint64_t>(r.next_row, r.info.ranks[0].rows_total);
    r.info.ranks[1].rows_sent = r.next_row - r.info.ranks[0].rows_sent;
    if (!Deliver(r, SliceBatch(r.script->rows, r.next_row - n, n))) return true;
  }
  if (r.next_row == total) Finish(r, RequestState::kCompleted, "");
  r.next_chunk_s = now + r.script->chunk_delay_s;
  return true;
}

// Hands one chunk to the sink; false (request cancelled) when the sink refused it.
bool FakeBackend::Deliver(Request& r, const Batch& chunk) {
  r.info.rows_delivered += chunk.rows;
  r.info.chunks_delivered += 1;
  std::string wire;
  engine::EncodeBatch(chunk, &wire);
  r.info.bytes_received += wire.size();
  ++r.info.frames_received;
  if (r.info.first_chunk_s < 0) r.info.first_chunk_s = Now();
  std::string error;
  if (r.sink->Chunk(chunk, r.info, &error)) return true;
  Finish(r, r.sink->StopState(), error);
  return false;
}

void FakeBackend::Poll(double max_wait_s) {
  bool did = false;
  int running = 0;
  for (auto& [id, r] : requests_) running += r.info.state == RequestState::kRunning;
  for (auto& [id, r] : requests_) {
    if (r.info.state == RequestState::kQueued && r.options.timeout_s < 0) {
      Finish(r, RequestState::kCancelled, r.info.error);
      did = true;
    } else if (r.info.state == RequestState::kQueued && running < max_running_) {
      Start(r);
      running += r.info.state == RequestState::kRunning;
      did = true;
    }
  }
  peak_running_ = std::max(peak_running_, running);
  for (auto& [id, r] : requests_) {
    if (r.info.state == RequestState::kRunning) did = Step(r) || did;
  }
  if (!did && max_wait_s > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(max_wait_s, 0.005)));
  }
}

std::optional<RequestInfo> FakeBackend::Status(std::uint64_t id) const {
  auto it = requests_.find(id);
  if (it == requests_.end()) return std::nullopt;
  return it->second.info;
}

std::vector<RequestInfo> FakeBackend::List() const {
  std::vector<RequestInfo> out;
  for (const auto& [id, r] : requests_) out.push_back(r.info);
  return out;
}

bool FakeBackend::Busy() const {
  return std::any_of(requests_.begin(), requests_.end(),
                     [](const auto& kv) { return !IsFinished(kv.second.info.state); });
}

}  // namespace plume::frontend::testing
