// Keeps result files out of the data set: --output, --report, \output and COPY ... TO refuse a
// path inside the data directory (the manifest and partitions must never be overwritten).
// Symbolic links and ../ are resolved first. Main thread; never throws.
#pragma once

#include <string>

namespace plume::frontend {

// Empty when `path` may be written; otherwise "Error: ... is inside the data set DIR ...".
// "-" (standard output) and an empty data_dir are always fine.
std::string RefuseInsideDataSet(const std::string& path, const std::string& data_dir);

}  // namespace plume::frontend
