#include "ranks/frontend/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace plume::frontend {
namespace {

constexpr std::size_t kMaxHeldInMemory = 1 << 20;

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

}  // namespace

std::shared_ptr<OutputTarget> OutputTarget::Open(const std::string& path, std::string* error,
                                                 OutputContent content) {
  if (path == "-") return std::make_shared<OutputTarget>(1, "standard output", false, content);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = (content == OutputContent::kReport ? "Error: cannot write the report to "
                                                : "Error: cannot open output file ") +
             path + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::make_shared<OutputTarget>(fd, path, true, content);
}

OutputTarget::OutputTarget(int fd, std::string name, bool owned, OutputContent content)
    : fd_(fd), name_(std::move(name)), owned_(owned), content_(content) {}

OutputTarget::~OutputTarget() {
  if (owned_) ::close(fd_);
}

bool OutputTarget::Write(std::string_view data, std::string* error, std::uint64_t* written) {
  int err = 0;
  std::uint64_t ignored = 0;
  if (WriteAll(fd_, data, &err, written != nullptr ? written : &ignored)) return true;
  reader_gone_ = reader_gone_ || err == EPIPE;
  *error = std::string("Error: writing ") +
           (content_ == OutputContent::kReport ? "the report" : "results") + " to " + name_ +
           " failed: " + std::strerror(err);
  return false;
}

OutputSlot::OutputSlot(std::shared_ptr<OutputTarget> target, bool live)
    : target_(std::move(target)), live_(live) {}

OutputSlot::~OutputSlot() {
  if (spill_ != nullptr) std::fclose(spill_);
}

bool OutputSlot::Write(std::string_view data, std::string* error) {
  if (data.empty()) return true;
  if (live_) return target_->Write(data, error, &bytes_);
  held_.append(data);
  return held_.size() <= kMaxHeldInMemory || Spill(error);
}

bool OutputSlot::Spill(std::string* error) {
  if (spill_ == nullptr) spill_ = std::tmpfile();
  if (spill_ == nullptr || std::fwrite(held_.data(), 1, held_.size(), spill_) != held_.size()) {
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
    if (std::fflush(spill_) != 0 || std::fseek(spill_, 0, SEEK_SET) != 0) {
      *error = "Error: reading held results back failed: " + std::string(std::strerror(errno));
      return false;
    }
    std::string buffer(1 << 16, '\0');
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), spill_)) {
      if (!target_->Write(std::string_view(buffer.data(), n), error, &bytes_)) return false;
    }
    std::fclose(spill_);
    spill_ = nullptr;
  }
  std::string held = std::move(held_);
  held_.clear();
  return target_->Write(held, error, &bytes_);
}

void WriteFd(int fd, std::string_view text) {
  int err = 0;
  std::uint64_t written = 0;
  WriteAll(fd, text, &err, &written);
}

}  // namespace plume::frontend
