#include "io/spill_dir.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace plume::io {
namespace {

constexpr std::string_view kPrefix = "plume-spill-";
constexpr std::size_t kRandomChars = 6;  // mkstemp's XXXXXX

// This host's name as a file name may hold it, looked up once (a rank creates up to 128 spill
// files a spilled stage).
const std::string& HostName() {
  static const std::string host = [] {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0) return std::string("host");
    std::string text(name);
    for (char& c : text) {
      const bool ok =
          std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      if (!ok) c = '_';
    }
    return text.empty() ? std::string("host") : text;
  }();
  return host;
}

bool Gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

}  // namespace

std::string SpillFilePrefix() {
  return std::string(kPrefix) + HostName() + "-" + std::to_string(::getpid()) + "-";
}

long SpillFilePid(std::string_view name, std::string_view host) {
  const std::string start = std::string(kPrefix) + std::string(host) + "-";
  if (name.size() < start.size() + 2 + kRandomChars || name.substr(0, start.size()) != start) {
    return 0;
  }
  const std::string_view rest = name.substr(start.size());  // <pid>-XXXXXX
  const std::size_t dash = rest.size() - kRandomChars - 1;
  if (rest[dash] != '-' || dash == 0 || dash > 18) return 0;
  long pid = 0;
  for (char c : rest.substr(0, dash)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

std::string SpillDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/tmp");
}

std::string SpillDirProblem(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return dir + " does not exist";
    return dir + " cannot be read: " + std::strerror(errno);
  }
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  std::string probe = dir + "/" + SpillFilePrefix() + "XXXXXX";  // created and removed at once
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) return dir + " cannot be written: " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

std::size_t RemoveStaleSpillFiles(const std::string& dir) {
  const std::string& host = HostName();
  std::size_t removed = 0;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    const long pid = SpillFilePid(name, host);
    if (pid <= 0 || pid == static_cast<long>(::getpid()) || !Gone(pid)) continue;
    std::error_code gone;
    if (std::filesystem::remove(it->path(), gone)) ++removed;
  }
  return removed;
}

}  // namespace plume::io
