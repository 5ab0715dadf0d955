#include "ranks/frontend/copy_sink.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace plume::frontend {
namespace {

std::string AtCharacter(std::size_t position) {
  return " (at character " + std::to_string(position) + ")";
}

// A fresh file beside `path` (same directory: rename(2) stays within one file system) with
// the mode a new `path` would get; empty when none can be made there.
std::string MakeTempBeside(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = path.substr(dir.size());
  std::string temp = dir + "." + name + ".plume-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return "";
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0644 & ~mask);
  ::close(fd);
  return temp;
}

}  // namespace

CopyFile CopyFile::Open(const std::string& path, std::string* error) {
  struct stat st;
  bool direct = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  CopyFile file;
  if (!direct) file.temp_path = MakeTempBeside(path);
  if (file.temp_path.empty()) {  // a fifo, a device, or a directory we may not add files to
    file.target = OutputTarget::Open(path, error);
    return file;
  }
  file.target = OutputTarget::Open(file.temp_path, error);
  if (!file.target) {
    ::unlink(file.temp_path.c_str());
    *error = "Error: cannot open output file " + path + ": " + std::strerror(errno);
    return {};
  }
  file.target->set_name(path);
  return file;
}

RequestInfo AsTyped(const RequestInfo& info, const std::string& typed, const CopyStatement& copy) {
  RequestInfo shown = info;
  shown.sql = typed;
  if (info.error_position > 0) {
    shown.error_position = TypedPosition(copy, info.error_position);
    std::string old_at = AtCharacter(info.error_position);
    std::size_t at = shown.error.rfind(old_at);
    if (at != std::string::npos) {
      shown.error.replace(at, old_at.size(), AtCharacter(shown.error_position));
    }
  }
  return shown;
}

CopySink::CopySink(CopyRun run, std::shared_ptr<ResultSink> inner)
    : ForwardingSink(std::move(inner)), run_(std::move(run)) {}

CopySink::~CopySink() {
  if (!run_.file.temp_path.empty()) ::unlink(run_.file.temp_path.c_str());
}

RequestInfo CopySink::Typed(const RequestInfo& info) const {
  return AsTyped(info, run_.typed, run_.copy);
}

void CopySink::Begin(const RequestInfo& info) { inner().Begin(Typed(info)); }

bool CopySink::Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) {
  return inner().Chunk(chunk, Typed(info), error);
}

void CopySink::End(const RequestInfo& info) {
  RequestInfo shown = Typed(info);
  if (!run_.file.temp_path.empty()) {
    std::string failed;
    if (info.state == RequestState::kCompleted && run_.file.target->Failed(&failed)) {
      shown.state = RequestState::kFailed;
      shown.error = failed;
    } else if (info.state == RequestState::kCompleted &&
               std::rename(run_.file.temp_path.c_str(), run_.copy.path.c_str()) != 0) {
      shown.state = RequestState::kFailed;
      shown.error = "Error: cannot move the finished file " + run_.file.temp_path + " to " +
                    run_.copy.path + ": " + std::strerror(errno);
    }
    if (shown.state != RequestState::kCompleted) ::unlink(run_.file.temp_path.c_str());
    run_.file.temp_path.clear();
  }
  inner().End(shown);
}

}  // namespace plume::frontend
