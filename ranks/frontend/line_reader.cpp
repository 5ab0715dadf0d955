#include "ranks/frontend/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

namespace plume::frontend {

LineReader::LineReader(int fd) : fd_(fd) {
  if (::pipe2(wake_, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "LineReader: pipe");
  }
  thread_ = std::thread([this] { Loop(); });
}

LineReader::~LineReader() {
  Stop();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void LineReader::Stop() {
  if (!thread_.joinable()) return;
  char byte = 0;
  while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

void LineReader::Loop() {
  std::string partial;
  char buffer[4096];
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) return;  // Stop(): nobody wants more lines
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // EOF, or an error that ends the input just the same
    std::lock_guard<std::mutex> lock(mu_);
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        lines_.push_back(std::move(partial));
        partial.clear();
      } else {
        partial.push_back(buffer[i]);
      }
    }
    cv_.notify_one();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!partial.empty()) lines_.push_back(std::move(partial));
  eof_ = true;
  cv_.notify_one();
}

LineReader::Result LineReader::Pop(std::string* line, double wait_s) {
  std::unique_lock<std::mutex> lock(mu_);
  if (lines_.empty() && !eof_ && wait_s > 0) {
    cv_.wait_for(lock, std::chrono::duration<double>(wait_s),
                 [this] { return !lines_.empty() || eof_; });
  }
  if (!lines_.empty()) {
    *line = std::move(lines_.front());
    lines_.pop_front();
    return Result::kLine;
  }
  return eof_ ? Result::kEof : Result::kNone;
}

}  // namespace plume::frontend
