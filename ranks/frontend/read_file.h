// Reading a script (-f FILE, \i FILE) into memory with a bound, so that a file that never ends
// (/dev/zero, a fifo) cannot grow rank 0 without limit. Main thread; never throws.
#pragma once

#include <cstddef>
#include <string>

namespace plume::frontend {

// Reads `path` into *text. False with *error ("cannot read statements from PATH: reason", the
// system's reason, or "it is larger than N bytes") when it cannot be read whole.
bool ReadTextFile(const std::string& path, std::size_t max_bytes, std::string* text,
                  std::string* error);

}  // namespace plume::frontend
