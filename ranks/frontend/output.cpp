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
#include <system_error>

namespace plume::frontend {
namespace {

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

// Held text is read back from its file this much at a time.
constexpr std::uint64_t kFileStep = 64 << 10;

// The end of the unit that goes on after offset `at`: the first unit end after it (`units`
// ascending), else the piece's end.
std::uint64_t UnitEndAfter(const std::vector<std::uint64_t>& units, std::uint64_t end,
                           std::uint64_t at) {
  auto it = std::upper_bound(units.begin(), units.end(), at);
  return it == units.end() ? end : std::min(*it, end);
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

bool OutputTarget::CanMove(State from, State to) {
  switch (from) {
    case State::kOpen:
      return to == State::kClosing;
    case State::kClosing:
      return to == State::kGivenUp || to == State::kClosed;
    case State::kGivenUp:
      return to == State::kClosed;
    case State::kClosed:
      return false;
  }
  return false;
}

bool OutputTarget::MoveTo(State next) {
  if (!CanMove(state_, next)) return false;
  state_ = next;
  return true;
}

OutputTarget::State OutputTarget::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

bool OutputTarget::Close(std::string* error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kOpen) return true;
    MoveTo(State::kClosing);
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    MoveTo(State::kClosed);
  }
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
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t done = 0;
  if (error_ == 0 && queue_.empty() && current_ == Current::kIdle) {
    // Nothing queued: what the output takes now goes at once, on this thread.
    done = WriteReady(fd_, data, piece_, 0, &err);
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
  Piece piece;
  piece.kind = done > 0 ? PieceKind::kBegun : PieceKind::kQueued;
  piece.text = std::string(data);
  piece.begin = accepted_;
  piece.end = piece.stop_at = accepted_ + data.size();
  accepted_ = piece.end;
  return Enqueue(std::move(piece), error);
}

bool OutputTarget::WriteHeld(HeldFile file, std::uint64_t file_bytes, std::string text,
                             const std::vector<std::uint64_t>& units, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_ != 0) {
    *error = ErrorText(error_);
    return false;
  }
  Piece piece;
  piece.file = std::move(file);
  piece.file_bytes = piece.file ? file_bytes : 0;
  piece.text = std::move(text);
  piece.begin = accepted_;
  piece.end = piece.stop_at = accepted_ + piece.file_bytes + piece.text.size();
  for (std::uint64_t u : units) {
    const std::uint64_t at = piece.begin + u;
    if (at > piece.begin && at < piece.end && (piece.units.empty() || at > piece.units.back())) {
      piece.units.push_back(at);
    }
  }
  if (piece.end == piece.begin) return true;
  accepted_ = piece.end;
  return Enqueue(std::move(piece), error);
}

void OutputTarget::WriteConsole(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kOpen || error_ != 0) {  // closing or failed: straight out, as before
    if (state_ != State::kClosed || !owned_) WriteFd(fd_, text);
    return;
  }
  if (queue_.empty() && current_ == Current::kIdle) {
    int err = 0;
    text.remove_prefix(WriteReady(fd_, text, piece_, 0, &err));
    if (err != 0) return;
  }
  if (text.empty()) return;
  Piece piece;
  piece.kind = PieceKind::kConsole;
  piece.text = std::string(text);
  piece.begin = piece.end = piece.stop_at = accepted_;
  std::string ignored;
  Enqueue(std::move(piece), &ignored);
}

bool OutputTarget::Enqueue(Piece piece, std::string* error) {
  queued_text_ += piece.text.size();
  queue_.push_back(std::move(piece));
  if (!writer_.joinable()) {
    try {
      writer_ = std::thread(&OutputTarget::WriterLoop, this);
    } catch (const std::system_error& e) {
      queue_.clear();
      queued_text_ = 0;
      *error = "Error: writing results to " + name_ + " failed: no writer thread: " + e.what();
      error_ = EAGAIN;
      return false;
    }
  }
  wake_.notify_one();
  return true;
}

bool OutputTarget::Shares(int fd) const {
  if (fd == fd_) return true;
  struct stat a, b;
  if (fd < 0 || ::fstat(fd, &a) != 0 || ::fstat(fd_, &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
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

std::uint64_t OutputTarget::queued_text() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_text_;
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

std::uint64_t OutputTarget::Drop(std::uint64_t from, std::uint64_t until) {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t first = until;
  for (Piece& piece : queue_) {
    if (piece.kind == PieceKind::kConsole || piece.begin < from || piece.end > until) continue;
    // A begun piece continues a unit the output has part of: that unit is written to its end.
    const std::uint64_t stop = piece.kind == PieceKind::kBegun
                                   ? UnitEndAfter(piece.units, piece.end, piece.begin)
                                   : piece.begin;
    if (stop >= piece.stop_at) continue;
    piece.stop_at = stop;
    first = std::min(first, stop);
    if (stop > piece.begin) continue;
    queued_text_ -= piece.text.size();
    std::string().swap(piece.text);
    piece.file.reset();
  }
  if (current_ == Current::kWriting && current_begin_ >= from && current_end_ <= until) {
    // A unit the output has begun is finished, then the piece stops; one not begun is dropped.
    const std::uint64_t stop = current_unit_begun_ ? current_unit_end_ : current_unit_begin_;
    if (stop < current_stop_) {
      current_stop_ = stop;
      first = std::min(first, stop);
    }
  }
  // Dropped text at the head counts as written now, unless a piece before it is in flight.
  while (current_ == Current::kIdle && !queue_.empty() &&
         queue_.front().kind != PieceKind::kConsole &&
         queue_.front().stop_at == queue_.front().begin) {
    written_ = std::max(written_, queue_.front().end);
    queue_.pop_front();
  }
  return first;
}

void OutputTarget::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return state_ != State::kOpen || !queue_.empty(); });
    if (queue_.empty()) return;
    Piece piece = std::move(queue_.front());
    queue_.pop_front();
    queued_text_ -= piece.text.size();
    const bool console = piece.kind == PieceKind::kConsole;
    if (error_ == 0 && state_ != State::kGivenUp && (console || piece.stop_at > piece.begin)) {
      current_ = Current::kWriting;
      current_begin_ = current_unit_begin_ = piece.begin;
      // A begun piece's first unit is finished whatever Drop says (the output has its start).
      current_unit_begun_ = piece.kind == PieceKind::kBegun;
      current_unit_end_ =
          current_unit_begun_ ? UnitEndAfter(piece.units, piece.end, piece.begin) : piece.begin;
      current_end_ = piece.end;
      current_stop_ = piece.stop_at;
      lock.unlock();
      int err = 0;
      const bool ok = WritePiece(piece, &err);
      lock.lock();
      current_ = Current::kIdle;
      if (!ok) error_ = err;
    }
    written_ = std::max(written_, piece.end);
  }
}

bool OutputTarget::WritePiece(Piece& piece, int* err) {
  if (piece.kind == PieceKind::kConsole) return WriteUnit(piece, piece.begin, piece.text, err);
  std::string buffer;
  std::uint64_t at = piece.begin;
  for (;;) {
    std::uint64_t unit_end = 0;
    bool begun = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (at >= current_stop_ || state_ == State::kGivenUp) return true;  // the rest dropped
      unit_end = std::min(UnitEndAfter(piece.units, piece.end, at), current_stop_);
      begun = piece.kind == PieceKind::kBegun && at == piece.begin;
      current_unit_begin_ = at;
      current_unit_end_ = unit_end;
      current_unit_begun_ = begun;
    }
    if (!begun) {
      const UnitStart start = AwaitUnitStart(err);
      if (start == UnitStart::kFailed) return false;
      if (start != UnitStart::kBegun) return true;  // dropped, or given up
    }
    while (at < unit_end) {
      std::string_view block;
      if (!PieceBlock(piece, at, unit_end, &buffer, &block, err)) return false;
      if (!WriteUnit(piece, at, block, err)) return *err == 0;
      at += block.size();
    }
  }
}

// Waits until the output takes bytes, then marks the unit begun (from then on Drop lets it
// finish); a unit dropped before that is not begun at all.
OutputTarget::UnitStart OutputTarget::AwaitUnitStart(int* err) {
  const auto since = std::chrono::steady_clock::now();
  for (;;) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      *err = errno;
      return UnitStart::kFailed;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (current_stop_ <= current_unit_begin_) return UnitStart::kDropped;
    if (ready > 0) {
      current_unit_begun_ = true;
      return UnitStart::kBegun;
    }
    const bool stalled = std::chrono::steady_clock::now() - since > kCloseStall;
    if (state_ == State::kClosing && stalled) MoveTo(State::kGivenUp);
    if (state_ == State::kGivenUp) return UnitStart::kGivenUp;
  }
}

bool OutputTarget::PieceBlock(Piece& piece, std::uint64_t at, std::uint64_t until,
                              std::string* buffer, std::string_view* out, int* err) {
  const std::uint64_t file_end = piece.begin + piece.file_bytes;
  if (at >= file_end) {
    const std::size_t offset = static_cast<std::size_t>(at - file_end);
    *out = std::string_view(piece.text).substr(offset, static_cast<std::size_t>(until - at));
    return true;
  }
  const std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>(std::min(until, file_end) - at, kFileStep));
  buffer->resize(n);
  if (std::fread(buffer->data(), 1, n, piece.file.get()) != n) {
    *err = std::ferror(piece.file.get()) != 0 && errno != 0 ? errno : EIO;
    return false;
  }
  *out = *buffer;
  return true;
}

bool OutputTarget::WriteUnit(const Piece& piece, std::uint64_t at, std::string_view data,
                             int* err) {
  const bool console = piece.kind == PieceKind::kConsole;
  auto progress = std::chrono::steady_clock::now();
  while (!data.empty()) {
    const std::size_t n = WriteReady(fd_, data, piece_, kPollMs, err);
    std::lock_guard<std::mutex> lock(mu_);
    if (!console) Delivered(at, n);
    if (*err != 0) return false;
    if (n > 0) {
      data.remove_prefix(n);
      at += n;
      progress = std::chrono::steady_clock::now();
      continue;
    }
    const bool stalled = std::chrono::steady_clock::now() - progress > kCloseStall;
    if (state_ == State::kClosing && stalled) MoveTo(State::kGivenUp);  // once, not per piece
    if (state_ == State::kGivenUp) return false;
  }
  return true;
}

void WriteFd(int fd, std::string_view text) {
  int err = 0;
  std::uint64_t written = 0;
  WriteAll(fd, text, &err, &written);
}

}  // namespace plume::frontend
