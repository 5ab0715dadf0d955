#include "ranks/frontend/output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

namespace plume::frontend {
namespace {

constexpr std::size_t kMaxHeldInMemory = 1 << 20;
// The writer thread looks at drops and closing this often while the reader does not read.
constexpr int kPollMs = 50;
// A target being closed gives up on a reader that has not read for this long.
constexpr auto kCloseStall = std::chrono::seconds(2);

// Writes all of `data`; *written counts the bytes write(2) accepted, also when it fails.
bool WriteAll(int fd, std::string_view data, int* err, std::uint64_t* written) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    *written += static_cast<std::uint64_t>(n);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);

// Writes what `fd` takes without blocking (waiting up to timeout_ms for it to take anything),
// in writes of at most `piece` bytes. Returns how much; *err is set (non-zero) when a write
// failed after that much.
std::size_t WriteReady(int fd, std::string_view data, std::size_t piece, int timeout_ms, int* err) {
  std::size_t done = 0;
  while (done < data.size()) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, done == 0 ? timeout_ms : 0);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      *err = errno;
      return done;
    }
    if (ready == 0) break;
    const ssize_t n = ::write(fd, data.data() + done, std::min(piece, data.size() - done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) {
      *err = errno;
      return done;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

// How much one write may take without blocking after poll said writable: anything on a
// nonblocking descriptor or a regular file; PIPE_BUF on a blocking pipe or terminal, which one
// with room takes whole (stdout stays blocking: its flags are shared with other processes).
std::size_t PieceFor(int fd) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return kNoLimit;
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK) ? kNoLimit : PIPE_BUF;
}

}  // namespace

std::shared_ptr<OutputTarget> OutputTarget::Open(const std::string& path, std::string* error,
                                                 OutputContent content) {
  if (path == "-") return std::make_shared<OutputTarget>(1, "standard output", false, content);
  // O_NONBLOCK: opening a fifo nobody reads fails (ENXIO) instead of hanging; results are then
  // written nonblocking by the writer thread, the report blocking as before.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd >= 0 && content == OutputContent::kReport) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  if (fd < 0) {
    *error = (content == OutputContent::kReport ? "Error: cannot write the report to "
                                                : "Error: cannot open output file ") +
             path + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::make_shared<OutputTarget>(fd, path, true, content);
}

OutputTarget::OutputTarget(int fd, std::string name, bool owned, OutputContent content)
    : fd_(fd), name_(std::move(name)), owned_(owned), content_(content), piece_(PieceFor(fd)) {}

OutputTarget::~OutputTarget() {
  std::string error;
  if (!Close(&error)) WriteFd(2, error + "\n");
}

bool OutputTarget::Close(std::string* error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return true;
    closed_ = true;
    closing_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (!owned_ || ::close(fd_) == 0) return true;
  const int err = errno;  // EINTR too: Linux has closed the descriptor anyway, do not retry
  *error = ErrorText(err);
  return false;
}

std::string OutputTarget::ErrorText(int err) const {
  return std::string("Error: writing ") +
         (content_ == OutputContent::kReport ? "the report" : "results") + " to " + name_ +
         " failed: " + std::strerror(err);
}

bool OutputTarget::Write(std::string_view data, std::string* error) {
  int err = 0;
  if (content_ == OutputContent::kReport) {
    std::uint64_t written = 0;
    if (WriteAll(fd_, data, &err, &written)) return true;
    *error = ErrorText(err);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_ == 0 && queue_.empty() && !writing_) {
      // Nothing queued: what the output takes now goes at once, on this thread.
      const std::size_t done = WriteReady(fd_, data, piece_, 0, &err);
      Delivered(accepted_, done);
      accepted_ += done;
      written_ += done;
      data.remove_prefix(done);
      if (err != 0) error_ = err;
    }
    if (error_ != 0) {
      *error = ErrorText(error_);
      return false;
    }
    if (data.empty()) return true;
    queue_.push_back({std::string(data), accepted_, accepted_ + data.size()});
    accepted_ += data.size();
    if (!writer_.joinable()) writer_ = std::thread(&OutputTarget::WriterLoop, this);
  }
  wake_.notify_one();
  return true;
}

bool OutputTarget::reader_gone() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_ == EPIPE;
}

bool OutputTarget::Failed(std::string* error) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_ == 0) return false;
  *error = ErrorText(error_);
  return true;
}

std::uint64_t OutputTarget::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::uint64_t OutputTarget::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

void OutputTarget::Delivered(std::uint64_t begin, std::uint64_t n) {
  if (n == 0) return;
  if (!delivered_.empty() && delivered_.back().second == begin) {
    delivered_.back().second += n;
  } else {
    delivered_.emplace_back(begin, begin + n);
  }
}

std::uint64_t OutputTarget::DeliveredIn(std::uint64_t begin, std::uint64_t end) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t n = 0;
  for (const auto& [from, to] : delivered_) {
    if (to <= begin) continue;
    if (from >= end) break;
    n += std::min(to, end) - std::max(from, begin);
  }
  return n;
}

void OutputTarget::Drop(std::uint64_t from, std::uint64_t until) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Piece& piece : queue_) {
    if (piece.begin < from || piece.end > until) continue;
    piece.dropped = true;
    std::string().swap(piece.text);
  }
  if (writing_ && current_begin_ >= from && current_end_ <= until) drop_current_ = true;
  // Dropped text at the head counts as written now, unless a piece before it is in flight.
  while (!writing_ && !queue_.empty() && queue_.front().dropped) {
    written_ = std::max(written_, queue_.front().end);
    queue_.pop_front();
  }
}

void OutputTarget::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Piece piece = std::move(queue_.front());
    queue_.pop_front();
    if (error_ == 0 && !piece.dropped && !close_gave_up_) {
      writing_ = true;
      current_begin_ = piece.begin;
      current_end_ = piece.end;
      drop_current_ = false;
      lock.unlock();
      int err = 0;
      const bool ok = WritePiece(piece, &err);
      lock.lock();
      writing_ = false;
      if (!ok) error_ = err;
    }
    written_ = std::max(written_, piece.end);
  }
}

bool OutputTarget::WritePiece(const Piece& piece, int* err) {
  std::string_view rest(piece.text);
  auto progress = std::chrono::steady_clock::now();
  while (!rest.empty()) {
    const std::size_t n = WriteReady(fd_, rest, piece_, kPollMs, err);
    std::lock_guard<std::mutex> lock(mu_);
    Delivered(piece.end - rest.size(), n);
    if (*err != 0) return false;
    if (n > 0) {
      rest.remove_prefix(n);
      progress = std::chrono::steady_clock::now();
      continue;
    }
    const bool stalled = std::chrono::steady_clock::now() - progress > kCloseStall;
    if (closing_ && stalled) close_gave_up_ = true;    // one stall, not one per queued piece
    if (drop_current_ || close_gave_up_) return true;  // dropped
  }
  return true;
}

OutputSlot::OutputSlot(std::shared_ptr<OutputTarget> target, bool live)
    : target_(std::move(target)), live_(live) {}

OutputSlot::~OutputSlot() = default;

bool OutputSlot::Write(std::string_view data, std::string* error) {
  if (data.empty()) return true;
  bytes_ += data.size();
  if (live_) return Pass(data, error);
  held_.append(data);
  return held_.size() <= kMaxHeldInMemory || Spill(error);
}

bool OutputSlot::Spill(std::string* error) {
  if (spill_ == nullptr) spill_.reset(std::tmpfile());
  if (spill_ == nullptr ||
      std::fwrite(held_.data(), 1, held_.size(), spill_.get()) != held_.size()) {
    *error = "Error: holding results for " + target_->name() +
             " in a temporary file failed: " + std::strerror(errno);
    return false;
  }
  held_.clear();
  return true;
}

bool OutputSlot::MakeLive(std::string* error) {
  if (live_) return true;
  live_ = true;
  if (spill_ != nullptr) {
    if (std::fflush(spill_.get()) != 0 || std::fseek(spill_.get(), 0, SEEK_SET) != 0) {
      *error = "Error: reading held results back failed: " + std::string(std::strerror(errno));
      return false;
    }
    std::string buffer(1 << 16, '\0');
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), spill_.get())) {
      if (!Pass(std::string_view(buffer.data(), n), error)) return false;
    }
    if (std::ferror(spill_.get()) != 0) {
      *error = "Error: reading held results back failed: " + std::string(std::strerror(errno));
      return false;
    }
    spill_.reset();
  }
  std::string held = std::move(held_);
  held_.clear();
  return Pass(held, error);
}

bool OutputSlot::Pass(std::string_view data, std::string* error) {
  if (!passed_) {
    passed_ = true;
    begin_ = target_->accepted();
    end_ = begin_;
  }
  const bool ok = target_->Write(data, error);
  end_ = target_->accepted();
  return ok;
}

std::uint64_t OutputSlot::bytes() const { return passed_ ? target_->DeliveredIn(begin_, end_) : 0; }

std::uint64_t OutputSlot::Backlog() const {
  const std::uint64_t written = target_->written();
  return live_ && end_ > written ? end_ - written : 0;
}

void OutputSlot::Abandon() {
  if (live_ && passed_) target_->Drop(begin_, end_);
}

void WriteFd(int fd, std::string_view text) {
  int err = 0;
  std::uint64_t written = 0;
  WriteAll(fd, text, &err, &written);
}

}  // namespace plume::frontend
