// Reads lines from a descriptor (stdin) on its own thread, so the gateway's main thread can
// keep polling the runtime while the user types. The thread makes no MPI calls: it only reads,
// splits at '\n' and queues. Stop() wakes it through a pipe and joins it; the destructor stops.
//
// Memory is bounded whatever the input delivers (/dev/zero, a flood of lines): a line longer
// than max_line_bytes is dropped as it arrives (Pop reports it once its '\n' comes, and reading
// resynchronises at the next line), and the thread stops reading while the queued lines hold
// more than 4 x max_line_bytes, until the main thread takes some.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace plume::frontend {

class LineReader {
 public:
  // Starts reading `fd` (not closed here). Throws std::system_error if the thread or the wake
  // pipe cannot be made.
  explicit LineReader(int fd, std::size_t max_line_bytes = std::size_t{16} << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  enum class Result { kLine, kTooLong, kEof, kNone };
  // Takes the next line (without '\n'), waiting up to wait_s for one. kTooLong: a line was
  // dropped, *line is the error to show ("Error: input line N is longer than ..."). kEof once
  // the input has ended and every line was taken (a last line without '\n' still comes first).
  Result Pop(std::string* line, double wait_s);
  void Stop();

 private:
  struct Line {
    std::string text;
    std::uint64_t dropped_bytes = 0;  // > 0: the line was too long and dropped
  };
  void Loop();
  bool WaitForRoom();  // false when Stop() was called meanwhile
  void Take(const char* data, std::size_t n);
  void EndLine();

  int fd_;
  std::size_t max_line_bytes_;
  int wake_[2] = {-1, -1};
  std::mutex mu_;
  std::condition_variable cv_;       // lines arrived (main thread waits)
  std::condition_variable room_cv_;  // lines taken (reader thread waits)
  std::deque<Line> lines_;
  std::size_t queued_bytes_ = 0;
  bool eof_ = false;
  bool stopping_ = false;
  // The line being read (reader thread only).
  std::string partial_;
  std::uint64_t partial_dropped_ = 0;
  std::thread thread_;
};

}  // namespace plume::frontend
