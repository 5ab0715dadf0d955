// The ResultSink of one execution of one statement: formats its chunks, writes them to its
// OutputSlot, and keeps what the report needs (rows, chunks, bytes, first chunk and last write
// times). Called by the Backend on the gateway's main thread; never throws.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/output.h"

namespace plume::frontend {

// One line of the report's "statements" array.
struct ExecutionRecord {
  std::string sql;
  int statement = 0;  // 1-based position in the script (0 at the prompt)
  int repeat = 1;     // 1-based repetition (--repeat)
  std::uint64_t request_id = 0;
  std::string status;              // completed | failed | cancelled
  std::string error;               // empty when completed
  std::size_t error_position = 0;  // RequestInfo::error_position (not in the report)
  std::uint64_t rows = 0, chunks = 0;
  std::uint64_t rows_not_written = 0;  // dropped, whole, when the statement ended early
  std::uint64_t bytes = 0;             // result text written to the output
  std::uint64_t bytes_received = 0;    // frame bytes that reached the gateway (as sent)
  std::uint64_t frames = 0, frames_compressed = 0;  // frames that reached the gateway
  bool cached = false;                              // answered from the result cache
  double first_chunk_ms = -1;  // from start to the first chunk; < 0 = none came
  double total_ms = 0;         // from start until the last row was written
};

class StatementSink : public ResultSink {
 public:
  // The lifecycle: kWaiting -> kStreaming (Begin) -> kEnded (End; from kWaiting too, when the
  // statement failed before its columns were known) -> kDropped (what the output had not
  // taken was dropped: DropUnwritten). Finished once kEnded and the output took everything,
  // or once kDropped.
  enum class State { kWaiting, kStreaming, kEnded, kDropped };
  static bool CanMove(State from, State to);

  // `clock` is Backend::Now; `start_s` the statement's start on that clock.
  StatementSink(std::unique_ptr<Formatter> formatter, std::unique_ptr<OutputSlot> slot,
                std::function<double()> clock, double start_s);

  void Begin(const RequestInfo& info) override;
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override;
  void End(const RequestInfo& info) override;
  std::uint64_t Backlog() const override { return slot_->Backlog(); }
  RequestState StopState() const override {
    return over_limit_ ? RequestState::kFailed : RequestState::kCancelled;
  }
  // Rank 0's memory guard over the output (--memory-limit; 0 = none): once the statement's
  // text held back (in memory and in the temporary file, while the slot is not live) or queued
  // for the writer thread and not yet written passes `bytes`, the next Chunk fails the
  // statement with "Error: gateway (rank 0): statement needs more than 1 MiB in the held
  // output (--memory-limit)" (or "the output queue").
  void set_memory_limit(std::uint64_t bytes) { memory_limit_ = bytes; }
  // What the formatter takes as lines from the data ranks (Backend::Options::row_text).
  engine::RowText row_text() const { return formatter_->row_text(); }

  // Called before text goes straight to the output (the prompt erases its progress bar).
  void set_before_write(std::function<void()> hook) { before_write_ = std::move(hook); }

  // End came and the output took everything (a statement that did not complete dropped, in
  // whole rows, what its output had not taken at its End: OutputSlot::Abandon).
  bool finished() const;
  State state() const { return state_; }
  // The user cancelled a statement that had already ended but whose output has not taken all
  // of it (a reader that stopped reading): drops what is not written yet (whole rows), so that
  // finished() holds once End came. False when there was nothing left to drop.
  bool DropUnwritten();
  // Writes what the slot holds to the output and lets later writes through (see OutputSlot).
  // False when that write failed (the error goes into the record).
  bool Release();
  bool released() const { return slot_->live(); }
  const RequestInfo& info() const { return info_; }  // the latest seen; final once finished()
  double start_s() const { return start_s_; }
  // Empty while the results are fine; the write failure otherwise.
  const std::string& write_error() const { return write_error_; }
  // Valid once finished() and released().
  ExecutionRecord Record() const;
  // "Note: 1,234 rows were not written to X ...\n" when rows were dropped, else "".
  std::string NotWrittenNote() const;

 private:
  bool Write(const std::string& text, std::uint64_t rows = 0);
  // False, with write_error_ set, once the output's text of this statement passed the limit.
  bool WithinLimit();
  bool MoveTo(State next);  // false, and no change, for a transition CanMove refuses

  std::unique_ptr<Formatter> formatter_;
  std::unique_ptr<OutputSlot> slot_;
  std::function<double()> clock_;
  std::function<void()> before_write_;
  double start_s_;
  double last_write_s_ = -1;
  State state_ = State::kWaiting;
  RequestInfo info_;
  std::uint64_t rows_ = 0, chunks_ = 0;
  std::string text_;  // reused buffer
  std::string write_error_;
  std::uint64_t memory_limit_ = 0;
  bool over_limit_ = false;  // write_error_ is the memory guard's
};

}  // namespace plume::frontend
