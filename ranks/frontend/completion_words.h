// The words Tab completes at the prompt, which rank 0 sends the launcher once (the words frame
// of launcher_protocol.h): the table, its columns, the functions, SQL keywords and the meta
// commands. Pure data, no I/O.
#pragma once

#include <string>
#include <vector>

namespace plume::frontend {

// Every word once: "measurements", the columns in schema order, then functions (lower case),
// keywords (upper case) and meta commands ("\\output", ...).
std::vector<std::string> CompletionWords();

}  // namespace plume::frontend
