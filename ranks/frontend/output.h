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
// the queue through Backlog(); a write failure is reported by the next Write. The report
// (OutputContent::kReport) is written synchronously. The public calls are made from the
// gateway's main thread only.
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

namespace plume::frontend {

// What a target receives; it names the target in error messages.
enum class OutputContent {
  kResults,  // "Error: cannot open output file X: ...", "Error: writing results to X failed: ..."
  kReport,   // "Error: cannot write the report to X: ...", "Error: writing the report to X ..."
};

class OutputTarget {
 public:
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
  // Offset just past the last byte Write accepted, and past the last byte written (or
  // dropped): both count from 0 at Open.
  std::uint64_t accepted() const;
  std::uint64_t written() const;
  std::uint64_t Backlog() const { return accepted() - written(); }
  // Bytes among offsets [begin, end) that write(2) took (reached the output): dropped text and
  // text after a failed write do not count. The writer thread keeps this up to date.
  std::uint64_t DeliveredIn(std::uint64_t begin, std::uint64_t end) const;
  // Drops the text queued at offsets [from, until) (and stops the piece being written if it
  // lies there), so a statement whose reader stopped reading can end. Text before and after
  // (other statements') is kept; dropped text counts as written.
  void Drop(std::uint64_t from, std::uint64_t until);
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
  // A write failed with EPIPE: the reader went away (`plume ... | head`).
  bool reader_gone() const;

 private:
  struct Piece {
    std::string text;
    std::uint64_t begin = 0, end = 0;  // offsets of its first byte and just past it
    bool dropped = false;              // text freed; the writer only counts it as written
  };
  // Offsets [begin, begin + n) reached the output; mu_ held.
  void Delivered(std::uint64_t begin, std::uint64_t n);
  void WriterLoop();
  // Writes one piece, giving up when it is dropped or the target closes; the mutex is not held.
  bool WritePiece(const Piece& piece, int* err);  // records what it delivered
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
  // The piece the writer thread is writing: its offsets, and whether Drop asked it to stop.
  std::uint64_t current_begin_ = 0, current_end_ = 0;
  bool drop_current_ = false;
  // Offset ranges that reached the output, ascending and coalesced: one range unless text was
  // dropped or a write failed.
  std::deque<std::pair<std::uint64_t, std::uint64_t>> delivered_;
  int error_ = 0;  // errno of the write that failed; later writes fail at once
  bool closing_ = false;
  bool close_gave_up_ = false;  // closing, the reader stalled: the rest of the queue is dropped
  bool writing_ = false;        // the writer thread is writing a piece it took off the queue
  std::thread writer_;          // started by the first queued write
  bool closed_ = false;         // Close ran
};

class OutputSlot {
 public:
  OutputSlot(std::shared_ptr<OutputTarget> target, bool live);
  ~OutputSlot();
  OutputSlot(const OutputSlot&) = delete;
  OutputSlot& operator=(const OutputSlot&) = delete;

  bool Write(std::string_view data, std::string* error);
  // Writes everything held so far to the target; from then on writes go straight through.
  bool MakeLive(std::string* error);
  bool live() const { return live_; }
  // Bytes of this slot that reached the output (the report's byte count): what was accepted
  // by Write minus what is still held or queued, was dropped (Abandon) or failed to write.
  // One slot of a target is live at a time, so a slot's text is one range of offsets.
  std::uint64_t bytes() const;
  std::uint64_t accepted() const { return bytes_; }  // bytes accepted by Write
  // Bytes of this slot (and of the slots before it) not yet written to the target.
  std::uint64_t Backlog() const;
  // Drops this slot's text not yet written (its reader stopped reading).
  void Abandon();
  const OutputTarget& target() const { return *target_; }

 private:
  bool Spill(std::string* error);
  bool Pass(std::string_view data, std::string* error);  // to the target; tracks end_

  std::shared_ptr<OutputTarget> target_;
  bool live_;
  std::string held_;
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }  // a read-back temp file: no data lost
  };
  std::unique_ptr<std::FILE, FileCloser> spill_;  // owned: closed (and deleted) however we leave
  std::uint64_t bytes_ = 0;
  bool passed_ = false;      // begin_ is set: this slot passed text to the target
  std::uint64_t begin_ = 0;  // the target's accepted() before this slot's first write
  std::uint64_t end_ = 0;    // the target's accepted() after this slot's last write
};

// Writes text to a descriptor (console messages, progress); failures are ignored, since there
// is nobody left to tell.
void WriteFd(int fd, std::string_view text);

}  // namespace plume::frontend
