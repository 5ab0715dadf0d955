#include "io/file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace plume::io {

std::string UnreadableFileReason(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return err == ENOENT ? kDoesNotExist : std::string("cannot be opened: ") + std::strerror(err);
  }
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  const int err = errno;
  ::close(fd);  // opened read-only: nothing is lost if close fails
  if (!stated) return std::string("cannot be read: ") + std::strerror(err);
  if (S_ISDIR(st.st_mode)) return "is a directory, not a regular file";
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  return "";
}

}  // namespace plume::io
