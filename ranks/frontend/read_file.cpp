#include "ranks/frontend/read_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ranks/frontend/format.h"

namespace plume::frontend {

bool ReadTextFile(const std::string& path, std::size_t max_bytes, std::string* text,
                  std::string* error) {
  std::string why;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) why = std::strerror(errno);
  char buffer[1 << 16];
  while (why.empty()) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = std::strerror(errno);
    } else if (text->size() + static_cast<std::size_t>(n) > max_bytes) {
      why = "it is larger than " + CountOf(max_bytes, "byte") +
            " (--max-statement-bytes bounds scripts to 4 times its value)";
    } else {
      text->append(buffer, static_cast<std::size_t>(n));
    }
  }
  if (fd >= 0) ::close(fd);
  if (why.empty()) return true;
  *error = "Error: cannot read statements from " + path + ": " + why;
  text->clear();
  return false;
}

}  // namespace plume::frontend
