#include "ranks/frontend/data_guard.h"

#include <climits>
#include <cstdlib>

namespace plume::frontend {
namespace {

// The absolute, link-free form of `path`, or of its directory plus its last name when the
// file does not exist yet; empty when neither resolves.
std::string Resolve(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return buf;
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (::realpath(dir.c_str(), buf) == nullptr) return "";
  std::string base = buf;
  return base == "/" ? "/" + name : base + "/" + name;
}

}  // namespace

std::string RefuseInsideDataSet(const std::string& path, const std::string& data_dir) {
  if (path == "-" || data_dir.empty()) return "";
  std::string data = Resolve(data_dir), target = Resolve(path);
  if (data.empty() || target.empty()) return "";  // opening it will say what is wrong
  if (target != data && target.rfind(data + "/", 0) != 0) return "";
  return "Error: refusing to write " + path + ": it is inside the data set " + data_dir +
         " (results must not overwrite the manifest or partitions; choose another path)";
}

}  // namespace plume::frontend
