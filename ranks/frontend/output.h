// Where result text goes: stdout or a file (OutputTarget), and one statement's share of it
// (OutputSlot), which writes straight through while it is "live" and otherwise holds its text
// (in memory up to 1 MiB, then in an unnamed temporary file) so that statements running at the
// same time never interleave their rows. Writes use write(2) and report failures (EPIPE,
// ENOSPC, ...) as "Error: writing results to X failed: ..." (or "the report", see
// OutputContent); nothing here throws.
// Results never block the caller: Write writes what the output takes at once and queues the
// rest for a writer thread of the target's own (poll(2) with a timeout between pieces, so a
// reader that stopped reading blocks neither the caller nor the end of a statement, and queued
// text can be dropped). The caller bounds
// the queue through Backlog(); a write failure is reported by the next Write. Held text made
// live goes to the queue as its temporary file, which the writer thread reads in steps of
// 64 KiB, so making a big held result live adds no memory. The report
// (OutputContent::kReport) is written synchronously. The public calls are made from the
// gateway's main thread only.
//
// Whole rows: every Write is a unit of whole rows (a chunk, a header) and held text keeps its
// units' ends, so dropping text (Drop, Abandon) never cuts a row: a unit the output has begun
// is written to its end, the units after it are dropped whole. Drop says where the drop began,
// so the slot knows how many rows were not written.
//
// Console text (WriteConsole) that goes to the same terminal or file as the results joins the
// same queue: it reaches the output after every result byte queued before it and is never
// dropped (a prompt never lands between a statement's rows).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace plume::frontend {

// What a target receives; it names the target in error messages.
enum class OutputContent {
  kResults,  // "Error: cannot open output file X: ...", "Error: writing results to X failed: ..."
  kReport,   // "Error: cannot write the report to X: ...", "Error: writing the report to X ..."
};

class OutputTarget {
 public:
  // The lifecycle: kOpen -> kClosing (Close: the writer thread writes what is queued) ->
  // kClosed; kClosing -> kGivenUp when the reader stalled kCloseStall while closing (the rest
  // of the queue is dropped) -> kClosed.
  enum class State { kOpen, kClosing, kGivenUp, kClosed };
  static bool CanMove(State from, State to);
  // A temporary file of held text, closed (and so deleted) however it is left.
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }  // read-back only: no data lost
  };
  using HeldFile = std::unique_ptr<std::FILE, FileCloser>;

  // "-" is stdout (not closed here); any other path is created or truncated. Returns nullptr
  // and sets *error when the file cannot be opened.
  static std::shared_ptr<OutputTarget> Open(const std::string& path, std::string* error,
                                            OutputContent content = OutputContent::kResults);
  // A target on an open descriptor; `owned`: closed by the destructor.
  OutputTarget(int fd, std::string name, bool owned,
               OutputContent content = OutputContent::kResults);
  ~OutputTarget();
  OutputTarget(const OutputTarget&) = delete;
  OutputTarget& operator=(const OutputTarget&) = delete;

  // Writes all of `data` (results: queues it for the writer thread); false with *error when
  // this or an earlier write failed.
  bool Write(std::string_view data, std::string* error);
  // Queues held text after what is queued: `file_bytes` bytes of `file` from its current
  // position, then `text`; `units` are the offsets (from the start of the file's text) where
  // units of whole rows end, ascending (the end of the whole is one anyway). Results only.
  bool WriteHeld(HeldFile file, std::uint64_t file_bytes, std::string text,
                 const std::vector<std::uint64_t>& units, std::string* error);
  // Console text: after every byte queued so far, never dropped, not counted in accepted(),
  // written() or any slot's bytes. Failures are ignored (nobody is left to tell).
  void WriteConsole(std::string_view text);
  // Offset just past the last byte Write accepted, and past the last byte written (or
  // dropped): both count from 0 at Open.
  std::uint64_t accepted() const;
  std::uint64_t written() const;
  std::uint64_t Backlog() const { return accepted() - written(); }
  // Bytes among offsets [begin, end) that write(2) took (reached the output): dropped text and
  // text after a failed write do not count. The writer thread keeps this up to date.
  std::uint64_t DeliveredIn(std::uint64_t begin, std::uint64_t end) const;
  // Drops the text queued at offsets [from, until) in whole units: a unit the output has begun
  // is still written to its end, the units after it are dropped (and count as written), so a
  // statement whose reader stopped reading can end. Text before and after (other statements')
  // is kept. Returns the offset where the dropped text begins (`until` when none was).
  std::uint64_t Drop(std::uint64_t from, std::uint64_t until);
  // True, with the message in *error, once a queued write failed.
  bool Failed(std::string* error) const;
  // Waits for the writer thread to write what is queued, then closes an owned descriptor:
  // false with *error ("Error: writing results to X failed: <reason>") when close(2) fails,
  // which on some file systems is the first report of data that did not reach the file. Only
  // the first call closes; Write must not be called after it. The destructor calls it and
  // prints that error on stderr, as nobody else is left to tell.
  bool Close(std::string* error);
  // The path, or "standard output" for "-"; what messages call this target.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool is_stdout() const { return fd_ == 1; }
  // True when `fd` is this target's descriptor or the same terminal or file (console text to
  // `fd` then goes through WriteConsole).
  bool Shares(int fd) const;
  State state() const;
  // Bytes of queued text held in memory (held text queued as a file does not count).
  std::uint64_t queued_text() const;
  // A write failed with EPIPE: the reader went away (`plume ... | head`).
  bool reader_gone() const;

 private:
  // kQueued: nothing of it written yet; kBegun: its first byte continues text already written
  // (Write wrote the start at once), so it is not dropped before the end of its first unit;
  // kConsole: console text (no offsets, never dropped).
  enum class PieceKind : std::uint8_t { kQueued, kBegun, kConsole };
  struct Piece {
    PieceKind kind = PieceKind::kQueued;
    std::string text;  // after the file's bytes, if any
    HeldFile file;     // held text read back in steps; file_bytes of it
    std::uint64_t file_bytes = 0;
    std::uint64_t begin = 0, end = 0;  // offsets of its first byte and just past it
    std::vector<std::uint64_t> units;  // offsets where inner units end (ascending, < end)
    std::uint64_t stop_at = 0;         // written up to here, the rest dropped (end: all of it)
  };
  // Whether the writer thread is writing a piece it took off the queue.
  enum class Current : std::uint8_t { kIdle, kWriting };

  bool MoveTo(State next);  // mu_ held; false, and no change, for a transition CanMove refuses
  // Offsets [begin, begin + n) reached the output; mu_ held.
  void Delivered(std::uint64_t begin, std::uint64_t n);
  bool Enqueue(Piece piece, std::string* error);  // mu_ held
  void WriterLoop();
  // Writes one piece, unit by unit, until its stop_at or the target gives up; the mutex is
  // not held. Records what it delivered.
  bool WritePiece(Piece& piece, int* err);
  // Writes `data` (the piece's bytes [at, at + data.size()), within one unit); false when it
  // gave up (closing, reader stalled) or failed (*err).
  bool WriteUnit(const Piece& piece, std::uint64_t at, std::string_view data, int* err);
  enum class UnitStart : std::uint8_t { kBegun, kDropped, kGivenUp, kFailed };
  UnitStart AwaitUnitStart(int* err);
  // The next bytes of `piece` from offset `at` (before `until`): a view of its text, or at
  // most 64 KiB of its file read into *buffer; false when the file could not be read (*err).
  static bool PieceBlock(Piece& piece, std::uint64_t at, std::uint64_t until, std::string* buffer,
                         std::string_view* out, int* err);
  std::string ErrorText(int err) const;

  int fd_;
  std::string name_;
  bool owned_;
  OutputContent content_;
  std::size_t piece_;  // bytes per write(2) that cannot block once poll(2) said writable
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Piece> queue_;
  std::uint64_t accepted_ = 0, written_ = 0;
  State state_ = State::kOpen;
  Current current_ = Current::kIdle;
  // The piece being written: its offsets, the unit being written and whether the output has
  // taken any of it (Drop then stops the piece at its end, else at its start), where it stops.
  std::uint64_t current_begin_ = 0, current_end_ = 0, current_stop_ = 0;
  std::uint64_t current_unit_begin_ = 0, current_unit_end_ = 0;
  bool current_unit_begun_ = false;
  std::uint64_t queued_text_ = 0;  // bytes of text the queue holds in memory (not in files)
  // Offset ranges that reached the output, ascending and coalesced: one range unless text was
  // dropped or a write failed.
  std::deque<std::pair<std::uint64_t, std::uint64_t>> delivered_;
  int error_ = 0;       // errno of the write that failed; later writes fail at once
  std::thread writer_;  // started by the first queued write
};

class OutputSlot {
 public:
  OutputSlot(std::shared_ptr<OutputTarget> target, bool live);
  ~OutputSlot();
  OutputSlot(const OutputSlot&) = delete;
  OutputSlot& operator=(const OutputSlot&) = delete;

  // `data` is one unit of whole rows (`rows` of them: the count of rows not written after a
  // drop comes from these).
  bool Write(std::string_view data, std::string* error, std::uint64_t rows = 0);
  // Hands everything held so far to the target (the temporary file as it is: the writer thread
  // reads it in steps); from then on writes go straight through.
  bool MakeLive(std::string* error);
  bool live() const { return live_; }
  // Bytes of this slot that reached the output (the report's byte count): what was accepted
  // by Write minus what is still held or queued, was dropped (Abandon) or failed to write.
  // One slot of a target is live at a time, so a slot's text is one range of offsets.
  std::uint64_t bytes() const;
  std::uint64_t accepted() const { return bytes_; }  // bytes accepted by Write
  // Bytes held while the slot is not live: in memory (up to 1 MiB) plus its temporary file.
  std::uint64_t held() const { return held_.size() + spilled_; }
  // Bytes of this slot (and of the slots before it) not yet written to the target; 0 once
  // abandoned (the rest of a unit begun is the target's to finish).
  std::uint64_t Backlog() const;
  // Drops this slot's text not yet written (its reader stopped reading), in whole units.
  void Abandon();
  // Rows of the units Abandon dropped.
  std::uint64_t rows_dropped() const { return rows_dropped_; }
  const OutputTarget& target() const { return *target_; }

  // Held text is cut into units of at least this many bytes (whole Writes), so that the ends
  // kept for a big held result stay few.
  static constexpr std::uint64_t kHeldUnit = 64 << 10;

 private:
  struct Unit {
    std::uint64_t end = 0;   // slot offset just past it
    std::uint64_t rows = 0;  // rows up to its end, counted from the slot's start
  };
  bool Spill(std::string* error);
  bool Pass(std::string_view data, std::string* error);  // to the target; tracks end_
  void AddUnit();                                        // after bytes_ and rows_ grew by a Write
  void ForgetWrittenUnits();

  std::shared_ptr<OutputTarget> target_;
  bool live_;
  bool abandoned_ = false;
  std::string held_;
  OutputTarget::HeldFile spill_;  // owned: closed (and deleted) however we leave
  std::uint64_t spilled_ = 0;     // bytes in spill_
  std::uint64_t bytes_ = 0;
  std::uint64_t rows_ = 0;               // rows of every Write
  std::deque<Unit> units_;               // not yet known to be written
  std::uint64_t last_unit_begin_ = 0;    // slot offset where units_.back() begins
  std::uint64_t rows_before_units_ = 0;  // rows of the units forgotten as written
  std::uint64_t rows_dropped_ = 0;
  bool passed_ = false;      // begin_ is set: this slot passed text to the target
  std::uint64_t begin_ = 0;  // the target's accepted() before this slot's first write
  std::uint64_t end_ = 0;    // the target's accepted() after this slot's last write
};

// Writes text to a descriptor (console messages, progress); failures are ignored, since there
// is nobody left to tell.
void WriteFd(int fd, std::string_view text);

}  // namespace plume::frontend
