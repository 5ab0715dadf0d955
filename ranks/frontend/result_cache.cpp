#include "ranks/frontend/result_cache.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

#include "engine/partial.h"

namespace plume::frontend {

// A kept result: its columns and its chunks as the gateway delivered them (one copy each; a
// replay in the same chunk size hands them over as they are, another size re-cuts them).
struct CachingBackend::Entry {
  std::vector<engine::Field> fields;
  engine::RowText row_text = engine::RowText::kNone;  // the chunks hold lines (RequestInfo)
  std::vector<engine::Batch> chunks;
  std::size_t rows = 0;
  std::size_t bytes = 0;
};

// A statement answered from the cache.
struct CachingBackend::Replay {
  RequestInfo info;
  Options options;
  std::shared_ptr<ResultSink> sink;
  std::shared_ptr<const Entry> entry;
  std::size_t next_row = 0;                    // rows handed over so far
  std::size_t chunk_index = 0, chunk_row = 0;  // where they continue in entry->chunks
  bool begun = false;
  std::string cancel_reason;  // set by Cancel; the sink hears of it in the next Poll
};

namespace {

// Skips a quoted run starting at sql[i] (a ' or "), doubled quotes included; returns the index
// after the closing quote (or the end).
std::size_t QuotedEnd(std::string_view sql, std::size_t i) {
  const char quote = sql[i];
  for (std::size_t j = i + 1; j < sql.size(); ++j) {
    if (sql[j] != quote) continue;
    if (j + 1 < sql.size() && sql[j + 1] == quote) {
      ++j;
      continue;
    }
    return j + 1;
  }
  return sql.size();
}

}  // namespace

std::string NormalizeStatement(std::string_view sql) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      space = true;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
      space = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      if (c == '\'' || c == '"') {
        const std::size_t end = QuotedEnd(sql, i);
        out.append(sql.substr(i, end - i));
        i = end;
      } else {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ++i;
      }
    }
  }
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
  return out;
}

std::size_t BatchBytes(const engine::Batch& batch) {
  std::size_t bytes = 0;
  for (const engine::BatchColumn& c : batch.columns) {
    bytes += c.ints.size() * sizeof(std::int64_t) + c.doubles.size() * sizeof(double) +
             c.wide.size() * 16 + c.offsets.size() * sizeof(std::uint32_t) + c.chars.size() +
             c.valid.size();
  }
  return bytes;
}

// Passes a statement's callbacks on to the caller's sink under the cache's request id, and keeps
// a copy of the rows while they fit; a completed statement's copy goes into the cache.
class CachingBackend::RecordingSink final : public ForwardingSink {
 public:
  RecordingSink(CachingBackend* cache, const std::shared_ptr<bool>& alive, std::size_t max_bytes,
                std::uint64_t id, std::string key, std::shared_ptr<ResultSink> sink)
      : ForwardingSink(std::move(sink)),
        cache_(cache),
        alive_(alive),
        max_bytes_(max_bytes),
        id_(id),
        key_(std::move(key)) {}

  void Begin(const RequestInfo& info) override {
    entry_ = std::make_shared<Entry>();
    entry_->fields = info.fields;
    entry_->row_text = info.row_text;
    inner().Begin(WithId(info));
  }

  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override {
    Keep(chunk);
    return inner().Chunk(chunk, WithId(info), error);
  }

  void End(const RequestInfo& info) override {
    inner().End(WithId(info));
    auto alive = alive_.lock();
    if (!alive || !*alive || !entry_ || info.state != RequestState::kCompleted) return;
    cache_->Insert(key_, std::move(entry_));
  }

 private:
  RequestInfo WithId(RequestInfo info) const {
    info.id = id_;
    return info;
  }

  // Stops keeping (for good) once the result outgrows what one entry may hold.
  void Keep(const engine::Batch& chunk) {
    if (!entry_) return;
    const std::size_t add = BatchBytes(chunk);
    if (entry_->bytes + add > max_bytes_) {
      entry_.reset();
      return;
    }
    entry_->chunks.push_back(chunk);
    entry_->rows += chunk.rows;
    entry_->bytes += add;
  }

  CachingBackend* cache_;  // used only while *alive_
  std::weak_ptr<bool> alive_;
  std::size_t max_bytes_;
  std::uint64_t id_;
  std::string key_;
  std::shared_ptr<Entry> entry_;  // null once the result cannot be kept
};

CachingBackend::CachingBackend(Backend& inner, std::size_t capacity_bytes, double ttl_s)
    : inner_(inner),
      capacity_(capacity_bytes),
      ttl_s_(ttl_s),
      alive_(std::make_shared<bool>(true)) {}

CachingBackend::~CachingBackend() { *alive_ = false; }

std::string CachingBackend::Key(const std::string& sql, engine::RowText row_text) const {
  // The row text is in the key: lines kept for a csv output cannot serve a table.
  return inner_.World().dataset + '\n' + std::string(engine::RowTextName(row_text)) + '\n' +
         NormalizeStatement(sql);
}

std::uint64_t CachingBackend::Submit(const std::string& sql, const Options& options,
                                     std::shared_ptr<ResultSink> sink) {
  const std::uint64_t id = next_id_++;
  if (capacity_ == 0) {
    Map(id, inner_.Submit(sql, options, std::move(sink)));
    return id;
  }
  std::string key = Key(sql, options.row_text);
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++hits_;
    Touch(key);
    StartReplay(id, sql, options, std::move(sink), it->second.first);
    return id;
  }
  ++misses_;
  auto recording = std::make_shared<RecordingSink>(this, alive_, EntryLimit(), id, std::move(key),
                                                   std::move(sink));
  Map(id, inner_.Submit(sql, options, std::move(recording)));
  return id;
}

void CachingBackend::Map(std::uint64_t outer, std::uint64_t inner) {
  inner_of_[outer] = inner;
  outer_of_[inner] = outer;
}

void CachingBackend::StartReplay(std::uint64_t id, const std::string& sql, const Options& options,
                                 std::shared_ptr<ResultSink> sink,
                                 const std::shared_ptr<const Entry>& entry) {
  auto replay = std::make_unique<Replay>();
  RequestInfo& info = replay->info;
  info.id = id;
  info.sql = sql;
  info.state = RequestState::kRunning;
  info.cached = true;
  info.fields = entry->fields;
  info.row_text = entry->row_text;
  info.rows_total = entry->rows;
  info.rows_total_known = true;
  const std::size_t chunk = std::max<std::size_t>(1, options.chunk_rows);
  info.chunks_total = (entry->rows + chunk - 1) / chunk;
  info.submitted_s = info.started_s = Now();
  replay->options = options;
  replay->sink = std::move(sink);
  replay->entry = entry;
  replays_.emplace(id, std::move(replay));
}

std::size_t CachingBackend::EntryLimit() const {
  const std::uint64_t limit = inner_.World().memory_limit;
  const std::size_t share = capacity_ / kEntryShare;
  return limit == 0 ? share : static_cast<std::size_t>(std::min<std::uint64_t>(share, limit));
}

void CachingBackend::Insert(const std::string& key, std::shared_ptr<const Entry> entry) {
  if (entry->bytes > EntryLimit()) return;
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ -= it->second.first->bytes;
    lru_.erase(it->second.second);
    entries_.erase(it);
  }
  while (!lru_.empty() && bytes_ + entry->bytes > capacity_) {
    auto victim = entries_.find(lru_.back());
    bytes_ -= victim->second.first->bytes;
    entries_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  bytes_ += entry->bytes;
  entries_.emplace(key, std::make_pair(std::move(entry), lru_.begin()));
}

void CachingBackend::Touch(const std::string& key) {
  auto it = entries_.find(key);
  lru_.splice(lru_.begin(), lru_, it->second.second);
}

bool CachingBackend::Cancel(std::uint64_t id, const std::string& reason) {
  if (auto it = replays_.find(id); it != replays_.end()) {
    Replay& replay = *it->second;
    if (IsFinished(replay.info.state) || !replay.cancel_reason.empty()) return false;
    // As the gateway does, the sink hears of it in the next Poll, never inside Cancel.
    replay.cancel_reason = reason.empty() ? "cancelled by user" : reason;
    return true;
  }
  auto it = inner_of_.find(id);
  return it != inner_of_.end() && inner_.Cancel(it->second, reason);
}

// Hands the sink up to kChunksPerPoll chunks; true when the replay finished.
bool CachingBackend::DeliverSome(Replay& replay) {
  RequestInfo& info = replay.info;
  if (replay.options.timeout_s > 0 && Now() - info.submitted_s > replay.options.timeout_s) {
    Finish(replay, RequestState::kFailed, TimeoutError(replay.options.timeout_s));
    return true;
  }
  if (!replay.begun) {
    replay.begun = true;
    replay.sink->Begin(info);
  }
  const Entry& entry = *replay.entry;
  const std::size_t chunk = std::max<std::size_t>(1, replay.options.chunk_rows);
  for (std::size_t n = 0; n < kChunksPerPoll && replay.next_row < entry.rows &&
                          replay.sink->Backlog() < ResultSink::kBacklogLimit;
       ++n) {
    engine::Batch cut;
    const engine::Batch& part = NextChunk(replay, chunk, &cut);
    const std::size_t end = replay.next_row + part.rows;
    info.rows_delivered = end;
    ++info.chunks_delivered;
    if (info.first_chunk_s < 0) info.first_chunk_s = Now();
    replay.next_row = end;
    std::string error;
    if (!replay.sink->Chunk(part, info, &error)) {
      Finish(replay, replay.sink->StopState(), error.empty() ? "cancelled by the output" : error);
      return true;
    }
  }
  // Completes once the output took every row (a stuck output keeps the deadline armed).
  if (replay.next_row < entry.rows || replay.sink->Backlog() > 0) return false;
  Finish(replay, RequestState::kCompleted, "");
  return true;
}

// The next `chunk` rows of a replay (fewer at the end): a kept chunk of exactly that size as it
// is, else rows copied from the kept chunks into *cut.
const engine::Batch& CachingBackend::NextChunk(Replay& replay, std::size_t chunk,
                                               engine::Batch* cut) {
  const std::vector<engine::Batch>& kept = replay.entry->chunks;
  if (replay.chunk_row == 0 && kept[replay.chunk_index].rows == chunk) {
    return kept[replay.chunk_index++];
  }
  std::vector<engine::Type> types;
  for (const engine::Field& f : replay.entry->fields) types.push_back(f.type);
  *cut = engine::EmptyBatch(types);
  while (cut->rows < chunk && replay.chunk_index < kept.size()) {
    const engine::Batch& from = kept[replay.chunk_index];
    const std::size_t take = std::min(chunk - cut->rows, from.rows - replay.chunk_row);
    engine::AppendRows(from, replay.chunk_row, replay.chunk_row + take, cut);
    replay.chunk_row += take;
    if (replay.chunk_row == from.rows) {
      ++replay.chunk_index;
      replay.chunk_row = 0;
    }
  }
  return *cut;
}

void CachingBackend::Finish(Replay& replay, RequestState state, const std::string& error) {
  replay.info.state = state;
  replay.info.error = error;
  replay.info.finished_s = Now();
  replay.entry.reset();
  std::shared_ptr<ResultSink> sink = std::move(replay.sink);
  if (sink) sink->End(replay.info);
}

void CachingBackend::Poll(double max_wait_s) {
  bool pending = false;
  for (auto& [id, replay] : replays_) {
    if (IsFinished(replay->info.state)) continue;
    if (!replay->cancel_reason.empty()) {
      Finish(*replay, RequestState::kCancelled, replay->cancel_reason);
    } else if (!DeliverSome(*replay)) {
      pending = true;
    }
  }
  DropExpired();
  inner_.Poll(pending ? 0 : max_wait_s);
}

void CachingBackend::DropExpired() {
  const double now = Now();
  std::erase_if(replays_, [&](const auto& item) {
    const RequestInfo& info = item.second->info;
    return IsFinished(info.state) && now - info.finished_s > ttl_s_;
  });
  // Forget the id mappings of requests the wrapped backend no longer tracks: checked only once
  // the map doubled since the last check, so the cost per statement stays constant.
  if (inner_of_.size() < prune_at_) return;
  std::erase_if(inner_of_, [&](const auto& item) {
    if (inner_.Status(item.second)) return false;
    outer_of_.erase(item.second);
    return true;
  });
  prune_at_ = std::max(kPruneBatch, 2 * inner_of_.size());
}

RequestInfo CachingBackend::Outer(RequestInfo info) const {
  auto it = outer_of_.find(info.id);
  info.id = it == outer_of_.end() ? 0 : it->second;
  return info;
}

std::optional<RequestInfo> CachingBackend::Status(std::uint64_t id) const {
  if (auto it = replays_.find(id); it != replays_.end()) return it->second->info;
  auto it = inner_of_.find(id);
  if (it == inner_of_.end()) return std::nullopt;
  std::optional<RequestInfo> info = inner_.Status(it->second);
  if (info) info->id = id;
  return info;
}

std::vector<RequestInfo> CachingBackend::List() const {
  std::vector<RequestInfo> all;
  for (const RequestInfo& info : inner_.List()) {
    RequestInfo outer = Outer(info);
    if (outer.id != 0) all.push_back(std::move(outer));
  }
  for (const auto& [id, replay] : replays_) all.push_back(replay->info);
  std::sort(all.begin(), all.end(),
            [](const RequestInfo& a, const RequestInfo& b) { return a.id < b.id; });
  return all;
}

bool CachingBackend::Busy() const {
  for (const auto& [id, replay] : replays_) {
    if (!IsFinished(replay->info.state)) return true;
  }
  return inner_.Busy();
}

CachingBackend::Stats CachingBackend::stats() const {
  return Stats{hits_, misses_, entries_.size(), bytes_};
}

}  // namespace plume::frontend
