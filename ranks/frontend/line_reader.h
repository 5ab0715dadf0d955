// Reads lines from a descriptor (stdin) on its own thread, so the gateway's main thread can
// keep polling the runtime while the user types. The thread makes no MPI calls: it only reads,
// splits at '\n' and queues. Stop() wakes it through a pipe and joins it; the destructor stops.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace plume::frontend {

class LineReader {
 public:
  // Starts reading `fd` (not closed here). Throws std::system_error if the thread or the wake
  // pipe cannot be made.
  explicit LineReader(int fd);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  enum class Result { kLine, kEof, kNone };
  // Takes the next line (without '\n'), waiting up to wait_s for one. kEof once the input has
  // ended and every line was taken (a last line without '\n' still comes first).
  Result Pop(std::string* line, double wait_s);
  void Stop();

 private:
  void Loop();

  int fd_;
  int wake_[2] = {-1, -1};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  bool eof_ = false;
  std::thread thread_;
};

}  // namespace plume::frontend
