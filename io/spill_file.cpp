#include "io/spill_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/spill_dir.h"

namespace plume::io {
namespace {

constexpr std::size_t kPrefixBytes = 8;

void PutLength(std::uint64_t n, char* out) {
  for (std::size_t i = 0; i < kPrefixBytes; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

std::uint64_t GetLength(const unsigned char* in) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kPrefixBytes; ++i) n |= std::uint64_t{in[i]} << (8 * i);
  return n;
}

}  // namespace

SpillFile SpillFile::Create(const std::string& dir, const std::string& what) {
  SpillFile spill;
  spill.what_ = what;
  std::string pattern = SpillDir(dir) + "/" + SpillFilePrefix() + "XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    const int error = errno;
    spill.path_ = pattern;
    spill.Fail("cannot be created", error);
  }
  spill.path_ = name.data();
  spill.file_.reset(::fdopen(fd, "w+b"));
  if (!spill.file_) {
    const int error = errno;
    ::close(fd);
    ::unlink(spill.path_.c_str());
    spill.Fail("cannot be opened", error);
  }
  return spill;
}

SpillFile::~SpillFile() { Remove(); }

SpillFile::SpillFile(SpillFile&& other) noexcept
    : file_(std::move(other.file_)),
      path_(std::move(other.path_)),
      what_(std::move(other.what_)),
      bytes_(other.bytes_),
      records_(other.records_) {
  other.path_.clear();
}

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
  if (this != &other) {
    Remove();
    file_ = std::move(other.file_);
    path_ = std::move(other.path_);
    what_ = std::move(other.what_);
    bytes_ = other.bytes_;
    records_ = other.records_;
    other.path_.clear();
  }
  return *this;
}

void SpillFile::Remove() noexcept {
  file_.reset();
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

void SpillFile::Fail(const std::string& doing, int error) const {
  throw std::runtime_error(what_ + ": " + path_ + " " + doing + ": " + std::strerror(error));
}

void SpillFile::Append(std::string_view record) {
  if (!file_) throw std::logic_error("SpillFile::Append: no file");
  char prefix[kPrefixBytes];
  PutLength(record.size(), prefix);
  errno = 0;
  if (std::fwrite(prefix, 1, kPrefixBytes, file_.get()) != kPrefixBytes ||
      std::fwrite(record.data(), 1, record.size(), file_.get()) != record.size()) {
    Fail("cannot be written", errno != 0 ? errno : EIO);
  }
  bytes_ += kPrefixBytes + record.size();
  ++records_;
}

void SpillFile::Rewind() {
  if (!file_) throw std::logic_error("SpillFile::Rewind: no file");
  errno = 0;
  if (std::fflush(file_.get()) != 0) Fail("cannot be written", errno != 0 ? errno : EIO);
  if (std::fseek(file_.get(), 0, SEEK_SET) != 0) Fail("cannot be read", errno);
}

bool SpillFile::Next(std::string* record) {
  if (!file_) throw std::logic_error("SpillFile::Next: no file");
  unsigned char prefix[kPrefixBytes];
  errno = 0;
  const std::size_t got = std::fread(prefix, 1, kPrefixBytes, file_.get());
  if (got == 0 && std::feof(file_.get())) return false;
  if (got != kPrefixBytes) Fail("cannot be read", errno != 0 ? errno : EIO);
  const std::uint64_t n = GetLength(prefix);
  if (n > bytes_) Fail("holds a record longer than the file", EIO);
  record->resize(n);
  if (std::fread(record->data(), 1, n, file_.get()) != n) {
    Fail("cannot be read", errno != 0 ? errno : EIO);
  }
  return true;
}

}  // namespace plume::io
