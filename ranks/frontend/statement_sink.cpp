#include "ranks/frontend/statement_sink.h"

#include <algorithm>

#include "engine/query.h"

namespace plume::frontend {

StatementSink::StatementSink(std::unique_ptr<Formatter> formatter, std::unique_ptr<OutputSlot> slot,
                             std::function<double()> clock, double start_s)
    : formatter_(std::move(formatter)),
      slot_(std::move(slot)),
      clock_(std::move(clock)),
      start_s_(start_s) {}

bool StatementSink::CanMove(State from, State to) {
  switch (from) {
    case State::kWaiting:
      return to == State::kStreaming || to == State::kEnded;
    case State::kStreaming:
      return to == State::kEnded;
    case State::kEnded:
      return to == State::kDropped;
    case State::kDropped:
      return false;
  }
  return false;
}

bool StatementSink::MoveTo(State next) {
  if (!CanMove(state_, next)) return false;
  state_ = next;
  return true;
}

bool StatementSink::Write(const std::string& text, std::uint64_t rows) {
  if (!write_error_.empty()) return false;
  if (before_write_ && slot_->live() && !text.empty()) before_write_();
  if (!slot_->Write(text, &write_error_, rows)) return false;
  if (slot_->live() && !text.empty()) last_write_s_ = clock_();
  return WithinLimit();
}

bool StatementSink::WithinLimit() {
  if (memory_limit_ == 0) return true;
  const bool held = !slot_->live();
  if ((held ? slot_->held() : slot_->Backlog()) <= memory_limit_) return true;
  over_limit_ = true;
  write_error_ =
      "Error: gateway (rank 0): " +
      std::string(
          engine::MemoryLimitExceeded(held ? "held output" : "output queue", memory_limit_).what());
  return false;
}

void StatementSink::Begin(const RequestInfo& info) {
  info_ = info;
  if (!MoveTo(State::kStreaming)) return;  // a second Begin (or one after End) adds nothing
  text_.clear();
  formatter_->Begin(info.fields, &text_);
  Write(text_);
}

bool StatementSink::Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) {
  info_ = info;
  text_.clear();
  FormatChunk(*formatter_, info.row_text, chunk, &text_);
  if (Write(text_, chunk.rows)) {
    rows_ += chunk.rows;  // rows written (or, for the null format, received and dropped)
    ++chunks_;
    return true;
  }
  *error = write_error_;
  return false;
}

void StatementSink::End(const RequestInfo& info) {
  if (state_ == State::kEnded || state_ == State::kDropped) return;  // ended once already
  info_ = info;
  const bool completed = info.state == RequestState::kCompleted;
  // The rows of a statement that stopped early are not waited for: what its output has not
  // taken is dropped in whole rows (the closing text below still follows them).
  if (!completed) slot_->Abandon();
  if (state_ == State::kStreaming) {
    text_.clear();
    formatter_->End(completed, &text_);
    Write(text_);
  }
  MoveTo(State::kEnded);
  if (slot_->live()) last_write_s_ = std::max(last_write_s_, clock_());
}

bool StatementSink::finished() const {
  return state_ == State::kDropped || (state_ == State::kEnded && slot_->Backlog() == 0);
}

bool StatementSink::DropUnwritten() {
  if (state_ != State::kEnded || !slot_->live() || slot_->Backlog() == 0) return false;
  slot_->Abandon();
  MoveTo(State::kDropped);
  return true;
}

bool StatementSink::Release() {
  if (slot_->live()) return true;
  bool ok = write_error_.empty() && slot_->MakeLive(&write_error_);
  last_write_s_ = clock_();
  return ok;
}

std::string StatementSink::NotWrittenNote() const {
  const std::uint64_t n = slot_->rows_dropped();
  if (n == 0) return "";
  return "Note: " + CountOf(n, "row") + (n == 1 ? " was" : " were") + " not written to " +
         slot_->target().name() +
         ": its output had not taken them when the statement ended (whole rows are dropped)\n";
}

ExecutionRecord StatementSink::Record() const {
  ExecutionRecord r;
  r.sql = info_.sql;
  r.request_id = info_.id;
  r.status = std::string(StateName(info_.state));
  r.error = info_.error;
  r.error_position = info_.error_position;
  if (!write_error_.empty()) {
    r.status = "failed";
    r.error = write_error_;
  } else if (info_.state == RequestState::kCompleted) {
    r.error.clear();
  }
  std::string failed;
  if (write_error_.empty() && slot_->target().Failed(&failed)) {
    r.status = "failed";
    r.error = failed;
  }
  r.rows_not_written = std::min(slot_->rows_dropped(), rows_);
  r.rows = rows_ - r.rows_not_written;
  r.chunks = chunks_;
  r.bytes = slot_->bytes();
  r.bytes_received = info_.bytes_received;
  r.frames = info_.frames_received;
  r.frames_compressed = info_.frames_compressed;
  r.cached = info_.cached;
  if (info_.first_chunk_s >= 0) r.first_chunk_ms = (info_.first_chunk_s - start_s_) * 1e3;
  double end = last_write_s_ >= 0 ? last_write_s_ : info_.finished_s;
  r.total_ms = std::max(0.0, (end - start_s_) * 1e3);
  return r;
}

}  // namespace plume::frontend
