// Why a file cannot be read, in the words of the system (internal to io/): used before a
// manifest or a partition is parsed, so that an unreadable file is reported as such ("cannot
// be opened: Permission denied") and not as a missing or foreign one. Never throws.
#pragma once

#include <string>

namespace plume::io {

// "does not exist" (kDoesNotExist), "cannot be opened: <strerror>", "is a directory, not a
// regular file", "is not a regular file"; empty when `path` is a regular file this process can open
// for reading. Opens without blocking (a fifo does not hang) and closes again.
std::string UnreadableFileReason(const std::string& path);
inline constexpr const char* kDoesNotExist = "does not exist";

}  // namespace plume::io
