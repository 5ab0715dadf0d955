#include "ranks/frontend/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "ranks/frontend/format.h"

namespace plume::frontend {

LineReader::LineReader(int fd, std::size_t max_line_bytes)
    : fd_(fd), max_line_bytes_(max_line_bytes) {
  if (::pipe2(wake_, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "LineReader: pipe");
  }
  try {
    thread_ = std::thread([this] { Loop(); });
  } catch (...) {
    ::close(wake_[0]);
    ::close(wake_[1]);
    throw;
  }
}

LineReader::~LineReader() {
  Stop();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void LineReader::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  room_cv_.notify_all();
  char byte = 0;
  while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

bool LineReader::WaitForRoom() {
  std::unique_lock<std::mutex> lock(mu_);
  room_cv_.wait(lock, [this] { return stopping_ || queued_bytes_ <= 4 * max_line_bytes_; });
  return !stopping_;
}

// Called with mu_ held: the line read so far becomes a queued line.
void LineReader::EndLine() {
  queued_bytes_ += partial_.size();
  lines_.push_back({std::move(partial_), partial_dropped_});
  partial_.clear();
  partial_dropped_ = 0;
}

void LineReader::Take(const char* data, std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < n;) {
    const char* nl = static_cast<const char*>(std::memchr(data + i, '\n', n - i));
    std::size_t end = nl == nullptr ? n : static_cast<std::size_t>(nl - data);
    std::size_t piece = end - i;
    if (partial_dropped_ == 0 && partial_.size() + piece <= max_line_bytes_) {
      partial_.append(data + i, piece);
    } else {  // too long: keep only the count, resynchronise at the next '\n'
      partial_dropped_ += partial_.size() + piece;
      partial_.clear();
      partial_.shrink_to_fit();
    }
    if (nl == nullptr) break;
    EndLine();
    i = end + 1;
  }
  cv_.notify_one();
}

void LineReader::Loop() {
  char buffer[1 << 16];
  for (;;) {
    if (!WaitForRoom()) return;
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) return;  // Stop(): nobody wants more lines
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // EOF, or an error that ends the input just the same
    Take(buffer, static_cast<std::size_t>(n));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!partial_.empty() || partial_dropped_ > 0) EndLine();
  eof_ = true;
  cv_.notify_one();
}

LineReader::Result LineReader::Pop(std::string* line, double wait_s) {
  std::unique_lock<std::mutex> lock(mu_);
  if (lines_.empty() && !eof_ && wait_s > 0) {
    cv_.wait_for(lock, std::chrono::duration<double>(wait_s),
                 [this] { return !lines_.empty() || eof_; });
  }
  if (lines_.empty()) return eof_ ? Result::kEof : Result::kNone;
  Line next = std::move(lines_.front());
  lines_.pop_front();
  queued_bytes_ -= next.text.size();
  room_cv_.notify_one();
  if (next.dropped_bytes == 0) {
    *line = std::move(next.text);
    return Result::kLine;
  }
  *line = "Error: an input line of " + CountOf(next.dropped_bytes, "byte") +
          " is longer than --max-statement-bytes (" + CountOf(max_line_bytes_, "byte") +
          "); it was skipped, reading goes on at the next line";
  return Result::kTooLong;
}

}  // namespace plume::frontend
